"""What the targets capability announces."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from podium.core.events import DomainEvent


@dataclass(frozen=True)
class TargetSaved(DomainEvent):
    name = "target"


@dataclass(frozen=True)
class TargetSet(DomainEvent):
    """One target row created or changed by a person (set, split or spread by season); `version` counts its changes."""

    name = "target_set"
    live = False
    target: int
    version: int
    node_kind: str
    node: int
    period: str
    metric: str
    amount: Decimal
    basis: str
    by: int
    at: datetime
