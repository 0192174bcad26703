"""Displays (office TVs), the boards each one shows, and pairings waiting for a manager's code."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from podium.db.base import Base, BigId, IdMixin, UTCDateTime


class Display(IdMixin, Base):
    __tablename__ = "displays"

    org_id: Mapped[int] = mapped_column(BigId, ForeignKey("orgs.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    rotate_seconds: Mapped[int] = mapped_column(default=30)
    # Celebration messages are sent in this language (the pairing manager's).
    locale: Mapped[str] = mapped_column(String(8), default="zh-CN")
    # Like sessions: only the SHA-256 of the TV's cookie; NULL until the TV has collected it, and again once revoked.
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    paired_by: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class DisplayBoard(IdMixin, Base):
    """One slide of a display's playlist, in order."""

    __tablename__ = "display_boards"
    __table_args__ = (UniqueConstraint("display_id", "position"),)

    display_id: Mapped[int] = mapped_column(BigId, ForeignKey("displays.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column()
    period: Mapped[str] = mapped_column(String(16))
    team_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("teams.id", ondelete="CASCADE"))
    metric: Mapped[str] = mapped_column(String(16))


class DisplayPairing(IdMixin, Base):
    """A code a TV shows until a manager enters it, or ten minutes pass."""

    __tablename__ = "display_pairings"

    code: Mapped[str] = mapped_column(String(8), unique=True)
    # The TV proves it started this pairing with a secret only it holds; only its hash is kept.
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    display_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("displays.id", ondelete="CASCADE"))
