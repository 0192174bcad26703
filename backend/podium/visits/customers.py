"""Visits as seen from one customer: the last one that counts, its timeline, and moving them in a merge."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from podium.visits.models import Visit
from podium.visits.plausibility import COUNTED


async def last_counted(session: AsyncSession, customer_ids: list[int]) -> dict[int, datetime]:
    """Each customer's last visit that counts (verified or approved), by anyone."""
    if not customer_ids:
        return {}
    rows = await session.execute(
        select(Visit.customer_id, func.max(Visit.occurred_at))
        .where(Visit.customer_id.in_(customer_ids), Visit.status.in_(COUNTED))
        .group_by(Visit.customer_id)
    )
    return {int(c): at for c, at in rows if at is not None}


async def customer_of(session: AsyncSession, visit_id: int) -> int | None:
    return await session.scalar(select(Visit.customer_id).where(Visit.id == visit_id))


async def move(session: AsyncSession, from_ids: list[int], to_id: int) -> int:
    """A merge: the duplicates' visits become the survivor's (inside the merge's transaction). Returns how many."""
    result = await session.execute(update(Visit).where(Visit.customer_id.in_(from_ids)).values(customer_id=to_id))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class VisitItem:
    id: int
    at: datetime
    user_id: int
    status: str
    note: str
    distance_m: float


async def newest(session: AsyncSession, customer_id: int, limit: int) -> list[VisitItem]:
    """The customer's newest visits (every status: the page shows what happened), newest first."""
    rows = await session.scalars(
        select(Visit).where(Visit.customer_id == customer_id).order_by(Visit.occurred_at.desc(), Visit.id.desc()).limit(limit)
    )
    return [VisitItem(v.id, v.occurred_at, v.user_id, v.status, v.note, v.distance_m) for v in rows]


async def count_for(session: AsyncSession, customer_id: int) -> int:
    return int(await session.scalar(select(func.count()).where(Visit.customer_id == customer_id)) or 0)


async def visited(session: AsyncSession, customer_ids: list[int]) -> set[int]:
    """Of these customers, those with any visit (an import's undo leaves them alone)."""
    if not customer_ids:
        return set()
    return {int(c) for c in await session.scalars(select(Visit.customer_id).where(Visit.customer_id.in_(customer_ids)).distinct())}
