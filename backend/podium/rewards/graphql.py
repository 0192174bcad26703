"""The rewards store over GraphQL: catalog, balance, redeeming and the approval queue."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from podium.graphql.context import Info
from podium.graphql.errors import OperationError, attempt
from podium.graphql.ids import int_id
from podium.rewards import service
from podium.rewards.models import Reward as RewardRow
from podium.rewards.service import Status

RedemptionStatusEnum = strawberry.enum(
    Status, name="RedemptionStatus", description="PENDING holds the points, APPROVED spends them, REJECTED gives them back."
)


@strawberry.type
class Reward:
    id: strawberry.ID
    name: str
    description: str
    points_price: int
    stock: int | None = strawberry.field(description="Units left to give; null: unlimited.")
    active: bool = strawberry.field(description="False once retired: shown to admins only, no longer redeemable.")
    updated_at: datetime

    @classmethod
    def of(cls, r: RewardRow) -> Reward:
        return cls(
            id=strawberry.ID(str(r.id)), name=r.name, description=r.description, points_price=r.points_price,
            stock=r.stock, active=r.active, updated_at=r.updated_at,
        )


@strawberry.type(description="What I may spend: points earned (never reduced by spending) minus held and spent.")
class RewardsBalance:
    earned: int
    held: int = strawberry.field(description="By my pending redemptions.")
    spent: int = strawberry.field(description="By my approved redemptions.")
    available: int

    @classmethod
    def of(cls, b: service.Balance) -> RewardsBalance:
        return cls(earned=b.earned, held=b.held, spent=b.spent, available=b.available)


@strawberry.type
class RedemptionPerson:
    id: strawberry.ID
    name: str
    initials: str

    @classmethod
    def of(cls, p: service.Person) -> RedemptionPerson:
        return cls(id=strawberry.ID(str(p.id)), name=p.name, initials=p.initials)


@strawberry.type
class Redemption:
    id: strawberry.ID
    client_id: str
    reward_id: strawberry.ID
    reward_name: str = strawberry.field(description="As it was named when redeemed.")
    unit_price: int = strawberry.field(description="Points per unit when redeemed.")
    quantity: int
    points: int
    status: RedemptionStatusEnum
    note: str
    person: RedemptionPerson
    decided_by: RedemptionPerson | None
    decided_at: datetime | None
    decision_note: str
    created_at: datetime

    @classmethod
    def of(cls, view: service.RedemptionView) -> Redemption:
        r = view.redemption
        return cls(
            id=strawberry.ID(str(r.id)), client_id=r.client_id, reward_id=strawberry.ID(str(r.reward_id)),
            reward_name=r.reward_name, unit_price=r.unit_price, quantity=r.quantity, points=r.points,
            status=Status(r.status), note=r.note, person=RedemptionPerson.of(view.person),
            decided_by=RedemptionPerson.of(view.decided_by) if view.decided_by else None,
            decided_at=r.decided_at, decision_note=r.decision_note, created_at=r.created_at,
        )


@strawberry.input
class CreateRewardInput:
    client_id: str = strawberry.field(description="A retry with the same id returns the first reward.")
    name: str
    points_price: int
    description: str = ""
    stock: int | None = strawberry.field(default=None, description="Null: unlimited.")


@strawberry.input
class UpdateRewardInput:
    reward_id: strawberry.ID
    name: str | None = None
    description: str | None = None
    points_price: int | None = None
    stock: int | None = strawberry.field(default=None, description="Units left now; omitted: unchanged.")
    unlimited: bool = strawberry.field(default=False, description="True: no stock limit (stock is then ignored).")
    active: bool | None = strawberry.field(default=None, description="False retires the reward, true offers it again.")


@strawberry.type
class SaveRewardSuccess:
    reward: Reward
    replayed: bool = False


@strawberry.input
class RedeemRewardInput:
    client_id: str = strawberry.field(description="Generated on the phone; a replay with the same id returns the first redemption.")
    reward_id: strawberry.ID
    quantity: int = 1
    note: str = ""


@strawberry.type
class RedeemRewardSuccess:
    redemption: Redemption
    balance: RewardsBalance
    replayed: bool = strawberry.field(description="True when this clientId had already been received.")


@strawberry.input
class DecideRedemptionInput:
    redemption_id: strawberry.ID
    approve: bool
    note: str = ""


@strawberry.type
class DecideRedemptionSuccess:
    redemption: Redemption


SaveRewardResult = Annotated[SaveRewardSuccess | OperationError, strawberry.union("SaveRewardResult")]
RedeemRewardResult = Annotated[RedeemRewardSuccess | OperationError, strawberry.union("RedeemRewardResult")]
DecideRedemptionResult = Annotated[DecideRedemptionSuccess | OperationError, strawberry.union("DecideRedemptionResult")]


@strawberry.type
class Query:
    @strawberry.field(description="My org's rewards, cheapest first; `includeRetired` (admins) adds the retired ones.")
    async def rewards(self, info: Info, include_retired: bool = False) -> list[Reward]:
        ctx = info.context
        return [Reward.of(r) for r in await service.catalog(ctx.env, ctx.require_viewer(), include_retired=include_retired)]

    @strawberry.field(description="My points to spend on rewards.")
    async def my_rewards_balance(self, info: Info) -> RewardsBalance:
        ctx = info.context
        return RewardsBalance.of(await service.balance(ctx.env, ctx.require_viewer()))

    @strawberry.field(description="My redemptions, newest first.")
    async def my_redemptions(self, info: Info, first: int = 20) -> list[Redemption]:
        ctx = info.context
        return [Redemption.of(v) for v in await service.my_redemptions(ctx.env, ctx.require_viewer(), first)]

    @strawberry.field(description="Pending redemptions of the people I manage, oldest first (managers and admins).")
    async def redemptions_to_decide(self, info: Info, first: int = 50) -> list[Redemption]:
        ctx = info.context
        return [Redemption.of(v) for v in await service.to_decide(ctx.env, ctx.require_viewer(), first)]

    @strawberry.field(description="How many redemptions wait for my decision (0 for reps).")
    async def redemptions_to_decide_count(self, info: Info) -> int:
        ctx = info.context
        return await service.to_decide_count(ctx.env, ctx.require_viewer())


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Add a reward to the catalog (admins). Idempotent on clientId.")
    async def create_reward(self, info: Info, input: CreateRewardInput) -> SaveRewardResult:
        ctx = info.context

        async def action() -> SaveRewardSuccess:
            data = service.NewReward(
                client_id=input.client_id, name=input.name, points_price=input.points_price,
                description=input.description, stock=input.stock,
            )
            reward, replayed = await service.create_reward(ctx.env, ctx.require_viewer(), data)
            return SaveRewardSuccess(reward=Reward.of(reward), replayed=replayed)

        return await attempt(ctx.locale, action)

    @strawberry.mutation(description="Change a reward's name, price or stock, retire it or offer it again (admins).")
    async def update_reward(self, info: Info, input: UpdateRewardInput) -> SaveRewardResult:
        ctx = info.context

        async def action() -> SaveRewardSuccess:
            change = service.RewardChange(
                reward_id=int_id(input.reward_id), name=input.name, description=input.description,
                points_price=input.points_price, stock=None if input.unlimited else input.stock,
                clear_stock=input.unlimited, active=input.active,
            )
            return SaveRewardSuccess(reward=Reward.of(await service.update_reward(ctx.env, ctx.require_viewer(), change)))

        return await attempt(ctx.locale, action)

    @strawberry.mutation(description="Spend my points on a reward: held until a manager decides. Idempotent on clientId.")
    async def redeem_reward(self, info: Info, input: RedeemRewardInput) -> RedeemRewardResult:
        ctx = info.context

        async def action() -> RedeemRewardSuccess:
            data = service.RedeemInput(client_id=input.client_id, reward_id=int_id(input.reward_id), quantity=input.quantity, note=input.note)
            done = await service.redeem(ctx.env, ctx.require_viewer(), data)
            return RedeemRewardSuccess(redemption=Redemption.of(done.view), balance=RewardsBalance.of(done.balance), replayed=done.replayed)

        return await attempt(ctx.locale, action)

    @strawberry.mutation(description="Approve or reject a pending redemption (managers over their people, admins); rejection gives the points and stock back.")
    async def decide_redemption(self, info: Info, input: DecideRedemptionInput) -> DecideRedemptionResult:
        ctx = info.context

        async def action() -> DecideRedemptionSuccess:
            view = await service.decide(ctx.env, ctx.require_viewer(), int_id(input.redemption_id), approve=input.approve, note=input.note)
            return DecideRedemptionSuccess(redemption=Redemption.of(view))

        return await attempt(ctx.locale, action)
