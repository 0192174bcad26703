"""What the orgs capability announces."""

from __future__ import annotations

from dataclasses import dataclass

from podium.core.events import DomainEvent


@dataclass(frozen=True)
class ProfileChanged(DomainEvent):
    """A person's name or photo: screens showing them re-read."""

    name = "profile"
    user: int


@dataclass(frozen=True)
class SessionsEnded(DomainEvent):
    """Sign-out, password change, deactivation: these sessions' sockets close (4401) on every instance."""

    name = "sessions_ended"
    ids: tuple[int, ...]
