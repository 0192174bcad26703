"""Visits as analytics regroups them by person and day (its rollups are re-derived from these)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from podium.visits.models import Visit


async def visits_of(
    session: AsyncSession, user_ids: list[int], within: list[tuple[datetime, datetime]] | None = None,
) -> list[tuple[int, int, str, datetime]]:
    """(person, customer, status, occurred at) of every visit these people made (only in these [start, end) spans,
    when given: the (person, occurred at) index finds them)."""
    spans = [] if within is None else [or_(*(and_(Visit.occurred_at >= start, Visit.occurred_at < end) for start, end in within))]
    rows = await session.execute(
        select(Visit.user_id, Visit.customer_id, Visit.status, Visit.occurred_at).where(Visit.user_id.in_(user_ids), *spans)
    )
    return [tuple(r) for r in rows]  # type: ignore[misc]


async def visit_moment(session: AsyncSession, visit_id: int) -> datetime | None:
    """When a visit happened (its check-in, which no later change moves); None once it is gone."""
    return await session.scalar(select(Visit.occurred_at).where(Visit.id == visit_id))
