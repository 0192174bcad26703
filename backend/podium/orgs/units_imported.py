"""The org tree's side of an import: units by name (unique in an org), bulk writes, and whether one is in use.

No events here: the import records one per run (a unit created by hand records UnitCreated)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from podium.orgs.models import Team, User





@dataclass(frozen=True)
class Unit:
    id: int
    name: str
    parent_id: int | None
    manager_id: int | None
    potential: Decimal | None

    @property
    def version(self) -> str:
        """Units keep no updated_at: their values are their version."""
        text = f"{self.name}|{self.parent_id}|{self.manager_id}|{self.potential}"
        return hashlib.sha256(text.encode()).hexdigest()[:40]


def _unit(t: Team) -> Unit:
    return Unit(t.id, t.name, t.parent_id, t.manager_id, t.potential)


async def units(session: AsyncSession, org_id: int, ids: list[int] | None = None) -> dict[int, Unit]:
    """The org's live units (or these of them), by id."""
    query = select(Team).where(Team.org_id == org_id, Team.merged_into_id.is_(None))
    if ids is not None:
        query = query.where(Team.id.in_(ids))
    return {t.id: _unit(t) for t in await session.scalars(query)}


async def versions(session: AsyncSession, org_id: int, ids: list[int]) -> dict[int, str]:
    return {i: u.version for i, u in (await units(session, org_id, ids)).items()} if ids else {}


async def id_named(session: AsyncSession, org_id: int, name: str) -> int | None:
    return await session.scalar(select(Team.id).where(Team.org_id == org_id, Team.name == name))


async def create(session: AsyncSession, org_id: int, name: str, parent_id: int | None) -> int:
    result = await session.execute(insert(Team).returning(Team.id), [{"org_id": org_id, "name": name, "parent_id": parent_id}])
    return int(result.scalar_one())


async def update_unit(session: AsyncSession, org_id: int, unit_id: int, values: dict[str, Any]) -> None:
    await session.execute(update(Team).where(Team.org_id == org_id, Team.id == unit_id).values(**values))


async def in_use(session: AsyncSession, org_id: int, unit_ids: list[int]) -> set[int]:
    """Of these units, those someone belongs to or with a unit below that is not among them."""
    if not unit_ids:
        return set()
    people = select(User.team_id).where(User.team_id.in_(unit_ids))
    below = select(Team.parent_id).where(Team.org_id == org_id, Team.parent_id.in_(unit_ids), Team.id.not_in(unit_ids))
    return {int(i) for i in await session.scalars(people.union(below)) if i is not None}


async def delete_many(session: AsyncSession, org_id: int, unit_ids: list[int]) -> None:
    # Children first: each unit is deleted after the ones below it (they were created after it).
    for unit_id in sorted(unit_ids, reverse=True):
        await session.execute(delete(Team).where(Team.org_id == org_id, Team.id == unit_id))


