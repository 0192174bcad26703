"""The won deals behind a contribution figure: a customer's, a product's or a product line's in the node and period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from podium.analytics.customers_common import Asked, ask, check_page
from podium.core.env import Env
from podium.core.policies import Viewer
from podium.customers import scoped as scoped_customers
from podium.customers import service as customers
from podium.orgs import service as orgs
from podium.pipeline import customer_rows as pipeline_rows
from podium.targets.service import Node


@dataclass(frozen=True)
class WonDeal:
    id: int
    title: str
    customer_id: int
    customer_name: str
    owner_id: int
    owner_name: str
    amount: Decimal
    closed_at: datetime


@dataclass(frozen=True)
class WonDeals:
    asked: Asked
    total: int
    items: list[WonDeal]
    has_more: bool


async def won_deals(
    env: Env, viewer: Viewer, node: Node | None, period_key: str | None, *, customer_id: int | None = None, product_id: int | None = None,
    product_line: str | None = None, first: int = 50, offset: int = 0,
) -> WonDeals:
    """Won deals closed in the period on the node's customers, biggest first; a customer, product or line narrows them."""
    check_page(first, offset)
    async with env.db() as session:
        asked = await ask(session, viewer, node, period_key, env.clock())
        start, end = asked.periods.current.bounds(asked.scope.calendar.time_zone)
        products = [product_id] if product_id is not None else None
        if product_line is not None:
            products = [p for p in products or await pipeline_rows.product_ids_of_line(session, asked.org_id, product_line)
                        if product_id is None or p == product_id]
        chosen = scoped_customers.ids(asked.org_id, asked.owners) if asked.owners is not None else None
        total, rows = await pipeline_rows.won_in(session, asked.org_id, start, end, chosen, customer_id=customer_id, product_ids=products,
                                                 offset=offset, limit=first)
        names = await customers.names_of(session, asked.org_id, {r[2] for r in rows})
        people = await orgs.people_named(session, {r[3] for r in rows})
    items = [
        WonDeal(i, title, cid, names.get(cid, ""), owner, people[owner].name if owner in people else "", amount, closed)
        for i, title, cid, owner, amount, closed in rows
    ]
    return WonDeals(asked, total, items, total > offset + first)
