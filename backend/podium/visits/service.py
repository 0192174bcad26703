"""Logging field visits."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.exc import IntegrityError

from podium.core.checks import check_client_id, check_moment
from podium.core.env import Env
from podium.core.errors import DomainError, ErrorCode, Problems
from podium.core.events import encode_event, org_channel, transaction
from podium.core.policies import Viewer
from podium.customers import service as customers
from podium.customers.geo import distance_m
from podium.customers.models import Customer
from podium.orgs import service as orgs
from podium.points import service as points
from podium.visits.models import Visit

NOTE_MAX = 2000
# Offline phones replay late, but a visit from last quarter is a data-entry mistake.
MAX_AGE = timedelta(days=30)
MAX_ACCURACY_M = 100_000.0


@dataclass(frozen=True)
class VisitInput:
    client_id: str
    customer_id: int
    latitude: float
    longitude: float
    accuracy_m: float
    occurred_at: datetime
    note: str = ""


@dataclass(frozen=True)
class LoggedVisit:
    visit: Visit
    customer: Customer
    replayed: bool


def _check(data: VisitInput, now: datetime) -> None:
    problems = Problems()
    check_client_id(problems, data.client_id)
    for name, value in (("latitude", data.latitude), ("longitude", data.longitude), ("accuracyMeters", data.accuracy_m)):
        if not math.isfinite(value):
            problems.add(ErrorCode.INVALID, name)
    if math.isfinite(data.latitude) and math.isfinite(data.longitude):
        customers.check_coordinates(problems, data.latitude, data.longitude)
    if math.isfinite(data.accuracy_m) and not 0 <= data.accuracy_m <= MAX_ACCURACY_M:
        problems.add(ErrorCode.OUT_OF_RANGE, "accuracyMeters", min=0, max=int(MAX_ACCURACY_M))
    check_moment(problems, "occurredAt", data.occurred_at, now, MAX_AGE)
    if len(data.note) > NOTE_MAX:
        problems.add(ErrorCode.TOO_LONG, "note", max=NOTE_MAX)
    problems.raise_if_any()


async def log_visit(env: Env, viewer: Viewer, data: VisitInput) -> LoggedVisit:
    """Store a visit once per client id; a verified one (inside the geofence) earns points."""
    replay = await _find_replay(env, viewer, data.client_id)
    if replay is not None:
        return replay
    _check(data, env.clock())
    try:
        async with transaction(env.db) as tx:
            await orgs.lock_user(tx.session, viewer.user_id)
            customer = await customers.customer_in_org(tx.session, viewer, data.customer_id)
            distance = distance_m(data.latitude, data.longitude, customer.latitude, customer.longitude)
            visit = Visit(
                org_id=viewer.org_id,
                user_id=viewer.user_id,
                customer_id=customer.id,
                client_id=data.client_id,
                latitude=data.latitude,
                longitude=data.longitude,
                accuracy_m=data.accuracy_m,
                occurred_at=data.occurred_at,
                note=data.note,
                distance_m=round(distance, 1),
                within_geofence=distance <= customer.geofence_radius_m,
                created_at=env.clock(),
            )
            tx.session.add(visit)
            await tx.session.flush()
            if visit.within_geofence:
                visit.points_awarded = await points.award_verified_visit(
                    tx, env, viewer=viewer, visit_id=visit.id, occurred_at=visit.occurred_at
                )
                event = encode_event("visit", user=viewer.user_id, team=viewer.team_id)
                tx.publish_after_commit(env.publisher, org_channel(viewer.org_id), event)
    except IntegrityError:
        # Two deliveries of the same write raced; the other one won and is the answer.
        replay = await _find_replay(env, viewer, data.client_id)
        if replay is None:
            raise
        return replay
    return LoggedVisit(visit, customer, replayed=False)


async def _find_replay(env: Env, viewer: Viewer, client_id: str) -> LoggedVisit | None:
    async with env.db() as session:
        row = (
            await session.execute(
                select(Visit, Customer)
                .join(Customer, Customer.id == Visit.customer_id)
                .where(Visit.user_id == viewer.user_id, Visit.client_id == client_id)
            )
        ).first()
    return LoggedVisit(row[0], row[1], replayed=True) if row else None


async def my_visits(env: Env, viewer: Viewer, first: int = 20) -> list[tuple[Visit, Customer]]:
    if not 1 <= first <= 100:
        raise DomainError.one(ErrorCode.OUT_OF_RANGE, "first", min=1, max=100)
    async with env.db() as session:
        rows = await session.execute(
            select(Visit, Customer)
            .join(Customer, Customer.id == Visit.customer_id)
            .where(Visit.user_id == viewer.user_id)
            .order_by(Visit.occurred_at.desc(), Visit.id.desc())
            .limit(first)
        )
        return [(v, c) for v, c in rows]


async def verified_counts(session: AsyncSession, org_id: int, start: datetime, end: datetime) -> list[tuple[int, int]]:
    """(person, verified visits) in [start, end): what visit targets measure."""
    query = (
        select(Visit.user_id, func.count())
        .where(Visit.org_id == org_id, Visit.within_geofence.is_(True), Visit.occurred_at >= start, Visit.occurred_at < end)
        .group_by(Visit.user_id)
    )
    return [(int(uid), int(n)) for uid, n in await session.execute(query)]
