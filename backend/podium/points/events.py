"""What the points capability announces."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from podium.core.events import DomainEvent


@dataclass(frozen=True)
class PointsEntered(DomainEvent):
    """A ledger entry: boards move, milestones and badges are checked. `user`/`team` are the live message's."""

    name = "points"
    user: int
    team: int | None
    entry: int
    points: int
    rule: str
    occurred_at: datetime


@dataclass(frozen=True)
class PointRulesChanged(DomainEvent):
    name = "rules"
    rule: str
