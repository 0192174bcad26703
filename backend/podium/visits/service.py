"""Field visits: check in, check out, photos, plausibility review, today's plan."""

from __future__ import annotations

import asyncio
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from podium.core import images
from podium.core.checks import CLIENT_ID_RE, check_client_id, check_moment
from podium.core.env import Env
from podium.core.errors import DomainError, ErrorCode, Problems
from podium.core.events import Tx, catch_up, names_of, transaction
from podium.core.i18n import Label
from podium.core.periods import PeriodKind, window
from podium.core.policies import Role, Viewer
from podium.customers import manage
from podium.customers import service as customers
from podium.orgs import service as orgs
from podium.orgs.service import Person
from podium.orgs.tree import reach
from podium.points import service as points
from podium.visits import plausibility
from podium.visits.events import VisitChanged, VisitReviewed, VisitVerified
from podium.visits.models import Visit, VisitPhoto
from podium.visits.plausibility import COUNTED, Fix, Flag, Limits, Status
from podium.visits.route import order_stops, path_length

NOTE_MAX = 2000
# Offline phones replay late, but a visit from last quarter is a data-entry mistake.
MAX_AGE = timedelta(days=30)
MAX_ACCURACY_M = 100_000.0
MAX_PHOTOS = 10
MAX_LIST = 500
# What moves a map of visits: `visit` (a visit now counts: boards and targets listen too) and
# `visit_changed` (anything else: a doubtful check-in, a check-out, a photo, a rejection).
VISIT_EVENTS = names_of(VisitVerified, VisitChanged)


@dataclass(frozen=True)
class VisitInput:
    """A check-in as the phone recorded it."""

    client_id: str
    customer_id: int
    latitude: float
    longitude: float
    accuracy_m: float
    occurred_at: datetime
    note: str = ""
    position_at: datetime | None = None
    sent_at: datetime | None = None


@dataclass(frozen=True)
class CheckOutInput:
    client_id: str
    visit_client_id: str
    latitude: float
    longitude: float
    accuracy_m: float
    occurred_at: datetime
    sent_at: datetime | None = None
    note: str | None = None


@dataclass(frozen=True)
class PhotoMeta:
    id: int
    client_id: str
    width: int
    height: int
    size: int


@dataclass(frozen=True)
class VisitView:
    visit: Visit
    customer: customers.Customer
    person: Person
    photos: list[PhotoMeta] = field(default_factory=list)

    @property
    def flags(self) -> list[Flag]:
        return plausibility.decode(self.visit.flags)


@dataclass(frozen=True)
class LoggedVisit:
    view: VisitView
    replayed: bool

    @property
    def visit(self) -> Visit:
        return self.view.visit

    @property
    def customer(self) -> customers.Customer:
        return self.view.customer


@dataclass(frozen=True)
class PlanStop:
    customer: customers.Customer
    order: int
    leg_m: float | None
    last_visited_at: datetime | None
    days_since: int | None
    at_risk: bool
    visited_today: bool


@dataclass(frozen=True)
class Plan:
    stops: list[PlanStop]
    total_m: float | None
    at_risk_days: int


def _limits(env: Env) -> Limits:
    s = env.settings.visits
    return Limits(s.max_accuracy_m, s.max_speed_kmh, timedelta(minutes=s.clock_tolerance_minutes))


def _check_fix(problems: Problems, latitude: float, longitude: float, accuracy_m: float) -> None:
    for name, value in (("latitude", latitude), ("longitude", longitude), ("accuracyMeters", accuracy_m)):
        if not math.isfinite(value):
            problems.add(ErrorCode.INVALID, name)
    if math.isfinite(latitude) and math.isfinite(longitude):
        customers.check_coordinates(problems, latitude, longitude)
    if math.isfinite(accuracy_m) and not 0 <= accuracy_m <= MAX_ACCURACY_M:
        problems.add(ErrorCode.OUT_OF_RANGE, "accuracyMeters", min=0, max=int(MAX_ACCURACY_M))


def _check_in_problems(data: VisitInput, now: datetime) -> None:
    problems = Problems()
    check_client_id(problems, data.client_id)
    _check_fix(problems, data.latitude, data.longitude, data.accuracy_m)
    check_moment(problems, "occurredAt", data.occurred_at, now, MAX_AGE)
    if data.position_at is not None and data.position_at.tzinfo is None:
        problems.add(ErrorCode.INVALID, "positionAt")
    if data.sent_at is not None and data.sent_at.tzinfo is None:
        problems.add(ErrorCode.INVALID, "sentAt")
    if len(data.note) > NOTE_MAX:
        problems.add(ErrorCode.TOO_LONG, "note", max=NOTE_MAX)
    problems.raise_if_any()


# --- check in ---------------------------------------------------------------------------------


async def check_in(env: Env, viewer: Viewer, data: VisitInput) -> LoggedVisit:
    """Store a check-in once per client id; one without doubts is verified and earns points at once."""
    replay = await _find_replay(env, viewer, data.client_id)
    if replay is not None:
        return replay
    now = env.clock()
    _check_in_problems(data, now)
    try:
        async with transaction(env.db) as tx:
            await orgs.lock_user(tx.session, viewer.user_id)
            customer = await customers.customer_in_org(tx.session, viewer, data.customer_id)
            distance = customers.distance_to(customer, (data.latitude, data.longitude))
            fix = Fix(data.latitude, data.longitude, data.accuracy_m, data.occurred_at)
            flags, speed = plausibility.assess(
                plausibility.CheckIn(fix, distance, customer.geofence_radius_m, data.position_at, data.sent_at, now),
                await _neighbours(tx.session, viewer.user_id, data.occurred_at),
                _limits(env),
            )
            visit = Visit(
                org_id=viewer.org_id,
                user_id=viewer.user_id,
                customer_id=customer.id,
                client_id=data.client_id,
                latitude=data.latitude,
                longitude=data.longitude,
                accuracy_m=data.accuracy_m,
                occurred_at=data.occurred_at,
                position_at=data.position_at,
                note=data.note,
                # Without a customer position there is no distance: 0 and not within, the flag says why.
                distance_m=round(distance, 1) if distance is not None else 0.0,
                within_geofence=distance is not None and Flag.OUTSIDE_GEOFENCE not in flags,
                status=plausibility.status_for(flags).value,
                flags=plausibility.encode(flags),
                speed_kmh=speed,
                auto_closed=False,
                review_note="",
                created_at=now,
            )
            if plausibility.places_customer(flags):
                # Part of the check-in itself, in its transaction: a customer never visited is placed where the rep
                # stood, so the next check-in there can be verified by its geofence.
                await manage.place_if_unplaced(tx, env, viewer.org_id, viewer.user_id, customer.id, data.latitude, data.longitude)
            await _close_others(tx.session, viewer.user_id, visit)
            tx.session.add(visit)
            await tx.session.flush()
            if visit.status == Status.VERIFIED:
                await _award(tx, env, viewer, visit)
            else:
                _changed(tx, env, viewer.org_id, viewer.user_id, visit.id)
    except IntegrityError:
        # Two deliveries of the same write raced; the other one won and is the answer.
        replay = await _find_replay(env, viewer, data.client_id)
        if replay is None:
            raise
        return replay
    return LoggedVisit(VisitView(visit, customer, Person(viewer.user_id, viewer.name)), replayed=False)


# The name the first API used: a visit logged in one step is a check-in.
log_visit = check_in


def _changed(tx: Tx, env: Env, org_id: int, user_id: int, visit_id: int) -> None:
    tx.record(VisitChanged(org_id=org_id, user=user_id, visit=visit_id))


async def _award(tx: Tx, env: Env, owner: Viewer, visit: Visit) -> None:
    visit.points_awarded = await points.award_verified_visit(tx, env, viewer=owner, visit_id=visit.id, occurred_at=visit.occurred_at)
    tx.record(
        VisitVerified(
            org_id=owner.org_id, user=owner.user_id, team=owner.team_id, visit=visit.id, customer=visit.customer_id, occurred_at=visit.occurred_at
        )
    )


def _fix_at_end(visit: Visit) -> Fix:
    """Where the person was when they left: the check-out, unless the server closed the visit."""
    if visit.checked_out_at is not None and not visit.auto_closed and visit.out_latitude is not None:
        return Fix(visit.out_latitude, visit.out_longitude or 0.0, visit.out_accuracy_m or 0.0, visit.checked_out_at)
    return Fix(visit.latitude, visit.longitude, visit.accuracy_m, visit.occurred_at)


async def _neighbours(session: AsyncSession, user_id: int, at: datetime) -> list[Fix]:
    """The person's fixes just before and just after this moment (a replayed offline visit has both)."""
    before = await session.scalar(
        select(Visit).where(Visit.user_id == user_id, Visit.occurred_at <= at).order_by(Visit.occurred_at.desc(), Visit.id.desc()).limit(1)
    )
    after = await session.scalar(
        select(Visit).where(Visit.user_id == user_id, Visit.occurred_at > at).order_by(Visit.occurred_at, Visit.id).limit(1)
    )
    fixes = []
    if before is not None:
        fixes.append(_fix_at_end(before))
    if after is not None:
        fixes.append(Fix(after.latitude, after.longitude, after.accuracy_m, after.occurred_at))
    return fixes


async def _close_others(session: AsyncSession, user_id: int, visit: Visit) -> None:
    """One visit open at a time: checking in somewhere closes a visit the rep forgot to check out of."""
    open_before = await session.scalars(
        select(Visit).where(Visit.user_id == user_id, Visit.checked_out_at.is_(None), Visit.occurred_at <= visit.occurred_at)
    )
    for earlier in open_before:
        _auto_close(earlier, visit.occurred_at)
    # A check-in replayed late, after a later visit began, ends where that one began.
    later = await session.scalar(
        select(func.min(Visit.occurred_at)).where(Visit.user_id == user_id, Visit.occurred_at > visit.occurred_at)
    )
    if later is not None:
        _auto_close(visit, later)


def _auto_close(visit: Visit, at: datetime) -> None:
    visit.checked_out_at = at
    visit.auto_closed = True
    visit.flags = plausibility.encode([*plausibility.decode(visit.flags), Flag.LEFT_OPEN])


async def _find_replay(env: Env, viewer: Viewer, client_id: str) -> LoggedVisit | None:
    async with env.db() as session:
        visit = await session.scalar(select(Visit).where(Visit.user_id == viewer.user_id, Visit.client_id == client_id))
        if visit is None:
            return None
        found = LoggedVisit((await _views(session, [visit]))[0], replayed=True)
    await catch_up(env.db, viewer.org_id)
    return found


# --- check out --------------------------------------------------------------------------------


async def check_out(env: Env, viewer: Viewer, data: CheckOutInput) -> LoggedVisit:
    """Close my visit; a real check-out replaces the server's automatic one."""
    async with env.db() as session:
        done = await session.scalar(select(Visit).where(Visit.user_id == viewer.user_id, Visit.out_client_id == data.client_id))
        replayed = LoggedVisit((await _views(session, [done]))[0], replayed=True) if done is not None else None
    if replayed is not None:
        await catch_up(env.db, viewer.org_id)
        return replayed
    now = env.clock()
    problems = Problems()
    check_client_id(problems, data.client_id)
    if not CLIENT_ID_RE.match(data.visit_client_id):
        problems.add(ErrorCode.INVALID, "visitClientId")
    _check_fix(problems, data.latitude, data.longitude, data.accuracy_m)
    check_moment(problems, "occurredAt", data.occurred_at, now, MAX_AGE)
    if data.note is not None and len(data.note) > NOTE_MAX:
        problems.add(ErrorCode.TOO_LONG, "note", max=NOTE_MAX)
    problems.raise_if_any()
    async with transaction(env.db) as tx:
        await orgs.lock_user(tx.session, viewer.user_id)
        visit = await tx.session.scalar(select(Visit).where(Visit.user_id == viewer.user_id, Visit.client_id == data.visit_client_id))
        if visit is None:
            raise DomainError.one(ErrorCode.NOT_FOUND, "visitClientId")
        zone = ZoneInfo(await orgs.org_time_zone(tx.session, viewer.org_id))
        if visit.out_client_id is not None and visit.out_client_id != data.client_id:
            raise DomainError.one(ErrorCode.CHECKED_OUT, "visitClientId", at=_local(visit.checked_out_at, zone))
        if data.occurred_at < visit.occurred_at:
            raise DomainError.one(ErrorCode.TOO_EARLY, "occurredAt", earliest=_local(visit.occurred_at, zone))
        visit.checked_out_at = data.occurred_at
        visit.out_latitude, visit.out_longitude, visit.out_accuracy_m = data.latitude, data.longitude, data.accuracy_m
        visit.out_client_id = data.client_id
        visit.auto_closed = False
        visit.flags = plausibility.encode([f for f in plausibility.decode(visit.flags) if f is not Flag.LEFT_OPEN])
        if data.note is not None:
            visit.note = data.note
        _changed(tx, env, viewer.org_id, viewer.user_id, visit.id)
        await tx.session.flush()
        view = (await _views(tx.session, [visit]))[0]
    return LoggedVisit(view, replayed=False)


def _local(moment: datetime | None, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M") if moment else ""


async def close_left_open(env: Env) -> int:
    """Close every visit still open after its local day ended (flagged LEFT_OPEN); safe on many instances."""
    now = env.clock()
    async with env.db() as session:
        rows = (await session.execute(select(Visit.id, Visit.org_id, Visit.occurred_at, Visit.flags).where(Visit.checked_out_at.is_(None)))).all()
        zones = {org_id: await orgs.org_time_zone(session, org_id) for org_id in {r[1] for r in rows}}
    due = [(vid, window(PeriodKind.TODAY, zones[org_id], at).end, flags) for vid, org_id, at, flags in rows]
    due = [d for d in due if d[1] <= now]
    if not due:
        return 0
    closed = 0
    async with transaction(env.db) as tx:
        for visit_id, day_end, flags in due:
            # Only if still open: a check-out that landed meanwhile wins.
            result = await tx.session.execute(
                update(Visit)
                .where(Visit.id == visit_id, Visit.checked_out_at.is_(None))
                .values(checked_out_at=day_end, auto_closed=True, flags=plausibility.encode([*plausibility.decode(flags), Flag.LEFT_OPEN]))
            )
            closed += result.rowcount or 0
    return closed


# --- photos -----------------------------------------------------------------------------------


async def add_photo(env: Env, viewer: Viewer, *, client_id: str, visit_client_id: str, raw: bytes) -> tuple[PhotoMeta, bool]:
    """Store a visit photo once per client id, re-encoded; (photo, replayed)."""
    problems = Problems()
    check_client_id(problems, client_id)
    if not CLIENT_ID_RE.match(visit_client_id):
        problems.add(ErrorCode.INVALID, "visitClientId")
    problems.raise_if_any()
    async with env.db() as session:
        found = await session.scalar(select(VisitPhoto).where(VisitPhoto.user_id == viewer.user_id, VisitPhoto.client_id == client_id))
        if found is not None:
            return _meta(found), True
        visit = await session.scalar(select(Visit.id).where(Visit.user_id == viewer.user_id, Visit.client_id == visit_client_id))
        if visit is None:
            raise DomainError.one(ErrorCode.NOT_FOUND, "visitClientId")
    if len(raw) > env.settings.visits.photo_max_bytes:
        raise images.too_many_bytes("photo", env.settings.visits.photo_max_bytes)
    # Decoding is CPU work: off the event loop, so sockets keep flowing meanwhile.
    encoded = await asyncio.to_thread(images.encode_photo, raw, max_pixels=env.settings.visits.photo_max_pixels)
    try:
        async with transaction(env.db) as tx:
            await orgs.lock_user(tx.session, viewer.user_id)
            count = await tx.session.scalar(select(func.count()).select_from(VisitPhoto).where(VisitPhoto.visit_id == visit))
            if int(count or 0) >= MAX_PHOTOS:
                raise DomainError.one(ErrorCode.TOO_MANY, "photo", max=MAX_PHOTOS)
            photo = VisitPhoto(
                org_id=viewer.org_id, user_id=viewer.user_id, visit_id=visit, client_id=client_id,
                width=encoded.width, height=encoded.height, data=encoded.data, thumb=encoded.thumb, created_at=env.clock(),
            )
            tx.session.add(photo)
            await tx.session.flush()
            meta = _meta(photo)
            _changed(tx, env, viewer.org_id, viewer.user_id, visit)
    except IntegrityError:
        async with env.db() as session:
            found = await session.scalar(select(VisitPhoto).where(VisitPhoto.user_id == viewer.user_id, VisitPhoto.client_id == client_id))
        if found is None:
            raise
        return _meta(found), True
    return meta, False


def _meta(photo: VisitPhoto) -> PhotoMeta:
    return PhotoMeta(photo.id, photo.client_id, photo.width, photo.height, len(photo.data))


async def photo_bytes(env: Env, viewer: Viewer, photo_id: int, *, thumb: bool) -> bytes:
    """A photo's JPEG for whoever may see its visit; NOT_FOUND otherwise (indistinguishable)."""
    async with env.db() as session:
        row = (
            await session.execute(
                select(VisitPhoto.user_id, VisitPhoto.org_id, VisitPhoto.thumb if thumb else VisitPhoto.data).where(VisitPhoto.id == photo_id)
            )
        ).first()
        if row is None or row[1] != viewer.org_id:
            raise DomainError.one(ErrorCode.NOT_FOUND, "photoId")
        if row[0] != viewer.user_id:
            _, scope = await reach(session, viewer)
            if not scope.sees_user(row[0]):
                raise DomainError.one(ErrorCode.NOT_FOUND, "photoId")
        return bytes(row[2])


# --- review -----------------------------------------------------------------------------------


async def review_visit(env: Env, viewer: Viewer, visit_id: int, *, approve: bool, note: str = "") -> VisitView:
    """A manager's decision on a flagged visit; approval awards the points the check-in did not."""
    if viewer.role is Role.REP:
        raise DomainError.one(ErrorCode.FORBIDDEN)
    if len(note) > NOTE_MAX:
        raise DomainError.one(ErrorCode.TOO_LONG, "note", max=NOTE_MAX)
    decision = Status.APPROVED if approve else Status.REJECTED
    async with transaction(env.db) as tx:
        visit = await tx.session.get(Visit, visit_id)
        if visit is None or visit.org_id != viewer.org_id:
            raise DomainError.one(ErrorCode.NOT_FOUND, "visitId")
        _, scope = await reach(tx.session, viewer)
        if not scope.sees_user(visit.user_id):
            raise DomainError.one(ErrorCode.NOT_FOUND, "visitId")
        if visit.user_id == viewer.user_id:
            # Nobody approves their own visit.
            raise DomainError.one(ErrorCode.FORBIDDEN, "visitId")
        await orgs.lock_user(tx.session, visit.user_id)
        await tx.session.refresh(visit)
        if visit.status == decision:
            return (await _views(tx.session, [visit]))[0]
        if visit.status in (Status.APPROVED, Status.REJECTED):
            raise DomainError.one(ErrorCode.DECIDED, "decision", decision=Label(f"decision.{visit.status}"))
        if visit.status != Status.FLAGGED:
            raise DomainError.one(ErrorCode.NOT_FLAGGED, "visitId")
        visit.status = decision.value
        visit.reviewed_by, visit.reviewed_at, visit.review_note = viewer.user_id, env.clock(), note
        if approve:
            owner = await orgs.viewer_for(tx.session, visit.user_id)
            assert owner is not None
            await _award(tx, env, owner, visit)
        else:
            _changed(tx, env, visit.org_id, visit.user_id, visit.id)
        await tx.session.flush()
        view = (await _views(tx.session, [visit]))[0]
        tx.record(
            VisitReviewed(
                org_id=visit.org_id, user=visit.user_id, visit=visit.id, approved=approve, reviewer=viewer.name,
                customer=view.customer.name, note=note.strip(),
            )
        )
    return view


async def to_review(env: Env, viewer: Viewer, first: int = 50) -> list[VisitView]:
    """Flagged visits of the people I manage, oldest first (my own are someone else's to review)."""
    if viewer.role is Role.REP:
        raise DomainError.one(ErrorCode.FORBIDDEN)
    _check_first(first)
    async with env.db() as session:
        _, scope = await reach(session, viewer)
        query = select(Visit).where(Visit.org_id == viewer.org_id, Visit.status == Status.FLAGGED.value, Visit.user_id != viewer.user_id)
        if not scope.org_wide:
            query = query.where(Visit.user_id.in_(scope.user_ids))
        rows = (await session.scalars(query.order_by(Visit.occurred_at, Visit.id).limit(first))).all()
        return await _views(session, list(rows))


async def review_count(env: Env, viewer: Viewer) -> int:
    if viewer.role is Role.REP:
        return 0
    async with env.db() as session:
        _, scope = await reach(session, viewer)
        query = select(func.count()).select_from(Visit).where(
            Visit.org_id == viewer.org_id, Visit.status == Status.FLAGGED.value, Visit.user_id != viewer.user_id
        )
        if not scope.org_wide:
            query = query.where(Visit.user_id.in_(scope.user_ids))
        return int(await session.scalar(query) or 0)


# --- reading ----------------------------------------------------------------------------------


def _check_first(first: int) -> None:
    if not 1 <= first <= MAX_LIST:
        raise DomainError.one(ErrorCode.OUT_OF_RANGE, "first", min=1, max=MAX_LIST)


async def my_visits(env: Env, viewer: Viewer, first: int = 20) -> list[VisitView]:
    if not 1 <= first <= 100:
        raise DomainError.one(ErrorCode.OUT_OF_RANGE, "first", min=1, max=100)
    async with env.db() as session:
        rows = await session.scalars(
            select(Visit).where(Visit.user_id == viewer.user_id).order_by(Visit.occurred_at.desc(), Visit.id.desc()).limit(first)
        )
        return await _views(session, list(rows))


async def open_visit(env: Env, viewer: Viewer) -> VisitView | None:
    async with env.db() as session:
        visit = await session.scalar(
            select(Visit).where(Visit.user_id == viewer.user_id, Visit.checked_out_at.is_(None)).order_by(Visit.occurred_at.desc()).limit(1)
        )
        return (await _views(session, [visit]))[0] if visit else None


def default_node(viewer: Viewer) -> str:
    """Whose visits a map shows unless told: a rep's own, a manager's unit, an admin's org."""
    if viewer.role is Role.REP or (viewer.role is Role.MANAGER and viewer.team_id is None):
        return f"user:{viewer.user_id}"
    return f"team:{viewer.team_id}" if viewer.role is Role.MANAGER else "org"


def parse_node(node_id: str) -> tuple[str, int | None]:
    """`org`, `team:<id>` or `user:<id>` (the keys the org tree gives out)."""
    kind, _, raw = node_id.partition(":")
    if kind == "org" and not raw:
        return kind, None
    if kind in ("team", "user") and raw.isdigit():
        return kind, int(raw)
    raise DomainError.one(ErrorCode.INVALID, "nodeId")


async def people_of(session: AsyncSession, viewer: Viewer, node: tuple[str, int | None] | None) -> set[int] | None:
    """Whose visits a node means within my reach (None: the whole org); a node out of reach is NOT_FOUND."""
    tree, scope = await reach(session, viewer)
    if node is None or node[0] == "org":
        return None if scope.org_wide else set(scope.user_ids)
    assert node[1] is not None
    if node[0] == "team":
        if node[1] not in tree.units or not scope.sees_unit(node[1]):
            raise DomainError.one(ErrorCode.NOT_FOUND, "nodeId")
        return {m.id for m in tree.members_under(node[1])}
    if not scope.sees_user(node[1]):
        raise DomainError.one(ErrorCode.NOT_FOUND, "nodeId")
    return {node[1]}


async def visits_on(env: Env, viewer: Viewer, day: date, node_id: str | None = None) -> list[VisitView]:
    """One local day's visits in time order: mine for a rep, my reach (or a node of it) for managers and admins."""
    node = parse_node(node_id) if node_id else None
    async with env.db() as session:
        zone = await orgs.org_time_zone(session, viewer.org_id)
        start = datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(zone))
        span = window(PeriodKind.TODAY, zone, start)
        people = await people_of(session, viewer, node)
        query = select(Visit).where(Visit.org_id == viewer.org_id, Visit.occurred_at >= span.start, Visit.occurred_at < span.end)
        if people is not None:
            query = query.where(Visit.user_id.in_(people))
        rows = (await session.scalars(query.order_by(Visit.occurred_at, Visit.id).limit(MAX_LIST * 4))).all()
        return await _views(session, list(rows))


async def _views(session: AsyncSession, visits: Sequence[Visit]) -> list[VisitView]:
    """Visits with their customer, person and photo list, in three reads whatever their number."""
    if not visits:
        return []
    customer_ids = {v.customer_id for v in visits}
    user_ids = {v.user_id for v in visits}
    visit_ids = [v.id for v in visits]
    found = await customers.by_ids(session, visits[0].org_id, customer_ids)  # one org's visits, always
    people = await orgs.people_named(session, user_ids)
    photos: dict[int, list[PhotoMeta]] = {}
    rows = await session.execute(
        select(VisitPhoto.visit_id, VisitPhoto.id, VisitPhoto.client_id, VisitPhoto.width, VisitPhoto.height, func.length(VisitPhoto.data))
        .where(VisitPhoto.visit_id.in_(visit_ids))
        .order_by(VisitPhoto.id)
    )
    for visit_id, pid, client_id, width, height, size in rows:
        photos.setdefault(visit_id, []).append(PhotoMeta(pid, client_id, width, height, int(size or 0)))
    return [VisitView(v, found[v.customer_id], people[v.user_id], photos.get(v.id, [])) for v in visits]


async def verified_counts(session: AsyncSession, org_id: int, start: datetime, end: datetime) -> list[tuple[int, int]]:
    """(person, verified or approved visits) in [start, end): what visit targets measure."""
    query = (
        select(Visit.user_id, func.count())
        .where(Visit.org_id == org_id, Visit.status.in_(COUNTED), Visit.occurred_at >= start, Visit.occurred_at < end)
        .group_by(Visit.user_id)
    )
    return [(int(uid), int(n)) for uid, n in await session.execute(query)]


# --- today's plan -----------------------------------------------------------------------------


async def today_plan(env: Env, viewer: Viewer, near: tuple[float, float] | None) -> Plan:
    """My customers as a short route from where I stand; the ones visited today at the end, the neglected marked."""
    if near is not None:
        problems = Problems()
        customers.check_coordinates(problems, *near, prefix="near.")
        problems.raise_if_any()
    at_risk_days = env.settings.visits.at_risk_days
    now = env.clock()
    async with env.db() as session:
        zone = await orgs.org_time_zone(session, viewer.org_id)
        today = window(PeriodKind.TODAY, zone, now)
        mine = await customers.owned_by(session, viewer.org_id, viewer.user_id)
        ids = [c.id for c in mine]
        last: dict[int, datetime] = {}
        visited_today: dict[int, datetime] = {}
        if ids:
            # Anyone's visit counts as contact with the account; a rejected one does not.
            rows = await session.execute(
                select(Visit.customer_id, func.max(Visit.occurred_at))
                .where(Visit.customer_id.in_(ids), Visit.status != Status.REJECTED.value)
                .group_by(Visit.customer_id)
            )
            last = {int(cid): when for cid, when in rows if when is not None}
            rows = await session.execute(
                select(Visit.customer_id, func.min(Visit.occurred_at)).where(
                    Visit.customer_id.in_(ids), Visit.user_id == viewer.user_id,
                    Visit.occurred_at >= today.start, Visit.occurred_at < today.end,
                ).group_by(Visit.customer_id)
            )
            visited_today = {int(cid): when for cid, when in rows}
    # Timestamps from SQLite come back naive through func.max; they are UTC.
    last = {cid: _aware(when) for cid, when in last.items()}
    # Customers without a position have no place on a route: they come after it, to be placed at their first visit.
    todo = [c for c in mine if c.id not in visited_today and c.latitude is not None and c.longitude is not None]
    unplaced = [c for c in mine if c.id not in visited_today and (c.latitude is None or c.longitude is None)]
    done = sorted((c for c in mine if c.id in visited_today), key=lambda c: _aware(visited_today[c.id]))
    points_ = [(float(c.latitude or 0), float(c.longitude or 0)) for c in todo]
    order = order_stops(near, points_)
    legs = path_length(near, points_, order)
    stops: list[PlanStop] = []
    for position, (index, leg) in enumerate(zip(order, legs, strict=True), start=1):
        stops.append(_stop(todo[index], position, leg, last, now, at_risk_days, False))
    for position, customer in enumerate(unplaced, start=len(stops) + 1):
        stops.append(_stop(customer, position, None, last, now, at_risk_days, False))
    for position, customer in enumerate(done, start=len(stops) + 1):
        stops.append(_stop(customer, position, None, last, now, at_risk_days, True))
    known = [leg for leg in legs if leg is not None]
    return Plan(stops, round(sum(known), 1) if known else None, at_risk_days)


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _stop(customer: customers.Customer, order: int, leg: float | None, last: dict[int, datetime], now: datetime, at_risk_days: int, visited: bool) -> PlanStop:
    seen = last.get(customer.id)
    days = (now - seen).days if seen is not None else None
    # Neglect is counted from the last visit, or from when the account was won for one never visited yet.
    since = seen or customer.created_at
    at_risk = not visited and (since is None or (now - since).days >= at_risk_days)
    return PlanStop(customer, order, round(leg, 1) if leg is not None else None, seen, days, at_risk, visited)
