"""What the orgs capability announces."""

from __future__ import annotations

from dataclasses import dataclass

from podium.core.events import DomainEvent


@dataclass(frozen=True)
class ProfileChanged(DomainEvent):
    """A person's name or photo: screens showing them re-read."""

    name = "profile"
    user: int
