"""Who may shape the catalog and who decides on redemptions."""

from __future__ import annotations

from podium.core.policies import Role, Viewer
from podium.orgs.tree import Reach


PEOPLE = frozenset({Role.ADMIN, Role.MANAGER, Role.REP})


def may_shop(viewer: Viewer) -> bool:
    """Anyone with an account of their own sees the catalog and spends their own points (a wall display has none)."""
    return viewer.role in PEOPLE


def may_edit_catalog(viewer: Viewer) -> bool:
    """What the company gives away, and at what price, is the admins' call."""
    return viewer.role is Role.ADMIN


def may_decide_any(viewer: Viewer) -> bool:
    """Managers decide for their people, admins for the org; reps decide nothing."""
    return viewer.role in (Role.MANAGER, Role.ADMIN)


def may_decide(viewer: Viewer, reach: Reach, owner_id: int) -> bool:
    """Within reach, and never one's own redemption."""
    return may_decide_any(viewer) and owner_id != viewer.user_id and reach.sees_user(owner_id)
