"""For admins: domain events whose handlers failed, and retrying them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from podium.core import outbox
from podium.graphql.context import Info
from podium.graphql.errors import OperationError, attempt
from podium.graphql.ids import int_id


@strawberry.type(description="A domain event some of whose consequences have not happened: still retried, or given up on.")
class EventFailure:
    id: strawberry.ID
    name: str = strawberry.field(description="The event: points, deal_won, celebration, …")
    created_at: datetime
    attempts: int
    error: str = strawberry.field(description="Which handler failed, and how, at the last attempt.")
    given_up: bool = strawberry.field(description="True once retries stopped; retryEvent starts them again.")

    @classmethod
    def of(cls, f: outbox.Failure) -> EventFailure:
        return cls(id=strawberry.ID(str(f.id)), name=f.name, created_at=f.created_at, attempts=f.attempts, error=f.error, given_up=f.failed)


@strawberry.type
class RetryEventSuccess:
    event: EventFailure


RetryEventResult = Annotated[RetryEventSuccess | OperationError, strawberry.union("RetryEventResult")]


@strawberry.type
class Query:
    @strawberry.field(description="Events of my org whose handlers failed, newest first (admins).")
    async def event_failures(self, info: Info, first: int = 50) -> list[EventFailure]:
        ctx = info.context
        return [EventFailure.of(f) for f in await outbox.failures(ctx.env, ctx.require_viewer(), first)]


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Run a failed event's remaining handlers again, with a fresh set of attempts (admins).")
    async def retry_event(self, info: Info, id: strawberry.ID) -> RetryEventResult:
        ctx = info.context

        async def action() -> RetryEventSuccess:
            return RetryEventSuccess(event=EventFailure.of(await outbox.retry(ctx.env, ctx.require_viewer(), int_id(id))))

        return await attempt(ctx.locale, action)
