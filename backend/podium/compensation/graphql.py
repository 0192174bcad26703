"""Compensation in GraphQL: earnings (query, live, what-if), statements and their review, disputes, splits, plans."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Hashable
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

import strawberry

from podium.compensation import approvals, batch, service
from podium.compensation.batch import Totals
from podium.compensation.engine import Line, LineKind, NextStep
from podium.compensation.plan import Accelerator, Band, Basis, Component, Kind, Payout, Plan, Rounding, TierMode, Trigger, from_json
from podium.compensation.service import DisputeStatus, PlanView, Status, StatementView
from podium.core.env import Env
from podium.core.events import org_channel
from podium.core.money import plain
from podium.core.policies import Viewer
from podium.graphql.context import Info
from podium.graphql.errors import FieldError, OperationError, attempt, operation_error
from podium.graphql.ids import int_id

LineKindEnum = strawberry.enum(LineKind, name="StatementLineKind")
StatusEnum = strawberry.enum(Status, name="StatementStatus")
DisputeStatusEnum = strawberry.enum(DisputeStatus, name="DisputeStatus")
KindEnum = strawberry.enum(Kind, name="CompComponentKind")
BasisEnum = strawberry.enum(Basis, name="CompBasis")
TierModeEnum = strawberry.enum(TierMode, name="TierMode")
PayoutEnum = strawberry.enum(Payout, name="Payout")
TriggerEnum = strawberry.enum(Trigger, name="SpiffTrigger")
RoundingEnum = strawberry.enum(Rounding, name="Rounding")


def _id(value: int | None) -> strawberry.ID | None:
    return None if value is None else strawberry.ID(str(value))


# ---------------------------------------------------------------- statements


@strawberry.type
class Portion:
    basis: Decimal
    rate: Decimal = strawberry.field(description="Percent.")
    multiplier: Decimal
    tier: int = strawberry.field(description="1-based tier band; 0 when the component has no tiers or a product-line rate applied.")


@strawberry.type
class StatementLine:
    key: str = strawberry.field(description="component|kind|ref: names the line in disputes and what-if.")
    component: str
    component_name: str
    kind: LineKindEnum
    ref: str = strawberry.field(description="deal:12, deal:12/2 (its second product line), payment:5, customer:9 or period.")
    deal_id: strawberry.ID | None
    label: str
    at: datetime | None
    basis: Decimal = strawberry.field(description="What the rule applied to: an amount, a quantity or a share.")
    rate: Decimal | None = strawberry.field(description="Percent for commission; the fixed or per-unit amount for a SPIFF.")
    multiplier: Decimal | None
    amount: Decimal = strawberry.field(description="Earned.")
    payable: Decimal
    portions: list[Portion] = strawberry.field(description="How tier and accelerator boundaries split the line.")
    note: str = strawberry.field(description="cap_per_deal, cap_per_period, or the period an adjustment corrects.")
    corrects: LineKindEnum | None = strawberry.field(description="An adjustment: the kind of line it corrects.")

    @classmethod
    def of(cls, line: Line, names: dict[str, str], places: int = 2) -> StatementLine:
        deal_id = None
        if line.ref.startswith("deal:"):
            deal_id = _id(int(line.ref[5:].split("/")[0]))
        elif line.note.startswith("deal:"):
            deal_id = _id(int(line.note[5:]))
        quantum = Decimal(10) ** -places
        return cls(
            key="|".join(line.key), component=line.component, component_name=names.get(line.component, ""), kind=line.kind,
            ref=line.ref, deal_id=deal_id, label=line.label, at=line.at, basis=line.basis.quantize(quantum) if line.basis else line.basis,
            rate=plain(line.rate) if line.rate is not None else None,
            multiplier=plain(line.multiplier) if line.multiplier is not None else None, amount=line.amount, payable=line.payable,
            portions=[Portion(basis=p.basis.quantize(quantum), rate=plain(p.rate), multiplier=plain(p.multiplier), tier=p.tier) for p in line.parts()],
            note=line.note, corrects=LineKind(line.original) if line.original else None,
        )


@strawberry.type
class NextStepType:
    component: str
    kind: str = strawberry.field(description="tier or accelerator.")
    at: Decimal = strawberry.field(description="Revenue this period where it begins.")
    distance: Decimal = strawberry.field(description="Revenue still to win to reach it.")
    rate: Decimal | None
    multiplier: Decimal | None

    @classmethod
    def of(cls, step: NextStep | None) -> NextStepType | None:
        if step is None:
            return None
        return cls(component=step.component, kind=step.kind, at=step.at, distance=step.distance,
                   rate=plain(step.rate) if step.rate is not None else None,
                   multiplier=plain(step.multiplier) if step.multiplier is not None else None)


@strawberry.type
class CompStatement:
    user_id: strawberry.ID
    user_name: str
    period: str
    status: StatusEnum
    plan_id: strawberry.ID
    plan_name: str
    plan_version: int
    currency: str
    revenue: Decimal = strawberry.field(description="Credited revenue this period (my share of split deals).")
    quota: Decimal | None
    attainment: Decimal | None = strawberry.field(description="Percent of quota.")
    earned: Decimal
    payable: Decimal
    held: Decimal = strawberry.field(description="Earned this period, payable as the deals' payments come in.")
    draw_balance: Decimal = strawberry.field(description="Draw paid and not yet recovered.")
    next_step: NextStepType | None
    line_count: int
    approved_by: str | None
    approved_at: datetime | None
    open_disputes: int
    # The lines when they were computed with the totals; a review list computes them only if asked.
    _lines: strawberry.Private[tuple[Line, ...] | None]
    _names: strawberry.Private[dict[str, str]]

    @strawberry.field(description="Every line, in order; on a review list each person's are computed when selected.")
    async def lines(self, info: Info) -> list[StatementLine]:
        lines, names = self._lines, self._names
        if lines is None:
            ctx = info.context
            view = await service.statement(ctx.env, ctx.require_viewer(), int(self.user_id), self.period)
            lines = view.result.lines if view else ()
            names = {c.key: c.name for c in view.plan.plan.components} if view else {}
        return [StatementLine.of(line, names) for line in lines]

    @classmethod
    def of(cls, view: StatementView) -> CompStatement:
        r = view.result
        return cls(
            user_id=strawberry.ID(str(view.user_id)), user_name=view.user_name, period=view.period, status=view.status,
            plan_id=strawberry.ID(str(view.plan.plan_id)), plan_name=view.plan.plan_name, plan_version=view.plan.version,
            currency=view.currency, revenue=r.revenue, quota=r.quota, attainment=r.attainment, earned=r.earned, payable=r.payable,
            held=r.held, draw_balance=r.draw_balance, next_step=NextStepType.of(r.next_step), line_count=len(r.lines),
            approved_by=view.approved_by, approved_at=view.approved_at, open_disputes=view.open_disputes,
            _lines=r.lines, _names={c.key: c.name for c in view.plan.plan.components},
        )

    @classmethod
    def of_totals(cls, t: Totals) -> CompStatement:
        return cls(
            user_id=strawberry.ID(str(t.user_id)), user_name=t.user_name, period=t.period, status=t.status,
            plan_id=strawberry.ID(str(t.plan_id)), plan_name=t.plan_name, plan_version=t.plan_version, currency=t.currency,
            revenue=t.revenue, quota=t.quota, attainment=t.attainment, earned=t.earned, payable=t.payable, held=t.held,
            draw_balance=t.draw_balance, next_step=NextStepType.of(t.next_step), line_count=t.lines,
            approved_by=t.approved_by, approved_at=t.approved_at, open_disputes=t.open_disputes, _lines=None, _names={},
        )


@strawberry.type
class EarningsSimulation:
    added_revenue: Decimal
    earned_before: Decimal
    earned_after: Decimal
    earned_change: Decimal
    payable_before: Decimal
    payable_after: Decimal
    payable_change: Decimal
    attainment_after: Decimal | None
    next_step_after: NextStepType | None
    lines: list[StatementLine] = strawberry.field(description="The lines that would be new or different.")


@strawberry.input
class SimulateEarningsInput:
    deal_id: strawberry.ID | None = strawberry.field(default=None, description="Close this open deal (at `amount`, or its own).")
    amount: Decimal | None = strawberry.field(default=None, description="A deal of this amount, won now.")
    attainment: Decimal | None = strawberry.field(default=None, description="Or: reach this percent of quota this month.")


# ---------------------------------------------------------------- disputes


@strawberry.type
class DisputeMessageType:
    id: strawberry.ID
    author_name: str
    body: str
    created_at: datetime


@strawberry.type
class DisputeType:
    id: strawberry.ID
    user_id: strawberry.ID
    user_name: str
    period: str
    line_key: str
    line_label: str
    status: DisputeStatusEnum
    resolution: str
    resolved_at: datetime | None
    created_at: datetime
    messages: list[DisputeMessageType]

    @classmethod
    def of(cls, view: service.DisputeView) -> DisputeType:
        d = view.dispute
        return cls(
            id=strawberry.ID(str(d.id)), user_id=strawberry.ID(str(d.user_id)), user_name=view.payee, period=d.period,
            line_key=d.line_key, line_label=d.line_label, status=DisputeStatus(d.status), resolution=d.resolution,
            resolved_at=d.resolved_at, created_at=d.created_at,
            messages=[DisputeMessageType(id=strawberry.ID(str(m.id)), author_name=name, body=m.body, created_at=m.created_at) for m, name in view.messages],
        )


# ---------------------------------------------------------------- plans


@strawberry.type
class Tier:
    start: Decimal = strawberry.field(name="from")
    rate: Decimal


@strawberry.type
class AcceleratorStep:
    start: Decimal = strawberry.field(name="from", description="Percent of quota.")
    multiplier: Decimal


@strawberry.type
class LineRate:
    product_line: str
    rate: Decimal


@strawberry.type
class PlanComponent:
    key: str
    name: str
    kind: KindEnum
    basis: BasisEnum
    rate: Decimal
    line_rates: list[LineRate]
    tiers: list[Tier]
    tier_mode: TierModeEnum
    accelerators: list[AcceleratorStep]
    cap_per_deal: Decimal | None
    cap_per_period: Decimal | None
    payout: PayoutEnum
    trigger: TriggerEnum | None
    starts_on: date | None
    ends_on: date | None
    product_line: str
    team_id: strawberry.ID | None
    per_unit: Decimal | None
    fixed: Decimal | None

    @classmethod
    def of(cls, c: Component) -> PlanComponent:
        return cls(
            key=c.key, name=c.name, kind=c.kind, basis=c.basis, rate=c.rate,
            line_rates=[LineRate(product_line=k, rate=v) for k, v in sorted(c.line_rates.items())],
            tiers=[Tier(start=b.start, rate=b.rate) for b in c.tiers], tier_mode=c.tier_mode,
            accelerators=[AcceleratorStep(start=a.start, multiplier=a.multiplier) for a in c.accelerators],
            cap_per_deal=c.cap_per_deal, cap_per_period=c.cap_per_period, payout=c.payout, trigger=c.trigger,
            starts_on=c.starts_on, ends_on=c.ends_on, product_line=c.product_line, team_id=_id(c.team_id), per_unit=c.per_unit, fixed=c.fixed,
        )


@strawberry.type
class PlanVersionType:
    version: int
    effective_from: str
    note: str
    created_at: datetime


@strawberry.type
class PlanAssignment:
    id: strawberry.ID
    user_id: strawberry.ID
    user_name: str
    starts: str
    ends: str | None


@strawberry.type
class CompPlanType:
    id: strawberry.ID
    name: str
    version: int
    effective_from: str
    floor: Decimal | None
    draw: Decimal | None
    rounding: RoundingEnum
    components: list[PlanComponent]
    versions: list[PlanVersionType]
    assignments: list[PlanAssignment]

    @classmethod
    def of(cls, view: PlanView) -> CompPlanType:
        current = view.current
        plan = from_json(current.document)
        return cls(
            id=strawberry.ID(str(view.plan.id)), name=view.plan.name, version=current.version, effective_from=current.effective_from,
            floor=plan.floor, draw=plan.draw, rounding=plan.rounding, components=[PlanComponent.of(c) for c in plan.components],
            versions=[PlanVersionType(version=v.version, effective_from=v.effective_from, note=v.note, created_at=v.created_at) for v in view.versions],
            assignments=[
                PlanAssignment(id=strawberry.ID(str(a.id)), user_id=strawberry.ID(str(a.user_id)), user_name=name, starts=a.starts, ends=a.ends)
                for a, name in view.assignments
            ],
        )


@strawberry.input
class TierInput:
    start: Decimal = strawberry.field(name="from", description="Revenue (or margin) this period where the band begins; the first is 0.")
    rate: Decimal = strawberry.field(description="Percent.")


@strawberry.input
class AcceleratorInput:
    start: Decimal = strawberry.field(name="from", description="Percent of quota.")
    multiplier: Decimal = strawberry.field(description="1.2 raises the rate by 20 %; below 1 is a decelerator.")


@strawberry.input
class LineRateInput:
    product_line: str
    rate: Decimal


@strawberry.input
class PlanComponentInput:
    key: str
    name: str
    kind: KindEnum
    basis: BasisEnum = Basis.REVENUE
    rate: Decimal = Decimal(0)
    line_rates: list[LineRateInput] = strawberry.field(default_factory=list)
    tiers: list[TierInput] = strawberry.field(default_factory=list)
    tier_mode: TierModeEnum = TierMode.GRADUATED
    accelerators: list[AcceleratorInput] = strawberry.field(default_factory=list)
    cap_per_deal: Decimal | None = None
    cap_per_period: Decimal | None = None
    payout: PayoutEnum = Payout.BOOKING
    trigger: TriggerEnum | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    product_line: str = ""
    team_id: strawberry.ID | None = None
    per_unit: Decimal | None = None
    fixed: Decimal | None = None


@strawberry.input
class CompPlanInput:
    plan_id: strawberry.ID | None = strawberry.field(default=None, description="Omit for a new plan; given, saves a new version.")
    name: str
    effective_from: str = strawberry.field(description="The first month (YYYY-MM) this version governs.")
    note: str = ""
    floor: Decimal | None = None
    draw: Decimal | None = None
    rounding: RoundingEnum = Rounding.HALF_EVEN
    components: list[PlanComponentInput]


def plan_of(data: CompPlanInput) -> Plan:
    return Plan(
        components=tuple(
            Component(
                key=c.key.strip(), name=c.name.strip(), kind=Kind(c.kind), basis=Basis(c.basis), rate=c.rate,
                line_rates={r.product_line.strip(): r.rate for r in c.line_rates},
                tiers=tuple(Band(t.start, t.rate) for t in c.tiers), tier_mode=TierMode(c.tier_mode),
                accelerators=tuple(Accelerator(a.start, a.multiplier) for a in c.accelerators),
                cap_per_deal=c.cap_per_deal, cap_per_period=c.cap_per_period, payout=Payout(c.payout),
                trigger=Trigger(c.trigger) if c.trigger else None, starts_on=c.starts_on, ends_on=c.ends_on,
                product_line=c.product_line.strip(), team_id=int_id(c.team_id) if c.team_id is not None else None,
                per_unit=c.per_unit, fixed=c.fixed,
            )
            for c in data.components[: 1 + 20]
        ),
        floor=data.floor, draw=data.draw, rounding=Rounding(data.rounding),
    )


@strawberry.input
class AssignPlanInput:
    plan_id: strawberry.ID
    user_ids: list[strawberry.ID]
    starts: str
    ends: str | None = None


@strawberry.input
class SplitInput:
    user_id: strawberry.ID
    percent: Decimal


@strawberry.type
class CreditSplitType:
    user_id: strawberry.ID
    user_name: str
    percent: Decimal


# ---------------------------------------------------------------- results


@strawberry.type
class StatementSuccess:
    statement: CompStatement


@strawberry.type
class DisputeSuccess:
    dispute: DisputeType


@strawberry.type
class PlanSuccess:
    plan: CompPlanType


@strawberry.type
class SplitsSuccess:
    splits: list[CreditSplitType]


StatementResult = Annotated[StatementSuccess | OperationError, strawberry.union("StatementResult")]


@strawberry.input
class StatementApprovalInput:
    user_id: strawberry.ID
    expected_payable: Decimal | None = strawberry.field(default=None, description="The payable the reviewer saw; a different figure now is STALE.")


@strawberry.type
class StatementApproval:
    user_id: strawberry.ID
    statement: CompStatement | None = strawberry.field(description="The approved statement; null when this one was refused.")
    errors: list[FieldError] = strawberry.field(description="Why this one was refused (empty when approved).")


@strawberry.type
class ApproveStatementsSuccess:
    approvals: list[StatementApproval] = strawberry.field(description="One per person asked, in order: each approved or refused on its own.")
    approved: int


ApproveStatementsResult = Annotated[ApproveStatementsSuccess | OperationError, strawberry.union("ApproveStatementsResult")]
DisputeResult = Annotated[DisputeSuccess | OperationError, strawberry.union("DisputeResult")]
PlanResult = Annotated[PlanSuccess | OperationError, strawberry.union("PlanResult")]
SplitsResult = Annotated[SplitsSuccess | OperationError, strawberry.union("SplitsResult")]


def _splits(found: list[tuple[int, str, Decimal]]) -> list[CreditSplitType]:
    return [CreditSplitType(user_id=strawberry.ID(str(u)), user_name=n, percent=p) for u, n, p in found]


# ---------------------------------------------------------------- live


class EarningsLive:
    """One person's statement for one month, recomputed once per change for every screen showing it."""

    stream = False

    def __init__(self, env: Env, viewer: Viewer, period: str) -> None:
        self.env = env
        self._viewer = viewer
        self.period = period

    @property
    def key(self) -> Hashable:
        return ("earnings", self._viewer.org_id, self._viewer.user_id, self.period)

    @property
    def channel(self) -> str:
        return org_channel(self._viewer.org_id)

    def relevant(self, event: dict[str, Any]) -> bool:
        return event.get("kind") in service.MOVING_EVENTS

    async def snapshot(self) -> CompStatement | None:
        view = await service.statement(self.env, self._viewer, None, self.period)
        return CompStatement.of(view) if view else None

    async def values_for(self, event: dict[str, Any]) -> list[Any]:
        return []

    def refresh_at(self, value: Any) -> datetime | None:
        return None


async def earnings_live(info_context: Any, args: dict[str, Any]) -> EarningsLive:
    viewer = info_context.require_viewer()
    period = args.get("period")
    view = await service.statement(info_context.env, viewer, None, period)  # checks the period
    return EarningsLive(info_context.env, viewer, view.period if view else (period or await _current(info_context.env, viewer)))


async def _current(env: Env, viewer: Viewer) -> str:
    async with env.db() as session:
        return (await service.org_basics(session, viewer.org_id, env.clock())).current


# ---------------------------------------------------------------- schema


@strawberry.type
class Query:
    @strawberry.field(description="My statement for a month (this one by default), live while open; null when I am on no plan.")
    async def my_earnings(self, info: Info, period: str | None = None) -> CompStatement | None:
        ctx = info.context
        view = await service.statement(ctx.env, ctx.require_viewer(), None, period)
        return CompStatement.of(view) if view else None

    @strawberry.field(description="Someone's statement (managers: their people; admins: anyone).")
    async def statement(self, info: Info, user_id: strawberry.ID, period: str) -> CompStatement | None:
        ctx = info.context
        view = await service.statement(ctx.env, ctx.require_viewer(), int_id(user_id), period)
        return CompStatement.of(view) if view else None

    @strawberry.field(description="Everyone I review for a month, with totals and lines: the approval queue.")
    async def statements(self, info: Info, period: str) -> list[CompStatement]:
        ctx = info.context
        return [CompStatement.of_totals(t) for t in await batch.month_totals(ctx.env, ctx.require_viewer(), period)]

    @strawberry.field(description="What this month would pay if I won a deal or reached an attainment; stores nothing.")
    async def simulate_earnings(self, info: Info, input: SimulateEarningsInput) -> EarningsSimulation:
        ctx = info.context
        what = service.WhatIf(int_id(input.deal_id) if input.deal_id is not None else None, input.amount, input.attainment)
        sim = await service.simulate(ctx.env, ctx.require_viewer(), what)
        plan_names: dict[str, str] = {}
        view = await service.statement(ctx.env, ctx.require_viewer(), None, None)
        if view is not None:
            plan_names = {c.key: c.name for c in view.plan.plan.components}
        return EarningsSimulation(
            added_revenue=sim.added_revenue, earned_before=sim.before.earned, earned_after=sim.after.earned, earned_change=sim.earned_change,
            payable_before=sim.before.payable, payable_after=sim.after.payable, payable_change=sim.payable_change,
            attainment_after=sim.after.attainment, next_step_after=NextStepType.of(sim.after.next_step),
            lines=[StatementLine.of(line, plan_names) for line in sim.changed],
        )

    @strawberry.field(description="Disputes raised on a month's statements that I may see.")
    async def disputes(self, info: Info, period: str, user_id: strawberry.ID | None = None) -> list[DisputeType]:
        ctx = info.context
        found = await service.disputes(ctx.env, ctx.require_viewer(), period, int_id(user_id) if user_id is not None else None)
        return [DisputeType.of(d) for d in found]

    @strawberry.field(description="Admins and managers: compensation plans with their versions and who is on them.")
    async def comp_plans(self, info: Info) -> list[CompPlanType]:
        ctx = info.context
        return [CompPlanType.of(p) for p in await service.plans(ctx.env, ctx.require_viewer())]

    @strawberry.field(description="Who a deal's credit goes to, in percent (its owner in full unless split).")
    async def credit_splits(self, info: Info, deal_id: strawberry.ID) -> list[CreditSplitType]:
        ctx = info.context
        return _splits(await service.splits_of(ctx.env, ctx.require_viewer(), int_id(deal_id)))


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Managers: lock a past month's statement as reviewed; `expectedPayable` guards against a figure that moved since.")
    async def approve_statement(self, info: Info, user_id: strawberry.ID, period: str, expected_payable: Decimal | None = None) -> StatementResult:
        ctx = info.context

        async def action() -> StatementSuccess:
            view = await service.approve(ctx.env, ctx.require_viewer(), int_id(user_id), period, expected_payable)
            return StatementSuccess(statement=CompStatement.of(view))

        return await attempt(ctx.locale, action)

    @strawberry.mutation(description=f"Managers: approve up to {approvals.MAX_APPROVALS} past statements of a month; each is approved or refused on its own.")
    async def approve_statements(self, info: Info, period: str, items: list[StatementApprovalInput]) -> ApproveStatementsResult:
        ctx = info.context

        async def action() -> ApproveStatementsSuccess:
            asked = [approvals.Approval(int_id(item.user_id), item.expected_payable) for item in items]
            done = await approvals.approve_many(ctx.env, ctx.require_viewer(), period, asked)
            return ApproveStatementsSuccess(
                approvals=[
                    StatementApproval(
                        user_id=strawberry.ID(str(a.user_id)), statement=CompStatement.of(a.view) if a.view else None,
                        errors=operation_error(a.error, ctx.locale).errors if a.error else [],
                    )
                    for a in done
                ],
                approved=sum(1 for a in done if a.view is not None),
            )

        return await attempt(ctx.locale, action)

    @strawberry.mutation(description="Question one line of my statement. Idempotent on clientId.")
    async def raise_dispute(self, info: Info, period: str, line_key: str, message: str, client_id: str) -> DisputeResult:
        ctx = info.context

        async def action() -> DisputeSuccess:
            return DisputeSuccess(dispute=DisputeType.of(await service.raise_dispute(ctx.env, ctx.require_viewer(), period, line_key, message, client_id)))

        return await attempt(ctx.locale, action)

    @strawberry.mutation(description="Add to a dispute's thread. Idempotent on clientId.")
    async def reply_dispute(self, info: Info, dispute_id: strawberry.ID, message: str, client_id: str) -> DisputeResult:
        ctx = info.context

        async def action() -> DisputeSuccess:
            return DisputeSuccess(dispute=DisputeType.of(await service.reply_dispute(ctx.env, ctx.require_viewer(), int_id(dispute_id), message, client_id)))

        return await attempt(ctx.locale, action)

    @strawberry.mutation(description="Managers: accept or reject a dispute, saying why.")
    async def resolve_dispute(self, info: Info, dispute_id: strawberry.ID, status: DisputeStatusEnum, resolution: str) -> DisputeResult:  # type: ignore[valid-type]
        ctx = info.context

        async def action() -> DisputeSuccess:
            found = await service.resolve_dispute(ctx.env, ctx.require_viewer(), int_id(dispute_id), DisputeStatus(status), resolution)
            return DisputeSuccess(dispute=DisputeType.of(found))

        return await attempt(ctx.locale, action)

    @strawberry.mutation(description="Managers: split a deal's credit between people by percentages summing to 100; an empty list gives it back to the owner.")
    async def set_credit_splits(self, info: Info, deal_id: strawberry.ID, splits: list[SplitInput]) -> SplitsResult:
        ctx = info.context

        async def action() -> SplitsSuccess:
            parts = [(int_id(s.user_id), s.percent) for s in splits[:11]]
            return SplitsSuccess(splits=_splits(await service.set_splits(ctx.env, ctx.require_viewer(), int_id(deal_id), parts)))

        return await attempt(ctx.locale, action)

    @strawberry.mutation(description="Admins: a new plan, or a new version of one; earlier versions and locked statements stay as they were.")
    async def save_comp_plan(self, info: Info, input: CompPlanInput) -> PlanResult:
        ctx = info.context

        async def action() -> PlanSuccess:
            plan_id = int_id(input.plan_id) if input.plan_id is not None else None
            saved = await service.save_plan(ctx.env, ctx.require_viewer(), plan_id, input.name, plan_of(input), input.effective_from, input.note)
            return PlanSuccess(plan=CompPlanType.of(saved))

        return await attempt(ctx.locale, action)

    @strawberry.mutation(description="Admins: put people on a plan from one month (to another).")
    async def assign_comp_plan(self, info: Info, input: AssignPlanInput) -> PlanResult:
        ctx = info.context

        async def action() -> PlanSuccess:
            users = [int_id(u) for u in input.user_ids[:501]]
            saved = await service.assign_plan(ctx.env, ctx.require_viewer(), int_id(input.plan_id), users, input.starts, input.ends)
            return PlanSuccess(plan=CompPlanType.of(saved))

        return await attempt(ctx.locale, action)

    @strawberry.mutation(description="Admins: end someone's time on a plan after a month.")
    async def end_comp_assignment(self, info: Info, assignment_id: strawberry.ID, ends: str) -> PlanResult:
        ctx = info.context

        async def action() -> PlanSuccess:
            return PlanSuccess(plan=CompPlanType.of(await service.end_assignment(ctx.env, ctx.require_viewer(), int_id(assignment_id), ends)))

        return await attempt(ctx.locale, action)


@strawberry.type
class Subscription:
    @strawberry.subscription(description="My statement for a month now, then again whenever a win, payment, split, plan or approval moves it.")
    async def earnings_changed(self, info: Info, period: str | None = None) -> AsyncGenerator[CompStatement | None, None]:
        spec = await earnings_live(info.context, {"period": period})
        async for value in info.context.hub.listen(spec):
            yield value
