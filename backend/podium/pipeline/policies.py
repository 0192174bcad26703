"""Who may read and change which deals."""

from __future__ import annotations

from podium.core.policies import Role, Viewer
from podium.orgs.tree import Reach
from podium.pipeline.models import Deal


def can_read(reach: Reach, deal: Deal) -> bool:
    """A rep reads their own deals, a manager their subtree's, an admin the org's."""
    return reach.sees_user(deal.owner_id)


def can_edit(viewer: Viewer, reach: Reach, deal: Deal) -> bool:
    return deal.owner_id == viewer.user_id or (viewer.role in (Role.MANAGER, Role.ADMIN) and reach.sees_user(deal.owner_id))


def may_assign(viewer: Viewer) -> bool:
    """Giving a deal to someone else is a manager's call."""
    return viewer.role in (Role.MANAGER, Role.ADMIN)


def may_configure(viewer: Viewer) -> bool:
    """Stages are the org's process: admins shape them."""
    return viewer.role is Role.ADMIN
