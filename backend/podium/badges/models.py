"""Badges an admin defines on any metric, and the org's calendar of holidays and working weekends (for streaks).

Awards are celebrations (celebrations.models.Celebration, kind `badge`): their unique dedupe key
(`b:<person>:<badge>:<period>`) is what makes each badge count once per period, however events race.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from podium.db.base import Base, BigId, IdMixin, UTCDateTime


class BadgeDefinition(IdMixin, Base):
    __tablename__ = "badge_definitions"
    __table_args__ = (UniqueConstraint("org_id", "client_id"),)

    org_id: Mapped[int] = mapped_column(BigId, ForeignKey("orgs.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    # points, verified_visits, deals_won or revenue_won; counted per person within the period.
    metric: Mapped[str] = mapped_column(String(20))
    # day, week or month of the org's calendar.
    period: Mapped[str] = mapped_column(String(10))
    # Whole numbers; revenue in the org's currency units.
    threshold: Mapped[int]
    active: Mapped[bool] = mapped_column(default=True, server_default="1")
    # The admin's phone's id for the create: a retried save finds the badge instead of adding a second.
    client_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CalendarDay(IdMixin, Base):
    """A day that breaks the Monday–Friday rule: a public holiday, or a weekend worked instead (调休)."""

    __tablename__ = "calendar_days"
    __table_args__ = (UniqueConstraint("org_id", "day"),)

    org_id: Mapped[int] = mapped_column(BigId, ForeignKey("orgs.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    # holiday or workday
    kind: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(80), default="", server_default="")
