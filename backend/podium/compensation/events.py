"""What the compensation capability announces."""

from __future__ import annotations

from dataclasses import dataclass

from podium.core.events import DomainEvent


@dataclass(frozen=True)
class StatementChanged(DomainEvent):
    """A statement was corrected, approved, disputed or reopened."""

    name = "statement"
    user: int
    period: str


@dataclass(frozen=True)
class SplitChanged(DomainEvent):
    name = "split"
    deal: int


@dataclass(frozen=True)
class PlanChanged(DomainEvent):
    name = "plan"
    plan: int
