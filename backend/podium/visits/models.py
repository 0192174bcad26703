"""Field visits: where the rep was, how sure the phone was, and how far from the customer."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from podium.db.base import Base, BigId, IdMixin, UTCDateTime


class Visit(IdMixin, Base):
    __tablename__ = "visits"
    __table_args__ = (
        # The phone's id for this write: a retry or an offline replay finds the first visit.
        UniqueConstraint("user_id", "client_id"),
        Index("ix_visits_user_occurred", "user_id", "occurred_at"),
        Index("ix_visits_org_occurred", "org_id", "occurred_at"),
    )

    org_id: Mapped[int] = mapped_column(BigId, ForeignKey("orgs.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id", ondelete="CASCADE"))
    customer_id: Mapped[int] = mapped_column(BigId, ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    client_id: Mapped[str] = mapped_column(String(64))
    latitude: Mapped[float]
    longitude: Mapped[float]
    accuracy_m: Mapped[float]
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    note: Mapped[str] = mapped_column(Text, default="")
    distance_m: Mapped[float]
    within_geofence: Mapped[bool]
    points_awarded: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
