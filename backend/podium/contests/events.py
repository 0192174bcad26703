"""What the contests capability announces."""

from __future__ import annotations

from dataclasses import dataclass

from podium.core.events import DomainEvent


@dataclass(frozen=True)
class ContestChanged(DomainEvent):
    """Created, edited, cancelled or finished: its standings and lists re-read."""

    name = "contest"
    id: int
