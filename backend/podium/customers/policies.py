"""Who may see and change which customers: the owner's place in the org tree decides."""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, true
from sqlalchemy.ext.asyncio import AsyncSession

from podium.core.errors import DomainError, ErrorCode
from podium.core.policies import Viewer
from podium.customers.models import Customer
from podium.orgs import tree as org_tree


async def reach(session: AsyncSession, viewer: Viewer) -> org_tree.Reach:
    """An admin's the whole org, a manager's their subtree's people, a rep's themselves (a TV none)."""
    if viewer.is_display:
        return org_tree.Reach(False, frozenset(), frozenset())
    _, found = await org_tree.reach(session, viewer)
    return found


def in_reach(where: org_tree.Reach) -> ColumnElement[bool]:
    """The SQL condition for the customers a reach covers (org isolation is the caller's own WHERE)."""
    if where.org_wide:
        return true()
    if not where.user_ids:
        return false()
    return Customer.owner_id.in_(sorted(where.user_ids))


def sees(viewer: Viewer, where: org_tree.Reach, customer: Customer) -> bool:
    """May change it: in reach, or in the open pool for a manager (who assigns from it) or an admin."""
    if customer.org_id != viewer.org_id:
        return False
    if customer.owner_id is None:
        return where.org_wide or viewer.is_manager_or_admin
    return where.org_wide or customer.owner_id in where.user_ids


def sees_pool(viewer: Viewer) -> bool:
    """Everyone of the org but a TV sees the open pool's list: reps to claim from it, managers to assign from it."""
    return not viewer.is_display


def require_manager(viewer: Viewer, field: str | None = None) -> None:
    """Reassigning and merging are a manager's or an admin's work."""
    if not viewer.is_manager_or_admin:
        raise DomainError.one(ErrorCode.FORBIDDEN, field)
