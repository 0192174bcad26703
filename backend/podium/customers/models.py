"""Customers with a location and a geofence."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from podium.db.base import Base, BigId, IdMixin

DEFAULT_GEOFENCE_METERS = 300


class Customer(IdMixin, Base):
    __tablename__ = "customers"

    org_id: Mapped[int] = mapped_column(BigId, ForeignKey("orgs.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(400), default="")
    # Degrees, WGS84. Coordinates are measurements, not money: floats are right here.
    latitude: Mapped[float]
    longitude: Mapped[float]
    geofence_radius_m: Mapped[int] = mapped_column(default=DEFAULT_GEOFENCE_METERS)
    # A (value) tier: A, B, C.
    tier: Mapped[str] = mapped_column(String(1), default="B")
