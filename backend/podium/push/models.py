"""Web Push: the browsers that asked for pushes, what each person wants pushed, and the pushes to send."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from podium.db.base import Base, BigId, IdMixin, UTCDateTime


class PushSubscription(IdMixin, Base):
    __tablename__ = "push_subscriptions"

    org_id: Mapped[int] = mapped_column(BigId, ForeignKey("orgs.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # The push service's URL for this browser: one browser, one row, whoever signed in on it last.
    endpoint: Mapped[str] = mapped_column(String(1024), unique=True)
    p256dh: Mapped[str] = mapped_column(String(128))
    auth: Mapped[str] = mapped_column(String(64))
    user_agent: Mapped[str] = mapped_column(String(300), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class PushPreference(Base):
    """Which kinds of push a person wants; no row means the defaults."""

    __tablename__ = "push_preferences"

    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    # Comma-separated push kinds (push.service.PushKind).
    kinds: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PushJob(IdMixin, Base):
    """One message to one browser; retried with backoff, kept when it fails for good."""

    __tablename__ = "push_jobs"
    __table_args__ = (
        Index("ix_push_jobs_state_due", "state", "next_attempt_at"),
        # One message per browser per event: a handler run again after a crash queues nothing new.
        UniqueConstraint("subscription_id", "dedupe_key"),
    )

    org_id: Mapped[int] = mapped_column(BigId, ForeignKey("orgs.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # SET NULL: a browser that unsubscribed (or whose push service said 404/410) ends its pending jobs as `gone`.
    subscription_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("push_subscriptions.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(20))
    dedupe_key: Mapped[str | None] = mapped_column(String(80))
    # The JSON the service worker gets (title, body, url, image, tag), encrypted only when sent.
    payload: Mapped[str] = mapped_column(Text)
    # pending (due at next_attempt_at; also while a worker holds it, as a lease) → sent | gone | failed.
    state: Mapped[str] = mapped_column(String(12), default="pending", server_default="pending")
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_status: Mapped[int | None]
    last_error: Mapped[str] = mapped_column(String(300), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
