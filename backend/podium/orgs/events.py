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


# The org tree. Every change names who made it (`by`): the audit log reads these.


@dataclass(frozen=True)
class UnitCreated(DomainEvent):
    name = "unit_created"
    unit: int
    title: str
    parent: int | None
    by: int


@dataclass(frozen=True)
class UnitRenamed(DomainEvent):
    name = "unit_renamed"
    unit: int
    before: str
    after: str
    by: int


@dataclass(frozen=True)
class UnitMoved(DomainEvent):
    """A unit now hangs under another parent (None: the top); its people, targets and credited history go with it."""

    name = "unit_moved"
    unit: int
    before: int | None
    after: int | None
    by: int


@dataclass(frozen=True)
class UnitsMerged(DomainEvent):
    """`source` was merged into `into`: its people and child units moved there; it stays, retired, under `into`."""

    name = "units_merged"
    source: int
    into: int
    people: tuple[int, ...]
    units: tuple[int, ...]
    by: int


@dataclass(frozen=True)
class UnitManagerSet(DomainEvent):
    name = "unit_manager_set"
    unit: int
    before: int | None
    after: int | None
    by: int


@dataclass(frozen=True)
class UnitDeleted(DomainEvent):
    name = "unit_deleted"
    unit: int
    title: str
    parent: int | None
    by: int
