"""INSERT … ON CONFLICT DO NOTHING on both databases: queueing that a retried handler may repeat."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession


async def insert_ignoring_duplicates(session: AsyncSession, model: type[Any], rows: list[dict[str, Any]]) -> int:
    """Insert the rows that violate no unique constraint; returns how many went in."""
    if not rows:
        return 0
    dialect = (await session.connection()).dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    # One multi-row INSERT … RETURNING: an executemany's rowcount is not reliable on every driver.
    inserted = await session.execute(insert(model).values(rows).on_conflict_do_nothing().returning(model.id))
    return len(inserted.all())
