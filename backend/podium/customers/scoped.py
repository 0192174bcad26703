"""An org's customers as a SELECT that other capabilities join their own rows to (analytics' rollups): the
customers table stays read here, and a node's customers are one semi-join, never a list of 100,000 ids.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from podium.customers.models import Customer


def owned(org_id: int, owners: frozenset[int] | None) -> Select[Any]:
    """(id, name, owner_id, potential, lifetime_revenue, last_visit_at) of the org's live customers, only those owned
    by `owners` when given (None: all of them, the open pool included)."""
    where = [Customer.org_id == org_id, Customer.merged_into_id.is_(None)]
    if owners is not None:
        where.append(Customer.owner_id.in_(sorted(owners)))
    return select(Customer.id, Customer.name, Customer.owner_id, Customer.potential, Customer.lifetime_revenue, Customer.last_visit_at).where(*where)


def ids(org_id: int, owners: frozenset[int] | None) -> Select[Any]:
    return owned(org_id, owners).with_only_columns(Customer.id)


async def count(session: AsyncSession, org_id: int, owners: frozenset[int] | None) -> int:
    return int(await session.scalar(select(func.count()).select_from(owned(org_id, owners).subquery())) or 0)


async def owners_of(session: AsyncSession, customer_ids: list[int]) -> dict[int, int | None]:
    if not customer_ids:
        return {}
    return {int(i): o for i, o in await session.execute(select(Customer.id, Customer.owner_id).where(Customer.id.in_(customer_ids)))}
