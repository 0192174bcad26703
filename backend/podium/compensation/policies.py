"""Who may see, approve and shape compensation."""

from __future__ import annotations

from podium.core.policies import Role, Viewer


def may_review(viewer: Viewer) -> bool:
    """Managers review their people's statements; admins everyone's."""
    return viewer.role in (Role.MANAGER, Role.ADMIN)


def may_approve(viewer: Viewer, payee_id: int) -> bool:
    """Nobody approves their own pay or settles their own dispute."""
    return may_review(viewer) and viewer.user_id != payee_id


def may_split(viewer: Viewer) -> bool:
    """Sharing a deal's credit moves pay between people: a manager's call."""
    return may_review(viewer)


def may_configure(viewer: Viewer) -> bool:
    """Plans and who is on them are the company's: admins."""
    return viewer.role is Role.ADMIN
