"""Field visits: where the rep was, how sure the phone was, how far from the customer, and whether to believe it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from podium.db.base import Base, BigId, IdMixin, UTCDateTime


class Visit(IdMixin, Base):
    __tablename__ = "visits"
    __table_args__ = (
        # The phone's id for this write: a retry or an offline replay finds the first visit.
        UniqueConstraint("user_id", "client_id"),
        Index("ix_visits_user_occurred", "user_id", "occurred_at"),
        Index("ix_visits_org_occurred", "org_id", "occurred_at"),
        Index("ix_visits_org_status", "org_id", "status"),
    )

    org_id: Mapped[int] = mapped_column(BigId, ForeignKey("orgs.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id", ondelete="CASCADE"))
    customer_id: Mapped[int] = mapped_column(BigId, ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    client_id: Mapped[str] = mapped_column(String(64))
    # The check-in.
    latitude: Mapped[float]
    longitude: Mapped[float]
    accuracy_m: Mapped[float]
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # When the phone's GPS fix was taken (None from clients that do not say).
    position_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    note: Mapped[str] = mapped_column(Text, default="")
    distance_m: Mapped[float]
    within_geofence: Mapped[bool]
    # verified / flagged (automatically) / approved / rejected (by a manager); see visits.plausibility.
    status: Mapped[str] = mapped_column(String(16), default="verified", server_default="verified")
    # Comma-separated plausibility flags, in a fixed order.
    flags: Mapped[str] = mapped_column(String(200), default="", server_default="")
    # Implied speed from the person's previous visit, km/h, when there was one.
    speed_kmh: Mapped[float | None]
    points_awarded: Mapped[int] = mapped_column(default=0)
    # The check-out; all None while the visit is open.
    checked_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    out_latitude: Mapped[float | None]
    out_longitude: Mapped[float | None]
    out_accuracy_m: Mapped[float | None]
    out_client_id: Mapped[str | None] = mapped_column(String(64))
    # Closed by the server (end of its day, or the next check-in), not by the rep.
    auto_closed: Mapped[bool] = mapped_column(default=False, server_default="0")
    reviewed_by: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    review_note: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class VisitPhoto(IdMixin, Base):
    """A photo taken at a visit, re-encoded by the server (EXIF gone), with its thumbnail.

    Kept in the database, the source of truth every instance shares: no file store to mount
    or to leave half-written files in.
    """

    __tablename__ = "visit_photos"
    __table_args__ = (UniqueConstraint("user_id", "client_id"),)

    org_id: Mapped[int] = mapped_column(BigId, ForeignKey("orgs.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id", ondelete="CASCADE"))
    visit_id: Mapped[int] = mapped_column(BigId, ForeignKey("visits.id", ondelete="CASCADE"), index=True)
    client_id: Mapped[str] = mapped_column(String(64))
    width: Mapped[int]
    height: Mapped[int]
    data: Mapped[bytes] = mapped_column(LargeBinary)
    thumb: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
