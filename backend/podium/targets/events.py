"""What the targets capability announces."""

from __future__ import annotations

from dataclasses import dataclass

from podium.core.events import DomainEvent


@dataclass(frozen=True)
class TargetSaved(DomainEvent):
    name = "target"
