"""Celebrations are stored, so a phone that was offline catches up on what it missed."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from podium.db.base import Base, BigId, IdMixin, UTCDateTime


class Celebration(IdMixin, Base):
    __tablename__ = "celebrations"
    __table_args__ = (Index("ix_celebrations_org_created", "org_id", "created_at"),)

    org_id: Mapped[int] = mapped_column(BigId, ForeignKey("orgs.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id", ondelete="CASCADE"))
    other_user_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id", ondelete="SET NULL"))
    threshold: Mapped[int | None]
    points: Mapped[int]
    # A won deal's amount and customer, for the card.
    amount: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    subject: Mapped[str] = mapped_column(String(200), default="", server_default="")
    period_key: Mapped[str] = mapped_column(String(20))
    # What makes it happen at most once: a milestone per month, an overtake per pair per month.
    dedupe_key: Mapped[str] = mapped_column(String(120), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
