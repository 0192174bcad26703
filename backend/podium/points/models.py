"""The append-only points ledger and the rules that feed it."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from podium.db.base import Base, BigId, IdMixin, UTCDateTime


class PointRule(IdMixin, Base):
    __tablename__ = "point_rules"
    __table_args__ = (UniqueConstraint("org_id", "kind"),)

    org_id: Mapped[int] = mapped_column(BigId, ForeignKey("orgs.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    points: Mapped[int]
    # Most points this rule may give one person on one day of the org's calendar.
    daily_cap: Mapped[int]
    # Monthly totals that earn a celebration, comma separated, ascending.
    milestones: Mapped[str] = mapped_column(String(200), default="100,250,500,1000")
    # Amount-based rules (a won deal): `points` per whole `unit_amount`, kept within [min_points, max_points].
    unit_amount: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    min_points: Mapped[int | None]
    max_points: Mapped[int | None]
    # Points × multiplier (rounded half up) before the daily cap: a double-points week is 2.
    multiplier: Mapped[Decimal] = mapped_column(Numeric(6, 2), default=Decimal(1), server_default="1")
    active: Mapped[bool] = mapped_column(default=True, server_default="1")
    # The days (org's calendar, inclusive) the rule pays on; None: open-ended.
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    updated_by: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class PointsAdjustment(IdMixin, Base):
    """A manual correction of someone's points: who, by how much, why. Its ledger entry points here."""

    __tablename__ = "points_adjustments"
    __table_args__ = (UniqueConstraint("by_user_id", "client_id"),)

    org_id: Mapped[int] = mapped_column(BigId, ForeignKey("orgs.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    by_user_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id", ondelete="SET NULL"))
    client_id: Mapped[str] = mapped_column(String(64))
    points: Mapped[int]
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PointsEntry(IdMixin, Base):
    """Never updated or deleted: corrections are new entries."""

    __tablename__ = "points_entries"
    __table_args__ = (
        # One award per rule per source: re-running an award can never pay twice.
        UniqueConstraint("rule_kind", "source_type", "source_id"),
        Index("ix_points_entries_org_occurred", "org_id", "occurred_at"),
        Index("ix_points_entries_user_occurred", "user_id", "occurred_at"),
    )

    org_id: Mapped[int] = mapped_column(BigId, ForeignKey("orgs.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id", ondelete="CASCADE"))
    team_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("teams.id", ondelete="SET NULL"))
    points: Mapped[int]
    rule_kind: Mapped[str] = mapped_column(String(40))
    source_type: Mapped[str] = mapped_column(String(40))
    source_id: Mapped[int] = mapped_column(BigId)
    # When the thing that earned the points happened: it decides the day, week and month.
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
