"""Visits as an export: every visit of a span of local days in my reach (or a node of it), managers and admins.

The same reach as the team map's `visitsOn` (`nodeId`: org, team:<id>, user:<id>), for up to a year of
days at once, read through a cursor; customer names are looked up a batch at a time.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from typing import Any

from sqlalchemy import select

from podium.core.env import Env
from podium.core.errors import DomainError, ErrorCode
from podium.core.periods import day_span
from podium.core.policies import Viewer
from podium.customers import service as customers
from podium.db.rows import stream_batches
from podium.orgs import service as orgs
from podium.visits.models import Visit
from podium.visits.service import parse_node, people_of

BATCH = 1000
COLUMNS = (
    Visit.id, Visit.user_id, Visit.customer_id, Visit.occurred_at, Visit.checked_out_at, Visit.status, Visit.flags, Visit.distance_m,
    Visit.accuracy_m, Visit.within_geofence, Visit.latitude, Visit.longitude, Visit.speed_kmh, Visit.points_awarded, Visit.auto_closed,
    Visit.note, Visit.reviewed_by, Visit.reviewed_at, Visit.review_note,
)


async def export_rows(env: Env, viewer: Viewer, first: date | None, last: date | None, node_id: str | None) -> AsyncIterator[tuple[Any, str]]:
    """(visit row, customer name) for the local days first..last, in time order; checked before the first row."""
    if not viewer.is_manager_or_admin:
        raise DomainError.one(ErrorCode.FORBIDDEN)
    node = parse_node(node_id) if node_id else None
    async with env.db() as session:
        start, end = day_span(await orgs.org_time_zone(session, viewer.org_id), first, last, env.clock())
        people = await people_of(session, viewer, node)
    query = select(*COLUMNS).where(Visit.org_id == viewer.org_id, Visit.occurred_at >= start, Visit.occurred_at < end)
    if people is not None:
        query = query.where(Visit.user_id.in_(sorted(people) or [-1]))
    query = query.order_by(Visit.occurred_at, Visit.id)

    async def named(batch: list[Any]) -> list[tuple[Any, str]]:
        async with env.db() as session:
            names = await customers.names_of(session, viewer.org_id, {r.customer_id for r in batch})
        return [(r, names.get(r.customer_id, "")) for r in batch]

    async def rows() -> AsyncIterator[tuple[Any, str]]:
        async for batch in stream_batches(env.db, query, BATCH):
            for done in await named(batch):
                yield done

    return rows()
