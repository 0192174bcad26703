"""People admin: who is in the viewer's reach, changing a role, unit or manager, deactivating with a successor."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from podium.core.env import Env
from podium.core.errors import DomainError, ErrorCode, Problems
from podium.core.events import transaction
from podium.core.policies import Role, Viewer
from podium.orgs import policies
from podium.orgs.events import EmployeeNumberChanged, PersonChanged, PersonDeactivated
from podium.orgs.models import Team, User
from podium.orgs.service import end_sessions
from podium.orgs.tree import OrgTree, Reach, reach

LIST_MAX = 2000


@dataclass(frozen=True)
class PersonRow:
    id: int
    name: str
    email: str
    role: Role
    team_id: int | None
    team_name: str | None
    manager_id: int | None
    manager_name: str | None
    active: bool
    last_login_at: datetime | None
    created_at: datetime
    photo_version: int | None
    employee_number: str | None = None


EMPLOYEE_NUMBER_MAX = 64


def checked_employee_number(problems: Problems, raw: str, field: str = "employeeNumber") -> str | None:
    """An employee number as stored: trimmed, None when blank (so unset ones never collide in the unique index)."""
    number = raw.strip()
    if len(number) > EMPLOYEE_NUMBER_MAX:
        problems.add(ErrorCode.TOO_LONG, field, max=EMPLOYEE_NUMBER_MAX)
        return None
    if any(not ch.isprintable() for ch in number):
        problems.add(ErrorCode.INVALID, field)
        return None
    return number or None


async def employee_number_taken(session: AsyncSession, org_id: int, number: str, but: int | None = None) -> bool:
    query = select(User.id).where(User.org_id == org_id, User.employee_number == number)
    if but is not None:
        query = query.where(User.id != but)
    return await session.scalar(query.limit(1)) is not None


def _sees(viewer: Viewer, tree: OrgTree, seen: Reach, user: User) -> bool:
    """Reach for people, active or not: an inactive person is no tree member but keeps their unit."""
    if viewer.is_admin:
        return True
    if user.is_active:
        return seen.sees_user(user.id)
    return user.team_id is not None and seen.sees_unit(user.team_id)


async def people(env: Env, viewer: Viewer, *, include_inactive: bool = True) -> list[PersonRow]:
    """Everyone in the viewer's reach (admin: the org; manager: their subtree), by name."""
    policies.require_people_manager(viewer)
    async with env.db() as session:
        tree, seen = await reach(session, viewer)
        query = select(User).where(User.org_id == viewer.org_id).order_by(User.name, User.id).limit(LIST_MAX)
        if not include_inactive:
            query = query.where(User.is_active.is_(True))
        users = [u for u in await session.scalars(query) if _sees(viewer, tree, seen, u)]
        names = {uid: name for uid, name in await session.execute(select(User.id, User.name).where(User.org_id == viewer.org_id))}
    return [
        PersonRow(
            u.id, u.name, u.email, Role(u.role), u.team_id, tree.units[u.team_id].name if u.team_id in tree.units else None,
            u.manager_id, names.get(u.manager_id) if u.manager_id else None, u.is_active, u.last_login_at, u.created_at,
            u.photo_version, u.employee_number,
        )
        for u in users
    ]


class Who(NamedTuple):
    name: str
    email: str
    employee_number: str | None


async def directory(env: Env, org_id: int) -> dict[int, Who]:
    """Everyone of the org, active or not, by id: how exports name people (email and employee number, not the
    name alone). An org is thousands of people at most, so one read serves a whole export."""
    async with env.db() as session:
        query = select(User.id, User.name, User.email, User.employee_number).where(User.org_id == org_id)
        return {uid: Who(name, email, number) for uid, name, email, number in await session.execute(query)}


@dataclass(frozen=True)
class PersonPatch:
    user_id: int
    role: Role | None = None
    team_id: int | None = None
    manager_id: int | None = None
    # A field given as null clears it (team, manager); one not given is left as it is.
    clear_team: bool = False
    clear_manager: bool = False


async def change_person(env: Env, viewer: Viewer, patch: PersonPatch) -> PersonRow:
    """Change someone's role, unit or manager; the event carries every field before and after."""
    policies.require_people_manager(viewer)
    async with transaction(env.db) as tx:
        tree, seen = await reach(tx.session, viewer)
        user = await tx.session.get(User, patch.user_id, with_for_update=True)
        if user is None or user.org_id != viewer.org_id or not user.is_active:
            raise DomainError.one(ErrorCode.NOT_FOUND, "userId")
        policies.require_may_change(viewer, seen, user.id, Role(user.role))
        role = patch.role or Role(user.role)
        team_id = None if patch.clear_team else (patch.team_id if patch.team_id is not None else user.team_id)
        manager_id = None if patch.clear_manager else (patch.manager_id if patch.manager_id is not None else user.manager_id)
        problems = Problems()
        policies.check_placement(problems, viewer, tree, seen, role=role, team_id=team_id, manager_id=manager_id, person_id=user.id)
        problems.raise_if_any()
        before = (user.role, user.team_id, user.manager_id)
        user.role, user.team_id, user.manager_id = role.value, team_id, manager_id
        if before != (user.role, user.team_id, user.manager_id):
            tx.record(PersonChanged(
                org_id=user.org_id, user=user.id, by=viewer.user_id, role_before=before[0], role_after=user.role,
                team_before=before[1], team_after=user.team_id, manager_before=before[2], manager_after=user.manager_id,
            ))
        row = await _row(tx.session, user)
    return row


async def _row(session: AsyncSession, user: User) -> PersonRow:
    team = await session.get(Team, user.team_id) if user.team_id else None
    boss = await session.get(User, user.manager_id) if user.manager_id else None
    return PersonRow(
        user.id, user.name, user.email, Role(user.role), user.team_id, team.name if team else None, user.manager_id,
        boss.name if boss else None, user.is_active, user.last_login_at, user.created_at, user.photo_version, user.employee_number,
    )


async def set_employee_number(env: Env, viewer: Viewer, user_id: int, raw: str) -> PersonRow:
    """Admins give anyone of the org (themselves and former people too) an employee number; blank clears it."""
    if not viewer.is_admin:
        raise DomainError.one(ErrorCode.FORBIDDEN, "employeeNumber")
    problems = Problems()
    number = checked_employee_number(problems, raw)
    problems.raise_if_any()
    async with transaction(env.db) as tx:
        user = await tx.session.get(User, user_id, with_for_update=True)
        if user is None or user.org_id != viewer.org_id:
            raise DomainError.one(ErrorCode.NOT_FOUND, "userId")
        # The unique index is the last word on a race; this check turns the usual case into a typed error.
        if number and await employee_number_taken(tx.session, user.org_id, number, but=user.id):
            raise DomainError.one(ErrorCode.DUPLICATE, "employeeNumber")
        if number != user.employee_number:
            tx.record(EmployeeNumberChanged(org_id=user.org_id, user=user.id, by=viewer.user_id, before=user.employee_number, after=number))
            user.employee_number = number
        row = await _row(tx.session, user)
    return row


async def deactivate(env: Env, viewer: Viewer, user_id: int, successor_id: int) -> None:
    """Sign the person out everywhere and mark them inactive; their history stays. The event hands their customers
    and open deals to the successor (customers' and pipeline's handlers) and takes them off live boards."""
    policies.require_people_manager(viewer)
    async with transaction(env.db) as tx:
        _, seen = await reach(tx.session, viewer)
        user = await tx.session.get(User, user_id, with_for_update=True)
        if user is None or user.org_id != viewer.org_id or not user.is_active:
            raise DomainError.one(ErrorCode.NOT_FOUND, "userId")
        policies.require_may_change(viewer, seen, user.id, Role(user.role))
        successor = await tx.session.get(User, successor_id)
        if successor is None or successor.org_id != viewer.org_id or not successor.is_active or not seen.sees_user(successor_id):
            raise DomainError.one(ErrorCode.NOT_FOUND, "successorId")
        if successor.id == user.id:
            raise DomainError.one(ErrorCode.INVALID, "successorId")
        user.is_active = False
        await end_sessions(tx, env, user.id)
        # Whoever reported to them now reports to the successor.
        for report in await tx.session.scalars(select(User).where(User.manager_id == user.id, User.is_active.is_(True))):
            report.manager_id = successor.id if report.id != successor.id else None
            tx.record(PersonChanged(
                org_id=report.org_id, user=report.id, by=viewer.user_id, role_before=report.role, role_after=report.role,
                team_before=report.team_id, team_after=report.team_id, manager_before=user.id, manager_after=report.manager_id,
            ))
        tx.record(PersonDeactivated(org_id=user.org_id, user=user.id, successor=successor.id, team=user.team_id, by=viewer.user_id))
