"""What the webhooks capability announces: changes to endpoints, for the audit log (never a secret, never a full URL)."""

from __future__ import annotations

from dataclasses import dataclass

from podium.core.events import DomainEvent


@dataclass(frozen=True)
class WebhookEndpointCreated(DomainEvent):
    name = "webhook_endpoint_created"
    live = False
    endpoint: int
    host: str
    event_types: tuple[str, ...]
    by: int


@dataclass(frozen=True)
class WebhookEndpointChanged(DomainEvent):
    """`fields` names what changed (GraphQL names); `before` and `after` hold their values, the URL by its host."""

    name = "webhook_endpoint_changed"
    live = False
    endpoint: int
    fields: tuple[str, ...]
    before: dict[str, str]
    after: dict[str, str]
    by: int


@dataclass(frozen=True)
class WebhookEndpointDeleted(DomainEvent):
    name = "webhook_endpoint_deleted"
    live = False
    endpoint: int
    host: str
    by: int


@dataclass(frozen=True)
class WebhookSecretRotated(DomainEvent):
    """A new signing secret; the old one keeps signing alongside it for `overlap_hours`."""

    name = "webhook_secret_rotated"
    live = False
    endpoint: int
    overlap_hours: int
    by: int
