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


# Changes to people, roles and teams: the audit log reads them from the events table. No secrets (tokens, codes,
# hashes) ever go in a payload; `by` is the person who acted (0: the command line).


@dataclass(frozen=True)
class CompanySetUp(DomainEvent):
    """The first run created the company and its first admin."""

    name = "company_set_up"
    live = False
    admin: int
    by: int


@dataclass(frozen=True)
class PersonInvited(DomainEvent):
    name = "person_invited"
    live = False
    invitation: int
    person_name: str
    role: str
    team: int | None
    manager: int | None
    emailed: bool
    by: int


@dataclass(frozen=True)
class InvitationRevoked(DomainEvent):
    name = "invitation_revoked"
    live = False
    invitation: int
    by: int


@dataclass(frozen=True)
class PersonJoined(DomainEvent):
    """An invitation was accepted: a new active person (a new rep is on the boards at zero)."""

    name = "person_joined"
    user: int
    invitation: int
    role: str
    team: int | None
    manager: int | None


@dataclass(frozen=True)
class PersonChanged(DomainEvent):
    """Role, unit or manager changed; each field before and after (unchanged ones equal)."""

    name = "person_changed"
    user: int
    by: int
    role_before: str
    role_after: str
    team_before: int | None
    team_after: int | None
    manager_before: int | None
    manager_after: int | None


@dataclass(frozen=True)
class EmployeeNumberChanged(DomainEvent):
    """An admin set, changed or cleared someone's employee number (工号); None is none."""

    name = "employee_number_changed"
    user: int
    by: int
    before: str | None
    after: str | None


@dataclass(frozen=True)
class PersonDeactivated(DomainEvent):
    """Signed out everywhere, off boards and contests from now on; their customers and open deals go to `successor`."""

    name = "person_deactivated"
    user: int
    successor: int
    team: int | None
    by: int


@dataclass(frozen=True)
class PasswordChanged(DomainEvent):
    """By the person (`reset` False) or through a reset link (True)."""

    name = "password_changed"
    live = False
    user: int
    reset: bool


@dataclass(frozen=True)
class PasswordResetIssued(DomainEvent):
    name = "password_reset_issued"
    live = False
    user: int
    by: int


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
