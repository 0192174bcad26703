"""The office TV's KPI tiles for one scope (a team's subtree, or the whole org): the month's revenue against its target
and pace, won today, collections, and the week's wins.

The month's and the week's figures are the cockpit's results (results_for, the same rollups and targets); "won today"
counts the deals closed today in the org's zone that are still won. A display may read the scopes it was paired
for; managers and admins the nodes within their reach (NOT_FOUND otherwise, like the cockpit); every person of the org
the org's tiles and their own team's, which are public within the org like its boards (see public_to).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from podium.analytics import deals_read as read
from podium.analytics.results import results_for
from podium.core.env import Env
from podium.core.errors import DomainError, ErrorCode
from podium.core.policies import Role, Viewer
from podium.pipeline import facts as pipeline_facts
from podium.targets.calendar import FiscalPeriod, Grain
from podium.targets.service import Node, NodeKind

ORG_SCOPE, TEAM_SCOPE = "org", "team"  # BoardGrant.scope, as displays pair boards


@dataclass(frozen=True)
class TvKpis:
    node: Node
    label: str
    currency: str
    month: FiscalPeriod
    time_zone: str
    elapsed: float  # share of the month gone
    revenue: Decimal
    target: Decimal | None
    pace: float | None  # revenue over target, over the share gone: 1.0 is exactly on the straight line
    won_month: int
    collections: Decimal
    won_today: int
    won_today_amount: Decimal
    won_week: int
    week_revenue: Decimal
    as_of: datetime

    @property
    def attainment(self) -> float | None:
        return float(self.revenue / self.target) if self.target else None

    @property
    def expected(self) -> Decimal | None:
        """Where the revenue would be on the straight line from zero to the target."""
        return (self.target * Decimal(str(self.elapsed))).quantize(Decimal("0.01")) if self.target is not None else None


def display_may_show(viewer: Viewer, team_id: int | None) -> bool:
    """A display shows the KPIs of a scope it was paired a board of: its team boards' teams, the org for an org board."""
    if team_id is None:
        return any(g.scope == ORG_SCOPE for g in viewer.boards)
    return any(g.scope == TEAM_SCOPE and g.team_id == team_id for g in viewer.boards)


def public_to(viewer: Viewer, team_id: int | None) -> bool:
    """The tiles every person of the org may watch: the org's and their own team's. They are what the office TV shows to
    everyone in the room, and no more than the boards already show a rep (the org's and their team's revenue boards list
    every rep's revenue; contests are public within the org). Another team's stay within its managers' reach."""
    return team_id is None or team_id == viewer.team_id


def org_view(viewer: Viewer) -> Viewer:
    """Computing with the whole org in view, once access was checked: the figures are shared by every viewer of the scope."""
    return Viewer(user_id=viewer.user_id, org_id=viewer.org_id, team_id=None, role=Role.ADMIN, locale=viewer.locale, name="")


async def check_scope(env: Env, viewer: Viewer, team_id: int | None) -> Node:
    """The node the viewer may watch (the org, or the team); NOT_FOUND outside reach (another org's team looks the same)."""
    node = Node(NodeKind.TEAM, team_id) if team_id is not None else Node(NodeKind.ORG, viewer.org_id)
    if viewer.is_display:
        if not display_may_show(viewer, team_id):
            raise DomainError.one(ErrorCode.NOT_FOUND, "teamId")
        viewer = org_view(viewer)
    elif public_to(viewer, team_id):
        viewer = org_view(viewer)  # still checked below: the team must be of the viewer's org
    async with env.db() as session:
        where = await read.place(session, viewer, node)  # NOT_FOUND: another org's team, or one out of reach
    return where.node


async def tv_kpis(env: Env, viewer: Viewer, team_id: int | None) -> TvKpis:
    """The tiles for the scope now, after checking the viewer may see it."""
    node = await check_scope(env, viewer, team_id)
    return await compute(env, org_view(viewer), node)


async def compute(env: Env, viewer: Viewer, node: Node) -> TvKpis:
    """The tiles of a checked node (`viewer` reaches it: the live view computes with the org in view)."""
    now = env.clock()
    async with env.db() as session:
        where = await read.place(session, viewer, node)
        calendar = where.scope.calendar
        month, week = calendar.period(Grain.MONTH, now), calendar.period(Grain.WEEK, now)
        this_month = (await results_for(session, where, [node], month, now))[node]
        this_week = (await results_for(session, where, [node], week, now))[node]
        start, end = today_bounds(now, calendar.time_zone)
        won = await pipeline_facts.won_between(session, where.org_id, start, end)
    owners = read.owners_of(where.scope, node)
    today = [v for owner, v in won.items() if owners is None or owner in owners]
    return TvKpis(
        node=node, label=where.scope.label(node), currency=where.scope.currency, month=month, time_zone=calendar.time_zone,
        elapsed=float(calendar.elapsed_fraction(month, now)), revenue=this_month.revenue, target=this_month.target,
        pace=this_month.pace, won_month=this_month.won, collections=this_month.collections,
        won_today=sum(n for n, _ in today), won_today_amount=sum((a for _, a in today), Decimal("0")),
        won_week=this_week.won, week_revenue=this_week.revenue, as_of=now,
    )


def today_bounds(now: datetime, time_zone: str) -> tuple[datetime, datetime]:
    """Today in the org's zone, as UTC-aware instants."""
    zone = ZoneInfo(time_zone)
    day = now.astimezone(zone).date()
    start = datetime.combine(day, time(), tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time(), tzinfo=zone)
    return start, end


async def owners(env: Env, viewer: Viewer, node: Node) -> frozenset[int] | None:
    """Whose wins and payments move the node's tiles now (None: everyone's in the org)."""
    async with env.db() as session:
        where = await read.place(session, viewer, node)
    return read.owners_of(where.scope, node)
