"""Who the caller is, and the role rules every capability asks instead of re-checking roles."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from podium.core.errors import DomainError, ErrorCode
from podium.core.i18n import Locale


class Role(StrEnum):
    ADMIN = "admin"
    MANAGER = "manager"
    REP = "rep"


@dataclass(frozen=True)
class Viewer:
    user_id: int
    org_id: int
    team_id: int | None
    role: Role
    locale: Locale
    name: str

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN


def require_viewer(viewer: Viewer | None) -> Viewer:
    if viewer is None:
        raise DomainError.one(ErrorCode.UNAUTHENTICATED)
    return viewer


def can_view_team(viewer: Viewer, team_id: int) -> bool:
    """Admins see every team of their org; managers and reps their own team."""
    return viewer.is_admin or viewer.team_id == team_id


def require_team_access(viewer: Viewer, team_id: int) -> None:
    if not can_view_team(viewer, team_id):
        raise DomainError.one(ErrorCode.FORBIDDEN, "teamId")
