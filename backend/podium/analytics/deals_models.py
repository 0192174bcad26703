"""The pipeline's rollups: one facts row and the stage stays per deal, and pre-summed figures per owner and period.

Each deal's facts row keeps, as JSON, exactly what the deal last added to the summed tables: a handler re-derives the
deal from the source tables and applies only the difference, so running it twice changes nothing (analytics/deals.py).
Periods are the org's local calendar months ("2026-04", grain "m") and ISO weeks ("2026-W10", grain "w"): every
figure is summed at both grains, and quarters and fiscal years add up their months.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from podium.db.base import Base, BigId, IdMixin, UTCDateTime

Money = Numeric(18, 2)


class DealFacts(Base):
    """A deal as the rollups last counted it."""

    __tablename__ = "analytics_deal_facts"
    __table_args__ = (
        # Stalled deals: an org's open deals by stage, longest stay first.
        Index("ix_analytics_deal_facts_open", "org_id", "status", "stage_id", "stage_entered_at"),
        Index("ix_analytics_deal_facts_owner", "owner_id", "status"),
    )

    deal_id: Mapped[int] = mapped_column(BigId, ForeignKey("deals.id", ondelete="CASCADE"), primary_key=True)
    org_id: Mapped[int] = mapped_column(BigId, ForeignKey("orgs.id", ondelete="CASCADE"))
    owner_id: Mapped[int] = mapped_column(BigId)
    lead_source: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(8))
    stage_id: Mapped[int] = mapped_column(BigId)
    stage_entered_at: Mapped[datetime] = mapped_column(UTCDateTime())
    amount: Mapped[Decimal] = mapped_column(Money)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # {"r|grain|period|owner|source": {column: delta}, "s|…|stage": …, "h|…|series|bin": n}: what this deal adds.
    contributions: Mapped[str] = mapped_column(Text)


class StageStay(IdMixin, Base):
    """One stay of a deal in an open stage: when it entered, when it left, and where it went (a stage or an outcome)."""

    __tablename__ = "analytics_stays"
    __table_args__ = (Index("ix_analytics_stays_org_left", "org_id", "left_at"),)

    org_id: Mapped[int] = mapped_column(BigId, ForeignKey("orgs.id", ondelete="CASCADE"))
    deal_id: Mapped[int] = mapped_column(BigId, ForeignKey("deals.id", ondelete="CASCADE"), index=True)
    stage_id: Mapped[int] = mapped_column(BigId)
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime())
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    next_stage_id: Mapped[int | None] = mapped_column(BigId)
    # "" while in the stage or when it moved to another open stage; "won" or "lost" when the move closed the deal.
    outcome: Mapped[str] = mapped_column(String(8), default="")
    advanced: Mapped[bool] = mapped_column(default=False)


class ResultSums(IdMixin, Base):
    """Per owner, period and lead source: deals created, won, lost and reversed, revenue, margin, collections."""

    __tablename__ = "analytics_results"
    __table_args__ = (
        UniqueConstraint("org_id", "grain", "period", "owner_id", "lead_source"),
        # A rep's or a team's read: owner_id IN (…) with a period list or range, a few pages instead of every owner's.
        Index("ix_analytics_results_owner", "org_id", "grain", "owner_id", "period"),
    )

    org_id: Mapped[int] = mapped_column(BigId, ForeignKey("orgs.id", ondelete="CASCADE"))
    grain: Mapped[str] = mapped_column(String(1))
    period: Mapped[str] = mapped_column(String(8))
    owner_id: Mapped[int] = mapped_column(BigId)
    lead_source: Mapped[str] = mapped_column(String(20))
    created: Mapped[int] = mapped_column(default=0)
    won: Mapped[int] = mapped_column(default=0)
    won_amount: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    won_margin: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    lost: Mapped[int] = mapped_column(default=0)
    lost_amount: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    reversed: Mapped[int] = mapped_column(default=0)
    reversed_amount: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    reversed_margin: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    collections: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    # Of the deals created in the period (the cohort), how many are won (reversed ones included) and lost now.
    cohort_won: Mapped[int] = mapped_column(default=0)
    cohort_lost: Mapped[int] = mapped_column(default=0)


class StageSums(IdMixin, Base):
    """Per owner, period and open stage: entries (flow), the cohort created in the period, and finished stays."""

    __tablename__ = "analytics_stages"
    __table_args__ = (
        UniqueConstraint("org_id", "grain", "period", "owner_id", "stage_id"),
        # A rep's or a team's read: owner_id IN (…) with a period list or range, a few pages instead of every owner's.
        Index("ix_analytics_stages_owner", "org_id", "grain", "owner_id", "period"),
    )

    org_id: Mapped[int] = mapped_column(BigId, ForeignKey("orgs.id", ondelete="CASCADE"))
    grain: Mapped[str] = mapped_column(String(1))
    period: Mapped[str] = mapped_column(String(8))
    owner_id: Mapped[int] = mapped_column(BigId)
    stage_id: Mapped[int] = mapped_column(BigId)
    # Flow: entries into the stage in the period, the deals' amounts, and how many of those moved on to a later stage or won.
    entered: Mapped[int] = mapped_column(default=0)
    entered_amount: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    advanced: Mapped[int] = mapped_column(default=0)
    # Cohort: deals created in the period that reached the stage, their amounts, and how many went beyond it.
    reached: Mapped[int] = mapped_column(default=0)
    reached_amount: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    reached_advanced: Mapped[int] = mapped_column(default=0)
    # Stays that ended in the period (their durations are in analytics_histograms).
    stays: Mapped[int] = mapped_column(default=0)


class Histogram(IdMixin, Base):
    """Durations counted in day bins, per owner and period: "stay:<stage id>" (stays ended) and "cycle:<source>" (created → won)."""

    __tablename__ = "analytics_histograms"
    __table_args__ = (
        UniqueConstraint("org_id", "grain", "period", "owner_id", "series", "bin"),
        Index("ix_analytics_histograms_owner", "org_id", "grain", "owner_id", "period"),
    )

    org_id: Mapped[int] = mapped_column(BigId, ForeignKey("orgs.id", ondelete="CASCADE"))
    grain: Mapped[str] = mapped_column(String(1))
    period: Mapped[str] = mapped_column(String(8))
    owner_id: Mapped[int] = mapped_column(BigId)
    series: Mapped[str] = mapped_column(String(40))
    bin: Mapped[int]
    count: Mapped[int] = mapped_column(default=0)
