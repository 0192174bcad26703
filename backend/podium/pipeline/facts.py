"""Read-only rows of deals for the rollups above the pipeline (analytics): a deal with its stage changes and payments,
the org's stages, and deals' titles. Plain data, no table leaves the pipeline."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BindParameter, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from podium.pipeline.models import Deal, Payment, Stage, StageChange

StageRow = Stage  # rows returned to read (position, outcome, names)
WON = "won"


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
    # One expanding parameter: `in_(list)` coerces each of the rebuild's 5,000 ids into the statement, three times.
    of_deals = ids_param(deal_ids)
    which = (Deal.org_id == org_id, Deal.id.in_(of_deals))
    # Columns, not entities: the analytics rebuild reads every deal of an org (a million), and ORM objects cost more than the rest.
    query = select(
        Deal.id, Deal.owner_id, Deal.lead_source, Deal.status, Deal.stage_id, Deal.stage_entered_at, Deal.amount, Deal.margin,
        Deal.created_at, Deal.closed_at, Deal.reversed_at,
    ).where(*which).order_by(Deal.id)
    deals = list(await session.execute(query.with_for_update(of=Deal) if lock else query))
    changes: dict[int, list[tuple[int, datetime]]] = defaultdict(list)
    for deal_id, stage_id, at in await session.execute(
        select(StageChange.deal_id, StageChange.to_stage_id, StageChange.changed_at)
        .where(StageChange.deal_id.in_(of_deals)).order_by(StageChange.deal_id, StageChange.changed_at, StageChange.id)
    ):
        changes[int(deal_id)].append((int(stage_id), at))
    payments: dict[int, list[tuple[Decimal, datetime]]] = defaultdict(list)
    for deal_id, paid, at in await session.execute(select(Payment.deal_id, Payment.amount, Payment.collected_at).where(Payment.deal_id.in_(of_deals))):
        payments[int(deal_id)].append((Decimal(paid), at))
    return [
        DealSource(i, owner, source, status, stage, entered, Decimal(amount), margin, created, closed, reversed_at, changes[i], payments[i])
        for i, owner, source, status, stage, entered, amount, margin, created, closed, reversed_at in deals
    ]


def ids_param(ids: Iterable[int]) -> BindParameter[Any]:
    """Ids for `column.in_(…)` as one expanding parameter (bound as a list when executed, not built into the statement)."""
    return bindparam("ids", sorted(set(ids)), expanding=True)


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


async def won_between(session: AsyncSession, org_id: int, start: datetime, end: datetime) -> dict[int, tuple[int, Decimal]]:
    """Owner → (deals won in [start, end) and still won, their amount): the TV's "won today"."""
    query = (
        select(Deal.owner_id, func.count(), func.sum(Deal.amount))
        .where(Deal.org_id == org_id, Deal.status == WON, Deal.closed_at >= start, Deal.closed_at < end)
        .group_by(Deal.owner_id)
    )
    return {int(owner): (int(n), Decimal(total or 0)) for owner, n, total in await session.execute(query)}
