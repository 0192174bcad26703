"""Who may see and change the org tree."""

from __future__ import annotations

from podium.core.errors import DomainError, ErrorCode
from podium.core.policies import Role, Viewer


def may_read_tree(viewer: Viewer) -> bool:
    """Managers read the units they reach; admins the whole tree."""
    return viewer.role in (Role.ADMIN, Role.MANAGER)


def require_tree_editor(viewer: Viewer) -> None:
    """The tree is the company's shape: admins change it."""
    if viewer.role is not Role.ADMIN:
        raise DomainError.one(ErrorCode.FORBIDDEN)


def may_manage_units(role: Role) -> bool:
    """Whom a unit can be given to as its manager."""
    return role in (Role.ADMIN, Role.MANAGER)
