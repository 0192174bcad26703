"""Managing customers from the office: create for an owner, edit, reassign, contacts, and the customers' side of a merge."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from podium.core.env import Env
from podium.core.errors import DomainError, ErrorCode, Problems
from podium.core.events import Tx, transaction
from podium.core.policies import Viewer
from podium.customers import policies
from podium.customers.coords import CoordSystem, to_wgs84
from podium.customers.events import (
    ContactAdded,
    ContactChanged,
    ContactRemoved,
    CustomerAdded,
    CustomerChanged,
    CustomersMerged,
    CustomersReassigned,
)
from podium.customers.models import Customer, CustomerContact
from podium.customers.names import KEY_MAX, name_key
from podium.customers.service import ADDRESS_MAX, MAX_GEOFENCE_M, MIN_GEOFENCE_M, NAME_MAX, TIERS, check_coordinates
from podium.orgs import service as orgs

CITY_MAX, INDUSTRY_MAX = 80, 80
# A bulk reassignment or a merge names at most this many customers: a page of the list, selected.
MAX_BULK = 500
MAX_MERGED = 20
MAX_CONTACTS = 50
CONTACT_LIMITS = {"name": 100, "title": 100, "phone": 40, "wecomId": 64, "dingtalkId": 64, "email": 254}
_PHONE = re.compile(r"^[0-9+()\- ]*$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# "广东省深圳市南山区…" → 深圳, "上海市浦东新区…" → 上海: the part before the first 市, after a province.
_CITY = re.compile(r"^(?:.{1,8}?(?:省|自治区))?(.{1,10}?)市")


def derive_city(address: str) -> str:
    """The city a Chinese address names, or '' (then the city is typed)."""
    found = _CITY.match(address.strip())
    return found.group(1) if found else ""


@dataclass(frozen=True)
class Position:
    latitude: float
    longitude: float
    system: str = CoordSystem.WGS84.value


@dataclass(frozen=True)
class CustomerFields:
    """A create's whole input, or an edit's changes (None: unchanged)."""

    name: str | None = None
    address: str | None = None
    city: str | None = None
    industry: str | None = None
    tier: str | None = None
    geofence_radius_m: int | None = None
    owner_id: int | None = None
    position: Position | None = None


def _check(problems: Problems, data: CustomerFields) -> tuple[str | None, str | None, tuple[float, float] | None]:
    """Every problem of the fields given; the cleaned name, its key and the WGS-84 position."""
    name = key = None
    if data.name is not None:
        name = " ".join(data.name.split())
        key = name_key(name)
        if not key:
            problems.add(ErrorCode.REQUIRED, "name")
        elif len(name) > NAME_MAX or len(key) > KEY_MAX:
            problems.add(ErrorCode.TOO_LONG, "name", max=NAME_MAX)
    for field_name, value, maximum in (("address", data.address, ADDRESS_MAX), ("city", data.city, CITY_MAX), ("industry", data.industry, INDUSTRY_MAX)):
        if value is not None and len(value.strip()) > maximum:
            problems.add(ErrorCode.TOO_LONG, field_name, max=maximum)
    if data.tier is not None and data.tier not in TIERS:
        problems.add(ErrorCode.INVALID, "tier")
    if data.geofence_radius_m is not None and not MIN_GEOFENCE_M <= data.geofence_radius_m <= MAX_GEOFENCE_M:
        problems.add(ErrorCode.OUT_OF_RANGE, "geofenceRadiusMeters", min=MIN_GEOFENCE_M, max=MAX_GEOFENCE_M)
    wgs = None
    if data.position is not None:
        p = data.position
        if p.system not in CoordSystem.__members__:
            problems.add(ErrorCode.INVALID, "position.system")
        if not (math.isfinite(p.latitude) and math.isfinite(p.longitude)):
            problems.add(ErrorCode.INVALID, "position.latitude")
        else:
            check_coordinates(problems, p.latitude, p.longitude, prefix="position.")
        if not problems.items:
            wgs = to_wgs84(CoordSystem(p.system), p.latitude, p.longitude)
    return name, key, wgs


async def _owner(session: AsyncSession, viewer: Viewer, owner_id: int) -> int:
    """An active person of the org within the viewer's reach; else NOT_FOUND, as for someone who isn't there."""
    owner = await orgs.user_in_org(session, viewer.org_id, owner_id)
    where = await policies.reach(session, viewer)
    if owner is None or not owner.is_active or not where.sees_user(owner.id):
        raise DomainError.one(ErrorCode.NOT_FOUND, "ownerId")
    return owner.id


async def _named(session: AsyncSession, org_id: int, key: str, other_than: int | None = None) -> bool:
    query = select(Customer.id).where(Customer.org_id == org_id, Customer.name_key == key)
    if other_than is not None:
        query = query.where(Customer.id != other_than)
    return await session.scalar(query) is not None


def at_risk_from(env: Env, customer: Customer) -> datetime | None:
    """The at-risk rule: untouched (no counted visit, no order) for PODIUM_VISIT_AT_RISK_DAYS since the last touch or
    its creation, or an order overdue by half again its usual buying interval (the median gap between its orders),
    whichever comes first. None: nothing to measure from (an imported customer never touched): at risk."""
    touches = [t for t in (customer.last_visit_at, customer.last_order_at, customer.created_at) if t is not None]
    if not touches:
        return None
    moment = max(touches) + timedelta(days=env.settings.visits.at_risk_days)
    if customer.last_order_at is not None and customer.order_interval_days:
        moment = min(moment, customer.last_order_at + timedelta(days=math.ceil(customer.order_interval_days * 1.5)))
    return moment


async def create_customer(env: Env, viewer: Viewer, data: CustomerFields) -> Customer:
    """A customer for an owner in the viewer's reach (a rep: themselves), placed where the form says, if it says."""
    problems = Problems()
    if not (data.name or "").strip():
        problems.add(ErrorCode.REQUIRED, "name")
    name, key, wgs = _check(problems, data)
    problems.raise_if_any()
    assert name is not None and key is not None
    address = (data.address or "").strip()
    try:
        async with transaction(env.db) as tx:
            owner_id = await _owner(tx.session, viewer, data.owner_id or viewer.user_id)
            if await _named(tx.session, viewer.org_id, key):
                raise DomainError.one(ErrorCode.DUPLICATE, "name")
            now = env.clock()
            customer = Customer(
                org_id=viewer.org_id, name=name, name_key=key, address=address,
                city=(data.city or "").strip() or derive_city(address), industry=(data.industry or "").strip(),
                latitude=wgs[0] if wgs else None, longitude=wgs[1] if wgs else None, geofence_radius_m=data.geofence_radius_m or 300, tier=data.tier or "C",
                owner_id=owner_id, potential=Decimal(0), created_at=now, created_by=viewer.user_id, updated_at=now,
                open_pipeline=Decimal(0), lifetime_revenue=Decimal(0),
            )
            customer.at_risk_from = at_risk_from(env, customer)
            tx.session.add(customer)
            await tx.session.flush()
            tx.record(CustomerAdded(org_id=viewer.org_id, user=viewer.user_id, team=viewer.team_id, customer=customer.id))
    except IntegrityError:
        # Someone else's create or rename to the same name committed first; only the unique key saw it.
        async with env.db() as session:
            if await _named(session, viewer.org_id, key):
                raise DomainError.one(ErrorCode.DUPLICATE, "name") from None
        raise
    return customer


async def editable(session: AsyncSession, viewer: Viewer, customer_id: int, *, lock: bool = False) -> Customer:
    """A live (not merged) customer the viewer may change; NOT_FOUND for anything else, so nothing leaks."""
    query = select(Customer).where(Customer.id == customer_id, Customer.org_id == viewer.org_id)
    customer = await session.scalar(query.with_for_update() if lock else query)
    if customer is None or customer.merged_into_id is not None or not policies.sees(viewer, await policies.reach(session, viewer), customer):
        raise DomainError.one(ErrorCode.NOT_FOUND, "customerId")
    return customer


_SHOWN = {"name": "name", "address": "address", "city": "city", "industry": "industry", "tier": "tier",
          "geofence_radius_m": "geofenceRadiusMeters", "owner_id": "ownerId", "latitude": "latitude", "longitude": "longitude"}


async def edit_customer(env: Env, viewer: Viewer, customer_id: int, data: CustomerFields) -> Customer:
    """Change what is given; the name stays unique in the org. Records the fields' before and after."""
    problems = Problems()
    name, key, wgs = _check(problems, data)
    problems.raise_if_any()
    try:
        async with transaction(env.db) as tx:
            customer = await editable(tx.session, viewer, customer_id, lock=True)
            before = {k: str(getattr(customer, k)) for k in _SHOWN}
            if data.owner_id is not None and data.owner_id != customer.owner_id:
                customer.owner_id = await _owner(tx.session, viewer, data.owner_id)
            if name is not None and key is not None and name != customer.name:
                if await _named(tx.session, viewer.org_id, key, other_than=customer.id):
                    raise DomainError.one(ErrorCode.DUPLICATE, "name")
                customer.name, customer.name_key = name, key
            for attr in ("address", "city", "industry"):
                value = getattr(data, attr)
                if value is not None:
                    setattr(customer, attr, value.strip())
            if data.tier is not None:
                customer.tier = data.tier
            if data.geofence_radius_m is not None:
                customer.geofence_radius_m = data.geofence_radius_m
            if wgs is not None:
                customer.latitude, customer.longitude = wgs
            _record_change(tx, env, viewer.org_id, viewer.user_id, customer, before)
    except IntegrityError:
        async with env.db() as session:
            if key is not None and await _named(session, viewer.org_id, key, other_than=customer_id):
                raise DomainError.one(ErrorCode.DUPLICATE, "name") from None
        raise
    return customer


def _record_change(tx: Tx, env: Env, org_id: int, user_id: int, customer: Customer, before: dict[str, str]) -> None:
    """CustomerChanged with the fields that differ from `before` (nothing when none does)."""
    after = {k: str(getattr(customer, k)) for k in _SHOWN}
    changed = [k for k in _SHOWN if before[k] != after[k]]
    if changed:
        customer.updated_at = env.clock()
        tx.record(CustomerChanged(
            org_id=org_id, user=user_id, customer=customer.id,
            before={_SHOWN[k]: before[k] for k in changed}, after={_SHOWN[k]: after[k] for k in changed},
        ))


async def place_if_unplaced(tx: Tx, env: Env, org_id: int, user_id: int, customer_id: int, latitude: float, longitude: float) -> bool:
    """Inside a check-in's transaction: a customer without a position takes the check-in's (a trusted fix).
    A conditional update, so of two first check-ins at once only one places it. True when this one did."""
    customer = await tx.session.scalar(select(Customer).where(Customer.id == customer_id, Customer.org_id == org_id).with_for_update().execution_options(populate_existing=True))
    if customer is None or customer.latitude is not None:
        return False
    before = {k: str(getattr(customer, k)) for k in _SHOWN}
    customer.latitude, customer.longitude = latitude, longitude
    _record_change(tx, env, org_id, user_id, customer, before)
    return True


def _check_ids(ids: list[int], field_name: str, maximum: int) -> list[int]:
    unique = list(dict.fromkeys(ids))
    if not unique:
        raise DomainError.one(ErrorCode.REQUIRED, field_name)
    if len(unique) > maximum:
        raise DomainError.one(ErrorCode.TOO_MANY, field_name, max=maximum)
    return unique


async def _all_editable(session: AsyncSession, viewer: Viewer, ids: list[int], field_name: str) -> list[Customer]:
    rows = list(await session.scalars(
        select(Customer).where(Customer.org_id == viewer.org_id, Customer.id.in_(ids)).order_by(Customer.id).with_for_update()
    ))
    where = await policies.reach(session, viewer)
    if len(rows) != len(ids) or any(c.merged_into_id is not None or not policies.sees(viewer, where, c) for c in rows):
        raise DomainError.one(ErrorCode.NOT_FOUND, field_name)
    return rows


async def reassign(env: Env, viewer: Viewer, customer_ids: list[int], owner_id: int) -> list[Customer]:
    """Give these customers (all in reach) to another owner in reach, all or none."""
    policies.require_manager(viewer, "customerIds")
    ids = _check_ids(customer_ids, "customerIds", MAX_BULK)
    async with transaction(env.db) as tx:
        new_owner = await _owner(tx.session, viewer, owner_id)
        rows = await _all_editable(tx.session, viewer, ids, "customerIds")
        moved = [c for c in rows if c.owner_id != new_owner]
        if moved:
            previous = {str(c.id): c.owner_id for c in moved}
            now = env.clock()
            for c in moved:
                c.owner_id, c.updated_at = new_owner, now
            tx.record(CustomersReassigned(
                org_id=viewer.org_id, user=viewer.user_id, owner=new_owner, customers=tuple(c.id for c in moved), previous=previous,
            ))
    return rows


# ---------------------------------------------------------------- merging: the customers' own rows


@dataclass(frozen=True)
class Folded:
    survivor: Customer
    merged: list[int] = field(default_factory=list)  # newly merged now; empty on a retry


async def fold(tx: Tx, env: Env, viewer: Viewer, survivor_id: int, merged_ids: list[int]) -> Folded:
    """Within the merge's transaction: the duplicates become tombstones pointing at the survivor, their contacts
    move, and CustomersMerged is recorded. The other capabilities' rows are moved by the caller (accounts.merge).
    A retry (every duplicate already merged into this survivor) changes nothing."""
    policies.require_manager(viewer, "survivorId")
    ids = _check_ids([i for i in merged_ids], "mergedIds", MAX_MERGED)
    if survivor_id in ids:
        raise DomainError.one(ErrorCode.INVALID, "mergedIds")
    session = tx.session
    where = await policies.reach(session, viewer)
    rows = {c.id: c for c in await session.scalars(
        select(Customer).where(Customer.org_id == viewer.org_id, Customer.id.in_([survivor_id, *ids])).order_by(Customer.id).with_for_update()
    )}
    survivor = rows.get(survivor_id)
    if survivor is None or survivor.merged_into_id is not None or not policies.sees(viewer, where, survivor):
        raise DomainError.one(ErrorCode.NOT_FOUND, "survivorId")
    fresh: list[Customer] = []
    for i in ids:
        row = rows.get(i)
        if row is not None and row.merged_into_id == survivor_id:
            continue  # merged by an earlier delivery of this same merge
        if row is None or row.merged_into_id is not None or not policies.sees(viewer, where, row):
            raise DomainError.one(ErrorCode.NOT_FOUND, "mergedIds")
        fresh.append(row)
    if not fresh:
        return Folded(survivor, [])
    gone = [c.id for c in fresh]
    now = env.clock()
    await session.execute(update(CustomerContact).where(CustomerContact.customer_id.in_(gone)).values(customer_id=survivor.id))
    # Tombstones merged into these earlier now point straight at the survivor: one hop for every old link.
    await session.execute(update(Customer).where(Customer.merged_into_id.in_(gone)).values(merged_into_id=survivor.id))
    for c in fresh:
        c.merged_into_id, c.updated_at = survivor.id, now
        # The name is free again; '＃' never survives name_key(), so no typed name can take this key.
        suffix = f"＃{c.id}"
        c.name_key = c.name_key[: KEY_MAX - len(suffix)] + suffix
        survivor.potential = (survivor.potential or Decimal(0)) + (c.potential or Decimal(0))
    survivor.updated_at = now
    await session.flush()
    tx.record(CustomersMerged(org_id=viewer.org_id, user=viewer.user_id, survivor=survivor.id, merged=tuple(gone)))
    return Folded(survivor, gone)


async def resolve(session: AsyncSession, org_id: int, customer_id: int) -> Customer | None:
    """The customer an id names now: itself, or the survivor it was merged into."""
    customer = await session.get(Customer, customer_id)
    for _ in range(8):
        if customer is None or customer.org_id != org_id or customer.merged_into_id is None:
            break
        customer = await session.get(Customer, customer.merged_into_id)
    if customer is None or customer.org_id != org_id or customer.merged_into_id is not None:
        return None
    return customer


@dataclass(frozen=True)
class Figures:
    last_visit_at: datetime | None
    last_order_at: datetime | None
    order_interval_days: int | None
    open_pipeline: Decimal
    lifetime_revenue: Decimal


async def set_figures(session: AsyncSession, env: Env, figures: dict[int, Figures]) -> None:
    """Store the figures accounts computed from visits and the pipeline (absolute values: running it twice is harmless)."""
    if not figures:
        return
    for customer in await session.scalars(select(Customer).where(Customer.id.in_(list(figures)))):
        f = figures[customer.id]
        customer.last_visit_at, customer.last_order_at = f.last_visit_at, f.last_order_at
        customer.order_interval_days = f.order_interval_days
        customer.open_pipeline, customer.lifetime_revenue = f.open_pipeline, f.lifetime_revenue
        customer.at_risk_from = at_risk_from(env, customer)


_FIGURES = (Customer.id, Customer.last_visit_at, Customer.last_order_at, Customer.order_interval_days, Customer.open_pipeline,
            Customer.lifetime_revenue, Customer.at_risk_from, Customer.created_at)


async def store_figures(session: AsyncSession, env: Env, figures: dict[int, Figures]) -> int:
    """set_figures for a whole org's worth: the customers read and written as plain rows, only those whose figures
    moved, in one executemany. Customers already loaded in the session are not refreshed: for `podium rebuild`'s
    own sessions. How many were written."""
    if not figures:
        return 0
    changed: list[dict[str, object]] = []
    for row in await session.execute(select(*_FIGURES).where(Customer.id.in_(list(figures)))):
        f = figures[row.id]
        risk = at_risk_from(env, _Touches(f.last_visit_at, f.last_order_at, row.created_at, f.order_interval_days))  # type: ignore[arg-type]
        new = (f.last_visit_at, f.last_order_at, f.order_interval_days, f.open_pipeline, f.lifetime_revenue, risk)
        if new != (row.last_visit_at, row.last_order_at, row.order_interval_days, row.open_pipeline, row.lifetime_revenue, row.at_risk_from):
            changed.append({"customer_id": row.id, "last_visit_at": new[0], "last_order_at": new[1], "order_interval_days": new[2],
                            "open_pipeline": new[3], "lifetime_revenue": new[4], "at_risk_from": risk})
    if changed:
        table = Customer.__table__
        await session.execute(table.update().where(table.c.id == bindparam("customer_id")), changed)  # type: ignore[attr-defined]
    return len(changed)


@dataclass(frozen=True)
class _Touches:
    """What at_risk_from reads of a customer."""

    last_visit_at: datetime | None
    last_order_at: datetime | None
    created_at: datetime | None
    order_interval_days: int | None


async def ids_of_org(session: AsyncSession, org_id: int) -> list[int]:
    return list(await session.scalars(select(Customer.id).where(Customer.org_id == org_id).order_by(Customer.id)))


# ---------------------------------------------------------------- contacts


@dataclass(frozen=True)
class ContactFields:
    name: str | None = None
    title: str | None = None
    phone: str | None = None
    wecom_id: str | None = None
    dingtalk_id: str | None = None
    email: str | None = None


_CONTACT_ATTRS = {"name": "name", "title": "title", "phone": "phone", "wecom_id": "wecomId", "dingtalk_id": "dingtalkId", "email": "email"}


def _check_contact(data: ContactFields, *, creating: bool) -> dict[str, str]:
    problems = Problems()
    values = {attr: " ".join(v.split()) for attr in _CONTACT_ATTRS if (v := getattr(data, attr)) is not None}
    if (creating or "name" in values) and not values.get("name"):
        problems.add(ErrorCode.REQUIRED, "name")
    for attr, value in values.items():
        if len(value) > CONTACT_LIMITS[_CONTACT_ATTRS[attr]]:
            problems.add(ErrorCode.TOO_LONG, _CONTACT_ATTRS[attr], max=CONTACT_LIMITS[_CONTACT_ATTRS[attr]])
    if values.get("phone") and not _PHONE.match(values["phone"]):
        problems.add(ErrorCode.INVALID, "phone")
    if values.get("email") and not _EMAIL.match(values["email"]):
        problems.add(ErrorCode.INVALID, "email")
    problems.raise_if_any()
    return values


async def add_contact(env: Env, viewer: Viewer, customer_id: int, data: ContactFields) -> CustomerContact:
    values = _check_contact(data, creating=True)
    async with transaction(env.db) as tx:
        customer = await editable(tx.session, viewer, customer_id, lock=True)
        count = await tx.session.scalar(select(func.count()).where(CustomerContact.customer_id == customer.id))
        if (count or 0) >= MAX_CONTACTS:
            raise DomainError.one(ErrorCode.TOO_MANY, "customerId", max=MAX_CONTACTS)
        contact = CustomerContact(org_id=viewer.org_id, customer_id=customer.id, created_at=env.clock(), **values)
        tx.session.add(contact)
        await tx.session.flush()
        tx.record(ContactAdded(org_id=viewer.org_id, user=viewer.user_id, customer=customer.id, contact=contact.id))
    return contact


async def _contact(session: AsyncSession, viewer: Viewer, contact_id: int) -> CustomerContact:
    contact = await session.get(CustomerContact, contact_id)
    if contact is None or contact.org_id != viewer.org_id:
        raise DomainError.one(ErrorCode.NOT_FOUND, "contactId")
    try:
        await editable(session, viewer, contact.customer_id, lock=True)
    except DomainError:
        raise DomainError.one(ErrorCode.NOT_FOUND, "contactId") from None
    return contact


async def edit_contact(env: Env, viewer: Viewer, contact_id: int, data: ContactFields) -> CustomerContact:
    values = _check_contact(data, creating=False)
    async with transaction(env.db) as tx:
        contact = await _contact(tx.session, viewer, contact_id)
        before = {_CONTACT_ATTRS[a]: getattr(contact, a) for a in values if getattr(contact, a) != values[a]}
        after = {_CONTACT_ATTRS[a]: values[a] for a in values if getattr(contact, a) != values[a]}
        for attr, value in values.items():
            setattr(contact, attr, value)
        if after:
            tx.record(ContactChanged(org_id=viewer.org_id, user=viewer.user_id, customer=contact.customer_id, contact=contact.id, before=before, after=after))
    return contact


async def remove_contact(env: Env, viewer: Viewer, contact_id: int) -> int:
    """Remove a contact; returns its customer's id."""
    async with transaction(env.db) as tx:
        contact = await _contact(tx.session, viewer, contact_id)
        customer_id = contact.customer_id
        await tx.session.delete(contact)
        tx.record(ContactRemoved(org_id=viewer.org_id, user=viewer.user_id, customer=customer_id, contact=contact_id, contact_name=contact.name))
    return customer_id


async def contacts_of(session: AsyncSession, customer_id: int) -> list[CustomerContact]:
    return list(await session.scalars(select(CustomerContact).where(CustomerContact.customer_id == customer_id).order_by(CustomerContact.id)))
