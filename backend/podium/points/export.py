"""The points ledger as an export: every entry of a span of local days for the people in my reach (or one of
them), managers and admins; corrections carry their reason and author. Read through a cursor."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from typing import Any

from sqlalchemy import select

from podium.core.env import Env
from podium.core.errors import DomainError, ErrorCode
from podium.core.periods import day_span
from podium.core.policies import Viewer
from podium.db.rows import stream_rows
from podium.orgs import service as orgs
from podium.orgs.tree import reach
from podium.points.models import PointsAdjustment, PointsEntry
from podium.points.service import ADJUSTMENT



async def export_rows(env: Env, viewer: Viewer, first: date | None, last: date | None, user_id: int | None) -> AsyncIterator[Any]:
    """Entries of the local days first..last, oldest first; checked and scoped before the first row."""
    if not viewer.is_manager_or_admin:
        raise DomainError.one(ErrorCode.FORBIDDEN)
    async with env.db() as session:
        start, end = day_span(await orgs.org_time_zone(session, viewer.org_id), first, last, env.clock())
        _, scope = await reach(session, viewer)
        if user_id is not None and (await orgs.user_in_org(session, viewer.org_id, user_id) is None or not scope.sees_user(user_id)):
            raise DomainError.one(ErrorCode.NOT_FOUND, "userId")
    query = (
        select(
            PointsEntry.user_id, PointsEntry.points, PointsEntry.rule_kind, PointsEntry.source_type, PointsEntry.source_id,
            PointsEntry.occurred_at, PointsAdjustment.reason, PointsAdjustment.by_user_id,
        )
        .outerjoin(PointsAdjustment, (PointsEntry.rule_kind == ADJUSTMENT) & (PointsAdjustment.id == PointsEntry.source_id))
        .where(PointsEntry.org_id == viewer.org_id, PointsEntry.occurred_at >= start, PointsEntry.occurred_at < end)
        .order_by(PointsEntry.occurred_at, PointsEntry.id)
    )
    if user_id is not None:
        query = query.where(PointsEntry.user_id == user_id)
    elif not scope.org_wide:
        query = query.where(PointsEntry.user_id.in_(sorted(scope.user_ids) or [-1]))
    return stream_rows(env.db, query)
