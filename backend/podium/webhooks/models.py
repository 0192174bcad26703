"""Outbound webhook endpoints an org subscribes, and the messages queued for them (Standard Webhooks)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from podium.db.base import Base, BigId, IdMixin, UTCDateTime


class WebhookEndpoint(IdMixin, Base):
    __tablename__ = "webhook_endpoints"
    __table_args__ = (UniqueConstraint("org_id", "client_id"),)

    org_id: Mapped[int] = mapped_column(BigId, ForeignKey("orgs.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(String(1024))
    description: Mapped[str] = mapped_column(String(200), default="", server_default="")
    # Comma-separated public type names it receives (webhooks.catalog.EventType).
    event_types: Mapped[str] = mapped_column(String(400))
    enabled: Mapped[bool] = mapped_column(default=True, server_default="1")
    # Why it was disabled by us rather than by an admin ("gone": it answered 410), else "".
    disabled_reason: Mapped[str] = mapped_column(String(20), default="", server_default="")
    # whsec_<base64>: signs every message; shown once, at creation and at rotation.
    secret: Mapped[str] = mapped_column(String(100))
    # The secret before the last rotation, still signing alongside the new one until previous_until.
    previous_secret: Mapped[str] = mapped_column(String(100), default="", server_default="")
    previous_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    client_id: Mapped[str | None] = mapped_column(String(64))
    created_by: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class WebhookDelivery(IdMixin, Base):
    """One message for one endpoint; retried on the spec's schedule, kept with the endpoint's last answer."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        Index("ix_webhook_deliveries_state_due", "state", "next_attempt_at"),
        Index("ix_webhook_deliveries_endpoint", "endpoint_id", "id"),
        # An event goes once to each endpoint, however often its handler runs.
        UniqueConstraint("endpoint_id", "event_key"),
    )

    org_id: Mapped[int] = mapped_column(BigId, ForeignKey("orgs.id", ondelete="CASCADE"))
    endpoint_id: Mapped[int] = mapped_column(BigId, ForeignKey("webhook_endpoints.id", ondelete="CASCADE"))
    # The webhook-id header: the same on every attempt and replay, so receivers can drop duplicates.
    msg_id: Mapped[str] = mapped_column(String(40), unique=True)
    event_type: Mapped[str] = mapped_column(String(40))
    # What the message is about, e.g. "deal.won:42": the idempotency key of the queueing handler.
    event_key: Mapped[str] = mapped_column(String(120))
    # The JSON body, rendered once when queued: every attempt sends (and signs) the same bytes.
    payload: Mapped[str] = mapped_column(Text)
    # pending (due at next_attempt_at; also while a worker holds it, as a lease) → sent | failed.
    state: Mapped[str] = mapped_column(String(12), default="pending", server_default="pending")
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_status: Mapped[int | None]
    last_error: Mapped[str] = mapped_column(String(300), default="", server_default="")
    # The start of the endpoint's last answer, and how long it took.
    response_excerpt: Mapped[str] = mapped_column(String(300), default="", server_default="")
    duration_ms: Mapped[int | None]
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
