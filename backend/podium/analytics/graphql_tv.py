"""The office TV's KPI tiles in GraphQL (tvKpis / tvKpisChanged), and their live view: one per scope for every TV."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Hashable
from datetime import datetime
from decimal import Decimal
from typing import Any

import strawberry

from podium.analytics import tv as service
from podium.analytics.graphql_cockpit import MOVING_EVENTS, PACE_REFRESH
from podium.core.env import Env
from podium.core.events import org_channel
from podium.core.policies import Viewer
from podium.graphql.context import Info
from podium.graphql.ids import int_id
from podium.leaderboards.graphql import ScopeEnum
from podium.leaderboards.service import Scope
from podium.orgs.graphql import Team
from podium.targets.service import Node, NodeKind

OWNER_EVENTS = frozenset({"deal", "payment"})  # live kinds that name the deal's owner


@strawberry.type(description="The office TV's KPI tiles for a team (its subtree) or the whole org, now.")
class TvKpis:
    scope: ScopeEnum  # type: ignore[valid-type]
    team: Team | None
    label: str = strawberry.field(description="The team's or the org's name.")
    currency: str
    period_key: str = strawberry.field(description="The fiscal month the revenue, target and collections are for.")
    starts_at: datetime
    ends_at: datetime
    elapsed: float = strawberry.field(description="Share of the month gone, 0 to 1.")
    revenue: Decimal = strawberry.field(description="Won less reversed this month.")
    target: Decimal | None = strawberry.field(description="The month's revenue target; null when none is set.")
    attainment: float | None = strawberry.field(description="Revenue over target.")
    expected: Decimal | None = strawberry.field(description="The target times the share of the month gone.")
    pace: float | None = strawberry.field(description="Attainment over the share gone: 1 is on the straight line to the target.")
    won_month: int
    collections: Decimal = strawberry.field(description="Payments less refunds this month.")
    won_today: int = strawberry.field(description="Deals won today (the org's zone) and still won.")
    won_today_amount: Decimal
    won_week: int = strawberry.field(description="Deals won this ISO week.")
    week_revenue: Decimal
    as_of: datetime

    @classmethod
    def of(cls, k: service.TvKpis) -> TvKpis:
        start, end = k.month.bounds(k.time_zone)
        team = k.node.kind is NodeKind.TEAM
        return cls(
            scope=Scope.TEAM if team else Scope.ORG, team=Team(id=strawberry.ID(str(k.node.id)), name=k.label) if team else None,
            label=k.label, currency=k.currency, period_key=k.month.key, starts_at=start, ends_at=end, elapsed=k.elapsed,
            revenue=k.revenue, target=k.target, attainment=k.attainment, expected=k.expected, pace=k.pace, won_month=k.won_month,
            collections=k.collections, won_today=k.won_today, won_today_amount=k.won_today_amount, won_week=k.won_week,
            week_revenue=k.week_revenue, as_of=k.as_of,
        )


def _team(raw: Any) -> int | None:
    return None if raw is None else int_id(raw)


class TvKpisLive:
    """One scope's tiles, computed once per change for every TV and manager watching them."""

    stream = False

    def __init__(self, env: Env, viewer: Viewer, node: Node) -> None:
        self.env = env
        self._viewer = viewer
        self.node = node
        self._owners: frozenset[int] | None = None
        self._next_day: datetime | None = None

    @property
    def key(self) -> Hashable:
        return ("tv-kpis", self._viewer.org_id, self.node)

    @property
    def channel(self) -> str:
        return org_channel(self._viewer.org_id)

    def relevant(self, event: dict[str, Any]) -> bool:
        if event.get("kind") not in MOVING_EVENTS:
            return False
        # A team's tiles skip wins and payments of owners outside it (reassignments and targets always count).
        owner = event.get("owner")
        return not (event.get("kind") in OWNER_EVENTS and self._owners is not None and isinstance(owner, int) and owner not in self._owners)

    async def snapshot(self) -> TvKpis:
        found = await service.compute(self.env, self._viewer, self.node)
        self._owners = await service.owners(self.env, self._viewer, self.node)
        self._next_day = service.today_bounds(found.as_of, found.time_zone)[1]
        return TvKpis.of(found)

    async def values_for(self, event: dict[str, Any]) -> list[Any]:
        return []

    def refresh_at(self, value: Any) -> datetime | None:
        # Pace moves with the clock, and "won today" starts again at midnight.
        soon = self.env.clock() + PACE_REFRESH
        return min(soon, self._next_day) if self._next_day is not None else soon


async def tv_kpis_live(info_context: Any, args: dict[str, Any]) -> TvKpisLive:
    """The topic for tvKpisChanged(teamId), after checking the viewer (a paired display for its boards, a person for their own team and the org, a manager or an admin within reach) may see it."""
    viewer = info_context.require_viewer()
    node = await service.check_scope(info_context.env, viewer, _team(args.get("teamId")))
    return TvKpisLive(info_context.env, service.org_view(viewer), node)


@strawberry.type
class Query:
    @strawberry.field(description="The office TV's KPI tiles: a team's (its subtree) with teamId, else the org's.")
    async def tv_kpis(self, info: Info, team_id: strawberry.ID | None = None) -> TvKpis:
        ctx = info.context
        return TvKpis.of(await service.tv_kpis(ctx.env, ctx.require_viewer(), _team(team_id)))


@strawberry.type
class Subscription:
    @strawberry.subscription(description="The KPI tiles now, then again whenever a win, reversal, payment or deal change moves them (coalesced).")
    async def tv_kpis_changed(self, info: Info, team_id: strawberry.ID | None = None) -> AsyncGenerator[TvKpis, None]:
        spec = await tv_kpis_live(info.context, {"teamId": team_id})
        async for value in info.context.hub.listen(spec):
            yield value
