"""A customer's page and merging duplicates."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

import strawberry

from podium.customer_pages import service
from podium.customers.graphql import Contact, Customer
from podium.graphql.context import Info
from podium.graphql.errors import OperationError, attempt
from podium.graphql.ids import int_id


@strawberry.type
class TimelineEntry:
    kind: str = strawberry.field(description="visit, deal_created, deal_won, deal_lost, order, payment or activity.")
    at: datetime
    id: strawberry.ID
    user_id: strawberry.ID
    user_name: str
    deal_id: strawberry.ID | None
    title: str = strawberry.field(description="A visit's status, a deal's title, an activity's kind.")
    amount: Decimal | None
    detail: str = strawberry.field(description="A visit's or activity's note, an order's number, a close reason.")


@strawberry.type
class OpenDeal:
    id: strawberry.ID
    title: str
    amount: Decimal
    currency: str
    expected_close: date
    probability: int


@strawberry.type
class CustomerDetail:
    customer: Customer = strawberry.field(description="The survivor when the id asked for was merged into it.")
    contacts: list[Contact]
    open_deals: list[OpenDeal]
    timeline: list[TimelineEntry] = strawberry.field(description="Newest first.")
    timeline_more: bool


@strawberry.type
class Query:
    @strawberry.field(description="A customer's page. Reps: their own customers; managers: their subtree's; admins: the org's.")
    async def customer_page(self, info: Info, id: strawberry.ID, offset: int = 0, first: int = 20) -> CustomerDetail:
        ctx = info.context
        found = await service.page(ctx.env, ctx.require_viewer(), int_id(id), offset=offset, first=first)
        return CustomerDetail(
            customer=Customer.of(found.customer, owner_name=found.owner_name, now=ctx.env.clock()),
            contacts=[Contact.of(c) for c in found.contacts],
            open_deals=[
                OpenDeal(id=strawberry.ID(str(d.id)), title=d.title, amount=d.amount, currency=d.currency, expected_close=d.expected_close, probability=d.probability)
                for d in found.open_deals
            ],
            timeline=[
                TimelineEntry(
                    kind=t.kind, at=t.at, id=strawberry.ID(str(t.id)), user_id=strawberry.ID(str(t.user_id)), user_name=t.user_name,
                    deal_id=strawberry.ID(str(t.deal_id)) if t.deal_id else None, title=t.title, amount=t.amount, detail=t.detail,
                )
                for t in found.timeline
            ],
            timeline_more=found.timeline_more,
        )


@strawberry.type
class MergeSuccess:
    survivor: Customer
    merged_ids: list[strawberry.ID] = strawberry.field(description="Merged by this call; empty on a retry.")
    visits_moved: int
    deals_moved: int
    activities_moved: int


MergeResult = Annotated[MergeSuccess | OperationError, strawberry.union("MergeCustomersResult")]


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Managers and admins: fold duplicates into a survivor; their visits, deals (with orders and payments), "
                         "activities and contacts move to it; the duplicates stay as links to it. Idempotent.")
    async def merge_customers(self, info: Info, survivor_id: strawberry.ID, merged_ids: list[strawberry.ID]) -> MergeResult:
        ctx = info.context

        async def action() -> MergeSuccess:
            done = await service.merge(ctx.env, ctx.require_viewer(), int_id(survivor_id), [int_id(i) for i in merged_ids])
            return MergeSuccess(
                survivor=Customer.of(done.survivor, now=ctx.env.clock()), merged_ids=[strawberry.ID(str(i)) for i in done.merged],
                visits_moved=done.visits, deals_moved=done.deals, activities_moved=done.activities,
            )

        return await attempt(ctx.locale, action)
