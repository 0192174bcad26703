"""What the tokens capability announces: for the audit log, never on the live wire."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from podium.core.events import DomainEvent


@dataclass(frozen=True)
class TokenCreated(DomainEvent):
    name = "token_created"
    live = False
    token: int
    title: str
    scopes: tuple[str, ...]
    expires_at: datetime
    by: int


@dataclass(frozen=True)
class TokenRotated(DomainEvent):
    """`token` was replaced by `successor`; its end moved from `expires_at_before` to `expires_at_after`."""

    name = "token_rotated"
    live = False
    token: int
    successor: int
    expires_at_before: datetime
    expires_at_after: datetime
    by: int


@dataclass(frozen=True)
class TokenRevoked(DomainEvent):
    name = "token_revoked"
    live = False
    token: int
    title: str
    by: int
