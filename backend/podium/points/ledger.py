"""Read-only sums over the points ledger, for every capability that ranks or reports on points."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from podium.points.models import PointsEntry


@dataclass(frozen=True)
class Span:
    start: datetime
    end: datetime
    team_id: int | None = None
    # Units merged into `team_id` (the org tree editor): what was entered under them counts for it too.
    merged: tuple[int, ...] = ()

    def teams(self) -> tuple[int, ...]:
        return (self.team_id, *self.merged) if self.team_id is not None else ()


async def totals_by_user(session: AsyncSession, org_id: int, span: Span, *, through_entry: int | None = None) -> list[tuple[int, int, int]]:
    """(user id, points, entries) for everyone who earned within the span (as it stood after `through_entry`)."""
    query = (
        select(PointsEntry.user_id, func.sum(PointsEntry.points), func.count())
        .where(PointsEntry.org_id == org_id, PointsEntry.occurred_at >= span.start, PointsEntry.occurred_at < span.end)
        .group_by(PointsEntry.user_id)
    )
    if through_entry is not None:
        query = query.where(PointsEntry.id <= through_entry)
    if span.team_id is not None:
        query = query.where(PointsEntry.team_id.in_(span.teams()))
    return [(int(uid), int(total), int(n)) for uid, total, n in await session.execute(query)]


async def user_totals(session: AsyncSession, user_id: int, spans: list[Span]) -> list[tuple[int, int]]:
    """(points, entries) of one person in each span, in one query."""
    columns = []
    for span in spans:
        inside = and_(PointsEntry.occurred_at >= span.start, PointsEntry.occurred_at < span.end)
        if span.team_id is not None:
            inside = and_(inside, PointsEntry.team_id.in_(span.teams()))
        columns += [func.sum(case((inside, PointsEntry.points), else_=0)), func.sum(case((inside, 1), else_=0))]
    row = (await session.execute(select(*columns).where(PointsEntry.user_id == user_id))).one()
    return [(int(row[2 * i] or 0), int(row[2 * i + 1] or 0)) for i in range(len(spans))]


@dataclass(frozen=True)
class LastOfDay:
    """A person's last ledger entry of one kind on one day of the org's calendar."""

    org_id: int
    user_id: int
    team_id: int | None
    rule_kind: str
    entry_id: int
    points: int
    occurred_at: datetime


async def last_of_each_day(session: AsyncSession, org_id: int, time_zone: str) -> list[LastOfDay]:
    """What history is re-checked by (`podium rebuild`): badges belong to days, weeks and months, so one look a day will do."""
    zone = ZoneInfo(time_zone)
    query = (
        select(PointsEntry.id, PointsEntry.user_id, PointsEntry.team_id, PointsEntry.rule_kind, PointsEntry.points, PointsEntry.occurred_at)
        .where(PointsEntry.org_id == org_id)
        .order_by(PointsEntry.occurred_at, PointsEntry.id)
    )
    last: dict[tuple[int, str, object], LastOfDay] = {}
    for entry_id, user_id, team_id, kind, points, at in await session.execute(query):
        last[(user_id, kind, at.astimezone(zone).date())] = LastOfDay(org_id, user_id, team_id, kind, entry_id, points, at)
    return sorted(last.values(), key=lambda e: (e.occurred_at, e.entry_id))


# Points a person earned by their own work: not corrections, contest prizes or target bonuses.
NOT_OWN_WORK = ("adjustment", "contest", "target_reached")


async def earned_moments(session: AsyncSession, user_id: int, start: datetime, end: datetime) -> list[datetime]:
    """When the person earned points by their own work within [start, end)."""
    query = select(PointsEntry.occurred_at).where(
        PointsEntry.user_id == user_id, PointsEntry.occurred_at >= start, PointsEntry.occurred_at < end,
        PointsEntry.points > 0, PointsEntry.rule_kind.not_in(NOT_OWN_WORK),
    )
    return list(await session.scalars(query))


async def earned_moments_of_org(session: AsyncSession, org_id: int, start: datetime) -> list[tuple[int, datetime]]:
    """(person, when) of everyone's own work in the org since `start` (`podium rebuild` finds streaks from it)."""
    query = select(PointsEntry.user_id, PointsEntry.occurred_at).where(
        PointsEntry.org_id == org_id, PointsEntry.occurred_at >= start, PointsEntry.points > 0, PointsEntry.rule_kind.not_in(NOT_OWN_WORK),
    )
    return [(int(user_id), at) for user_id, at in await session.execute(query)]


async def lifetime_total(session: AsyncSession, user_id: int) -> int:
    return int(await session.scalar(select(func.coalesce(func.sum(PointsEntry.points), 0)).where(PointsEntry.user_id == user_id)) or 0)
