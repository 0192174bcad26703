"""Read-only rows of deals for the rollups above the pipeline (analytics): a deal with its stage changes and payments,
the org's stages, and deals' titles. Plain data, no table leaves the pipeline."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from podium.pipeline.models import Deal, Payment, Stage, StageChange

StageRow = Stage  # rows returned to read (position, outcome, names)


@dataclass(frozen=True)
class DealSource:
    id: int
    owner_id: int
    lead_source: str
    status: str
    stage_id: int
    stage_entered_at: datetime
    amount: Decimal
    margin: Decimal | None
    created_at: datetime
    closed_at: datetime | None
    reversed_at: datetime | None
    # (stage entered, when), in order; and (amount, when) of each payment (refunds negative).
    changes: list[tuple[int, datetime]]
    payments: list[tuple[Decimal, datetime]]


async def deal_sources(session: AsyncSession, org_id: int, deal_ids: Sequence[int], *, lock: bool = False) -> list[DealSource]:
    """These deals of the org (those that still exist), locked FOR UPDATE when asked (PostgreSQL), in id order."""
    ids = sorted(set(deal_ids))
    query = select(Deal).where(Deal.org_id == org_id, Deal.id.in_(ids)).order_by(Deal.id)
    deals = list(await session.scalars(query.with_for_update() if lock else query))
    changes: dict[int, list[tuple[int, datetime]]] = defaultdict(list)
    for deal_id, stage_id, at in await session.execute(
        select(StageChange.deal_id, StageChange.to_stage_id, StageChange.changed_at)
        .where(StageChange.deal_id.in_(ids)).order_by(StageChange.deal_id, StageChange.changed_at, StageChange.id)
    ):
        changes[int(deal_id)].append((int(stage_id), at))
    payments: dict[int, list[tuple[Decimal, datetime]]] = defaultdict(list)
    for deal_id, paid, at in await session.execute(select(Payment.deal_id, Payment.amount, Payment.collected_at).where(Payment.deal_id.in_(ids))):
        payments[int(deal_id)].append((Decimal(paid), at))
    return [
        DealSource(
            d.id, d.owner_id, d.lead_source, d.status, d.stage_id, d.stage_entered_at, Decimal(d.amount), d.margin, d.created_at,
            d.closed_at, d.reversed_at, changes[d.id], payments[d.id],
        )
        for d in deals
    ]


async def deal_owners(session: AsyncSession, org_id: int) -> list[tuple[int, int]]:
    """(deal id, owner id) of every deal of the org, in id order."""
    return [(int(i), int(o)) for i, o in await session.execute(select(Deal.id, Deal.owner_id).where(Deal.org_id == org_id).order_by(Deal.id))]


async def stage_rows(session: AsyncSession, org_id: int) -> list[Stage]:
    """Every stage of the org, inactive ones too (history may have passed through them), in funnel order."""
    return list(await session.scalars(select(Stage).where(Stage.org_id == org_id).order_by(Stage.position, Stage.id)))


async def titles(session: AsyncSession, org_id: int, deal_ids: Iterable[int]) -> dict[int, tuple[str, int]]:
    """(title, customer id) of these deals of the org."""
    ids = sorted(set(deal_ids))
    if not ids:
        return {}
    rows = await session.execute(select(Deal.id, Deal.title, Deal.customer_id).where(Deal.org_id == org_id, Deal.id.in_(ids)))
    return {int(i): (t, int(c)) for i, t, c in rows}
