"""Targets in GraphQL: attainment (query and live), the org tree, split preview and saving, seasonal decomposition."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Hashable
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Annotated, Any

import strawberry

from podium.core.env import Env
from podium.core.errors import DomainError, ErrorCode
from podium.core.events import org_channel
from podium.core.policies import Role, Viewer
from podium.graphql.context import Info
from podium.graphql.errors import OperationError, attempt
from podium.graphql.ids import int_id
from podium.targets import service
from podium.targets.calendar import FiscalPeriod, Grain
from podium.targets.service import Basis, Metric, Node, NodeKind, Pace

NodeKindEnum = strawberry.enum(NodeKind, name="NodeKind")
MetricEnum = strawberry.enum(Metric, name="TargetMetric")
BasisEnum = strawberry.enum(Basis, name="SplitBasis")
GrainEnum = strawberry.enum(Grain, name="Grain")
PaceEnum = strawberry.enum(Pace, name="Pace")
# Attainment's pace moves with the clock too: a live view recomputes at least this often.
PACE_REFRESH = timedelta(minutes=10)


@strawberry.input
class NodeInput:
    kind: NodeKindEnum
    id: strawberry.ID = strawberry.field(description="The org's, a team's or a person's id.")


@strawberry.type
class OrgNode:
    kind: NodeKindEnum
    id: strawberry.ID
    name: str
    key: str = strawberry.field(description="`kind:id`, unique in the org.")

    @classmethod
    def of(cls, node: Node, label: str) -> OrgNode:
        return cls(kind=node.kind, id=strawberry.ID(str(node.id)), name=label, key=f"{node.kind.value}:{node.id}")


@strawberry.type
class TreeEntry:
    node: OrgNode
    parent_key: str | None
    depth: int


@strawberry.type
class FiscalPeriodType:
    grain: GrainEnum
    key: str
    first_day: date
    last_day: date = strawberry.field(description="Inclusive.")

    @classmethod
    def of(cls, period: FiscalPeriod) -> FiscalPeriodType:
        return cls(grain=period.grain, key=period.key, first_day=period.first, last_day=period.end - timedelta(days=1))


@strawberry.type(name="Attainment")
class AttainmentType:
    node: OrgNode
    period: FiscalPeriodType
    metric: MetricEnum
    target: Decimal | None
    actual: Decimal
    ratio: Decimal | None = strawberry.field(description="Actual over target; 1 is 100 %.")
    expected: Decimal | None = strawberry.field(description="Where a straight line to the target stands now.")
    elapsed: float = strawberry.field(description="Share of the period gone, 0-1 (display only).")
    pace: PaceEnum
    children_target: Decimal | None = strawberry.field(description="Sum of the children's own targets (bottom-up).")
    gap: Decimal | None = strawberry.field(description="Target less the children's sum: non-zero when top-down and bottom-up disagree.")
    children: list[AttainmentType]

    @classmethod
    def of(cls, a: service.Attainment) -> AttainmentType:
        return cls(
            node=OrgNode.of(a.node, a.label), period=FiscalPeriodType.of(a.period), metric=a.metric, target=a.target,
            actual=a.actual, ratio=a.ratio, expected=a.expected, elapsed=float(a.elapsed), pace=a.pace,
            children_target=a.children_target, gap=a.gap, children=[cls.of(c) for c in a.children],
        )


@strawberry.type
class SplitRowType:
    node: OrgNode
    weight: Decimal
    amount: Decimal
    share: Decimal = strawberry.field(description="Of the parent's amount, 0-1.")
    last_year: Decimal
    current: Decimal | None = strawberry.field(description="The child's target today, before this split.")


@strawberry.type
class TargetSplit:
    node: OrgNode
    period: FiscalPeriodType
    metric: MetricEnum
    amount: Decimal
    basis: BasisEnum
    rows: list[SplitRowType]
    fell_back_to_equal: bool = strawberry.field(description="The basis had no data, so the split is equal.")

    @classmethod
    def of(cls, plan: service.SplitPlan) -> TargetSplit:
        def share(amount: Decimal) -> Decimal:
            return (amount / plan.amount).quantize(Decimal("0.0001")) if plan.amount else Decimal(0)

        return cls(
            node=OrgNode.of(plan.node, plan.label), period=FiscalPeriodType.of(plan.period), metric=plan.metric,
            amount=plan.amount, basis=plan.basis, fell_back_to_equal=plan.fell_back_to_equal,
            rows=[
                SplitRowType(node=OrgNode.of(r.node, r.label), weight=r.weight, amount=r.amount, share=share(r.amount), last_year=r.last_year, current=r.current)
                for r in plan.rows
            ],
        )


@strawberry.input
class ManualAmount:
    node: NodeInput
    amount: Decimal


@strawberry.input
class SetTargetInput:
    node: NodeInput
    period: str = strawberry.field(description='A fiscal period key: "FY2026", "FY2026-Q2", "2026-07" or "2026-W27".')
    metric: MetricEnum
    amount: Decimal
    basis: BasisEnum = Basis.EQUAL
    manual: list[ManualAmount] = strawberry.field(default_factory=list, description="For MANUAL: every child's amount; they must sum to `amount`.")


@strawberry.type
class PeriodPart:
    period: FiscalPeriodType
    amount: Decimal


@strawberry.type
class TargetDecomposition:
    node: OrgNode
    period: FiscalPeriodType
    metric: MetricEnum
    amount: Decimal
    parts: list[PeriodPart]
    by_days: bool = strawberry.field(description="No history for the season: months weighted by their days.")

    @classmethod
    def of(cls, d: service.Decomposition) -> TargetDecomposition:
        return cls(
            node=OrgNode.of(d.node, d.label), period=FiscalPeriodType.of(d.period), metric=d.metric, amount=d.amount,
            parts=[PeriodPart(period=FiscalPeriodType.of(p), amount=a) for p, a in d.parts], by_days=d.by_days,
        )


@strawberry.input
class DecomposeInput:
    node: NodeInput
    period: str = strawberry.field(description="A fiscal year or quarter key with a target set.")
    metric: MetricEnum
    down_to: GrainEnum = Grain.MONTH


@strawberry.type
class SetTargetSuccess:
    split: TargetSplit


@strawberry.type
class DecomposeSuccess:
    decomposition: TargetDecomposition


SetTargetResult = Annotated[SetTargetSuccess | OperationError, strawberry.union("SetTargetResult")]
DecomposeResult = Annotated[DecomposeSuccess | OperationError, strawberry.union("DecomposeResult")]


def _node(raw: NodeInput | dict[str, Any] | None) -> Node | None:
    if raw is None:
        return None
    kind, ident = (raw.kind, raw.id) if isinstance(raw, NodeInput) else (raw["kind"], raw["id"])
    return Node(NodeKind(kind.lower() if isinstance(kind, str) else kind), int_id(ident))


def _request(input: SetTargetInput) -> service.SplitRequest:
    node = _node(input.node)
    assert node is not None
    manual = {}
    for entry in input.manual:
        child = _node(entry.node)
        assert child is not None
        manual[child] = entry.amount
    return service.SplitRequest(node, input.period, Metric(input.metric), input.amount, Basis(input.basis), manual)


class AttainmentLive:
    """One node's attainment for one period and metric, recomputed once per change for every viewer."""

    stream = False

    def __init__(self, env: Env, viewer: Viewer, node: Node, period_key: str, metric: Metric) -> None:
        self.env = env
        # Only what is needed to recompute: the org and a reach covering the node (checked at subscribe).
        self._viewer = viewer
        self.node = node
        self.period_key = period_key
        self.metric = metric

    @property
    def key(self) -> Hashable:
        return ("attainment", self._viewer.org_id, self.node, self.period_key, self.metric)

    @property
    def channel(self) -> str:
        return org_channel(self._viewer.org_id)

    def relevant(self, event: dict[str, Any]) -> bool:
        return event.get("kind") in service.MOVING_EVENTS

    async def snapshot(self) -> AttainmentType:
        found = await service.attainment(self.env, self._viewer, self.node, self.period_key, Grain.MONTH, self.metric)
        return AttainmentType.of(found)

    async def values_for(self, event: dict[str, Any]) -> list[Any]:
        return []

    def refresh_at(self, value: Any) -> datetime | None:
        return self.env.clock() + PACE_REFRESH


async def attainment_live(info_context: Any, args: dict[str, Any]) -> AttainmentLive:
    """The topic for attainmentChanged, after checking the viewer may see the node."""
    viewer = info_context.require_viewer()
    env = info_context.env
    grain = Grain(str(args.get("grain") or "month").lower())
    metric = Metric(str(args.get("metric") or "revenue").lower())
    current = await service.attainment(env, viewer, _node(args.get("node")), args.get("period"), grain, metric)
    # Topics are shared: the one who subscribes first must not decide others' access, so key by
    # the node and compute with a viewer that sees exactly that node (its org's admin view).
    return AttainmentLive(env, _org_view(viewer), current.node, current.period.key, metric)


def _org_view(viewer: Viewer) -> Viewer:
    return Viewer(user_id=viewer.user_id, org_id=viewer.org_id, team_id=None, role=Role.ADMIN, locale=viewer.locale, name="")


@strawberry.type
class Query:
    @strawberry.field(description="Target, actual and pace of a node (mine by default) for a period (the current one of `grain` by default), with its children.")
    async def attainment(
        self, info: Info, metric: MetricEnum = Metric.REVENUE, node: NodeInput | None = None,  # type: ignore[valid-type]
        period: str | None = None, grain: GrainEnum = Grain.MONTH,  # type: ignore[valid-type]
    ) -> AttainmentType:
        ctx = info.context
        found = await service.attainment(ctx.env, ctx.require_viewer(), _node(node), period, Grain(grain), Metric(metric))
        return AttainmentType.of(found)

    @strawberry.field(description="The part of the org tree I may see and set targets for, depth first.")
    async def org_tree(self, info: Info) -> list[TreeEntry]:
        ctx = info.context
        entries = await service.tree_nodes(ctx.env, ctx.require_viewer())
        return [
            TreeEntry(node=OrgNode.of(e.node, e.label), parent_key=f"{e.parent.kind.value}:{e.parent.id}" if e.parent else None, depth=e.depth)
            for e in entries
        ]

    @strawberry.field(description="What a split would give each child; saves nothing.")
    async def target_split_preview(self, info: Info, input: SetTargetInput) -> TargetSplit:
        ctx = info.context
        return TargetSplit.of(await service.plan_split(ctx.env, ctx.require_viewer(), _request(input)))

    @strawberry.field(description="How a year's or quarter's target would spread over its months (and weeks); saves nothing.")
    async def target_decomposition(self, info: Info, input: DecomposeInput) -> TargetDecomposition:
        ctx = info.context
        node = _node(input.node)
        assert node is not None
        found = await service.plan_decomposition(ctx.env, ctx.require_viewer(), node, input.period, Metric(input.metric), Grain(input.down_to), save=False)
        return TargetDecomposition.of(found)


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Set a node's target and split it to its children; the children always sum to it.")
    async def set_target(self, info: Info, input: SetTargetInput) -> SetTargetResult:
        ctx = info.context

        async def action() -> SetTargetSuccess:
            return SetTargetSuccess(split=TargetSplit.of(await service.set_target(ctx.env, ctx.require_viewer(), _request(input))))

        return await attempt(ctx.locale, action)

    @strawberry.mutation(description="Spread a year's or quarter's target over its quarters, months (and weeks) by last year's season, and save them.")
    async def decompose_target(self, info: Info, input: DecomposeInput) -> DecomposeResult:
        ctx = info.context

        async def action() -> DecomposeSuccess:
            node = _node(input.node)
            assert node is not None
            found = await service.plan_decomposition(ctx.env, ctx.require_viewer(), node, input.period, Metric(input.metric), Grain(input.down_to), save=True)
            return DecomposeSuccess(decomposition=TargetDecomposition.of(found))

        return await attempt(ctx.locale, action)


@strawberry.type
class Subscription:
    @strawberry.subscription(description="Attainment now, then again whenever a win, payment, visit or target moves it.")
    async def attainment_changed(
        self, info: Info, metric: MetricEnum = Metric.REVENUE, node: NodeInput | None = None,  # type: ignore[valid-type]
        period: str | None = None, grain: GrainEnum = Grain.MONTH,  # type: ignore[valid-type]
    ) -> AsyncGenerator[AttainmentType, None]:
        spec = await attainment_live(info.context, {"metric": metric, "node": node, "period": period, "grain": grain})
        async for value in info.context.hub.listen(spec):
            yield value
