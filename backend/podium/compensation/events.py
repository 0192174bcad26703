"""What the compensation capability announces."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from podium.core.events import DomainEvent


@dataclass(frozen=True)
class StatementChanged(DomainEvent):
    """A statement was corrected, approved, disputed or reopened."""

    name = "statement"
    user: int
    period: str


@dataclass(frozen=True)
class StatementApproved(DomainEvent):
    """A person's statement for a period approved and locked (its StatementChanged follows, for live screens)."""

    name = "statement_approved"
    live = False
    statement: int
    user: int
    period: str
    earned: Decimal
    payable: Decimal
    approved_by: int
    approved_at: datetime


@dataclass(frozen=True)
class SplitChanged(DomainEvent):
    name = "split"
    deal: int


@dataclass(frozen=True)
class PlanChanged(DomainEvent):
    name = "plan"
    plan: int
