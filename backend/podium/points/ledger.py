"""Read-only sums over the points ledger, for every capability that ranks or reports on points."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from podium.points.models import PointsEntry


@dataclass(frozen=True)
class Span:
    start: datetime
    end: datetime
    team_id: int | None = None


async def totals_by_user(session: AsyncSession, org_id: int, span: Span) -> list[tuple[int, int, int]]:
    """(user id, points, entries) for everyone who earned within the span."""
    query = (
        select(PointsEntry.user_id, func.sum(PointsEntry.points), func.count())
        .where(PointsEntry.org_id == org_id, PointsEntry.occurred_at >= span.start, PointsEntry.occurred_at < span.end)
        .group_by(PointsEntry.user_id)
    )
    if span.team_id is not None:
        query = query.where(PointsEntry.team_id == span.team_id)
    return [(int(uid), int(total), int(n)) for uid, total, n in await session.execute(query)]


async def user_totals(session: AsyncSession, user_id: int, spans: list[Span]) -> list[tuple[int, int]]:
    """(points, entries) of one person in each span, in one query."""
    columns = []
    for span in spans:
        inside = and_(PointsEntry.occurred_at >= span.start, PointsEntry.occurred_at < span.end)
        if span.team_id is not None:
            inside = and_(inside, PointsEntry.team_id == span.team_id)
        columns += [func.sum(case((inside, PointsEntry.points), else_=0)), func.sum(case((inside, 1), else_=0))]
    row = (await session.execute(select(*columns).where(PointsEntry.user_id == user_id))).one()
    return [(int(row[2 * i] or 0), int(row[2 * i + 1] or 0)) for i in range(len(spans))]


async def lifetime_total(session: AsyncSession, user_id: int) -> int:
    return int(await session.scalar(select(func.coalesce(func.sum(PointsEntry.points), 0)).where(PointsEntry.user_id == user_id)) or 0)
