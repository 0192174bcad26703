"""Customers with a location and a geofence."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from podium.customers.names import KEY_MAX
from podium.db.base import Base, BigId, IdMixin, UTCDateTime

DEFAULT_GEOFENCE_METERS = 300


class Customer(IdMixin, Base):
    __tablename__ = "customers"
    # A customer added on a phone carries the phone's id for that write: a retry finds the first one.
    # One customer per name in an org, however it was typed: the database settles two phones adding it at once.
    __table_args__ = (UniqueConstraint("created_by", "client_id"), UniqueConstraint("org_id", "name_key"))

    org_id: Mapped[int] = mapped_column(BigId, ForeignKey("orgs.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    # names.name_key(name): set wherever a customer is created or renamed.
    name_key: Mapped[str] = mapped_column(String(KEY_MAX))
    address: Mapped[str] = mapped_column(String(400), default="")
    # Degrees, WGS84. Coordinates are measurements, not money: floats are right here.
    latitude: Mapped[float]
    longitude: Mapped[float]
    geofence_radius_m: Mapped[int] = mapped_column(default=DEFAULT_GEOFENCE_METERS)
    # A (value) tier: A, B, C.
    tier: Mapped[str] = mapped_column(String(1), default="B")
    # The rep who owns the account: their "my customers", and whose subtree the customer counts in.
    owner_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id", ondelete="SET NULL"), index=True)
    # Market potential (yearly revenue the account could bring): a weight for splitting targets.
    potential: Mapped[Decimal] = mapped_column(Numeric(18, 2), default=Decimal(0), server_default="0")
    # None for accounts imported before the date was recorded: they never count as new.
    created_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id", ondelete="SET NULL"))
    client_id: Mapped[str | None] = mapped_column(String(64))
