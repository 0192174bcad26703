"""The org tree editor: create, rename, move, merge and delete units, and name each one's manager.

What a move or a merge does to history, in one place:
- A move changes only the unit's parent. Its people, its own targets and everything credited to it (deals,
  payments, points: each row keeps the unit it was made in) stay with it, so its own attainment is unchanged and
  every region above rolls it up from its new place on.
- A merge of `source` into `into` moves source's people and child units to `into`; source stays as a retired unit
  under `into` (never listed, never edited), so what was credited to it keeps its unit and now rolls up into `into`
  and `into`'s regions. No ledger row is rewritten. The targets capability moves source's targets onto `into`
  (UnitsMerged's handler). `into` keeps its manager, or takes source's when it has none.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from podium.core.env import Env
from podium.core.errors import DomainError, ErrorCode, Problems
from podium.core.events import transaction
from podium.core.policies import Role, Viewer
from podium.orgs import policies
from podium.orgs.events import UnitCreated, UnitDeleted, UnitManagerSet, UnitMoved, UnitRenamed, UnitsMerged
from podium.orgs.models import Team, User
from podium.orgs.tree import OrgTree, load_tree, reach_of

NAME_MAX = 200
# Deeper than any company's tree; a bound keeps a path walk finite whatever the data.
MAX_DEPTH = 12


@dataclass(frozen=True)
class UnitView:
    id: int
    name: str
    parent_id: int | None
    depth: int
    manager_id: int | None
    manager_name: str | None
    people: int  # active people directly in the unit
    people_below: int  # active people in it and every unit under it
    child_count: int


@dataclass(frozen=True)
class Merged:
    into: UnitView
    people: int
    units: int


async def units(env: Env, viewer: Viewer) -> list[UnitView]:
    """The live units the viewer reaches, depth first, each with its manager and head counts."""
    if not policies.may_read_tree(viewer):
        raise DomainError.one(ErrorCode.FORBIDDEN)
    async with env.db() as session:
        tree = await load_tree(session, viewer.org_id)
        names = await _names(session, {u.manager_id for u in tree.units.values() if u.manager_id})
    reach = reach_of(tree, viewer)
    visible = {u.id for u in tree.live_units() if reach.sees_unit(u.id)}
    result: list[UnitView] = []

    def walk(parent: int | None, depth: int) -> None:
        for unit in tree.child_units(parent):
            if unit.id in visible:
                result.append(_view(tree, unit.id, names, depth, top=parent not in visible))
                walk(unit.id, depth + 1)
            else:
                walk(unit.id, depth)  # a manager's own units sit below ones they do not reach

    walk(None, 0)
    return result


def _view(tree: OrgTree, unit_id: int, names: dict[int, str], depth: int, top: bool = False) -> UnitView:
    unit = tree.units[unit_id]
    below = tree.units_under(unit_id)
    return UnitView(
        id=unit.id, name=unit.name, parent_id=None if top else unit.parent_id, depth=depth, manager_id=unit.manager_id,
        manager_name=names.get(unit.manager_id) if unit.manager_id else None,
        people=len(tree.direct_members(unit_id)), people_below=sum(1 for m in tree.members.values() if m.team_id in below),
        child_count=len(tree.child_units(unit_id)),
    )


async def _names(session: AsyncSession, user_ids: set[int | None]) -> dict[int, str]:
    ids = {i for i in user_ids if i is not None}
    if not ids:
        return {}
    return {int(i): n for i, n in await session.execute(select(User.id, User.name).where(User.id.in_(ids)))}


async def _unit_view(session: AsyncSession, org_id: int, unit_id: int) -> UnitView:
    tree = await load_tree(session, org_id)
    names = await _names(session, {tree.units[unit_id].manager_id})
    return _view(tree, unit_id, names, len(tree.path(unit_id)) - 1)


def _check_name(name: str) -> str:
    problems = Problems()
    cleaned = name.strip()
    if not cleaned:
        problems.add(ErrorCode.REQUIRED, "name")
    elif len(cleaned) > NAME_MAX:
        problems.add(ErrorCode.TOO_LONG, "name", max=NAME_MAX)
    problems.raise_if_any()
    return cleaned


async def _live_unit(session: AsyncSession, org_id: int, unit_id: int, field: str, *, lock: bool = False) -> Team:
    """A live unit of this org; another org's, a merged one and an unknown id all read as not found."""
    query = select(Team).where(Team.id == unit_id, Team.org_id == org_id, Team.merged_into_id.is_(None))
    team = await session.scalar(query.with_for_update() if lock else query)
    if team is None:
        raise DomainError.one(ErrorCode.NOT_FOUND, field)
    return team


async def _name_free(session: AsyncSession, org_id: int, name: str, but: int | None = None) -> None:
    query = select(Team.id).where(Team.org_id == org_id, Team.name == name)
    if but is not None:
        query = query.where(Team.id != but)
    if await session.scalar(query) is not None:
        raise DomainError.one(ErrorCode.DUPLICATE, "name")


async def _flush_named(session: AsyncSession) -> None:
    """Flush; two admins naming two units the same at once: the database says which one lost."""
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError as exc:
        raise DomainError.one(ErrorCode.DUPLICATE, "name") from exc


async def create_unit(env: Env, viewer: Viewer, name: str, parent_id: int | None) -> UnitView:
    policies.require_tree_editor(viewer)
    cleaned = _check_name(name)
    async with transaction(env.db) as tx:
        s = tx.session
        if parent_id is not None:
            await _live_unit(s, viewer.org_id, parent_id, "parentId")
            await _check_depth(s, viewer.org_id, parent_id, 1)
        await _name_free(s, viewer.org_id, cleaned)
        team = Team(org_id=viewer.org_id, name=cleaned, parent_id=parent_id)
        s.add(team)
        await _flush_named(s)
        tx.record(UnitCreated(org_id=viewer.org_id, unit=team.id, title=cleaned, parent=parent_id, by=viewer.user_id))
        return await _unit_view(s, viewer.org_id, team.id)


async def rename_unit(env: Env, viewer: Viewer, unit_id: int, name: str) -> UnitView:
    policies.require_tree_editor(viewer)
    cleaned = _check_name(name)
    async with transaction(env.db) as tx:
        s = tx.session
        team = await _live_unit(s, viewer.org_id, unit_id, "id", lock=True)
        if team.name != cleaned:
            await _name_free(s, viewer.org_id, cleaned, but=team.id)
            before, team.name = team.name, cleaned
            await _flush_named(s)
            tx.record(UnitRenamed(org_id=viewer.org_id, unit=team.id, before=before, after=cleaned, by=viewer.user_id))
        return await _unit_view(s, viewer.org_id, team.id)


async def _check_depth(session: AsyncSession, org_id: int, parent_id: int, height: int) -> None:
    tree = await load_tree(session, org_id)
    if len(tree.path(parent_id)) + height > MAX_DEPTH:
        raise DomainError.one(ErrorCode.OUT_OF_RANGE, "parentId", min=1, max=MAX_DEPTH)


def _height(tree: OrgTree, unit_id: int) -> int:
    """Levels from this unit down to its deepest live unit (1: no units below)."""
    children = tree.child_units(unit_id)
    return 1 + max((_height(tree, c.id) for c in children), default=0)


async def move_unit(env: Env, viewer: Viewer, unit_id: int, parent_id: int | None) -> UnitView:
    """Hang a unit under another parent (None: the top); never under itself or one of its own units."""
    policies.require_tree_editor(viewer)
    async with transaction(env.db) as tx:
        s = tx.session
        team = await _live_unit(s, viewer.org_id, unit_id, "id", lock=True)
        if parent_id is not None:
            await _live_unit(s, viewer.org_id, parent_id, "parentId")
            tree = await load_tree(s, viewer.org_id)
            if parent_id in tree.units_under(team.id):
                raise DomainError.one(ErrorCode.CYCLE, "parentId")
            if len(tree.path(parent_id)) + _height(tree, team.id) > MAX_DEPTH:
                raise DomainError.one(ErrorCode.OUT_OF_RANGE, "parentId", min=1, max=MAX_DEPTH)
        if team.parent_id != parent_id:
            before, team.parent_id = team.parent_id, parent_id
            await s.flush()
            tx.record(UnitMoved(org_id=viewer.org_id, unit=team.id, before=before, after=parent_id, by=viewer.user_id))
        return await _unit_view(s, viewer.org_id, team.id)


async def merge_units(env: Env, viewer: Viewer, source_id: int, into_id: int) -> Merged:
    """Merge `source` into `into` (see the module's docstring for what moves and what stays)."""
    policies.require_tree_editor(viewer)
    if source_id == into_id:
        raise DomainError.one(ErrorCode.INVALID, "intoId")
    async with transaction(env.db) as tx:
        s = tx.session
        source = await _live_unit(s, viewer.org_id, source_id, "sourceId", lock=True)
        into = await _live_unit(s, viewer.org_id, into_id, "intoId", lock=True)
        tree = await load_tree(s, viewer.org_id)
        if into.id in tree.units_under(source.id):
            raise DomainError.one(ErrorCode.CYCLE, "intoId")
        children = [u.id for u in tree.child_units(source.id)]
        heights = [_height(tree, c) for c in children]
        if heights and len(tree.path(into.id)) + max(heights) > MAX_DEPTH:
            raise DomainError.one(ErrorCode.OUT_OF_RANGE, "intoId", min=1, max=MAX_DEPTH)
        people = [int(i) for i in await s.scalars(select(User.id).where(User.org_id == viewer.org_id, User.team_id == source.id).order_by(User.id))]
        if people:
            await s.execute(update(User).where(User.id.in_(people)).values(team_id=into.id))
        if children:
            await s.execute(update(Team).where(Team.id.in_(children)).values(parent_id=into.id))
        if into.manager_id is None and source.manager_id is not None:
            tx.record(UnitManagerSet(org_id=viewer.org_id, unit=into.id, before=None, after=source.manager_id, by=viewer.user_id))
            into.manager_id = source.manager_id
        source.parent_id, source.merged_into_id = into.id, into.id
        await s.flush()
        tx.record(UnitsMerged(org_id=viewer.org_id, source=source.id, into=into.id, people=tuple(people), units=tuple(children), by=viewer.user_id))
        view = await _unit_view(s, viewer.org_id, into.id)
    return Merged(view, len(people), len(children))


async def set_unit_manager(env: Env, viewer: Viewer, unit_id: int, manager_id: int | None) -> UnitView:
    """Name the unit's manager (a manager or an admin of the org, active), or clear it with None."""
    policies.require_tree_editor(viewer)
    async with transaction(env.db) as tx:
        s = tx.session
        team = await _live_unit(s, viewer.org_id, unit_id, "id", lock=True)
        if manager_id is not None:
            person = await s.get(User, manager_id)
            if person is None or person.org_id != viewer.org_id or not person.is_active:
                raise DomainError.one(ErrorCode.NOT_FOUND, "managerId")
            if not policies.may_manage_units(Role(person.role)):
                raise DomainError.one(ErrorCode.INVALID, "managerId")
        if team.manager_id != manager_id:
            before, team.manager_id = team.manager_id, manager_id
            await s.flush()
            tx.record(UnitManagerSet(org_id=viewer.org_id, unit=team.id, before=before, after=manager_id, by=viewer.user_id))
        return await _unit_view(s, viewer.org_id, team.id)


async def delete_unit(env: Env, viewer: Viewer, unit_id: int) -> int:
    """Delete a unit nobody belongs to (active or not) and with no unit below; returns its id."""
    policies.require_tree_editor(viewer)
    async with transaction(env.db) as tx:
        s = tx.session
        team = await _live_unit(s, viewer.org_id, unit_id, "id", lock=True)
        people = await s.scalar(select(func.count()).select_from(User).where(User.team_id == team.id))
        # Units merged into it count too: they carry credited history, which must keep a place to roll up to.
        below = await s.scalar(select(func.count()).select_from(Team).where(Team.parent_id == team.id))
        if people or below:
            raise DomainError.one(ErrorCode.NOT_EMPTY, "id", people=int(people or 0), units=int(below or 0))
        tx.record(UnitDeleted(org_id=viewer.org_id, unit=team.id, title=team.name, parent=team.parent_id, by=viewer.user_id))
        await s.delete(team)
        await s.flush()
    return unit_id


@dataclass(frozen=True)
class Candidate:
    id: int
    name: str
    role: Role
    team_name: str | None


async def manager_candidates(env: Env, viewer: Viewer) -> list[Candidate]:
    """Active managers and admins of the org: whom a unit can be given to."""
    policies.require_tree_editor(viewer)
    async with env.db() as session:
        rows = await session.execute(
            select(User.id, User.name, User.role, Team.name)
            .outerjoin(Team, Team.id == User.team_id)
            .where(User.org_id == viewer.org_id, User.is_active.is_(True), User.role.in_([Role.MANAGER.value, Role.ADMIN.value]))
            .order_by(User.name, User.id)
        )
        return [Candidate(int(i), n, Role(r), t) for i, n, r, t in rows]
