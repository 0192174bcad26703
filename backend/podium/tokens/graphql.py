"""API tokens over GraphQL (admins, signed in): list, create, rotate, revoke; and the scope check of every operation."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.extensions import SchemaExtension

from podium.graphql.context import Info
from podium.graphql.errors import OperationError, attempt
from podium.graphql.ids import int_id
from podium.tokens import service
from podium.tokens.scopes import SCOPES, check_scopes
from podium.tokens.service import TokenStatus, TokenView

TokenStatusEnum = strawberry.enum(TokenStatus, name="ApiTokenStatus", description="ROTATING: replaced, still valid until the end of its overlap.")


@strawberry.type(description="A bearer token another system uses for GraphQL over HTTP; its secret is never shown again.")
class ApiToken:
    id: strawberry.ID
    name: str
    prefix: str = strawberry.field(description="The token's public start (pod_…), to recognise it.")
    scopes: list[str]
    created_at: datetime
    created_by: str = strawberry.field(description="The admin it acts as; it stops when they are no longer an active admin.")
    expires_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None = strawberry.field(description="Within a minute.")
    last_used_ip: str
    replaced_by_id: strawberry.ID | None
    status: TokenStatusEnum  # type: ignore[valid-type]

    @classmethod
    def of(cls, view: TokenView) -> ApiToken:
        return cls(
            id=strawberry.ID(str(view.id)), name=view.name, prefix=view.prefix, scopes=list(view.scopes), created_at=view.created_at,
            created_by=view.created_by, expires_at=view.expires_at, revoked_at=view.revoked_at, last_used_at=view.last_used_at,
            last_used_ip=view.last_used_ip, replaced_by_id=strawberry.ID(str(view.replaced_by_id)) if view.replaced_by_id else None,
            status=view.status,
        )


@strawberry.type
class IssuedApiToken:
    token: ApiToken
    secret: str = strawberry.field(description="The whole bearer value: shown this once, stored only hashed.")


@strawberry.input
class CreateApiTokenInput:
    name: str
    scopes: list[str] = strawberry.field(description="From apiTokenScopes, e.g. pipeline:read.")
    expires_in_days: int = strawberry.field(description="1 to 366.")


@strawberry.input
class RotateApiTokenInput:
    id: strawberry.ID
    overlap_hours: int = strawberry.field(description="How long the old token keeps working: 0 (stops now) to 168 (7 days).")
    expires_in_days: int = strawberry.field(description="The new token's life, 1 to 366 days.")


@strawberry.type
class RevokeApiTokenSuccess:
    token: ApiToken


IssueApiTokenResult = Annotated[IssuedApiToken | OperationError, strawberry.union("IssueApiTokenResult")]
RevokeApiTokenResult = Annotated[RevokeApiTokenSuccess | OperationError, strawberry.union("RevokeApiTokenResult")]


@strawberry.type
class Query:
    @strawberry.field(description="My org's API tokens, newest first (admins).")
    async def api_tokens(self, info: Info) -> list[ApiToken]:
        ctx = info.context
        return [ApiToken.of(t) for t in await service.tokens(ctx.env, ctx.require_viewer())]

    @strawberry.field(description="Every scope a token may be given: <capability>:read or :write.")
    def api_token_scopes(self, info: Info) -> list[str]:
        info.context.require_viewer()
        return list(SCOPES)


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Create an API token (admins); its secret is in the answer only.")
    async def create_api_token(self, info: Info, input: CreateApiTokenInput) -> IssueApiTokenResult:
        ctx = info.context

        async def action() -> IssuedApiToken:
            issued = await service.create_token(
                ctx.env, ctx.require_viewer(), name=input.name, scopes=input.scopes, expires_in_days=input.expires_in_days
            )
            return IssuedApiToken(token=ApiToken.of(issued.token), secret=issued.secret)

        return await attempt(ctx.locale, action)

    @strawberry.mutation(description="Replace a token by a new one with its name and scopes; the old one works for the overlap (admins).")
    async def rotate_api_token(self, info: Info, input: RotateApiTokenInput) -> IssueApiTokenResult:
        ctx = info.context

        async def action() -> IssuedApiToken:
            issued = await service.rotate_token(
                ctx.env, ctx.require_viewer(), int_id(input.id), overlap_hours=input.overlap_hours, expires_in_days=input.expires_in_days
            )
            return IssuedApiToken(token=ApiToken.of(issued.token), secret=issued.secret)

        return await attempt(ctx.locale, action)

    @strawberry.mutation(description="Stop a token now (admins).")
    async def revoke_api_token(self, info: Info, id: strawberry.ID) -> RevokeApiTokenResult:
        ctx = info.context

        async def action() -> RevokeApiTokenSuccess:
            return RevokeApiTokenSuccess(token=ApiToken.of(await service.revoke_token(ctx.env, ctx.require_viewer(), int_id(id))))

        return await attempt(ctx.locale, action)


class TokenScope(SchemaExtension):
    """Refuses, before execution, every root field an API token's scopes do not open (tokens/scopes.py)."""

    def on_execute(self) -> Iterator[None]:
        execution = self.execution_context
        document = execution.graphql_document
        if document is not None:
            check_scopes(getattr(execution.context, "viewer", None), document, execution.operation_name)
        yield
