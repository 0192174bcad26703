"""Behaviour per rep: visits and how many led to a deal, activity mix, visits per working day, verified share."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from podium.analytics.customers_common import Asked, ask, check_page, ratio
from podium.analytics.customers_models import ActivityDay, PersonDay
from podium.core.env import Env
from podium.core.policies import Role, Viewer
from podium.targets.calendar import FiscalPeriod
from podium.targets.service import Node, NodeKind

FIGURES = ("visits", "verified", "approved", "flagged", "rejected", "converted")


@dataclass
class Figures:
    visits: int = 0
    verified: int = 0
    approved: int = 0
    flagged: int = 0
    rejected: int = 0
    converted: int = 0
    activities: dict[str, int] = field(default_factory=dict)

    @property
    def counted(self) -> int:
        return self.verified + self.approved

    def add(self, other: Figures) -> None:
        for name in FIGURES:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for kind, n in other.activities.items():
            self.activities[kind] = self.activities.get(kind, 0) + n


@dataclass(frozen=True)
class PersonBehaviour:
    user_id: int
    label: str
    figures: Figures
    verified_share: Decimal | None  # counted (verified or approved) over all visits
    conversion: Decimal | None  # counted visits followed by a deal within 30 days, over counted visits
    per_working_day: Decimal | None


@dataclass(frozen=True)
class Behaviour:
    asked: Asked
    working_days: int
    total: PersonBehaviour
    previous: Figures
    last_year: Figures
    items: list[PersonBehaviour]
    people: int  # the reps under the node: every page's total
    has_more: bool


def working_days(period: FiscalPeriod, today: date) -> int:
    """Monday to Friday in the period, up to today for the current one."""
    end = min(period.end, today + timedelta(days=1))
    return sum(1 for n in range(max(0, (end - period.first).days)) if (period.first + timedelta(days=n)).weekday() < 5)


def _people(asked: Asked) -> list[int]:
    tree = asked.scope.tree
    if asked.node.kind is NodeKind.USER:
        return [asked.node.id]
    members = tree.members.values() if asked.node.kind is NodeKind.ORG else tree.members_under(asked.node.id)
    return [m.id for m in members if m.role is Role.REP]


async def _figures(session: AsyncSession, asked: Asked, period: FiscalPeriod, people: list[int]) -> dict[int, Figures]:
    found: dict[int, Figures] = defaultdict(Figures)
    if not people:
        return found
    days = [PersonDay.day >= period.first, PersonDay.day < period.end]
    who = [] if asked.owners is None else [PersonDay.user_id.in_(people)]
    for row in await session.execute(
        select(PersonDay.user_id, *(func.sum(getattr(PersonDay, n)) for n in FIGURES))
        .where(PersonDay.org_id == asked.org_id, *days, *who).group_by(PersonDay.user_id)
    ):
        f = found[int(row[0])]
        for name, value in zip(FIGURES, row[1:], strict=True):
            setattr(f, name, int(value or 0))
    who = [] if asked.owners is None else [ActivityDay.user_id.in_(people)]
    for uid, kind, n in await session.execute(
        select(ActivityDay.user_id, ActivityDay.kind, func.sum(ActivityDay.count))
        .where(ActivityDay.org_id == asked.org_id, ActivityDay.day >= period.first, ActivityDay.day < period.end, *who)
        .group_by(ActivityDay.user_id, ActivityDay.kind)
    ):
        found[int(uid)].activities[kind] = int(n or 0)
    return found


def _person(user_id: int, label: str, f: Figures, days: int) -> PersonBehaviour:
    return PersonBehaviour(user_id, label, f, ratio(f.counted, f.visits), ratio(f.converted, f.counted),
                           (Decimal(f.counted) / days).quantize(Decimal("0.01")) if days else None)


def _sum(found: dict[int, Figures], people: list[int]) -> Figures:
    total = Figures()
    for uid in people:
        if uid in found:
            total.add(found[uid])
    return total


async def behaviour(env: Env, viewer: Viewer, node: Node | None, period_key: str | None, *, first: int = 50, offset: int = 0) -> Behaviour:
    check_page(first, offset)
    now = env.clock()
    async with env.db() as session:
        asked = await ask(session, viewer, node, period_key, now, monthly=False)
        people = _people(asked)
        periods = asked.periods
        current = await _figures(session, asked, periods.current, people)
        previous = await _figures(session, asked, periods.previous, people)
        last_year = await _figures(session, asked, periods.last_year, people)
    today = now.astimezone(ZoneInfo(asked.scope.calendar.time_zone)).date()
    days = working_days(periods.current, today)
    tree = asked.scope.tree
    ordered = sorted(people, key=lambda u: (-current[u].counted if u in current else 0, tree.members[u].name if u in tree.members else "", u))
    items = [_person(u, tree.members[u].name if u in tree.members else "", current.get(u, Figures()), days) for u in ordered[offset:offset + first]]
    total = _person(asked.node.id, asked.scope.label(asked.node), _sum(current, people), days * max(1, len(people)))
    return Behaviour(asked, days, total, _sum(previous, people), _sum(last_year, people), items, len(ordered), len(ordered) > offset + first)
