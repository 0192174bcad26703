"""The won deals behind a contribution figure: a customer's, a product's or a product line's in the node and period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from podium.analytics.customers_common import Asked, ask, check_page
from podium.core.env import Env
from podium.core.policies import Viewer
# Tables read in SQL joins with the rollups, through the modules that own them (as customer_pages reads Customer).
from podium.customers.manage import Customer
from podium.orgs import service as orgs
from podium.pipeline.ledger import Deal, DealLine, Product
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
        where = [Deal.org_id == asked.org_id, Deal.status == "won", Deal.closed_at >= start, Deal.closed_at < end, *asked.owned()]
        if customer_id is not None:
            where.append(Deal.customer_id == customer_id)
        if product_id is not None or product_line is not None:
            lines = select(DealLine.deal_id).join(Product, Product.id == DealLine.product_id)
            lines = lines.where(DealLine.product_id == product_id) if product_id is not None else lines.where(Product.line == product_line)
            where.append(Deal.id.in_(lines))
        base = select(Deal.id).join(Customer, Customer.id == Deal.customer_id).where(*where)
        total = await session.scalar(select(func.count()).select_from(base.subquery())) or 0
        rows = (await session.execute(
            select(Deal.id, Deal.title, Deal.customer_id, Customer.name, Deal.owner_id, Deal.amount, Deal.closed_at)
            .join(Customer, Customer.id == Deal.customer_id).where(*where)
            .order_by(Deal.amount.desc(), Deal.id).offset(offset).limit(first)
        )).all()
        people = await orgs.people_named(session, {r.owner_id for r in rows})
    items = [WonDeal(r.id, r.title, r.customer_id, r.name, r.owner_id, people[r.owner_id].name if r.owner_id in people else "", r.amount, r.closed_at) for r in rows]
    return WonDeals(asked, total, items, total > offset + first)
