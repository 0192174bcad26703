"""The audit log: one append-only row per audit-worthy domain event, holding everything itself."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from podium.db.base import Base, BigId, IdMixin, UTCDateTime


class AuditEntry(IdMixin, Base):
    __tablename__ = "audit_entries"
    __table_args__ = (
        Index("ix_audit_entries_org_at", "org_id", "at"),
        Index("ix_audit_entries_org_action", "org_id", "action"),
    )

    org_id: Mapped[int] = mapped_column(BigId, ForeignKey("orgs.id", ondelete="CASCADE"))
    # The domain event it was made from: the handler's idempotence key. Not a foreign key: events are pruned.
    event_id: Mapped[int] = mapped_column(BigId, unique=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    action: Mapped[str] = mapped_column(String(60))
    subject_type: Mapped[str] = mapped_column(String(40), default="", server_default="")
    subject_id: Mapped[str] = mapped_column(String(64), default="", server_default="")
    # Who, as they were then (no foreign keys: a person's later change or removal does not rewrite history).
    actor_user_id: Mapped[int | None] = mapped_column(BigId)
    actor_token_id: Mapped[int | None] = mapped_column(BigId)
    actor_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    actor_email: Mapped[str] = mapped_column(String(320), default="", server_default="")
    ip: Mapped[str] = mapped_column(String(64), default="", server_default="")
    user_agent: Mapped[str] = mapped_column(String(400), default="", server_default="")
    # JSON objects; `before` is empty when the event tells no earlier state.
    before: Mapped[str] = mapped_column(Text, default="{}", server_default="{}")
    after: Mapped[str] = mapped_column(Text, default="{}", server_default="{}")
