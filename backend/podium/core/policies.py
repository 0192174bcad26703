"""Who the caller is, and the role rules every capability asks instead of re-checking roles."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from podium.core.errors import DomainError, ErrorCode
from podium.core.i18n import Locale


class Role(StrEnum):
    ADMIN = "admin"
    MANAGER = "manager"
    REP = "rep"
    DISPLAY = "display"  # an office TV: no person behind it, read-only, limited to the boards it was paired with


@dataclass(frozen=True)
class BoardGrant:
    """One board a display may show, in the API's words: period, scope, team (team boards only), metric."""

    period: str
    scope: str
    team_id: int | None
    metric: str


@dataclass(frozen=True)
class Viewer:
    user_id: int  # 0 for a display
    org_id: int
    team_id: int | None
    role: Role
    locale: Locale
    name: str
    display_id: int | None = None
    boards: frozenset[BoardGrant] = field(default_factory=frozenset)
    email: str = ""
    # An API token's principal: it acts as the admin who made it, only within `scopes` (tokens/scopes.py).
    token_id: int | None = None
    scopes: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    @property
    def is_token(self) -> bool:
        return self.token_id is not None

    @property
    def is_display(self) -> bool:
        return self.role is Role.DISPLAY

    @property
    def is_manager_or_admin(self) -> bool:
        return self.role in (Role.ADMIN, Role.MANAGER)


def require_viewer(viewer: Viewer | None) -> Viewer:
    if viewer is None:
        raise DomainError.one(ErrorCode.UNAUTHENTICATED)
    return viewer


def can_view_team(viewer: Viewer, team_id: int, reached_units: frozenset[int] = frozenset()) -> bool:
    """Admins see every team of their org; reps their own team; a display the teams it was paired for; managers
    their own team and the units the org tree gives them (`reached_units`: orgs.tree.reach_of, which core cannot
    compute: their own team's subtree and that of every unit they are named manager of)."""
    if viewer.is_display:
        return any(grant.team_id == team_id for grant in viewer.boards)
    if viewer.is_admin or viewer.team_id == team_id:
        return True
    return viewer.role is Role.MANAGER and team_id in reached_units


def require_team_access(viewer: Viewer, team_id: int, reached_units: frozenset[int] = frozenset()) -> None:
    if not can_view_team(viewer, team_id, reached_units):
        raise DomainError.one(ErrorCode.FORBIDDEN, "teamId")
