"""The cockpit's pipeline figures in GraphQL (a thin layer over analytics' services), and their live view."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Hashable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import strawberry

from podium.analytics import funnel as funnel_service
from podium.analytics import results as results_service
from podium.analytics import sources as sources_service
from podium.analytics import velocity as velocity_service
from podium.analytics.deals_read import Place, label_of, place
from podium.core.env import Env
from podium.core.events import names_of, org_channel
from podium.core.i18n import Locale
from podium.core.policies import Role, Viewer
from podium.graphql.context import Info
from podium.graphql.ids import int_id
from podium.pipeline.events import DealChanged, DealsReassigned, PaymentRecorded
from podium.pipeline.graphql import LeadSourceEnum, Stage
from podium.targets.calendar import FiscalPeriod
from podium.targets.events import TargetSaved
from podium.targets.graphql import NodeInput, NodeKindEnum
from podium.targets.service import Node, NodeKind

FunnelBasisEnum = strawberry.enum(funnel_service.FunnelBasis, name="FunnelBasis")
# Wins, losses, reversals, payments, any deal change, reassignments and targets move the results.
MOVING_EVENTS = names_of(DealChanged, PaymentRecorded, DealsReassigned, TargetSaved)
# Pace moves with the clock: a live view recomputes at least this often.
PACE_REFRESH = timedelta(minutes=10)


@strawberry.type
class AnalyticsPeriod:
    key: str
    label: str
    start: datetime
    end: datetime

    @classmethod
    def of(cls, period: FiscalPeriod, time_zone: str, locale: Locale) -> AnalyticsPeriod:
        start, end = period.bounds(time_zone)
        return cls(key=period.key, label=label_of(period, locale), start=start, end=end)


@strawberry.type
class AnalyticsNode:
    kind: NodeKindEnum
    id: strawberry.ID
    label: str
    where: strawberry.Private[Place]
    node: strawberry.Private[Node]

    @classmethod
    def of(cls, where: Place, node: Node) -> AnalyticsNode:
        return cls(kind=node.kind, id=strawberry.ID(str(node.id)), label=where.scope.label(node), where=where, node=node)

    @strawberry.field(description="From the top the viewer may see down to this node's parent (the breadcrumb).")
    def path(self) -> list[AnalyticsNode]:
        scope, chain, current = self.where.scope, [], self.node
        while current != self.where.top:
            parent = scope.parent(current)
            visible = parent is not None and (scope.reach.org_wide if parent.kind is NodeKind.ORG else scope.sees(parent))
            if parent is None or not visible:
                break
            chain.append(parent)
            current = parent
        return [AnalyticsNode.of(self.where, n) for n in reversed(chain)]

    @strawberry.field(description="Units below, then reps directly in it; empty for a person.")
    def children(self) -> list[AnalyticsNode]:
        return [AnalyticsNode.of(self.where, n) for n in self.where.scope.children(self.node)]


@strawberry.type
class Results:
    created: int
    won: int
    lost: int
    win_rate: float | None
    win_rate_amount: float | None
    revenue: Decimal
    average_order_value: Decimal | None
    gross_margin: Decimal
    collections: Decimal
    collection_rate: float | None
    dso_days: float | None
    cycle_days_p50: float | None
    target: Decimal | None
    pace: float | None

    @classmethod
    def of(cls, r: results_service.Results) -> Results:
        return cls(**{name: getattr(r, name) for name in results_service.Results.__dataclass_fields__})


@strawberry.type
class ResultsComparison:
    period: AnalyticsPeriod
    previous_period: AnalyticsPeriod
    last_year_period: AnalyticsPeriod
    current: Results
    previous: Results
    last_year: Results

    @classmethod
    def of(cls, c: results_service.Comparison, locale: Locale) -> ResultsComparison:
        zone = c.place.scope.calendar.time_zone
        return cls(
            period=AnalyticsPeriod.of(c.period, zone, locale), previous_period=AnalyticsPeriod.of(c.previous_period, zone, locale),
            last_year_period=AnalyticsPeriod.of(c.last_year_period, zone, locale),
            current=Results.of(c.current), previous=Results.of(c.previous), last_year=Results.of(c.last_year),
        )


@strawberry.type
class FunnelStep:
    stage: Stage
    entered: int
    amount: Decimal
    advanced: int
    conversion: float | None
    drop_off: int

    @classmethod
    def of(cls, s: funnel_service.Step, locale: Locale) -> FunnelStep:
        return cls(stage=Stage.of(s.stage, locale), entered=s.entered, amount=s.amount, advanced=s.advanced, conversion=s.conversion, drop_off=s.drop_off)


@strawberry.type
class Funnel:
    basis: FunnelBasisEnum
    steps: list[FunnelStep]
    won: int
    lost: int
    previous: list[FunnelStep]
    last_year: list[FunnelStep]


@strawberry.type
class StageVelocity:
    stage: Stage
    stays: int
    p50_days: float | None
    p90_days: float | None
    stalled: int


@strawberry.type
class Velocity:
    stages: list[StageVelocity]
    cycle_p50_days: float | None
    cycle_p90_days: float | None
    stalled: int


@strawberry.type
class StalledDeal:
    deal_id: strawberry.ID
    title: str
    owner_id: strawberry.ID
    owner_name: str
    customer_name: str
    stage: Stage
    amount: Decimal
    days_in_stage: int
    limit_days: int = strawberry.field(description="The org's p90 stay for that stage.")


@strawberry.type
class StalledPage:
    total: int
    deals: list[StalledDeal]


@strawberry.type
class SourceFigures:
    source: LeadSourceEnum
    deals: int
    won: int
    lost: int
    win_rate: float | None
    cycle_days_p50: float | None
    average_order_value: Decimal | None
    revenue: Decimal


@strawberry.type
class NodeFigures:
    node: AnalyticsNode
    results: Results


def _node(raw: NodeInput | dict[str, Any] | None) -> Node | None:
    """A node argument (a subscription's arrives as a dict); a malformed id finds nothing (NOT_FOUND)."""
    if raw is None:
        return None
    kind, ident = (raw.kind, raw.id) if isinstance(raw, NodeInput) else (raw["kind"], raw["id"])
    return Node(NodeKind(kind.lower() if isinstance(kind, str) else kind), int_id(ident))


def _stage_id(raw: strawberry.ID | None) -> int | None:
    return None if raw is None else int_id(raw)


class AnalyticsLive:
    """One node's results comparison for one period, computed once per change for every viewer of it."""

    stream = False

    def __init__(self, env: Env, viewer: Viewer, node: Node, period_key: str, locale: Locale) -> None:
        self.env = env
        self._viewer = viewer
        self.node = node
        self.period_key = period_key
        self.locale = locale

    @property
    def key(self) -> Hashable:
        return ("analytics", self._viewer.org_id, self.node, self.period_key, self.locale)

    @property
    def channel(self) -> str:
        return org_channel(self._viewer.org_id)

    def relevant(self, event: dict[str, Any]) -> bool:
        return event.get("kind") in MOVING_EVENTS

    async def snapshot(self) -> ResultsComparison:
        found = await results_service.comparison(self.env, self._viewer, self.node, self.period_key)
        return ResultsComparison.of(found, self.locale)

    async def values_for(self, event: dict[str, Any]) -> list[Any]:
        return []

    def refresh_at(self, value: Any) -> datetime | None:
        return self.env.clock() + PACE_REFRESH


async def analytics_live(info_context: Any, args: dict[str, Any]) -> AnalyticsLive:
    """The topic for analyticsChanged, after checking the viewer may see the node and the period is valid."""
    viewer = info_context.require_viewer()
    env = info_context.env
    current = await results_service.comparison(env, viewer, _node(args.get("node")), args.get("period"))
    # Topics are shared: key by the node and compute with a view of the whole org (access was checked just above).
    org_view = Viewer(user_id=viewer.user_id, org_id=viewer.org_id, team_id=None, role=Role.ADMIN, locale=viewer.locale, name="")
    return AnalyticsLive(env, org_view, current.place.node, current.period.key, info_context.locale)


@strawberry.type
class Query:
    @strawberry.field(description="A node of the org tree for the cockpit (the viewer's reach top by default), with its breadcrumb and children.")
    async def analytics_node(self, info: Info, node: NodeInput | None = None) -> AnalyticsNode:
        ctx = info.context
        async with ctx.env.db() as session:
            where = await place(session, ctx.require_viewer(), _node(node))
        return AnalyticsNode.of(where, where.node)

    @strawberry.field(description="Results of a node for a period (the current fiscal month by default), the period before, and last year's.")
    async def analytics_results(self, info: Info, node: NodeInput | None = None, period: str | None = None) -> ResultsComparison:
        ctx = info.context
        return ResultsComparison.of(await results_service.comparison(ctx.env, ctx.require_viewer(), _node(node), period), ctx.locale)

    @strawberry.field(description="The funnel per open stage: FLOW counts entries in the period, COHORT the deals created in it.")
    async def analytics_funnel(
        self, info: Info, node: NodeInput | None = None, period: str | None = None,
        basis: FunnelBasisEnum = funnel_service.FunnelBasis.FLOW,  # type: ignore[valid-type]
    ) -> Funnel:
        ctx = info.context
        f = await funnel_service.funnel(ctx.env, ctx.require_viewer(), _node(node), period, funnel_service.FunnelBasis(basis))
        return Funnel(
            basis=f.basis, steps=[FunnelStep.of(s, ctx.locale) for s in f.steps], won=f.won, lost=f.lost,
            previous=[FunnelStep.of(s, ctx.locale) for s in f.previous], last_year=[FunnelStep.of(s, ctx.locale) for s in f.last_year],
        )

    @strawberry.field(description="Time in each stage (stays that ended in the period), the sales cycle, and the stalled deals now.")
    async def analytics_velocity(self, info: Info, node: NodeInput | None = None, period: str | None = None) -> Velocity:
        ctx = info.context
        v = await velocity_service.velocity(ctx.env, ctx.require_viewer(), _node(node), period)
        return Velocity(
            stages=[StageVelocity(stage=Stage.of(s.stage, ctx.locale), stays=s.stays, p50_days=s.p50_days, p90_days=s.p90_days, stalled=s.stalled) for s in v.stages],
            cycle_p50_days=v.cycle_p50_days, cycle_p90_days=v.cycle_p90_days, stalled=v.stalled,
        )

    @strawberry.field(description="Open deals whose current stay is longer than the org's p90 for their stage, longest first.")
    async def analytics_stalled(
        self, info: Info, node: NodeInput | None = None, stage_id: strawberry.ID | None = None, first: int = 20, offset: int = 0
    ) -> StalledPage:
        ctx = info.context
        page = await velocity_service.stalled(ctx.env, ctx.require_viewer(), _node(node), _stage_id(stage_id), first, offset)
        return StalledPage(total=page.total, deals=[
            StalledDeal(
                deal_id=strawberry.ID(str(d.deal_id)), title=d.title, owner_id=strawberry.ID(str(d.owner_id)), owner_name=d.owner_name,
                customer_name=d.customer_name, stage=Stage.of(d.stage, ctx.locale), amount=d.amount, days_in_stage=d.days_in_stage, limit_days=d.limit_days,
            )
            for d in page.deals
        ])

    @strawberry.field(description="Per lead source: deals created in the period, won, lost, win rate, cycle, average order and revenue.")
    async def analytics_sources(self, info: Info, node: NodeInput | None = None, period: str | None = None) -> list[SourceFigures]:
        ctx = info.context
        found = await sources_service.sources(ctx.env, ctx.require_viewer(), _node(node), period)
        return [SourceFigures(**{name: getattr(s, name) for name in sources_service.SourceFigures.__dataclass_fields__}) for s in found]

    @strawberry.field(description="The node's results per child (units, then reps directly in it), for drilling down.")
    async def analytics_breakdown(self, info: Info, node: NodeInput | None = None, period: str | None = None) -> list[NodeFigures]:
        ctx = info.context
        found = await results_service.breakdown(ctx.env, ctx.require_viewer(), _node(node), period)
        return [NodeFigures(node=AnalyticsNode.of(found.place, n), results=Results.of(r)) for n, r in found.rows]


@strawberry.type
class Subscription:
    @strawberry.subscription(description="The results comparison now, then again whenever a win, loss, reversal, payment or deal change moves it (coalesced).")
    async def analytics_changed(self, info: Info, node: NodeInput | None = None, period: str | None = None) -> AsyncGenerator[ResultsComparison, None]:
        spec = await analytics_live(info.context, {"node": node, "period": period})
        async for value in info.context.hub.listen(spec):
            yield value
