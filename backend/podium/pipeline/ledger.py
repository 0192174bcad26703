"""Read-only sums over won deals and collected payments, for boards and attainment."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from podium.pipeline.models import Deal, Payment

WON = "won"
# Boards keep integer scores: revenue is ranked in minor units (NUMERIC(18, 2) holds cents).
MINOR_PER_UNIT = 100


def to_minor(amount: Decimal) -> int:
    return int(amount * MINOR_PER_UNIT)


def from_minor(units: int) -> Decimal:
    return (Decimal(units) / MINOR_PER_UNIT).quantize(Decimal("0.01"))


async def revenue_by_user(
    session: AsyncSession, org_id: int, start: datetime, end: datetime, team_id: int | None = None
) -> list[tuple[int, int, int]]:
    """(owner id, revenue won in minor units, deals won) for everyone who won a deal in [start, end)."""
    query = (
        select(Deal.owner_id, func.sum(Deal.amount), func.count())
        .where(Deal.org_id == org_id, Deal.status == WON, Deal.closed_at >= start, Deal.closed_at < end)
        .group_by(Deal.owner_id)
    )
    if team_id is not None:
        query = query.where(Deal.team_id == team_id)
    return [(int(uid), to_minor(Decimal(total)), int(n)) for uid, total, n in await session.execute(query)]


async def user_revenue(
    session: AsyncSession, user_id: int, spans: list[tuple[datetime, datetime, int | None]]
) -> list[tuple[int, int]]:
    """(revenue in minor units, deals won) of one owner in each (start, end, team) span, in one query."""
    columns = []
    for start, end, team_id in spans:
        inside = and_(Deal.closed_at >= start, Deal.closed_at < end)
        if team_id is not None:
            inside = and_(inside, Deal.team_id == team_id)
        columns += [func.sum(case((inside, Deal.amount), else_=0)), func.sum(case((inside, 1), else_=0))]
    row = (await session.execute(select(*columns).where(Deal.owner_id == user_id, Deal.status == WON))).one()
    return [(to_minor(Decimal(row[2 * i] or 0)), int(row[2 * i + 1] or 0)) for i in range(len(spans))]


async def credited(session: AsyncSession, org_id: int, start: datetime, end: datetime) -> list[tuple[int, int | None, Decimal, Decimal, int]]:
    """(owner, credited team, revenue won, gross margin, deals won) in [start, end): what targets measure."""
    query = (
        select(Deal.owner_id, Deal.team_id, func.sum(Deal.amount), func.sum(func.coalesce(Deal.margin, 0)), func.count())
        .where(Deal.org_id == org_id, Deal.status == WON, Deal.closed_at >= start, Deal.closed_at < end)
        .group_by(Deal.owner_id, Deal.team_id)
    )
    return [(int(u), t, Decimal(rev or 0), Decimal(margin or 0), int(n)) for u, t, rev, margin, n in await session.execute(query)]


async def collected(session: AsyncSession, org_id: int, start: datetime, end: datetime) -> list[tuple[int, int | None, Decimal]]:
    """(owner, credited team, payments collected) in [start, end)."""
    query = (
        select(Payment.owner_id, Payment.team_id, func.sum(Payment.amount))
        .where(Payment.org_id == org_id, Payment.collected_at >= start, Payment.collected_at < end)
        .group_by(Payment.owner_id, Payment.team_id)
    )
    return [(int(u), t, Decimal(total or 0)) for u, t, total in await session.execute(query)]
