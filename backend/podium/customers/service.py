"""Finding customers: nearest first for a rep standing somewhere."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from podium.core.checks import check_client_id
from podium.core.env import Env
from podium.core.errors import DomainError, ErrorCode, Problems
from podium.core.events import catch_up, transaction
from podium.core.policies import Viewer
from podium.db.like import LIKE_ESCAPE, contains
from podium.customers.events import CustomerAdded
from podium.customers.geo import distance_m
from podium.customers.models import Customer
from podium.customers.names import KEY_MAX, name_key
from podium.orgs import service as orgs
from podium.orgs.events import PersonDeactivated
from podium.points import service as points

MAX_PAGE = 100


@dataclass(frozen=True)
class CustomerView:
    customer: Customer
    distance_m: float | None


def check_coordinates(problems: Problems, latitude: float, longitude: float, prefix: str = "") -> None:
    if not -90 <= latitude <= 90:
        problems.add(ErrorCode.OUT_OF_RANGE, f"{prefix}latitude", min=-90, max=90)
    if not -180 <= longitude <= 180:
        problems.add(ErrorCode.OUT_OF_RANGE, f"{prefix}longitude", min=-180, max=180)


async def find_customers(
    env: Env,
    viewer: Viewer,
    *,
    near: tuple[float, float] | None = None,
    search: str | None = None,
    first: int = 20,
) -> list[CustomerView]:
    problems = Problems()
    if not 1 <= first <= MAX_PAGE:
        problems.add(ErrorCode.OUT_OF_RANGE, "first", min=1, max=MAX_PAGE)
    if near is not None:
        check_coordinates(problems, *near, prefix="near.")
    if search is not None and len(search) > 200:
        problems.add(ErrorCode.TOO_LONG, "search", max=200)
    problems.raise_if_any()
    query = select(Customer).where(Customer.org_id == viewer.org_id, Customer.merged_into_id.is_(None))
    if search and search.strip():
        pattern = contains(search.strip().lower())
        query = query.where(
            func.lower(Customer.name).like(pattern, escape=LIKE_ESCAPE) | func.lower(Customer.address).like(pattern, escape=LIKE_ESCAPE)
        )
    async with env.db() as session:
        if near is None:
            rows = (await session.scalars(query.order_by(Customer.name).limit(first))).all()
            return [CustomerView(c, None) for c in rows]
        # Distances are computed here rather than in SQL so SQLite and PostgreSQL agree to the metre;
        # an org's customers fit in memory many times over.
        rows = (await session.scalars(query)).all()
    ranked = sorted((CustomerView(c, distance_m(near[0], near[1], c.latitude, c.longitude)) for c in rows), key=_by_distance)
    return ranked[:first]


def _by_distance(view: CustomerView) -> float:
    return view.distance_m or 0.0


async def customer_in_org(session: AsyncSession, viewer: Viewer, customer_id: int) -> Customer:
    """The customer, or NOT_FOUND when it does not exist or belongs to another org (indistinguishable)."""
    customer = await session.get(Customer, customer_id)
    if customer is None or customer.org_id != viewer.org_id:
        raise DomainError.one(ErrorCode.NOT_FOUND, "customerId")
    return customer


async def by_ids(session: AsyncSession, org_id: int, ids: set[int]) -> dict[int, Customer]:
    """These customers of the org, keyed by id, in one read (for records that name them)."""
    if not ids:
        return {}
    return {c.id: c for c in await session.scalars(select(Customer).where(Customer.org_id == org_id, Customer.id.in_(ids)))}


async def owned_by(session: AsyncSession, org_id: int, user_id: int) -> list[Customer]:
    """A person's own customers, in the order they were added."""
    query = select(Customer).where(Customer.org_id == org_id, Customer.owner_id == user_id, Customer.merged_into_id.is_(None)).order_by(Customer.id)
    return list(await session.scalars(query))


async def name_of(session: AsyncSession, customer_id: int) -> str | None:
    return await session.scalar(select(Customer.name).where(Customer.id == customer_id))


def ids_named_like(org_id: int, text: str) -> Select[tuple[int]]:
    """A subquery of the org's customers whose name contains the text (case folded): lists search by customer name with it."""
    key = name_key(text)
    return select(Customer.id).where(Customer.org_id == org_id, Customer.name_key.like(contains(key), escape=LIKE_ESCAPE))


async def names_of(session: AsyncSession, org_id: int, ids: set[int]) -> dict[int, str]:
    """The names of these customers of the org, in one read of two columns."""
    if not ids:
        return {}
    query = select(Customer.id, Customer.name).where(Customer.org_id == org_id, Customer.id.in_(ids))
    return {int(i): str(n) for i, n in await session.execute(query)}


async def count_in_org(session: AsyncSession, org_id: int) -> int:
    return int(await session.scalar(select(func.count()).select_from(Customer).where(Customer.org_id == org_id)) or 0)


async def new_counts(session: AsyncSession, org_id: int, start: datetime, end: datetime) -> list[tuple[int, int]]:
    """(owner, customers created) in [start, end): what new-customer targets measure."""
    query = (
        select(Customer.owner_id, func.count())
        .where(Customer.org_id == org_id, Customer.owner_id.is_not(None), Customer.created_at >= start, Customer.created_at < end)
        .group_by(Customer.owner_id)
    )
    return [(int(uid), int(n)) for uid, n in await session.execute(query)]


async def potential_by_owner(session: AsyncSession, org_id: int) -> dict[int, Decimal]:
    """Summed market potential of each owner's customers: a weight for splitting targets."""
    query = select(Customer.owner_id, func.sum(Customer.potential)).where(Customer.org_id == org_id, Customer.owner_id.is_not(None)).group_by(Customer.owner_id)
    return {int(uid): Decimal(total or 0) for uid, total in await session.execute(query)}


async def created_between(
    session: AsyncSession, org_id: int, start: datetime, end: datetime, owners: Callable[[Any], Any] | None
) -> list[tuple[int, str, int, datetime]]:
    """(id, name, owner, created_at) of customers won over in [start, end), oldest first: new-logo credit."""
    query = select(Customer.id, Customer.name, Customer.owner_id, Customer.created_at).where(
        Customer.org_id == org_id, Customer.owner_id.is_not(None), Customer.created_at >= start, Customer.created_at < end
    )
    if owners is not None:
        query = query.where(owners(Customer.owner_id))
    return [(int(i), n, int(o), c) for i, n, o, c in await session.execute(query.order_by(Customer.created_at, Customer.id))]


# ---------------------------------------------------------------- a customer added in the field

NAME_MAX, ADDRESS_MAX = 200, 400
TIERS = ("A", "B", "C")
MIN_GEOFENCE_M, MAX_GEOFENCE_M = 50, 5000


@dataclass(frozen=True)
class NewCustomer:
    client_id: str
    name: str
    latitude: float
    longitude: float
    address: str = ""
    tier: str = "C"
    geofence_radius_m: int = 300


@dataclass(frozen=True)
class Added:
    customer: Customer
    points_awarded: int
    replayed: bool


async def add_customer(env: Env, viewer: Viewer, data: NewCustomer) -> Added:
    """A rep's new account, where they stand; theirs to own, worth the new-customer rule's points. Once per client id."""
    async def replay() -> Added | None:
        async with env.db() as session:
            found = await session.scalar(select(Customer).where(Customer.created_by == viewer.user_id, Customer.client_id == data.client_id))
        if found is None:
            return None
        await catch_up(env.db, viewer.org_id)
        return Added(found, 0, True)

    if (earlier := await replay()) is not None:
        return earlier
    problems = Problems()
    check_client_id(problems, data.client_id)
    name = " ".join(data.name.split())
    key = name_key(name)
    if not key:
        problems.add(ErrorCode.REQUIRED, "name")
    elif len(name) > NAME_MAX or len(key) > KEY_MAX:
        problems.add(ErrorCode.TOO_LONG, "name", max=NAME_MAX)
    if len(data.address) > ADDRESS_MAX:
        problems.add(ErrorCode.TOO_LONG, "address", max=ADDRESS_MAX)
    if data.tier not in TIERS:
        problems.add(ErrorCode.INVALID, "tier")
    if not MIN_GEOFENCE_M <= data.geofence_radius_m <= MAX_GEOFENCE_M:
        problems.add(ErrorCode.OUT_OF_RANGE, "geofenceRadiusMeters", min=MIN_GEOFENCE_M, max=MAX_GEOFENCE_M)
    check_coordinates(problems, data.latitude, data.longitude)
    problems.raise_if_any()
    try:
        async with transaction(env.db) as tx:
            # The person's lock first: a second delivery of this write waits here, then finds the first.
            await orgs.lock_user(tx.session, viewer.user_id)
            first = await tx.session.scalar(select(Customer).where(Customer.created_by == viewer.user_id, Customer.client_id == data.client_id))
            if first is not None:
                return Added(first, 0, True)
            if await _named(tx.session, viewer.org_id, key):
                raise DomainError.one(ErrorCode.DUPLICATE, "name")
            now = env.clock()
            customer = Customer(
                org_id=viewer.org_id, name=name, name_key=key, address=data.address.strip(), latitude=data.latitude, longitude=data.longitude,
                geofence_radius_m=data.geofence_radius_m, tier=data.tier, owner_id=viewer.user_id, potential=Decimal(0),
                created_at=now, created_by=viewer.user_id, client_id=data.client_id, updated_at=now,
                open_pipeline=Decimal(0), lifetime_revenue=Decimal(0), at_risk_from=now + timedelta(days=env.settings.visits.at_risk_days),
            )
            tx.session.add(customer)
            await tx.session.flush()
            awarded = await points.award_new_customer(tx, env, viewer=viewer, customer_id=customer.id, occurred_at=now)
            tx.record(CustomerAdded(org_id=viewer.org_id, user=viewer.user_id, team=viewer.team_id, customer=customer.id))
    except IntegrityError:
        # Another phone's write committed first: this one's earlier delivery, or the same name from someone else
        # (only the unique key sees that: each person's lock serializes their own writes, not the org's).
        if (earlier := await replay()) is not None:
            return earlier
        async with env.db() as session:
            if await _named(session, viewer.org_id, key):
                raise DomainError.one(ErrorCode.DUPLICATE, "name") from None
        raise
    return Added(customer, awarded, False)


async def _named(session: AsyncSession, org_id: int, key: str) -> bool:
    return await session.scalar(select(Customer.id).where(Customer.org_id == org_id, Customer.name_key == key)) is not None


async def on_person_deactivated(env: Env, event: PersonDeactivated) -> None:
    """Handler: the deactivated person's customers go to their successor (whatever they still own: a rerun is a no-op)."""
    async with transaction(env.db) as tx:
        await tx.session.execute(
            update(Customer).where(Customer.org_id == event.org_id, Customer.owner_id == event.user).values(owner_id=event.successor)
        )
