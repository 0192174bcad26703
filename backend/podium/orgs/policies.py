"""Who may manage whom (invitations, roles, units, managers, resets, deactivation) and who edits the org tree, in one place."""

from __future__ import annotations

from podium.core.errors import DomainError, ErrorCode, Problems
from podium.core.policies import Role, Viewer
from podium.orgs.tree import OrgTree, Reach

# What each role may hand out. A manager never makes an admin, so nobody climbs above who invited them.
ASSIGNABLE = {
    Role.ADMIN: frozenset({Role.ADMIN, Role.MANAGER, Role.REP}),
    Role.MANAGER: frozenset({Role.MANAGER, Role.REP}),
}


def require_people_manager(viewer: Viewer) -> None:
    """Admins (the whole org) and managers (their subtree) manage people; nobody else."""
    if viewer.is_display or viewer.role not in ASSIGNABLE:
        raise DomainError.one(ErrorCode.FORBIDDEN)


def check_placement(
    problems: Problems, viewer: Viewer, tree: OrgTree, reach: Reach, *, role: Role, team_id: int | None, manager_id: int | None,
    person_id: int | None = None, prefix: str = "",
) -> None:
    """A role, unit and manager the viewer may give someone; each problem names its field."""
    if role not in ASSIGNABLE[viewer.role]:
        problems.add(ErrorCode.FORBIDDEN, f"{prefix}role")
    if team_id is not None and team_id not in tree.units:
        problems.add(ErrorCode.NOT_FOUND, f"{prefix}teamId")
    elif not viewer.is_admin and (team_id is None or not reach.sees_unit(team_id)):
        # A manager places people only in units they reach; "no unit" is the whole org's, an admin's call.
        problems.add(ErrorCode.FORBIDDEN, f"{prefix}teamId")
    if manager_id is not None:
        boss = tree.members.get(manager_id)
        if boss is None or boss.id == person_id:
            problems.add(ErrorCode.NOT_FOUND, f"{prefix}managerId")
        elif boss.role not in (Role.MANAGER, Role.ADMIN):
            problems.add(ErrorCode.INVALID, f"{prefix}managerId")
        elif not reach.sees_user(boss.id):
            problems.add(ErrorCode.FORBIDDEN, f"{prefix}managerId")


def require_may_change(viewer: Viewer, reach: Reach, person_id: int, person_role: Role, field: str = "userId") -> None:
    """The viewer may change this person: in reach, not themselves, and (for a manager) not an admin."""
    if not reach.sees_user(person_id):
        raise DomainError.one(ErrorCode.NOT_FOUND, field)
    if person_id == viewer.user_id or person_role not in ASSIGNABLE[viewer.role]:
        raise DomainError.one(ErrorCode.FORBIDDEN, field)


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
