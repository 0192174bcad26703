"""The org tree (company → regions → teams → people) and how far into it a viewer reaches."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from podium.core.policies import Role, Viewer
from podium.orgs.models import Org, Team, User


@dataclass(frozen=True)
class Unit:
    id: int
    name: str
    parent_id: int | None
    potential: Decimal | None
    manager_id: int | None = None
    # Merged into another unit: kept under it as history (what was credited to it rolls up there), never listed.
    merged_into_id: int | None = None

    @property
    def retired(self) -> bool:
        return self.merged_into_id is not None


@dataclass(frozen=True)
class Member:
    id: int
    name: str
    role: Role
    team_id: int | None


@dataclass
class OrgTree:
    org_id: int
    org_name: str
    units: dict[int, Unit]
    members: dict[int, Member]
    _children: dict[int | None, list[Unit]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for unit in sorted(self.units.values(), key=lambda u: (u.name, u.id)):
            # A parent in another org or a cycle would be a data error; such a unit hangs at the top.
            parent = unit.parent_id if unit.parent_id in self.units and not self._loops(unit.id) else None
            self._children.setdefault(parent, []).append(unit)

    def _loops(self, unit_id: int) -> bool:
        seen: set[int] = set()
        current: int | None = unit_id
        while current is not None and current in self.units:
            if current in seen:
                return True
            seen.add(current)
            current = self.units[current].parent_id
        return False

    def child_units(self, unit_id: int | None) -> list[Unit]:
        """Live units directly under a unit; None gives the top-level units."""
        return [u for u in self._children.get(unit_id, []) if not u.retired]

    def live_units(self) -> list[Unit]:
        return [u for u in self.units.values() if not u.retired]

    def units_under(self, unit_id: int) -> set[int]:
        """The unit and every unit below it, merged ones included (their credited history rolls up here)."""
        found, stack = set(), [unit_id]
        while stack:
            current = stack.pop()
            if current in found:
                continue
            found.add(current)
            stack.extend(u.id for u in self._children.get(current, []))
        return found

    def direct_members(self, unit_id: int | None) -> list[Member]:
        return sorted((m for m in self.members.values() if m.team_id == unit_id), key=lambda m: (m.name, m.id))

    def members_under(self, unit_id: int) -> list[Member]:
        units = self.units_under(unit_id)
        return sorted((m for m in self.members.values() if m.team_id in units), key=lambda m: (m.name, m.id))

    def path(self, unit_id: int | None) -> list[Unit]:
        """From the top-level unit down to this one."""
        chain: list[Unit] = []
        while unit_id is not None and unit_id in self.units and len(chain) <= len(self.units):
            chain.append(self.units[unit_id])
            unit_id = self.units[unit_id].parent_id
        return chain[::-1]


@dataclass(frozen=True)
class Reach:
    """Whom a viewer may see: an admin the whole org, a manager their subtree, a rep themselves."""

    org_wide: bool
    unit_ids: frozenset[int]
    user_ids: frozenset[int]

    def sees_user(self, user_id: int) -> bool:
        return self.org_wide or user_id in self.user_ids

    def sees_unit(self, unit_id: int) -> bool:
        return self.org_wide or unit_id in self.unit_ids


async def load_tree(session: AsyncSession, org_id: int, only: Iterable[int] | None = None) -> OrgTree:
    """The org's tree; with `only`, its units and just those of these people who are active (a lighter read)."""
    org = await session.get(Org, org_id)
    units = {
        t.id: Unit(t.id, t.name, t.parent_id, t.potential, t.manager_id, t.merged_into_id)
        for t in await session.scalars(select(Team).where(Team.org_id == org_id))
    }
    who = [] if only is None else [User.id.in_(sorted(set(only)))]
    rows = await session.execute(
        select(User.id, User.name, User.role, User.team_id).where(User.org_id == org_id, User.is_active.is_(True), *who)
    )
    members = {uid: Member(uid, name, Role(role), team_id) for uid, name, role, team_id in rows}
    return OrgTree(org_id, org.name if org else "", units, members)


def reach_of(tree: OrgTree, viewer: Viewer) -> Reach:
    """A manager reaches their own team's subtree and the subtree of every unit they are the manager of."""
    if viewer.is_admin:
        return Reach(True, frozenset(tree.units), frozenset(tree.members))
    if viewer.role is Role.MANAGER:
        tops = {u.id for u in tree.units.values() if u.manager_id == viewer.user_id and not u.retired}
        if viewer.team_id is not None:
            tops.add(viewer.team_id)
        units: set[int] = set()
        for top in tops:
            units |= tree.units_under(top)
        users = {m.id for m in tree.members.values() if m.team_id in units} | {viewer.user_id}
        return Reach(False, frozenset(units), frozenset(users))
    return Reach(False, frozenset(), frozenset({viewer.user_id}))


async def reach(session: AsyncSession, viewer: Viewer) -> tuple[OrgTree, Reach]:
    tree = await load_tree(session, viewer.org_id)
    return tree, reach_of(tree, viewer)
