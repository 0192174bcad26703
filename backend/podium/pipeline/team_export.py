"""The team pipeline as an export: every deal the list would show with these filters, in its order, no page.

Checked and scoped before the first byte (the list's own rules: managers and admins, reach first, a filter
naming something out of reach is NOT_FOUND), then read through a cursor; customer names are looked up a
batch at a time, as the list does, without a join on customers' table.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from podium.core.env import Env
from podium.core.events import transaction
from podium.core.policies import Viewer
from podium.customers import service as customers
from podium.db.rows import stream_batches
from podium.pipeline.models import Deal, Stage
from podium.pipeline.team import TeamFilter, TeamSort, _check_filter, _conditions, _context, _order, _require_team_viewer

BATCH = 1000


@dataclass(frozen=True)
class DealRow:
    title: str
    customer: str
    owner_id: int
    stage: Stage
    status: str
    amount: Decimal
    currency: str
    probability: int
    lead_source: str
    expected_close: date
    stage_entered_at: datetime
    closed_at: datetime | None
    created_at: datetime
    updated_at: datetime


COLUMNS = (
    Deal.title, Deal.customer_id, Deal.owner_id, Deal.stage_id, Deal.status, Deal.amount, Deal.currency, Deal.probability,
    Deal.lead_source, Deal.expected_close, Deal.stage_entered_at, Deal.closed_at, Deal.created_at, Deal.updated_at,
)


async def export_rows(env: Env, viewer: Viewer, f: TeamFilter, sort: TeamSort = TeamSort.EXPECTED_CLOSE, descending: bool = False) -> AsyncIterator[DealRow]:
    _require_team_viewer(viewer)
    _check_filter(f)
    async with transaction(env.db) as tx:  # the stages may be created on first use
        tree, reach, stage_rows = await _context(tx.session, viewer)
        where = _conditions(viewer, tree, reach, stage_rows, f)
    query = select(*COLUMNS).where(*where).order_by(*_order(sort, descending, tree, stage_rows))

    async def rows() -> AsyncIterator[DealRow]:
        async for batch in stream_batches(env.db, query, BATCH):
            for done in await named(batch):
                yield done

    async def named(batch: list[Any]) -> list[DealRow]:
        async with env.db() as session:
            names = await customers.names_of(session, viewer.org_id, {r.customer_id for r in batch})
        return [
            DealRow(
                r.title, names.get(r.customer_id, ""), r.owner_id, stage_rows[r.stage_id], r.status, r.amount, r.currency, r.probability,
                r.lead_source, r.expected_close, r.stage_entered_at, r.closed_at, r.created_at, r.updated_at,
            )
            for r in batch
        ]

    return rows()
