"""The customers' side of an import: set-based reads to match rows and bulk writes to apply or undo them.

Imports write many rows at once and record one event per run (imports/engine.py), so nothing here records
events: imported customers are not celebrated, pushed or posted, and `podium rebuild` recomputes their figures.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from podium.customers.models import Customer, CustomerContact
from podium.customers.names import loose_key
from podium.db import bulk

# The fields an import may set, as the customers table names them.
FIELDS = ("name", "name_key", "address", "city", "industry", "tier", "owner_id", "latitude", "longitude", "potential",
          "created_at", "external_id", "credit_code")
CONTACT_FIELDS = ("name", "title", "phone", "email")


@dataclass(frozen=True)
class Known:
    """What matching needs of an existing customer."""

    id: int
    name: str
    name_key: str
    loose: str
    external_id: str | None
    credit_code: str | None


@dataclass
class Index:
    """An org's live customers by each identity an import matches on, loaded once per run."""

    by_external: dict[str, Known]
    by_code: dict[str, Known]
    by_key: dict[str, Known]
    by_loose: dict[str, list[Known]]


async def index(session: AsyncSession, org_id: int) -> Index:
    found = Index({}, {}, {}, {})
    query = select(Customer.id, Customer.name, Customer.name_key, Customer.external_id, Customer.credit_code).where(
        Customer.org_id == org_id, Customer.merged_into_id.is_(None)
    )
    for row in await session.execute(query):
        known = Known(int(row.id), row.name, row.name_key, loose_key(row.name), row.external_id, row.credit_code)
        found.by_key[known.name_key] = known
        found.by_loose.setdefault(known.loose, []).append(known)
        if known.external_id:
            found.by_external[known.external_id] = known
        if known.credit_code:
            found.by_code[known.credit_code] = known
    return found


async def rows(session: AsyncSession, org_id: int, ids: Iterable[int]) -> dict[int, Customer]:
    ids = list(ids)
    if not ids:
        return {}
    return {c.id: c for c in await session.scalars(select(Customer).where(Customer.org_id == org_id, Customer.id.in_(ids)))}


async def contacts(session: AsyncSession, org_id: int, customer_ids: Iterable[int]) -> dict[int, list[CustomerContact]]:
    ids = list(customer_ids)
    found: dict[int, list[CustomerContact]] = {}
    if ids:
        query = select(CustomerContact).where(CustomerContact.org_id == org_id, CustomerContact.customer_id.in_(ids)).order_by(CustomerContact.id)
        for contact in await session.scalars(query):
            found.setdefault(contact.customer_id, []).append(contact)
    return found


async def versions(session: AsyncSession, org_id: int, ids: list[int]) -> dict[int, str]:
    """Each live customer's updated_at as text ('' when never set): what an import's plan saw must still hold."""
    if not ids:
        return {}
    query = select(Customer.id, Customer.updated_at).where(Customer.org_id == org_id, Customer.id.in_(ids), Customer.merged_into_id.is_(None))
    return {int(i): at.isoformat() if at else "" for i, at in await session.execute(query)}


async def insert_many(session: AsyncSession, org_id: int, values: list[dict[str, Any]]) -> list[int]:
    """Insert customers (FIELDS plus bookkeeping) in one executemany; their ids in order (on SQLite read back by
    name key, unique per org)."""
    # Core, not the ORM's bulk insert: that leaves out None values, so rows with and without an owner went in
    # separate statements (a third of the rows each its own INSERT).
    keys = [v["name_key"] for v in values]

    async def by_key() -> list[int]:
        found: dict[str, int] = {}
        for start in range(0, len(keys), 900):
            query = select(Customer.name_key, Customer.id).where(Customer.org_id == org_id, Customer.name_key.in_(keys[start:start + 900]))
            found.update({str(k): int(i) for k, i in await session.execute(query)})
        return [found[k] for k in keys]

    return await bulk.insert_ids(session, Customer.__table__, [{"org_id": org_id, **v} for v in values], by_key)  # type: ignore[arg-type]


async def insert_contacts(session: AsyncSession, org_id: int, values: list[dict[str, Any]]) -> list[int]:
    """Insert contacts of customers that had none from this import (one each); their ids in order (on SQLite each
    customer's newest contact, read back after the insert)."""
    if not values:
        return []
    customers = [v["customer_id"] for v in values]
    before: dict[int, int] = {}
    if session.get_bind().dialect.name != "postgresql":
        before = {c: max((x.id for x in cs), default=0) for c, cs in (await contacts(session, org_id, customers)).items()}

    async def newest() -> list[int]:
        found: dict[int, int] = {}
        for start in range(0, len(customers), 900):
            query = select(CustomerContact.customer_id, func.max(CustomerContact.id)).where(
                CustomerContact.org_id == org_id, CustomerContact.customer_id.in_(customers[start:start + 900])
            ).group_by(CustomerContact.customer_id)
            found.update({int(c): int(i) for c, i in await session.execute(query)})
        assert all(found[c] > before.get(c, 0) for c in customers)
        return [found[c] for c in customers]

    rows = [{"org_id": org_id, "wecom_id": "", "dingtalk_id": "", **v} for v in values]
    return await bulk.insert_ids(session, CustomerContact.__table__, rows, newest)  # type: ignore[arg-type]


async def update_one(session: AsyncSession, org_id: int, customer_id: int, values: dict[str, Any]) -> None:
    await session.execute(update(Customer).where(Customer.org_id == org_id, Customer.id == customer_id).values(**values))


async def update_contact(session: AsyncSession, org_id: int, contact_id: int, values: dict[str, Any]) -> None:
    await session.execute(update(CustomerContact).where(CustomerContact.org_id == org_id, CustomerContact.id == contact_id).values(**values))


async def contact_counts(session: AsyncSession, org_id: int, customer_ids: list[int]) -> dict[int, int]:
    if not customer_ids:
        return {}
    query = select(CustomerContact.customer_id, func.count()).where(
        CustomerContact.org_id == org_id, CustomerContact.customer_id.in_(customer_ids)
    ).group_by(CustomerContact.customer_id)
    return {int(c): int(n) for c, n in await session.execute(query)}


async def merged_into(session: AsyncSession, org_id: int, customer_ids: list[int]) -> set[int]:
    """Of these customers, those another customer was merged into (their tombstones point at them)."""
    if not customer_ids:
        return set()
    query = select(Customer.merged_into_id).where(Customer.org_id == org_id, Customer.merged_into_id.in_(customer_ids)).distinct()
    return {int(i) for i in await session.scalars(query)}


async def delete_many(session: AsyncSession, org_id: int, customer_ids: list[int], contact_ids: list[int]) -> None:
    if contact_ids:
        await session.execute(delete(CustomerContact).where(CustomerContact.org_id == org_id, CustomerContact.id.in_(contact_ids)))
    if customer_ids:
        await session.execute(delete(Customer).where(Customer.org_id == org_id, Customer.id.in_(customer_ids)))
