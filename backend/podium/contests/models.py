"""Contests: who competes on what between which dates, and, once ended, who won what."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from podium.db.base import Base, BigId, IdMixin, UTCDateTime


class Contest(IdMixin, Base):
    __tablename__ = "contests"
    __table_args__ = (UniqueConstraint("created_by", "client_id"), Index("ix_contests_org_ends", "org_id", "ends_at"))

    org_id: Mapped[int] = mapped_column(BigId, ForeignKey("orgs.id", ondelete="CASCADE"))
    created_by: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id", ondelete="SET NULL"))
    client_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    # points, revenue_won, deals_won, verified_visits, new_customers, growth
    metric: Mapped[str] = mapped_column(String(20))
    # individual, team, head_to_head
    mode: Mapped[str] = mapped_column(String(20))
    # Inclusive days of the org's calendar, and the same as UTC instants [starts_at, ends_at).
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # [{"rank": 1, "title": "…", "points": 50}, …] as JSON.
    prizes: Mapped[str] = mapped_column(Text, default="[]", server_default="[]")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Set once the final standings are stored and the prizes paid: the contest is history.
    finalized_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The final standings as JSON, as they were at the end.
    final_standings: Mapped[str | None] = mapped_column(Text)


class ContestEntrant(IdMixin, Base):
    """A person (individual mode) or a team (team and head-to-head modes) taking part."""

    __tablename__ = "contest_entrants"
    __table_args__ = (UniqueConstraint("contest_id", "user_id", "team_id"),)

    contest_id: Mapped[int] = mapped_column(BigId, ForeignKey("contests.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id", ondelete="CASCADE"))
    team_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("teams.id", ondelete="CASCADE"))


class ContestAward(IdMixin, Base):
    """A prize paid to one person when the contest ended (a team's prize: one row per member)."""

    __tablename__ = "contest_awards"
    __table_args__ = (UniqueConstraint("contest_id", "user_id", "rank"),)

    contest_id: Mapped[int] = mapped_column(BigId, ForeignKey("contests.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id", ondelete="CASCADE"))
    rank: Mapped[int]
    entry_key: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(80))
    points: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
