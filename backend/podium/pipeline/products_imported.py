"""The catalog's side of an import: products by SKU, bulk writes, and whether a deal line uses one (undo keeps it).

Like customers/imported.py it records no events: the import records one per run."""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from podium.pipeline.models import DealLine, Product

FIELDS = ("name", "name_en", "line", "list_price", "unit_cost", "is_active")


def version(product: Product) -> str:
    """Products keep no updated_at: their values are their version (an edit since the dry run changes it)."""
    text = "|".join(str(getattr(product, f)) for f in FIELDS)
    return hashlib.sha256(text.encode()).hexdigest()[:40]


async def by_skus(session: AsyncSession, org_id: int, skus: list[str]) -> dict[str, Product]:
    if not skus:
        return {}
    return {p.sku: p for p in await session.scalars(select(Product).where(Product.org_id == org_id, Product.sku.in_(skus)))}


async def versions(session: AsyncSession, org_id: int, ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    return {p.id: version(p) for p in await session.scalars(select(Product).where(Product.org_id == org_id, Product.id.in_(ids)))}


async def insert_many(session: AsyncSession, org_id: int, values: list[dict[str, Any]]) -> list[int]:
    if not values:
        return []
    result = await session.execute(insert(Product).returning(Product.id, sort_by_parameter_order=True), [{"org_id": org_id, **v} for v in values])
    return [int(i) for i in result.scalars().all()]


async def update_one(session: AsyncSession, org_id: int, product_id: int, values: dict[str, Any]) -> None:
    await session.execute(update(Product).where(Product.org_id == org_id, Product.id == product_id).values(**values))


async def used(session: AsyncSession, product_ids: list[int]) -> set[int]:
    """Of these products, those a deal line names."""
    if not product_ids:
        return set()
    return {int(i) for i in await session.scalars(select(DealLine.product_id).where(DealLine.product_id.in_(product_ids)).distinct())}


async def delete_many(session: AsyncSession, org_id: int, product_ids: list[int]) -> None:
    if product_ids:
        await session.execute(delete(Product).where(Product.org_id == org_id, Product.id.in_(product_ids)))


async def values_of(session: AsyncSession, org_id: int, product_id: int, fields: list[str]) -> dict[str, Any]:
    product = await session.get(Product, product_id)
    assert product is not None and product.org_id == org_id
    return {f: getattr(product, f) for f in fields}
