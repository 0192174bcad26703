"""Outbound webhooks over GraphQL (admins): endpoints, their secrets, a test event, deliveries and replay."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from podium.graphql.context import Info
from podium.graphql.errors import OperationError, attempt
from podium.graphql.ids import int_id
from podium.webhooks import service
from podium.webhooks.catalog import EventType
from podium.webhooks.models import WebhookDelivery as DeliveryRow
from podium.webhooks.models import WebhookEndpoint as EndpointRow

WebhookEventTypeEnum = strawberry.enum(
    EventType, name="WebhookEventType", description="A message type other systems may subscribe to; its wire name is the value (deal.won, …)."
)


@strawberry.type
class WebhookEndpoint:
    id: strawberry.ID
    url: str
    description: str
    event_types: list[WebhookEventTypeEnum]
    enabled: bool
    disabled_reason: str = strawberry.field(description="GONE when the endpoint answered 410 and was disabled by us; empty otherwise.")
    previous_secret_until: datetime | None = strawberry.field(description="Until then the previous secret signs beside the current one.")
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, row: EndpointRow) -> WebhookEndpoint:
        return cls(
            id=strawberry.ID(str(row.id)), url=row.url, description=row.description, event_types=service.types_of(row), enabled=row.enabled,
            disabled_reason=row.disabled_reason.upper(), previous_secret_until=row.previous_until if row.previous_secret else None,
            created_at=row.created_at, updated_at=row.updated_at,
        )


@strawberry.type
class WebhookDelivery:
    id: strawberry.ID
    message_id: str = strawberry.field(description="The webhook-id header: the same on every attempt and replay.")
    event_type: str = strawberry.field(description="deal.won, payment.collected, …, or webhook.test.")
    state: str = strawberry.field(description="PENDING (due at nextAttemptAt), SENT or FAILED.")
    attempts: int
    status_code: int | None = strawberry.field(description="The endpoint's last HTTP status; null when it did not answer.")
    error: str = strawberry.field(description="Why the last attempt failed, if it did.")
    response_excerpt: str = strawberry.field(description="The start of the endpoint's last answer.")
    duration_ms: int | None
    created_at: datetime
    last_attempt_at: datetime | None
    next_attempt_at: datetime | None = strawberry.field(description="Null once sent or failed.")
    payload: str = strawberry.field(description="The JSON body as sent.")

    @classmethod
    def of(cls, row: DeliveryRow) -> WebhookDelivery:
        pending = row.state == "pending"
        return cls(
            id=strawberry.ID(str(row.id)), message_id=row.msg_id, event_type=row.event_type, state=row.state.upper(), attempts=row.attempts,
            status_code=row.last_status, error=row.last_error, response_excerpt=row.response_excerpt, duration_ms=row.duration_ms,
            created_at=row.created_at, last_attempt_at=row.last_attempt_at, next_attempt_at=row.next_attempt_at if pending else None,
            payload=row.payload,
        )


@strawberry.input
class CreateWebhookEndpointInput:
    client_id: str | None = strawberry.field(default=None, description="A retry with the same id returns the first endpoint.")
    url: str = strawberry.field(description="https:// on a public address (the server POSTs to it).")
    description: str = ""
    event_types: list[WebhookEventTypeEnum]
    enabled: bool = True


@strawberry.input
class UpdateWebhookEndpointInput:
    id: strawberry.ID
    url: str | None = strawberry.field(default=None, description="Null keeps it.")
    description: str | None = None
    event_types: list[WebhookEventTypeEnum] | None = None
    enabled: bool | None = None


@strawberry.type
class WebhookSecretSuccess:
    endpoint: WebhookEndpoint
    secret: str = strawberry.field(description="whsec_…: shown this once; verify signatures with it.")


@strawberry.type
class UpdateWebhookEndpointSuccess:
    endpoint: WebhookEndpoint


@strawberry.type
class DeleteWebhookEndpointSuccess:
    removed: bool = strawberry.field(description="False when there was no such endpoint.")


@strawberry.type
class WebhookDeliverySuccess:
    delivery: WebhookDelivery


WebhookSecretResult = Annotated[WebhookSecretSuccess | OperationError, strawberry.union("WebhookSecretResult")]
UpdateWebhookEndpointResult = Annotated[UpdateWebhookEndpointSuccess | OperationError, strawberry.union("UpdateWebhookEndpointResult")]
DeleteWebhookEndpointResult = Annotated[DeleteWebhookEndpointSuccess | OperationError, strawberry.union("DeleteWebhookEndpointResult")]
WebhookDeliveryResult = Annotated[WebhookDeliverySuccess | OperationError, strawberry.union("WebhookDeliveryResult")]


def _types(values: list[EventType] | None) -> list[str] | None:
    return None if values is None else [EventType(v).value for v in values]


@strawberry.type
class Query:
    @strawberry.field(description="My org's webhook endpoints (admins).")
    async def webhook_endpoints(self, info: Info) -> list[WebhookEndpoint]:
        ctx = info.context
        return [WebhookEndpoint.of(r) for r in await service.endpoints(ctx.env, ctx.require_viewer())]

    @strawberry.field(description="An endpoint's messages, newest first (admins).")
    async def webhook_deliveries(self, info: Info, endpoint_id: strawberry.ID, first: int = 50) -> list[WebhookDelivery]:
        ctx = info.context
        return [WebhookDelivery.of(r) for r in await service.deliveries(ctx.env, ctx.require_viewer(), int_id(endpoint_id), first)]


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Subscribe a URL to event types (admins); the secret is shown this once.")
    async def create_webhook_endpoint(self, info: Info, input: CreateWebhookEndpointInput) -> WebhookSecretResult:
        ctx = info.context

        async def action() -> WebhookSecretSuccess:
            data = service.EndpointInput(
                url=input.url, description=input.description, event_types=_types(input.event_types), enabled=input.enabled, client_id=input.client_id
            )
            row, secret = await service.create_endpoint(ctx.env, ctx.require_viewer(), data)
            return WebhookSecretSuccess(endpoint=WebhookEndpoint.of(row), secret=secret)

        return await attempt(ctx.locale, action)

    @strawberry.mutation(description="Change an endpoint's URL, description, event types or whether it is enabled (admins).")
    async def update_webhook_endpoint(self, info: Info, input: UpdateWebhookEndpointInput) -> UpdateWebhookEndpointResult:
        ctx = info.context

        async def action() -> UpdateWebhookEndpointSuccess:
            data = service.EndpointInput(url=input.url, description=input.description, event_types=_types(input.event_types), enabled=input.enabled)
            row = await service.update_endpoint(ctx.env, ctx.require_viewer(), int_id(input.id), data)
            return UpdateWebhookEndpointSuccess(endpoint=WebhookEndpoint.of(row))

        return await attempt(ctx.locale, action)

    @strawberry.mutation(description="Remove an endpoint and its deliveries (admins).")
    async def delete_webhook_endpoint(self, info: Info, id: strawberry.ID) -> DeleteWebhookEndpointResult:
        ctx = info.context

        async def action() -> DeleteWebhookEndpointSuccess:
            return DeleteWebhookEndpointSuccess(removed=await service.delete_endpoint(ctx.env, ctx.require_viewer(), int_id(id)))

        return await attempt(ctx.locale, action)

    @strawberry.mutation(description="A new signing secret (shown this once); the old one keeps signing beside it for overlapHours (admins).")
    async def rotate_webhook_secret(self, info: Info, id: strawberry.ID, overlap_hours: int = 24) -> WebhookSecretResult:
        ctx = info.context

        async def action() -> WebhookSecretSuccess:
            row, secret = await service.rotate_secret(ctx.env, ctx.require_viewer(), int_id(id), overlap_hours)
            return WebhookSecretSuccess(endpoint=WebhookEndpoint.of(row), secret=secret)

        return await attempt(ctx.locale, action)

    @strawberry.mutation(description="Queue a webhook.test message to an endpoint now (admins).")
    async def send_test_webhook(self, info: Info, id: strawberry.ID) -> WebhookDeliveryResult:
        ctx = info.context

        async def action() -> WebhookDeliverySuccess:
            return WebhookDeliverySuccess(delivery=WebhookDelivery.of(await service.send_test(ctx.env, ctx.require_viewer(), int_id(id))))

        return await attempt(ctx.locale, action)

    @strawberry.mutation(description="Send a message again, with the same webhook-id and a fresh set of attempts (admins).")
    async def replay_webhook_delivery(self, info: Info, id: strawberry.ID) -> WebhookDeliveryResult:
        ctx = info.context

        async def action() -> WebhookDeliverySuccess:
            return WebhookDeliverySuccess(delivery=WebhookDelivery.of(await service.replay(ctx.env, ctx.require_viewer(), int_id(id))))

        return await attempt(ctx.locale, action)
