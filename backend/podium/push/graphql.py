"""Web Push over GraphQL: the key browsers subscribe with, subscriptions, what I want pushed."""

from __future__ import annotations

from typing import Annotated

import strawberry

from podium.graphql.context import Info
from podium.graphql.errors import OperationError, attempt
from podium.push import service
from podium.push.service import PushKind

PushKindEnum = strawberry.enum(PushKind, name="PushKind", description="What a push can be about.")
MAX_KINDS = 20


@strawberry.type(name="PushConfig")
class PushConfigType:
    public_key: str | None = strawberry.field(description="VAPID public key (base64url): pushManager.subscribe's applicationServerKey.")
    enabled: bool = strawberry.field(description="False when the server has no VAPID keys: do not offer push.")


@strawberry.type
class PushPreferences:
    kinds: list[PushKindEnum] = strawberry.field(description="The kinds I receive.")
    available: list[PushKindEnum]
    subscriptions: int = strawberry.field(description="How many of my browsers receive pushes.")


@strawberry.input
class SubscribePushInput:
    endpoint: str = strawberry.field(description="PushSubscription.endpoint; subscribing it again updates it.")
    p256dh: str = strawberry.field(description="The browser's P-256 key (base64url), keys.p256dh.")
    auth: str = strawberry.field(description="The browser's auth secret (base64url), keys.auth.")
    user_agent: str = ""


@strawberry.type
class SubscribePushSuccess:
    endpoint: str
    preferences: PushPreferences


@strawberry.type
class UnsubscribePushSuccess:
    removed: bool = strawberry.field(description="False when this browser was not subscribed for me.")


@strawberry.type
class SetPushPreferencesSuccess:
    preferences: PushPreferences


SubscribePushResult = Annotated[SubscribePushSuccess | OperationError, strawberry.union("SubscribePushResult")]
UnsubscribePushResult = Annotated[UnsubscribePushSuccess | OperationError, strawberry.union("UnsubscribePushResult")]
SetPushPreferencesResult = Annotated[SetPushPreferencesSuccess | OperationError, strawberry.union("SetPushPreferencesResult")]


async def _preferences(info: Info) -> PushPreferences:
    ctx = info.context
    viewer = ctx.require_viewer()
    kinds = await service.preferences(ctx.env, viewer)
    return PushPreferences(
        kinds=[k for k in PushKind if k in kinds], available=list(PushKind), subscriptions=await service.subscription_count(ctx.env, viewer)
    )


@strawberry.type
class Query:
    @strawberry.field(description="Whether this server sends Web Push, and the key to subscribe with.")
    def push_config(self, info: Info) -> PushConfigType:
        found = service.config(info.context.env)
        return PushConfigType(public_key=found.public_key, enabled=found.enabled)

    @strawberry.field(description="Which kinds of push I receive; milestones and my visit reviews unless I chose.")
    async def my_push_preferences(self, info: Info) -> PushPreferences:
        return await _preferences(info)


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Receive pushes on this browser. Idempotent on endpoint.")
    async def subscribe_push(self, info: Info, input: SubscribePushInput) -> SubscribePushResult:
        ctx = info.context

        async def action() -> SubscribePushSuccess:
            row = await service.subscribe(
                ctx.env, ctx.require_viewer(), endpoint=input.endpoint, p256dh=input.p256dh, auth=input.auth, user_agent=input.user_agent
            )
            return SubscribePushSuccess(endpoint=row.endpoint, preferences=await _preferences(info))

        return await attempt(ctx.locale, action)

    @strawberry.mutation(description="Stop pushes to this browser.")
    async def unsubscribe_push(self, info: Info, endpoint: str) -> UnsubscribePushResult:
        ctx = info.context

        async def action() -> UnsubscribePushSuccess:
            return UnsubscribePushSuccess(removed=await service.unsubscribe(ctx.env, ctx.require_viewer(), endpoint))

        return await attempt(ctx.locale, action)

    @strawberry.mutation(description="Choose the kinds of push I receive (the whole set).")
    async def set_push_preferences(self, info: Info, kinds: list[PushKindEnum]) -> SetPushPreferencesResult:
        ctx = info.context

        async def action() -> SetPushPreferencesSuccess:
            await service.set_preferences(ctx.env, ctx.require_viewer(), list(kinds)[:MAX_KINDS])
            return SetPushPreferencesSuccess(preferences=await _preferences(info))

        return await attempt(ctx.locale, action)
