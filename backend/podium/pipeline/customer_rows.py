"""The pipeline's rows as analytics regroups them by customer and person (its rollups are re-derived from these).

Plain reads of few columns, for a batch of customers or people at a time; no rule lives here. `within`, when
given, keeps the rows whose moment falls in one of these [start, end) spans (a handler re-deriving a few months or
days reads only those).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from podium.pipeline.models import Activity, Deal, DealLine, Order, Payment, Product

WON = "won"
Spans = list[tuple[datetime, datetime]] | None


def _within(column: Any, spans: Spans) -> list[ColumnElement[bool]]:
    if spans is None:
        return []
    return [or_(*(and_(column >= start, column < end) for start, end in spans))]


async def customers_with_deals(session: AsyncSession, org_id: int) -> list[int]:
    """The org's customers that have any deal (only they can have revenue, orders or collections)."""
    return list(await session.scalars(select(Deal.customer_id).where(Deal.org_id == org_id).distinct()))


async def won_deals_of(session: AsyncSession, customer_ids: list[int], within: Spans = None) -> list[tuple[int, Decimal, Decimal | None, datetime]]:
    """(customer, amount, margin, closed at) of every won deal (reversed ones are no longer won)."""
    rows = await session.execute(
        select(Deal.customer_id, Deal.amount, Deal.margin, Deal.closed_at)
        .where(Deal.customer_id.in_(customer_ids), Deal.status == WON, Deal.closed_at.is_not(None), *_within(Deal.closed_at, within))
    )
    return [tuple(r) for r in rows]  # type: ignore[misc]


async def won_lines_of(
    session: AsyncSession, customer_ids: list[int], within: Spans = None,
) -> list[tuple[int, datetime, int, Decimal, Decimal, Decimal]]:
    """(customer, closed at, product, quantity, unit price, unit cost) of every won deal's lines."""
    rows = await session.execute(
        select(Deal.customer_id, Deal.closed_at, DealLine.product_id, DealLine.quantity, DealLine.unit_price, DealLine.unit_cost)
        .join(DealLine, DealLine.deal_id == Deal.id)
        .where(Deal.customer_id.in_(customer_ids), Deal.status == WON, Deal.closed_at.is_not(None), *_within(Deal.closed_at, within))
    )
    return [tuple(r) for r in rows]  # type: ignore[misc]


async def orders_of(session: AsyncSession, customer_ids: list[int], within: Spans = None) -> list[tuple[int, Decimal, datetime]]:
    """(customer, amount, ordered at) of every order."""
    rows = await session.execute(
        select(Deal.customer_id, Order.amount, Order.ordered_at).join(Deal, Deal.id == Order.deal_id)
        .where(Deal.customer_id.in_(customer_ids), *_within(Order.ordered_at, within))
    )
    return [tuple(r) for r in rows]  # type: ignore[misc]


async def payments_of(session: AsyncSession, customer_ids: list[int], within: Spans = None) -> list[tuple[int, Decimal, datetime]]:
    """(customer, amount, collected at) of every payment; refunds are negative."""
    rows = await session.execute(
        select(Deal.customer_id, Payment.amount, Payment.collected_at).join(Deal, Deal.id == Payment.deal_id)
        .where(Deal.customer_id.in_(customer_ids), *_within(Payment.collected_at, within))
    )
    return [tuple(r) for r in rows]  # type: ignore[misc]


async def deals_created_by(session: AsyncSession, owner_ids: list[int]) -> list[tuple[int, int, datetime]]:
    """(owner, customer, created at) of every deal these people own."""
    rows = await session.execute(select(Deal.owner_id, Deal.customer_id, Deal.created_at).where(Deal.owner_id.in_(owner_ids)))
    return [tuple(r) for r in rows]  # type: ignore[misc]


async def deals_created_on(session: AsyncSession, owner_id: int, customer_ids: list[int], start: datetime, end: datetime) -> list[tuple[int, int, datetime]]:
    """(owner, customer, created at) of this person's deals on these customers created from start to end, both
    included (by the customers' index: a person's whole pipeline is not read)."""
    rows = await session.execute(
        select(Deal.owner_id, Deal.customer_id, Deal.created_at)
        .where(Deal.customer_id.in_(customer_ids), Deal.owner_id == owner_id, Deal.created_at >= start, Deal.created_at <= end)
    )
    return [tuple(r) for r in rows]  # type: ignore[misc]


async def activities_of(session: AsyncSession, user_ids: list[int], within: Spans = None, org_id: int | None = None) -> list[tuple[int, str, datetime]]:
    """(person, kind, occurred at) of every activity these people logged (within spans: pass the org, whose
    (org, occurred at) index finds them)."""
    org = [] if org_id is None else [Activity.org_id == org_id]
    rows = await session.execute(
        select(Activity.user_id, Activity.kind, Activity.occurred_at).where(Activity.user_id.in_(user_ids), *org, *_within(Activity.occurred_at, within))
    )
    return [tuple(r) for r in rows]  # type: ignore[misc]


async def deal_moments(session: AsyncSession, deal_id: int) -> tuple[int, int, datetime, datetime | None] | None:
    """(customer, owner, created at, closed at) of a deal; None once it is gone."""
    row = (await session.execute(select(Deal.customer_id, Deal.owner_id, Deal.created_at, Deal.closed_at).where(Deal.id == deal_id))).first()
    return None if row is None else tuple(row)  # type: ignore[return-value]


async def order_moment(session: AsyncSession, order_id: int) -> datetime | None:
    return await session.scalar(select(Order.ordered_at).where(Order.id == order_id))


async def payment_moment(session: AsyncSession, payment_id: int) -> datetime | None:
    return await session.scalar(select(Payment.collected_at).where(Payment.id == payment_id))


async def activity_moment(session: AsyncSession, activity_id: int) -> datetime | None:
    return await session.scalar(select(Activity.occurred_at).where(Activity.id == activity_id))


async def products_of(session: AsyncSession, org_id: int, product_ids: set[int]) -> dict[int, tuple[str, str]]:
    """Product → (name, product line)."""
    if not product_ids:
        return {}
    rows = await session.execute(select(Product.id, Product.name, Product.line).where(Product.org_id == org_id, Product.id.in_(sorted(product_ids))))
    return {int(i): (name, line) for i, name, line in rows}


async def product_ids_of_line(session: AsyncSession, org_id: int, line: str) -> list[int]:
    return list(await session.scalars(select(Product.id).where(Product.org_id == org_id, Product.line == line)))


async def won_in(
    session: AsyncSession, org_id: int, start: datetime, end: datetime, customers: Select[Any] | None, *, customer_id: int | None = None,
    product_ids: list[int] | None = None, offset: int = 0, limit: int = 50,
) -> tuple[int, list[tuple[int, str, int, int, Decimal, datetime]]]:
    """Won deals closed in [start, end) on the customers `customers` selects (ids; None: the org's), biggest first:
    (how many in all, a page of (id, title, customer, owner, amount, closed at))."""
    where = [Deal.org_id == org_id, Deal.status == WON, Deal.closed_at >= start, Deal.closed_at < end]
    if customers is not None:
        where.append(Deal.customer_id.in_(customers))
    if customer_id is not None:
        where.append(Deal.customer_id == customer_id)
    if product_ids is not None:
        where.append(Deal.id.in_(select(DealLine.deal_id).where(DealLine.product_id.in_(product_ids))))
    total = await session.scalar(select(func.count()).select_from(Deal).where(*where)) or 0
    rows = await session.execute(
        select(Deal.id, Deal.title, Deal.customer_id, Deal.owner_id, Deal.amount, Deal.closed_at).where(*where)
        .order_by(Deal.amount.desc(), Deal.id).offset(offset).limit(limit)
    )
    return int(total), [tuple(r) for r in rows]  # type: ignore[misc]


def product_lines(org_id: int) -> Select[Any]:
    """(id, line) of the org's products: a table analytics joins its product months to, to group them by line."""
    return select(Product.id, Product.line).where(Product.org_id == org_id)
