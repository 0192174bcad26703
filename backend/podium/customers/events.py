"""What the customers capability announces."""

from __future__ import annotations

from dataclasses import dataclass

from podium.core.events import DomainEvent


@dataclass(frozen=True)
class CustomerAdded(DomainEvent):
    name = "customer"
    user: int
    team: int | None
    customer: int
