"""Plans and their versions, who is on which plan, credit splits, approved statements and disputes."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from podium.db.base import Base, BigId, IdMixin, UTCDateTime

Money = Numeric(18, 2)
Rate = Numeric(12, 4)


class CompPlan(IdMixin, Base):
    __tablename__ = "comp_plans"

    org_id: Mapped[int] = mapped_column(BigId, ForeignKey("orgs.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CompPlanVersion(IdMixin, Base):
    """A plan's rules as of a month; never edited: a change is a new version."""

    __tablename__ = "comp_plan_versions"
    __table_args__ = (UniqueConstraint("plan_id", "version"),)

    plan_id: Mapped[int] = mapped_column(BigId, ForeignKey("comp_plans.id", ondelete="CASCADE"))
    version: Mapped[int]
    # The first month (YYYY-MM) it governs; statements use the latest version that has begun.
    effective_from: Mapped[str] = mapped_column(String(7))
    document: Mapped[str] = mapped_column(Text)
    note: Mapped[str] = mapped_column(String(500), default="")
    created_by: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CompAssignment(IdMixin, Base):
    """A person on a plan from one month to another (open-ended when `ends` is empty)."""

    __tablename__ = "comp_assignments"
    __table_args__ = (Index("ix_comp_assignments_user", "user_id", "starts"),)

    org_id: Mapped[int] = mapped_column(BigId, ForeignKey("orgs.id", ondelete="CASCADE"))
    plan_id: Mapped[int] = mapped_column(BigId, ForeignKey("comp_plans.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id", ondelete="CASCADE"))
    starts: Mapped[str] = mapped_column(String(7))
    ends: Mapped[str | None] = mapped_column(String(7))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CreditSplit(IdMixin, Base):
    """A share of a deal's credit; a deal with no rows credits its owner in full."""

    __tablename__ = "comp_credit_splits"
    __table_args__ = (UniqueConstraint("deal_id", "user_id"), Index("ix_comp_credit_splits_user", "user_id"))

    org_id: Mapped[int] = mapped_column(BigId, ForeignKey("orgs.id", ondelete="CASCADE"))
    deal_id: Mapped[int] = mapped_column(BigId, ForeignKey("deals.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id", ondelete="CASCADE"))
    percent: Mapped[Decimal] = mapped_column(Numeric(5, 2))


class Statement(IdMixin, Base):
    """An approved statement: locked, its lines kept exactly as approved."""

    __tablename__ = "comp_statements"
    __table_args__ = (UniqueConstraint("user_id", "period"), Index("ix_comp_statements_org_period", "org_id", "period"))

    org_id: Mapped[int] = mapped_column(BigId, ForeignKey("orgs.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(7))
    plan_version_id: Mapped[int] = mapped_column(BigId, ForeignKey("comp_plan_versions.id"))
    earned: Mapped[Decimal] = mapped_column(Money)
    payable: Mapped[Decimal] = mapped_column(Money)
    held: Mapped[Decimal] = mapped_column(Money)
    revenue: Mapped[Decimal] = mapped_column(Money)
    quota: Mapped[Decimal | None] = mapped_column(Money)
    draw_balance: Mapped[Decimal] = mapped_column(Money)
    approved_by: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id", ondelete="SET NULL"))
    approved_at: Mapped[datetime] = mapped_column(UTCDateTime())


class StatementLine(IdMixin, Base):
    __tablename__ = "comp_statement_lines"
    __table_args__ = (Index("ix_comp_statement_lines_statement", "statement_id", "position"),)

    statement_id: Mapped[int] = mapped_column(BigId, ForeignKey("comp_statements.id", ondelete="CASCADE"))
    position: Mapped[int]
    component: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(12))
    ref: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(300))
    at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    basis: Mapped[Decimal] = mapped_column(Numeric(24, 6))
    rate: Mapped[Decimal | None] = mapped_column(Rate)
    multiplier: Mapped[Decimal | None] = mapped_column(Rate)
    amount: Mapped[Decimal] = mapped_column(Money)
    payable: Mapped[Decimal] = mapped_column(Money)
    tier: Mapped[int] = mapped_column(default=0)
    # JSON list of [basis, rate, multiplier, tier] when a boundary split the line.
    portions: Mapped[str] = mapped_column(Text, default="[]")
    note: Mapped[str] = mapped_column(String(40), default="")


class Dispute(IdMixin, Base):
    """A payee's question about one line of one period, with a thread and a resolution."""

    __tablename__ = "comp_disputes"
    __table_args__ = (UniqueConstraint("raised_by", "client_id"), Index("ix_comp_disputes_org_period", "org_id", "period"))

    org_id: Mapped[int] = mapped_column(BigId, ForeignKey("orgs.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(7))
    # component|kind|ref of the line: stable while the period is open and after it is locked.
    line_key: Mapped[str] = mapped_column(String(200))
    line_label: Mapped[str] = mapped_column(String(300))
    client_id: Mapped[str] = mapped_column(String(64))
    raised_by: Mapped[int] = mapped_column(BigId, ForeignKey("users.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(10), default="open")
    resolution: Mapped[str] = mapped_column(String(2000), default="")
    resolved_by: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id", ondelete="SET NULL"))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class DisputeMessage(IdMixin, Base):
    __tablename__ = "comp_dispute_messages"
    __table_args__ = (UniqueConstraint("author_id", "client_id"), Index("ix_comp_dispute_messages_dispute", "dispute_id"))

    dispute_id: Mapped[int] = mapped_column(BigId, ForeignKey("comp_disputes.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id", ondelete="CASCADE"))
    client_id: Mapped[str] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(String(2000))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
