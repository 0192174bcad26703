"""The domain events table: the outbox that every capability's transactions write into."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from podium.db.base import Base, BigId, IdMixin, UTCDateTime

PENDING = text("done_at IS NULL AND failed_at IS NULL")


class EventRow(IdMixin, Base):
    __tablename__ = "domain_events"
    __table_args__ = (
        # What the dispatchers poll: only the few events not yet handled, by when they are due.
        Index("ix_domain_events_due", "next_at", postgresql_where=PENDING, sqlite_where=PENDING),
        Index("ix_domain_events_org_created", "org_id", "created_at"),
    )

    org_id: Mapped[int] = mapped_column(BigId)
    name: Mapped[str] = mapped_column(String(60))
    payload: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Not before then may a dispatcher take it: the committing process gets a head start, a failure backs off.
    next_at: Mapped[datetime] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Handlers that have succeeded on it, space-separated: a retry runs only the others.
    handled: Mapped[str] = mapped_column(Text, default="", server_default="")
    last_error: Mapped[str | None] = mapped_column(Text)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Given up after too many attempts: kept, with its error, for an admin to see and retry.
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Who made the change and from where (core.events.Provenance as JSON); None for the system's own work.
    actor: Mapped[str | None] = mapped_column(Text)
