"""What the points capability announces."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

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
    """A rule was saved; `before` is empty for a kind's first saved rule (the audit log shows the difference)."""

    name = "rules"
    rule: str
    before: dict[str, Any] = field(default_factory=dict)
    after: dict[str, Any] = field(default_factory=dict)
