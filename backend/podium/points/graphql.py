"""My points, the rules that earn them, their history and manual adjustments."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

import strawberry

from podium.graphql.context import Info
from podium.graphql.errors import OperationError, attempt
from podium.graphql.ids import int_id
from podium.points import service
from podium.points.models import PointRule
from podium.points.service import Summary


@strawberry.type
class PointsSummary:
    today: int
    week: int
    month: int
    total: int
    month_rank: int | None = strawberry.field(description="My rank on the org board this month.")
    daily_cap: int
    visit_points: int
    visit_points_today: int = strawberry.field(description="Today's points from verified visits: what the daily cap limits.")

    @classmethod
    def of(cls, s: Summary) -> PointsSummary:
        return cls(
            today=s.today,
            week=s.week,
            month=s.month,
            total=s.total,
            month_rank=s.month_rank,
            daily_cap=s.daily_cap,
            visit_points=s.visit_points,
            visit_points_today=s.visit_points_today,
        )


@strawberry.type
class Query:
    @strawberry.field(description="My points today, this week, this month and in all.")
    async def my_points(self, info: Info) -> PointsSummary:
        ctx = info.context
        return PointsSummary.of(await service.summary(ctx.env, ctx.require_viewer()))


@strawberry.type(description="How one kind of event earns points in my org.")
class PointRuleType:
    kind: str = strawberry.field(description="verified_visit, activity, deal_won or payment_collected.")
    points: int = strawberry.field(description="Per event; for deal_won and payment_collected per whole unitAmount.")
    daily_cap: int = strawberry.field(description="Most points of this kind one person earns on one day.")
    multiplier: Decimal = strawberry.field(description="Applied to the points before the cap: 2 is a double-points week.")
    active: bool
    starts_on: date | None = strawberry.field(description="First day it pays (the org's calendar); null: always.")
    ends_on: date | None = strawberry.field(description="Last day it pays; null: open-ended.")
    unit_amount: Decimal | None
    min_points: int | None
    max_points: int | None
    updated_at: datetime | None

    @classmethod
    def of(cls, rule: PointRule) -> PointRuleType:
        return cls(
            kind=rule.kind, points=rule.points, daily_cap=rule.daily_cap, multiplier=rule.multiplier, active=rule.active,
            starts_on=rule.starts_on, ends_on=rule.ends_on, unit_amount=rule.unit_amount, min_points=rule.min_points,
            max_points=rule.max_points, updated_at=rule.updated_at,
        )


@strawberry.input
class SavePointRuleInput:
    kind: str
    points: int
    daily_cap: int
    multiplier: Decimal = Decimal(1)
    active: bool = True
    starts_on: date | None = None
    ends_on: date | None = None
    unit_amount: Decimal | None = None
    min_points: int | None = None
    max_points: int | None = None


@strawberry.type
class SavePointRuleSuccess:
    rule: PointRuleType


@strawberry.type(description="One ledger entry: what earned (or corrected) the points, and when.")
class PointsEntryType:
    id: strawberry.ID
    points: int
    rule_kind: str = strawberry.field(description="The rule that paid: verified_visit, activity, deal_won, payment_collected or adjustment.")
    source_type: str = strawberry.field(description="What it was for: visit, activity, deal, payment or adjustment.")
    source_id: strawberry.ID
    occurred_at: datetime
    reason: str | None = strawberry.field(description="A manual adjustment's reason.")
    by_name: str | None = strawberry.field(description="Who made a manual adjustment.")

    @classmethod
    def of(cls, e: service.HistoryEntry) -> PointsEntryType:
        return cls(
            id=strawberry.ID(str(e.id)), points=e.points, rule_kind=e.rule_kind, source_type=e.source_type,
            source_id=strawberry.ID(str(e.source_id)), occurred_at=e.occurred_at, reason=e.reason, by_name=e.by_name,
        )


@strawberry.input
class AdjustPointsInput:
    client_id: str
    user_id: strawberry.ID
    points: int = strawberry.field(description="Positive to add, negative to take away; never zero.")
    reason: str


@strawberry.type
class AdjustPointsSuccess:
    entry: PointsEntryType
    replayed: bool


SavePointRuleResult = Annotated[SavePointRuleSuccess | OperationError, strawberry.union("SavePointRuleResult")]
AdjustPointsResult = Annotated[AdjustPointsSuccess | OperationError, strawberry.union("AdjustPointsResult")]


@strawberry.type
class RulesQuery:
    @strawberry.field(description="How each kind of event earns points in my org (saved or default).")
    async def point_rules(self, info: Info) -> list[PointRuleType]:
        ctx = info.context
        return [PointRuleType.of(r) for r in await service.rules(ctx.env, ctx.require_viewer())]

    @strawberry.field(description="Ledger entries, newest first: mine, or (managers, admins) one of my people's.")
    async def points_history(self, info: Info, user_id: strawberry.ID | None = None, first: int = 50) -> list[PointsEntryType]:
        ctx = info.context
        whom = int_id(user_id) if user_id is not None else None
        return [PointsEntryType.of(e) for e in await service.history(ctx.env, ctx.require_viewer(), whom, first)]


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Set how one kind of event earns points (admins); past awards stay as they were.")
    async def save_point_rule(self, info: Info, input: SavePointRuleInput) -> SavePointRuleResult:
        ctx = info.context

        async def action() -> SavePointRuleSuccess:
            data = service.RuleInput(
                kind=input.kind, points=input.points, daily_cap=input.daily_cap, multiplier=input.multiplier, active=input.active,
                starts_on=input.starts_on, ends_on=input.ends_on, unit_amount=input.unit_amount,
                min_points=input.min_points, max_points=input.max_points,
            )
            return SavePointRuleSuccess(rule=PointRuleType.of(await service.save_rule(ctx.env, ctx.require_viewer(), data)))

        return await attempt(ctx.locale, action)

    @strawberry.mutation(description="Add or take away points with a reason (managers for their people, admins). Idempotent on clientId.")
    async def adjust_points(self, info: Info, input: AdjustPointsInput) -> AdjustPointsResult:
        ctx = info.context

        async def action() -> AdjustPointsSuccess:
            entry, replayed = await service.adjust_points(
                ctx.env, ctx.require_viewer(), client_id=input.client_id, user_id=int_id(input.user_id), points=input.points, reason=input.reason
            )
            return AdjustPointsSuccess(entry=PointsEntryType.of(entry), replayed=replayed)

        return await attempt(ctx.locale, action)
