"""Targets: an amount to reach for one node of the org tree, one period and one metric."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from podium.db.base import Base, BigId, IdMixin, UTCDateTime


class Target(IdMixin, Base):
    __tablename__ = "targets"
    __table_args__ = (
        UniqueConstraint("org_id", "node_kind", "node_id", "period_key", "metric"),
        Index("ix_targets_org_period_metric", "org_id", "period_key", "metric"),
    )

    org_id: Mapped[int] = mapped_column(BigId, ForeignKey("orgs.id", ondelete="CASCADE"))
    # "org" (node_id = org id), "team" (a region or team) or "user".
    node_kind: Mapped[str] = mapped_column(String(8))
    node_id: Mapped[int] = mapped_column(BigId)
    grain: Mapped[str] = mapped_column(String(8))
    period_key: Mapped[str] = mapped_column(String(12))
    metric: Mapped[str] = mapped_column(String(20))
    # Money metrics in the org's currency; count metrics are whole numbers.
    amount: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    # How it was made: set directly, or split from its parent (equal, last_year, potential, manual, seasonal).
    basis: Mapped[str] = mapped_column(String(20))
    version: Mapped[int] = mapped_column(default=1)
    set_by: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The import run that created it (None: set in the app): undoing the run removes exactly its targets.
    import_run_id: Mapped[int | None] = mapped_column(BigId)
