"""Customers with a location and a geofence."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from podium.customers.names import KEY_MAX
from podium.db.base import Base, BigId, IdMixin, UTCDateTime

DEFAULT_GEOFENCE_METERS = 300


class Customer(IdMixin, Base):
    __tablename__ = "customers"
    # A customer added on a phone carries the phone's id for that write: a retry finds the first one.
    # One customer per name in an org, however it was typed: the database settles two phones adding it at once.
    # The list's filters and sorts on figures read these indexes, never the visits or deals tables (docs/architecture.md).
    __table_args__ = (
        UniqueConstraint("created_by", "client_id"),
        UniqueConstraint("org_id", "name_key"),
        # An import finds a customer again by the source system's id, then by its credit code (imports/kinds/customers.py).
        UniqueConstraint("org_id", "external_id"),
        UniqueConstraint("org_id", "credit_code"),
        Index("ix_customers_org_last_visit", "org_id", "last_visit_at"),
        Index("ix_customers_org_open_pipeline", "org_id", "open_pipeline"),
        Index("ix_customers_org_lifetime_revenue", "org_id", "lifetime_revenue"),
        Index("ix_customers_org_at_risk_from", "org_id", "at_risk_from"),
        Index("ix_customers_org_city", "org_id", "city"),
    )

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
    industry: Mapped[str] = mapped_column(String(80), default="", server_default="")
    city: Mapped[str] = mapped_column(String(80), default="", server_default="")
    # The customer's id in the system it was imported from (a CRM's account id); None when typed here.
    external_id: Mapped[str | None] = mapped_column(String(64))
    # 统一社会信用代码 (GB 32100-2015), checked before it is stored.
    credit_code: Mapped[str | None] = mapped_column(String(18))
    # A merged duplicate: kept (nothing cascades away), its records moved to the survivor, its links redirected there.
    merged_into_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("customers.id", ondelete="SET NULL"), index=True)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Figures of higher capabilities, kept here by accounts' handlers of their events (absolute recomputes, so
    # idempotent) so the list filters and sorts 100k customers on indexes. Rebuilt by `podium rebuild`.
    last_visit_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_order_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Median days between the customer's orders (None under two orders): its usual buying interval.
    order_interval_days: Mapped[int | None]
    open_pipeline: Mapped[Decimal] = mapped_column(Numeric(18, 2), default=Decimal(0), server_default="0")
    lifetime_revenue: Mapped[Decimal] = mapped_column(Numeric(18, 2), default=Decimal(0), server_default="0")
    # From this moment the customer is at risk unless touched again (figures.at_risk_from says how); None: never touched.
    at_risk_from: Mapped[datetime | None] = mapped_column(UTCDateTime())


class CustomerContact(IdMixin, Base):
    """A person at the customer: whom to call, and how to reach them on WeCom or DingTalk."""

    __tablename__ = "customer_contacts"

    org_id: Mapped[int] = mapped_column(BigId, ForeignKey("orgs.id", ondelete="CASCADE"))
    customer_id: Mapped[int] = mapped_column(BigId, ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    wecom_id: Mapped[str] = mapped_column(String(64), default="")
    dingtalk_id: Mapped[str] = mapped_column(String(64), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
