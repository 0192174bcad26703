"""What the rewards capability announces."""

from __future__ import annotations

from dataclasses import dataclass

from podium.core.events import DomainEvent


@dataclass(frozen=True)
class RewardsChanged(DomainEvent):
    """Balances, queues or the catalog changed: screens showing them re-read."""

    name = "reward"
    catalog: bool
    user: int | None = None
    status: str | None = None


@dataclass(frozen=True)
class RedemptionDecided(DomainEvent):
    """A manager decided on a redemption: the person hears of it."""

    name = "redemption_decided"
    live = False
    user: int
    redemption: int
    approved: bool
    decider: str
    reward: str
    quantity: int
    points: int
    note: str
