"""Rollups of the customers side of analytics: kept by handlers of domain events, rebuilt from the ledgers.

Every row is re-derived whole from the source tables (a customer's months, a person's days), so a handler run
twice, late or out of order leaves the same figures. Months and days are the org's local ones. A customer's
figures count for whoever owns it when read (a customer belongs to its owner), so reassigning moves no row.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from podium.db.base import Base, BigId, UTCDateTime

Money = Numeric(18, 2)


class CustomerMonth(Base):
    """A customer's month: won revenue (reversed deals no longer count), gross margin, orders and collections."""

    __tablename__ = "analytics_customer_months"
    __table_args__ = (
        # Every period read is "this org's customers in these months": one range of this index, which on PostgreSQL
        # also holds what the lists sum, so a year is read from the index alone (migration 0029).
        Index("ix_analytics_customer_months_org_month", "org_id", "month", "customer_id", postgresql_include=["revenue", "deals_won", "last_won_at"]),
    )

    customer_id: Mapped[int] = mapped_column(BigId, ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True)
    month: Mapped[date] = mapped_column(Date, primary_key=True)  # first day of the local month
    org_id: Mapped[int] = mapped_column(BigId, ForeignKey("orgs.id", ondelete="CASCADE"))
    revenue: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    margin: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    deals_won: Mapped[int] = mapped_column(default=0)
    last_won_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    orders: Mapped[int] = mapped_column(default=0)
    order_amount: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    # Payments less refunds collected in the month.
    collections: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))


class ProductMonth(Base):
    """A customer's won deal lines of one product in a month: product and product-line contribution under any node."""

    __tablename__ = "analytics_product_months"
    __table_args__ = (
        Index("ix_analytics_product_months_org_month", "org_id", "month", postgresql_include=["customer_id", "product_id", "revenue", "quantity"]),
    )

    customer_id: Mapped[int] = mapped_column(BigId, ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True)
    product_id: Mapped[int] = mapped_column(BigId, ForeignKey("products.id", ondelete="CASCADE"), primary_key=True)
    month: Mapped[date] = mapped_column(Date, primary_key=True)
    org_id: Mapped[int] = mapped_column(BigId, ForeignKey("orgs.id", ondelete="CASCADE"))
    revenue: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    margin: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    quantity: Mapped[Decimal] = mapped_column(Numeric(18, 3), default=Decimal(0))


class CustomerSignal(Base):
    """What churn risk reads per customer besides the customer row: when an order becomes overdue, and whether
    order values are falling."""

    __tablename__ = "analytics_customer_signals"
    __table_args__ = (
        Index("ix_analytics_customer_signals_org_overdue", "org_id", "overdue_from"),
    )

    customer_id: Mapped[int] = mapped_column(BigId, ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True)
    org_id: Mapped[int] = mapped_column(BigId, ForeignKey("orgs.id", ondelete="CASCADE"))
    last_order_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Median days between its orders (None under two orders).
    interval_days: Mapped[int | None]
    # From this moment the next order is late (last order + 1.5 × the interval); None without an interval.
    overdue_from: Mapped[datetime | None] = mapped_column(UTCDateTime())
    recent_average: Mapped[Decimal | None] = mapped_column(Money)
    earlier_average: Mapped[Decimal | None] = mapped_column(Money)
    falling: Mapped[bool] = mapped_column(default=False)


class PersonDay(Base):
    """A person's visits on a local day, by status, and how many counted visits led to a deal within 30 days."""

    __tablename__ = "analytics_person_days"
    __table_args__ = (Index("ix_analytics_person_days_org_day", "org_id", "day"),)

    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    org_id: Mapped[int] = mapped_column(BigId, ForeignKey("orgs.id", ondelete="CASCADE"))
    visits: Mapped[int] = mapped_column(default=0)
    verified: Mapped[int] = mapped_column(default=0)
    approved: Mapped[int] = mapped_column(default=0)
    flagged: Mapped[int] = mapped_column(default=0)
    rejected: Mapped[int] = mapped_column(default=0)
    # Counted visits (verified or approved) followed within 30 days by a deal of theirs on that customer.
    converted: Mapped[int] = mapped_column(default=0)


class ActivityDay(Base):
    """A person's activities of one kind on a local day."""

    __tablename__ = "analytics_activity_days"
    __table_args__ = (Index("ix_analytics_activity_days_org_day", "org_id", "day"),)

    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    org_id: Mapped[int] = mapped_column(BigId, ForeignKey("orgs.id", ondelete="CASCADE"))
    count: Mapped[int] = mapped_column(default=0)
