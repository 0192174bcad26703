"""Contribution: which customers, products, product lines and regions make the revenue (Pareto, ABC tiers).

Tiers from the items ranked by revenue: A while the revenue before the item is under 80 % of the total (the
item that crosses 80 % is still A), B under 95 %, C the rest. Read from the customer and product months.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from podium.analytics.customers_common import Asked, ask, check_page, customer_revenue, in_months, owner_revenue, ratio, revenue_total
from podium.analytics.customers_models import ProductMonth
from podium.core.env import Env
from podium.core.policies import Viewer
from podium.customers import service as customers
from podium.pipeline import customer_rows as pipeline_rows
from podium.targets.calendar import FiscalPeriod
from podium.targets.service import Node, NodeKind

A_BELOW = Decimal("0.80")
B_BELOW = Decimal("0.95")
ZERO = Decimal(0)


class By(StrEnum):
    CUSTOMER = "customer"
    PRODUCT = "product"
    PRODUCT_LINE = "product_line"
    REGION = "region"


class Tier(StrEnum):
    A = "A"
    B = "B"
    C = "C"


@dataclass(frozen=True)
class Item:
    key: str  # customer:12, product:3, line:<name>, team:5 — what a tap drills into
    id: int | None  # the customer's, product's or unit's id; None for a product line
    label: str
    rank: int
    revenue: Decimal
    share: Decimal | None
    cumulative_share: Decimal | None
    tier: Tier
    previous: Decimal
    last_year: Decimal
    quantity: Decimal | None = None


@dataclass(frozen=True)
class TierSum:
    tier: Tier
    items: int
    revenue: Decimal
    share: Decimal | None


@dataclass(frozen=True)
class Contribution:
    asked: Asked
    by: By
    total: Decimal
    previous_total: Decimal
    last_year_total: Decimal
    item_count: int
    # Share of the items (ranked) whose revenue makes 80 % of the total: the "20 %" of the 80/20 rule.
    pareto_item_share: Decimal | None
    tiers: list[TierSum]
    items: list[Item]
    has_more: bool


def tiers_of(ranked: list[tuple[str, Decimal]]) -> dict[str, Tier]:
    """Keys ranked by revenue (highest first) → their ABC tier."""
    total = sum((r for _, r in ranked), ZERO)
    tiers, before = {}, ZERO
    for key, revenue in ranked:
        share_before = before / total if total else Decimal(1)
        tiers[key] = Tier.A if share_before < A_BELOW else Tier.B if share_before < B_BELOW else Tier.C
        before += revenue
    return tiers


def tier_sums(ranked: list[tuple[str, Decimal]], tiers: dict[str, Tier]) -> list[TierSum]:
    """Items and revenue per tier, in one pass."""
    total = sum((v for _, v in ranked), ZERO)
    items = dict.fromkeys(Tier, 0)
    revenue = dict.fromkeys(Tier, ZERO)
    for key, value in ranked:
        items[tiers[key]] += 1
        revenue[tiers[key]] += value
    return [TierSum(t, items[t], revenue[t], ratio(revenue[t], total)) for t in Tier]


async def _by_customer(session: AsyncSession, asked: Asked, period: FiscalPeriod, only: list[int] | None = None) -> dict[str, Decimal]:
    return {f"customer:{cid}": revenue for cid, (revenue, _, _) in (await customer_revenue(session, asked, period, only)).items()}


async def _by_product(
    session: AsyncSession, asked: Asked, period: FiscalPeriod, line: bool, only: list[int] | None = None,
) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
    narrowed = [] if only is None else [ProductMonth.product_id.in_(only)]
    query = (
        select(ProductMonth.product_id, func.sum(ProductMonth.revenue), func.sum(ProductMonth.quantity))
        .where(ProductMonth.org_id == asked.org_id, *in_months(period, ProductMonth.month), *asked.of_node(ProductMonth.customer_id), *narrowed)
        .group_by(ProductMonth.product_id)
    )
    rows = [(int(p), Decimal(total or 0), Decimal(qty or 0)) for p, total, qty in await session.execute(query)]
    lines = await pipeline_rows.products_of(session, asked.org_id, {p for p, _, _ in rows}) if line else {}
    revenue: dict[str, Decimal] = defaultdict(Decimal)
    quantity: dict[str, Decimal] = defaultdict(Decimal)
    for product_id, total, qty in rows:
        name = f"line:{lines.get(product_id, ('', ''))[1]}" if line else f"product:{product_id}"
        revenue[name] += total
        quantity[name] += qty
    return dict(revenue), dict(quantity)


async def _by_region(session: AsyncSession, asked: Asked, period: FiscalPeriod) -> dict[str, Decimal]:
    by_owner = await owner_revenue(session, asked, period)
    found = {}
    for unit in region_units(asked):
        members = {m.id for m in asked.scope.tree.members_under(unit)}
        found[f"team:{unit}"] = sum((v for o, (v, _) in by_owner.items() if o in members), ZERO)
    return found


def _order(key: str) -> tuple[int, str]:
    """Ties in revenue: by id (customers, products), by name otherwise."""
    ident = key.partition(":")[2]
    return (int(ident), "") if ident.isdigit() else (0, ident)


def region_units(asked: Asked) -> list[int]:
    """The units directly under the node (the org's top units for the org)."""
    if asked.node.kind is NodeKind.USER:
        return []
    parent = asked.node.id if asked.node.kind is NodeKind.TEAM else None
    return [u.id for u in asked.scope.tree.child_units(parent)]


async def _figures(
    session: AsyncSession, asked: Asked, by: By, period: FiscalPeriod, only: list[str] | None = None,
) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
    """Revenue (and quantity) per item; `only` these items' (customers and products: a page's comparison)."""
    ids = None if only is None else [int(k.partition(":")[2]) for k in only]
    if by is By.CUSTOMER:
        return await _by_customer(session, asked, period, ids), {}
    if by is By.REGION:
        return await _by_region(session, asked, period), {}
    return await _by_product(session, asked, period, line=by is By.PRODUCT_LINE, only=ids if by is By.PRODUCT else None)


async def _total(session: AsyncSession, asked: Asked, by: By, period: FiscalPeriod) -> Decimal:
    if by is By.CUSTOMER:
        return await revenue_total(session, asked, period)
    return sum((await _figures(session, asked, by, period))[0].values(), ZERO)


async def _labels(session: AsyncSession, asked: Asked, by: By, keys: list[str]) -> dict[str, str]:
    ids = [int(k.split(":", 1)[1]) for k in keys] if by is not By.PRODUCT_LINE else []
    if by is By.CUSTOMER:
        names = await customers.names_of(session, asked.org_id, set(ids))
        return {f"customer:{i}": names.get(i, "") for i in ids}
    if by is By.PRODUCT:
        found = await pipeline_rows.products_of(session, asked.org_id, set(ids))
        return {f"product:{i}": name for i, (name, _) in found.items()}
    if by is By.REGION:
        return {f"team:{i}": asked.scope.tree.units[i].name for i in ids}
    return {k: k.split(":", 1)[1] for k in keys}


async def contribution(env: Env, viewer: Viewer, node: Node | None, period_key: str | None, by: By, *, first: int = 50, offset: int = 0) -> Contribution:
    check_page(first, offset)
    async with env.db() as session:
        asked = await ask(session, viewer, node, period_key, env.clock())
        current, quantity = await _figures(session, asked, by, asked.periods.current)
        keys = [k for k, v in current.items() if v > 0 or by is By.REGION]
        named = by in (By.REGION, By.PRODUCT_LINE)  # their names come without a read: ties go by name
        labels = await _labels(session, asked, by, keys) if named else {}
        ranked = sorted(((k, current[k]) for k in keys), key=lambda kv: (-kv[1], labels.get(kv[0], ""), _order(kv[0])))
        page = [k for k, _ in ranked[offset:offset + first]]
        if not named:
            labels = await _labels(session, asked, by, page)
        # The comparisons: totals in full, per item for the page only (a year of 100,000 customers is read once).
        per_item = page if by in (By.CUSTOMER, By.PRODUCT) else None
        previous, _ = await _figures(session, asked, by, asked.periods.previous, per_item)
        last_year, _ = await _figures(session, asked, by, asked.periods.last_year, per_item)
        previous_total = await _total(session, asked, by, asked.periods.previous) if per_item is not None else sum(previous.values(), ZERO)
        last_year_total = await _total(session, asked, by, asked.periods.last_year) if per_item is not None else sum(last_year.values(), ZERO)
    total = sum((v for _, v in ranked), ZERO)
    tiers = tiers_of(ranked)
    items, running = [], ZERO
    for rank, (key, revenue) in enumerate(ranked, start=1):
        running += revenue
        if offset < rank <= offset + first:
            kind, _, ident = key.partition(":")
            items.append(Item(
                key=key, id=None if kind == "line" else int(ident), label=labels.get(key, ""), rank=rank, revenue=revenue,
                share=ratio(revenue, total), cumulative_share=ratio(running, total), tier=tiers[key],
                previous=previous.get(key, ZERO), last_year=last_year.get(key, ZERO), quantity=quantity.get(key),
            ))
    a_items = sum(1 for t in tiers.values() if t is Tier.A)
    sums = tier_sums(ranked, tiers)
    return Contribution(
        asked, by, total, previous_total, last_year_total, len(ranked),
        ratio(a_items, len(ranked)) if total else None, sums, items, len(ranked) > offset + first,
    )
