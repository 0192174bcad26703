"""The pipeline in GraphQL: stages, a rep's board of deals, deal detail, and the writes a phone makes."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

import strawberry

from podium.core.i18n import Locale
from podium.customers.graphql import Customer
from podium.graphql.context import Info
from podium.graphql.errors import OperationError, attempt
from podium.graphql.ids import int_id
from podium.orgs.graphql import User
from podium.pipeline import service
from podium.pipeline.models import Activity as ActivityRow
from podium.pipeline.models import Payment as PaymentRow
from podium.pipeline.models import Product as ProductRow
from podium.pipeline.models import Stage as StageRow
from podium.pipeline.service import ActivityKind, ActivityOutcome, LeadSource, Outcome

OutcomeEnum = strawberry.enum(Outcome, name="StageOutcome")
LeadSourceEnum = strawberry.enum(LeadSource, name="LeadSource")
ActivityKindEnum = strawberry.enum(ActivityKind, name="ActivityKind")
ActivityOutcomeEnum = strawberry.enum(ActivityOutcome, name="ActivityOutcome")




@strawberry.type
class Stage:
    id: strawberry.ID
    key: str
    name: str = strawberry.field(description="In the viewer's language.")
    name_en: str
    name_zh: str
    position: int
    probability: int = strawberry.field(description="Default win probability, percent.")
    outcome: OutcomeEnum

    @classmethod
    def of(cls, row: StageRow, locale: Locale) -> Stage:
        return cls(
            id=strawberry.ID(str(row.id)), key=row.key, name=row.name_zh if locale is Locale.ZH_CN else row.name_en,
            name_en=row.name_en, name_zh=row.name_zh, position=row.position, probability=row.probability, outcome=Outcome(row.outcome),
        )


@strawberry.type
class Product:
    id: strawberry.ID
    sku: str
    name: str = strawberry.field(description="In the viewer's language (the primary name when there is no English one).")
    name_zh: str = strawberry.field(description="The primary name, Chinese for a Chinese company.")
    name_en: str = strawberry.field(description="The English name; empty when none.")
    line: str
    list_price: Decimal
    is_active: bool = strawberry.field(description="False: no longer offered for new deal lines; old deals still show it.")

    @classmethod
    def of(cls, row: ProductRow, locale: Locale) -> Product:
        name = row.name_en if locale is Locale.EN and row.name_en else row.name
        return cls(
            id=strawberry.ID(str(row.id)), sku=row.sku, name=name, name_zh=row.name, name_en=row.name_en, line=row.line,
            list_price=row.list_price, is_active=row.is_active,
        )


@strawberry.type
class Deal:
    id: strawberry.ID
    client_id: str
    title: str
    customer: Customer
    owner: User
    stage: Stage
    amount: Decimal
    currency: str
    margin: Decimal | None = strawberry.field(description="Amount less the lines' cost; null without product lines.")
    lead_source: LeadSourceEnum
    expected_close: date
    status: OutcomeEnum
    probability: int
    closed_at: datetime | None
    close_reason: str
    version: int = strawberry.field(description="Send it back with every change: a stale one is a CONFLICT.")
    stage_entered_at: datetime
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, view: service.DealView, locale: Locale) -> Deal:
        d = view.deal
        return cls(
            id=strawberry.ID(str(d.id)), client_id=d.client_id, title=d.title, customer=Customer.of(view.customer),
            owner=User.of(view.owner), stage=Stage.of(view.stage, locale), amount=d.amount, currency=d.currency,
            margin=d.margin, lead_source=LeadSource(d.lead_source), expected_close=d.expected_close,
            status=Outcome(d.status), probability=d.probability, closed_at=d.closed_at, close_reason=d.close_reason,
            version=d.version, stage_entered_at=d.stage_entered_at, created_at=d.created_at, updated_at=d.updated_at,
        )


@strawberry.type
class PipelineColumn:
    stage: Stage
    deals: list[Deal]
    count: int
    amount: Decimal
    weighted_amount: Decimal = strawberry.field(description="Sum of amount × probability.")


@strawberry.type
class DealLine:
    product: Product
    quantity: Decimal
    unit_price: Decimal
    total: Decimal


@strawberry.type
class StageStay:
    stage: Stage
    entered_at: datetime
    left_at: datetime | None = strawberry.field(description="Null while the deal is still in this stage.")
    seconds: int | None = strawberry.field(description="Exact time in the stage; null for the final stage of a closed deal.")


@strawberry.type
class Payment:
    id: strawberry.ID
    amount: Decimal = strawberry.field(description="Negative for a refund.")
    collected_at: datetime
    note: str
    refund_of_id: strawberry.ID | None = strawberry.field(description="The payment a refund gives money back on.")

    @classmethod
    def of(cls, row: PaymentRow) -> Payment:
        refund_of = strawberry.ID(str(row.refund_of_id)) if row.refund_of_id is not None else None
        return cls(id=strawberry.ID(str(row.id)), amount=row.amount, collected_at=row.collected_at, note=row.note, refund_of_id=refund_of)


@strawberry.type
class Order:
    id: strawberry.ID
    number: str
    amount: Decimal
    ordered_at: datetime
    collected: Decimal
    outstanding: Decimal
    collected_share: Decimal = strawberry.field(description="Collected over ordered, between 0 and 1.")
    payments: list[Payment]

    @classmethod
    def of(cls, view: service.OrderView) -> Order:
        o = view.order
        return cls(
            id=strawberry.ID(str(o.id)), number=o.number, amount=o.amount, ordered_at=o.ordered_at,
            collected=view.collected, outstanding=view.outstanding, collected_share=view.collected_share,
            payments=[Payment.of(p) for p in view.payments],
        )


@strawberry.type
class Activity:
    id: strawberry.ID
    client_id: str
    kind: ActivityKindEnum
    outcome: ActivityOutcomeEnum
    note: str
    occurred_at: datetime
    user: User | None

    @classmethod
    def of(cls, row: ActivityRow, user: User | None) -> Activity:
        return cls(
            id=strawberry.ID(str(row.id)), client_id=row.client_id, kind=ActivityKind(row.kind),
            outcome=ActivityOutcome(row.outcome), note=row.note, occurred_at=row.occurred_at, user=user,
        )


@strawberry.type
class StageDwell:
    stage: Stage
    seconds: int


@strawberry.type
class DealDetail:
    deal: Deal
    lines: list[DealLine]
    history: list[StageStay]
    dwell: list[StageDwell] = strawberry.field(description="Total time in each stage the deal has been in.")
    orders: list[Order]
    collected: Decimal
    activities: list[Activity]
    can_edit: bool

    @classmethod
    def of(cls, detail: service.DealDetail, locale: Locale) -> DealDetail:
        stages = {s.stage.id: s.stage for s in detail.stays}
        return cls(
            deal=Deal.of(detail.view, locale),
            lines=[DealLine(product=Product.of(v.product, locale), quantity=v.line.quantity, unit_price=v.line.unit_price, total=v.total) for v in detail.lines],
            history=[StageStay(stage=Stage.of(s.stage, locale), entered_at=s.entered_at, left_at=s.left_at, seconds=s.seconds) for s in detail.stays],
            dwell=[StageDwell(stage=Stage.of(stages[sid], locale), seconds=sec) for sid, sec in detail.dwell_seconds.items()],
            orders=[Order.of(o) for o in detail.orders],
            collected=sum((o.collected for o in detail.orders), Decimal(0)),
            activities=[Activity.of(a, User.of(u) if u else None) for a, u in detail.activities],
            can_edit=detail.can_edit,
        )


@strawberry.input
class DealLineInput:
    product_id: strawberry.ID
    quantity: Decimal
    unit_price: Decimal | None = strawberry.field(default=None, description="Defaults to the product's list price.")


@strawberry.input
class CreateDealInput:
    client_id: str = strawberry.field(description="Generated on the phone; a replay returns the first deal.")
    customer_id: strawberry.ID
    title: str
    lead_source: LeadSourceEnum
    expected_close: date
    amount: Decimal | None = strawberry.field(default=None, description="Required without lines; with lines it must equal their total.")
    lines: list[DealLineInput] = strawberry.field(default_factory=list)
    stage_id: strawberry.ID | None = None
    owner_id: strawberry.ID | None = strawberry.field(default=None, description="Managers may open a deal for someone in their team.")
    probability: int | None = None


@strawberry.input
class UpdateDealInput:
    id: strawberry.ID
    version: int
    client_id: str | None = None
    title: str | None = None
    amount: Decimal | None = None
    lines: list[DealLineInput] | None = None
    lead_source: LeadSourceEnum | None = None
    expected_close: date | None = None
    probability: int | None = None
    owner_id: strawberry.ID | None = None


@strawberry.input
class MoveDealInput:
    id: strawberry.ID
    version: int
    stage_id: strawberry.ID
    client_id: str | None = strawberry.field(default=None, description="A replay of the same move changes nothing.")
    reason: str = strawberry.field(default="", description="Required when moving to a won or lost stage.")


@strawberry.input
class RecordOrderInput:
    client_id: str
    deal_id: strawberry.ID
    number: str
    amount: Decimal
    ordered_at: datetime


@strawberry.input
class RecordPaymentInput:
    client_id: str
    order_id: strawberry.ID
    amount: Decimal
    collected_at: datetime
    note: str = ""


@strawberry.input
class RefundPaymentInput:
    client_id: str
    payment_id: strawberry.ID
    amount: Decimal = strawberry.field(description="How much goes back, at most what the payment brought in less earlier refunds.")
    refunded_at: datetime
    note: str = strawberry.field(description="Why; required.")


@strawberry.input
class ReverseDealInput:
    id: strawberry.ID
    version: int
    reason: str
    client_id: str | None = None


@strawberry.input
class LogActivityInput:
    client_id: str
    kind: ActivityKindEnum
    outcome: ActivityOutcomeEnum
    occurred_at: datetime
    customer_id: strawberry.ID | None = None
    deal_id: strawberry.ID | None = None
    note: str = ""


@strawberry.input
class StageInput:
    id: strawberry.ID | None = strawberry.field(default=None, description="An existing stage; omit to add one.")
    name_en: str
    name_zh: str
    probability: int
    outcome: OutcomeEnum


@strawberry.type
class StagesSuccess:
    stages: list[Stage]


StagesResult = Annotated[StagesSuccess | OperationError, strawberry.union("StagesResult")]


@strawberry.type
class DealSuccess:
    deal: Deal
    replayed: bool
    points_awarded: int = strawberry.field(description="Points the owner earned by this change (winning a deal).")


@strawberry.type
class OrderSuccess:
    order: Order
    replayed: bool


@strawberry.type
class ActivitySuccess:
    activity: Activity
    replayed: bool


DealResult = Annotated[DealSuccess | OperationError, strawberry.union("DealResult")]
OrderResult = Annotated[OrderSuccess | OperationError, strawberry.union("OrderResult")]
ActivityResult = Annotated[ActivitySuccess | OperationError, strawberry.union("ActivityResult")]


def _lines(lines: list[DealLineInput] | None) -> list[service.LineInput] | None:
    if lines is None:
        return None
    return [service.LineInput(int_id(x.product_id), x.quantity, x.unit_price) for x in lines]


def _changed(changed: service.Changed, locale: Locale) -> DealSuccess:
    return DealSuccess(deal=Deal.of(changed.view, locale), replayed=changed.replayed, points_awarded=changed.points_awarded)


@strawberry.type
class Query:
    @strawberry.field(description="The org's active stages, in order.")
    async def stages(self, info: Info) -> list[Stage]:
        ctx = info.context
        return [Stage.of(s, ctx.locale) for s in await service.stages(ctx.env, ctx.require_viewer())]

    @strawberry.field(description="The org's active products.")
    async def products(self, info: Info) -> list[Product]:
        ctx = info.context
        return [Product.of(p, ctx.locale) for p in await service.products(ctx.env, ctx.require_viewer())]

    @strawberry.field(description="A person's deals by stage: open ones and those closed in the last `closedDays` (mine by default).")
    async def pipeline(self, info: Info, owner_id: strawberry.ID | None = None, closed_days: int = 30) -> list[PipelineColumn]:
        ctx = info.context
        owner = int_id(owner_id) if owner_id is not None else None
        columns = await service.pipeline(ctx.env, ctx.require_viewer(), owner, closed_days)
        return [
            PipelineColumn(
                stage=Stage.of(c.stage, ctx.locale), deals=[Deal.of(v, ctx.locale) for v in c.deals],
                count=len(c.deals), amount=c.amount, weighted_amount=c.weighted,
            )
            for c in columns
        ]

    @strawberry.field(description="One deal with its lines, stage history, orders, payments and activities.")
    async def deal(self, info: Info, id: strawberry.ID) -> DealDetail:
        ctx = info.context
        return DealDetail.of(await service.deal_detail(ctx.env, ctx.require_viewer(), int_id(id)), ctx.locale)


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Open a deal. Idempotent on clientId.")
    async def create_deal(self, info: Info, input: CreateDealInput) -> DealResult:
        ctx = info.context

        async def action() -> DealSuccess:
            data = service.DealInput(
                client_id=input.client_id, customer_id=int_id(input.customer_id), title=input.title,
                lead_source=LeadSource(input.lead_source).value, expected_close=input.expected_close, amount=input.amount,
                lines=_lines(input.lines) or [], stage_id=int_id(input.stage_id) if input.stage_id is not None else None,
                owner_id=int_id(input.owner_id) if input.owner_id is not None else None, probability=input.probability,
            )
            return _changed(await service.create_deal(ctx.env, ctx.require_viewer(), data), ctx.locale)

        return await attempt(ctx.locale, action)

    @strawberry.mutation(description="Change a deal's fields; `version` must be the one last read.")
    async def update_deal(self, info: Info, input: UpdateDealInput) -> DealResult:
        ctx = info.context

        async def action() -> DealSuccess:
            patch = service.DealPatch(
                deal_id=int_id(input.id), version=input.version, client_id=input.client_id, title=input.title,
                amount=input.amount, lines=_lines(input.lines),
                lead_source=LeadSource(input.lead_source).value if input.lead_source is not None else None,
                expected_close=input.expected_close, probability=input.probability,
                owner_id=int_id(input.owner_id) if input.owner_id is not None else None,
            )
            return _changed(await service.update_deal(ctx.env, ctx.require_viewer(), patch), ctx.locale)

        return await attempt(ctx.locale, action)

    @strawberry.mutation(description="Move a deal to a stage; won and lost need a reason.")
    async def move_deal(self, info: Info, input: MoveDealInput) -> DealResult:
        ctx = info.context

        async def action() -> DealSuccess:
            move = service.Move(int_id(input.id), input.version, int_id(input.stage_id), input.client_id, input.reason)
            return _changed(await service.move_deal(ctx.env, ctx.require_viewer(), move), ctx.locale)

        return await attempt(ctx.locale, action)

    @strawberry.mutation(description="An order against a won deal. Idempotent on clientId.")
    async def record_order(self, info: Info, input: RecordOrderInput) -> OrderResult:
        ctx = info.context

        async def action() -> OrderSuccess:
            data = service.OrderInput(input.client_id, int_id(input.deal_id), input.number, input.amount, input.ordered_at)
            view, replayed = await service.record_order(ctx.env, ctx.require_viewer(), data)
            return OrderSuccess(order=Order.of(view), replayed=replayed)

        return await attempt(ctx.locale, action)

    @strawberry.mutation(description="A payment collected (回款) against an order. Idempotent on clientId.")
    async def record_payment(self, info: Info, input: RecordPaymentInput) -> OrderResult:
        ctx = info.context

        async def action() -> OrderSuccess:
            data = service.PaymentInput(input.client_id, int_id(input.order_id), input.amount, input.collected_at, input.note)
            view, replayed = await service.record_payment(ctx.env, ctx.require_viewer(), data)
            return OrderSuccess(order=Order.of(view), replayed=replayed)

        return await attempt(ctx.locale, action)

    @strawberry.mutation(description="Give money back on a payment; commission paid on it is clawed back. Idempotent on clientId.")
    async def refund_payment(self, info: Info, input: RefundPaymentInput) -> OrderResult:
        ctx = info.context

        async def action() -> OrderSuccess:
            data = service.RefundInput(input.client_id, int_id(input.payment_id), input.amount, input.refunded_at, input.note)
            view, replayed = await service.refund_payment(ctx.env, ctx.require_viewer(), data)
            return OrderSuccess(order=Order.of(view), replayed=replayed)

        return await attempt(ctx.locale, action)

    @strawberry.mutation(description="Managers: undo a won deal (a cancelled contract); it stops counting and its commission is clawed back.")
    async def reverse_deal(self, info: Info, input: ReverseDealInput) -> DealResult:
        ctx = info.context

        async def action() -> DealSuccess:
            reversal = service.Reversal(int_id(input.id), input.version, input.reason, input.client_id)
            return _changed(await service.reverse_deal(ctx.env, ctx.require_viewer(), reversal), ctx.locale)

        return await attempt(ctx.locale, action)

    @strawberry.mutation(description="Admins: the org's stages in order (rename, reorder, add; leaving one out retires it).")
    async def save_stages(self, info: Info, stages: list[StageInput]) -> StagesResult:
        ctx = info.context

        async def action() -> StagesSuccess:
            items = [
                service.StageInput(s.name_en, s.name_zh, s.probability, Outcome(s.outcome).value, int_id(s.id) if s.id is not None else None)
                for s in stages
            ]
            saved = await service.save_stages(ctx.env, ctx.require_viewer(), items)
            return StagesSuccess(stages=[Stage.of(s, ctx.locale) for s in saved])

        return await attempt(ctx.locale, action)

    @strawberry.mutation(description="Log a call, demo, proposal, meeting or email. Idempotent on clientId.")
    async def log_activity(self, info: Info, input: LogActivityInput) -> ActivityResult:
        ctx = info.context

        async def action() -> ActivitySuccess:
            viewer = ctx.require_viewer()
            data = service.ActivityInput(
                client_id=input.client_id, kind=ActivityKind(input.kind).value, outcome=ActivityOutcome(input.outcome).value,
                occurred_at=input.occurred_at, customer_id=int_id(input.customer_id) if input.customer_id is not None else None,
                deal_id=int_id(input.deal_id) if input.deal_id is not None else None, note=input.note,
            )
            activity, author, replayed = await service.log_activity(ctx.env, viewer, data)
            return ActivitySuccess(activity=Activity.of(activity, User.of(author) if author else None), replayed=replayed)

        return await attempt(ctx.locale, action)
