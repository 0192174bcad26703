"""Contribution: which customers, products, product lines and regions make the revenue (Pareto, ABC tiers).

Tiers from the items ranked by revenue: A while the revenue before the item is under 80 % of the total (the
item that crosses 80 % is still A), B under 95 %, C the rest. Read from the customer and product months.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Subquery, func, literal_column, select
from sqlalchemy.ext.asyncio import AsyncSession

from podium.analytics.customers_common import (
    Asked, ask, by_unit, check_page, customer_revenue, in_months, int_table, ratio, region_units, revenue_total, unit_revenue,
)
from podium.analytics.customers_models import CustomerMonth, ProductMonth
from podium.analytics.ranking import Tier, cents, money, page_of, ranked, tier_sums
from podium.core.env import Env
from podium.core.policies import Viewer
from podium.customers import service as customers
from podium.pipeline import customer_rows as pipeline_rows
from podium.targets.calendar import FiscalPeriod
from podium.targets.service import Node

ZERO = Decimal(0)


class By(StrEnum):
    CUSTOMER = "customer"
    PRODUCT = "product"
    PRODUCT_LINE = "product_line"
    REGION = "region"


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
    found = await unit_revenue(session, asked, period)
    return {f"team:{unit}": found.get(unit, (ZERO, 0))[0] for unit in region_units(asked)}


def _binary(column: ColumnElement[str], session: AsyncSession) -> ColumnElement[str]:
    """Text ordered by code point, as Python orders it (SQLite's default; PostgreSQL's "C" collation)."""
    return column.collate("C") if session.get_bind().dialect.name == "postgresql" else column


def _items(session: AsyncSession, asked: Asked, by: By, period: FiscalPeriod) -> tuple[Subquery, list[ColumnElement[Any]], list[str]] | None:
    """The items that sold in the period (every unit under the node for regions) with their revenue in cents, the
    tie-break of equal revenue (ids for customers and products, names for lines and regions) and the columns a
    page shows. None: nothing to rank (a person has no units under them)."""
    if by is By.CUSTOMER:
        revenue = cents(func.sum(CustomerMonth.revenue))
        query = (
            select(CustomerMonth.customer_id.label("id"), revenue.label("cents"))
            .where(CustomerMonth.org_id == asked.org_id, *in_months(period, CustomerMonth.month), *asked.of_node(CustomerMonth.customer_id))
            .group_by(CustomerMonth.customer_id).having(func.sum(CustomerMonth.deals_won) > 0, revenue > 0)
        ).subquery()
        return query, [query.c.id], ["id", "running"]
    if by is By.REGION:
        units = region_units(asked)
        if not units:
            return None
        # Equal revenue: by the unit's name then id, as the tree orders them (no collation to agree on).
        order = {u: n for n, u in enumerate(sorted(units, key=lambda u: (asked.scope.tree.units[u].name, u)))}
        listed = int_table("units", ("id", "ord"), [(u, order[u]) for u in units])
        sold = by_unit(asked, period)
        if sold is None:
            query = select(listed.c.id, literal_column("0").label("cents"), listed.c.ord).subquery()
        else:
            s = sold.subquery()
            query = select(listed.c.id, func.coalesce(s.c.cents, 0).label("cents"), listed.c.ord).select_from(listed).outerjoin(s, s.c.unit_id == listed.c.id).subquery()
        return query, [query.c.ord], ["id", "running"]
    revenue = cents(func.sum(ProductMonth.revenue))
    where = [ProductMonth.org_id == asked.org_id, *in_months(period, ProductMonth.month), *asked.of_node(ProductMonth.customer_id)]
    if by is By.PRODUCT:
        query = (
            select(ProductMonth.product_id.label("id"), revenue.label("cents"), func.sum(ProductMonth.quantity).label("quantity"))
            .where(*where).group_by(ProductMonth.product_id).having(revenue > 0)
        ).subquery()
        return query, [query.c.id], ["id", "running", "quantity"]
    lines = pipeline_rows.product_lines(asked.org_id).subquery()
    query = (
        select(lines.c.line.label("line"), revenue.label("cents"), func.sum(ProductMonth.quantity).label("quantity"))
        .select_from(ProductMonth).join(lines, lines.c.id == ProductMonth.product_id)
        .where(*where).group_by(lines.c.line).having(revenue > 0)
    ).subquery()
    return query, [_binary(query.c.line, session)], ["line", "running", "quantity"]


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


def _key(by: By, row: Any) -> str:
    return f"line:{row.line}" if by is By.PRODUCT_LINE else f"{'team' if by is By.REGION else by.value}:{row.id}"


async def contribution(env: Env, viewer: Viewer, node: Node | None, period_key: str | None, by: By, *, first: int = 50, offset: int = 0) -> Contribution:
    """Ranked, tiered and summed by the database: only the page and the per-tier sums come back."""
    check_page(first, offset)
    async with env.db() as session:
        asked = await ask(session, viewer, node, period_key, env.clock())
        found = _items(session, asked, by, asked.periods.current)
        if found is None:
            return Contribution(asked, by, ZERO, ZERO, ZERO, 0, None, [TierSum(t, 0, ZERO, None) for t in Tier], [], False)
        items, tie, columns = found
        page = await page_of(session, ranked(items, tie), columns, first=first, offset=offset)
        keys = [_key(by, r) for r in page.rows]
        labels = await _labels(session, asked, by, keys)
        # The comparisons: totals in full, per item for the page only (a year of 100,000 customers is read once).
        per_item = keys if by in (By.CUSTOMER, By.PRODUCT) else None
        previous, _ = await _figures(session, asked, by, asked.periods.previous, per_item)
        last_year, _ = await _figures(session, asked, by, asked.periods.last_year, per_item)
        previous_total = await _total(session, asked, by, asked.periods.previous) if per_item is not None else sum(previous.values(), ZERO)
        last_year_total = await _total(session, asked, by, asked.periods.last_year) if per_item is not None else sum(last_year.values(), ZERO)
    total = page.total
    shown = []
    for key, r in zip(keys, page.rows, strict=True):
        revenue = money(r.cents)
        shown.append(Item(
            key=key, id=None if by is By.PRODUCT_LINE else int(r.id), label=labels.get(key, ""), rank=int(r.rank), revenue=revenue,
            share=ratio(revenue, total), cumulative_share=ratio(money(r.running), total), tier=Tier(r.tier),
            previous=previous.get(key, ZERO), last_year=last_year.get(key, ZERO), quantity=r.quantity if "quantity" in columns else None,
        ))
    sums = tier_sums(page.groups)
    return Contribution(
        asked, by, total, previous_total, last_year_total, page.count, ratio(sums[Tier.A][0], page.count) if total else None,
        [TierSum(t, n, revenue, ratio(revenue, total)) for t, (n, revenue) in sums.items()], shown, page.count > offset + first,
    )
