"""Stages, products, deals with their stage history, orders, payments and activities."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, Numeric, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from podium.db.base import Base, BigId, IdMixin, UTCDateTime

Money = Numeric(18, 2)


class Stage(IdMixin, Base):
    __tablename__ = "stages"
    __table_args__ = (UniqueConstraint("org_id", "key"),)

    org_id: Mapped[int] = mapped_column(BigId, ForeignKey("orgs.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(40))
    name_en: Mapped[str] = mapped_column(String(100))
    name_zh: Mapped[str] = mapped_column(String(100))
    position: Mapped[int]
    # Default win probability of a deal in this stage, in percent (0-100).
    probability: Mapped[int]
    # "open", "won" or "lost": exactly one active stage of each closed kind per org.
    outcome: Mapped[str] = mapped_column(String(8))
    is_active: Mapped[bool] = mapped_column(default=True)


class Product(IdMixin, Base):
    __tablename__ = "products"
    __table_args__ = (UniqueConstraint("org_id", "sku"),)

    org_id: Mapped[int] = mapped_column(BigId, ForeignKey("orgs.id", ondelete="CASCADE"))
    sku: Mapped[str] = mapped_column(String(40))
    # The primary name (Chinese for a Chinese company); `name_en` is the English one ("" when none).
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="", server_default="")
    # Product line: rate tables in compensation and contribution analysis group by it.
    line: Mapped[str] = mapped_column(String(80), default="")
    list_price: Mapped[Decimal] = mapped_column(Money)
    unit_cost: Mapped[Decimal] = mapped_column(Money)
    is_active: Mapped[bool] = mapped_column(default=True)


class Deal(IdMixin, Base):
    __tablename__ = "deals"
    __table_args__ = (
        # The phone's id for the creating write: a replay returns the first deal.
        UniqueConstraint("created_by", "client_id"),
        Index("ix_deals_org_status_closed", "org_id", "status", "closed_at"),
        Index("ix_deals_owner_status", "owner_id", "status"),
        # The team pipeline: an org's deals by status in order of expected close, and the longest stays first.
        Index("ix_deals_org_status_expected", "org_id", "status", "expected_close"),
        Index("ix_deals_org_status_entered", "org_id", "status", "stage_entered_at"),
        UniqueConstraint("org_id", "external_id"),
    )

    org_id: Mapped[int] = mapped_column(BigId, ForeignKey("orgs.id", ondelete="CASCADE"))
    client_id: Mapped[str] = mapped_column(String(64))
    created_by: Mapped[int] = mapped_column(BigId, ForeignKey("users.id", ondelete="CASCADE"))
    owner_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id", ondelete="CASCADE"))
    # The owner's unit when the deal was credited: team attainment follows it, not later moves.
    team_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("teams.id", ondelete="SET NULL"))
    customer_id: Mapped[int] = mapped_column(BigId, ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    amount: Mapped[Decimal] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(String(3))
    # Amount less the lines' cost; None when the deal has no product lines.
    margin: Mapped[Decimal | None] = mapped_column(Money)
    lead_source: Mapped[str] = mapped_column(String(20))
    expected_close: Mapped[date] = mapped_column(Date)
    stage_id: Mapped[int] = mapped_column(BigId, ForeignKey("stages.id"))
    status: Mapped[str] = mapped_column(String(8), default="open")
    # Win probability in percent; starts at the stage's default.
    probability: Mapped[int]
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    close_reason: Mapped[str] = mapped_column(String(500), default="")
    # A won deal later undone (cancelled contract): status "reversed"; commission is clawed back.
    reversed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reversal_reason: Mapped[str] = mapped_column(String(500), default="")
    # Optimistic concurrency: every change increments it; a write naming an older one is a conflict.
    version: Mapped[int] = mapped_column(default=1)
    stage_entered_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Imported history (pipeline/history.py): the source system's id, the import run that created the deal, and
    # whether commission on it was settled by the system it came from (compensation then never credits it).
    external_id: Mapped[str | None] = mapped_column(String(100))
    import_run_id: Mapped[int | None] = mapped_column(BigId, index=True)
    settled_elsewhere: Mapped[bool] = mapped_column(default=False, server_default=false())


class DealLine(IdMixin, Base):
    __tablename__ = "deal_lines"

    deal_id: Mapped[int] = mapped_column(BigId, ForeignKey("deals.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int] = mapped_column(BigId, ForeignKey("products.id"))
    position: Mapped[int]
    quantity: Mapped[Decimal] = mapped_column(Numeric(14, 3))
    unit_price: Mapped[Decimal] = mapped_column(Money)
    # Copied from the product when the line is written: later price lists do not rewrite old margins.
    unit_cost: Mapped[Decimal] = mapped_column(Money)


class StageChange(IdMixin, Base):
    """Every move between stages, so the dwell time in each stage is exact."""

    __tablename__ = "stage_changes"
    __table_args__ = (
        Index("ix_stage_changes_deal_changed", "deal_id", "changed_at"),
        # Stall limits read an org's recent stays.
        Index("ix_stage_changes_org_changed", "org_id", "changed_at"),
    )

    org_id: Mapped[int] = mapped_column(BigId, ForeignKey("orgs.id", ondelete="CASCADE"))
    deal_id: Mapped[int] = mapped_column(BigId, ForeignKey("deals.id", ondelete="CASCADE"))
    from_stage_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("stages.id"))
    to_stage_id: Mapped[int] = mapped_column(BigId, ForeignKey("stages.id"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    changed_by: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id", ondelete="SET NULL"))


class DealChange(IdMixin, Base):
    """Which fields each version changed: a stale writer is told exactly what moved under them."""

    __tablename__ = "deal_changes"
    __table_args__ = (UniqueConstraint("deal_id", "version"), UniqueConstraint("deal_id", "client_id"))

    deal_id: Mapped[int] = mapped_column(BigId, ForeignKey("deals.id", ondelete="CASCADE"))
    version: Mapped[int]
    # The phone's id for this change: a replay finds it and changes nothing.
    client_id: Mapped[str | None] = mapped_column(String(64))
    # Comma-separated GraphQL field names (stageId, amount, …).
    fields: Mapped[str] = mapped_column(String(300))
    changed_by: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id", ondelete="SET NULL"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Order(IdMixin, Base):
    __tablename__ = "orders"
    __table_args__ = (UniqueConstraint("created_by", "client_id"), UniqueConstraint("org_id", "external_id"))

    org_id: Mapped[int] = mapped_column(BigId, ForeignKey("orgs.id", ondelete="CASCADE"))
    deal_id: Mapped[int] = mapped_column(BigId, ForeignKey("deals.id", ondelete="CASCADE"), index=True)
    client_id: Mapped[str] = mapped_column(String(64))
    created_by: Mapped[int] = mapped_column(BigId, ForeignKey("users.id", ondelete="CASCADE"))
    number: Mapped[str] = mapped_column(String(40))
    amount: Mapped[Decimal] = mapped_column(Money)
    ordered_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    external_id: Mapped[str | None] = mapped_column(String(100))
    import_run_id: Mapped[int | None] = mapped_column(BigId, index=True)


class Payment(IdMixin, Base):
    """Money collected (回款) against an order; it counts for the deal owner's collections."""

    __tablename__ = "payments"
    __table_args__ = (
        UniqueConstraint("created_by", "client_id"),
        Index("ix_payments_org_collected", "org_id", "collected_at"),
        UniqueConstraint("org_id", "external_id"),
    )

    org_id: Mapped[int] = mapped_column(BigId, ForeignKey("orgs.id", ondelete="CASCADE"))
    order_id: Mapped[int] = mapped_column(BigId, ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    deal_id: Mapped[int] = mapped_column(BigId, ForeignKey("deals.id", ondelete="CASCADE"))
    owner_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id", ondelete="CASCADE"))
    team_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("teams.id", ondelete="SET NULL"))
    client_id: Mapped[str] = mapped_column(String(64))
    created_by: Mapped[int] = mapped_column(BigId, ForeignKey("users.id", ondelete="CASCADE"))
    # Negative for a refund, which names the payment it gives money back on.
    amount: Mapped[Decimal] = mapped_column(Money)
    refund_of_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("payments.id", ondelete="CASCADE"))
    collected_at: Mapped[datetime] = mapped_column(UTCDateTime())
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    external_id: Mapped[str | None] = mapped_column(String(100))
    import_run_id: Mapped[int | None] = mapped_column(BigId, index=True)
    settled_elsewhere: Mapped[bool] = mapped_column(default=False, server_default=false())


class Activity(IdMixin, Base):
    """Calls, demos, proposals sent, meetings: selling work besides visits, each with an outcome."""

    __tablename__ = "activities"
    __table_args__ = (
        UniqueConstraint("user_id", "client_id"),
        Index("ix_activities_org_occurred", "org_id", "occurred_at"),
    )

    org_id: Mapped[int] = mapped_column(BigId, ForeignKey("orgs.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id", ondelete="CASCADE"))
    team_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("teams.id", ondelete="SET NULL"))
    client_id: Mapped[str] = mapped_column(String(64))
    customer_id: Mapped[int] = mapped_column(BigId, ForeignKey("customers.id", ondelete="CASCADE"))
    deal_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("deals.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    outcome: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(String(2000), default="")
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
