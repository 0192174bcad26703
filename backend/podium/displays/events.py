"""What the displays capability announces."""

from __future__ import annotations

from dataclasses import dataclass

from podium.core.events import DomainEvent


@dataclass(frozen=True)
class DisplayRevoked(DomainEvent):
    """An office TV was unpaired: its socket, on whichever instance, closes."""

    name = "display_revoked"
    id: int
