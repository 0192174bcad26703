"""Visits as analytics regroups them by person and day (its rollups are re-derived from these)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from podium.visits.models import Visit


async def visits_of(session: AsyncSession, user_ids: list[int]) -> list[tuple[int, int, str, datetime]]:
    """(person, customer, status, occurred at) of every visit these people made."""
    rows = await session.execute(select(Visit.user_id, Visit.customer_id, Visit.status, Visit.occurred_at).where(Visit.user_id.in_(user_ids)))
    return [tuple(r) for r in rows]  # type: ignore[misc]
