"""What the robots capability announces: for the audit log, never on the live wire. The URL is a secret and never in them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from podium.core.events import DomainEvent


@dataclass(frozen=True)
class RobotSaved(DomainEvent):
    """A robot was added (`before` empty) or changed."""

    name = "robot_saved"
    live = False
    robot: int
    by: int
    before: dict[str, Any] = field(default_factory=dict)
    after: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RobotDeleted(DomainEvent):
    name = "robot_deleted"
    live = False
    robot: int
    by: int
    before: dict[str, Any] = field(default_factory=dict)
