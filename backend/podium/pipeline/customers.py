"""The pipeline as seen from one customer: open pipeline, lifetime revenue, order rhythm, its timeline, and moving
its deals and activities in a merge (orders and payments hang on deals, so they follow them)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from statistics import median

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from podium.pipeline.models import Activity, Deal, Order, Payment

OPEN, WON, LOST = "open", "won", "lost"


@dataclass(frozen=True)
class Sums:
    open_pipeline: Decimal
    lifetime_revenue: Decimal
    last_order_at: datetime | None
    order_interval_days: int | None


async def sums(session: AsyncSession, customer_ids: list[int]) -> dict[int, Sums]:
    """Open deals' amounts, won deals' amounts (reversed ones no longer count), the last order and the median
    days between orders, per customer."""
    if not customer_ids:
        return {}
    amounts: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    rows = await session.execute(
        select(Deal.customer_id, Deal.status, func.sum(Deal.amount))
        .where(Deal.customer_id.in_(customer_ids), Deal.status.in_((OPEN, WON)))
        .group_by(Deal.customer_id, Deal.status)
    )
    for cid, status, total in rows:
        amounts[int(cid)][status] = Decimal(total or 0)
    orders: dict[int, list[datetime]] = defaultdict(list)
    for cid, at in await session.execute(
        select(Deal.customer_id, Order.ordered_at).join(Deal, Deal.id == Order.deal_id)
        .where(Deal.customer_id.in_(customer_ids), Deal.status == WON).order_by(Order.ordered_at)
    ):
        orders[int(cid)].append(at)
    found = {}
    for cid in customer_ids:
        dates = orders.get(cid, [])
        gaps = [(b - a).total_seconds() / 86400 for a, b in zip(dates, dates[1:], strict=False)]
        interval = max(1, round(median(gaps))) if gaps else None
        found[cid] = Sums(amounts[cid][OPEN], amounts[cid][WON], dates[-1] if dates else None, interval)
    return found


async def customer_of_deal(session: AsyncSession, deal_id: int) -> int | None:
    return await session.scalar(select(Deal.customer_id).where(Deal.id == deal_id))


async def move(session: AsyncSession, from_ids: list[int], to_id: int) -> tuple[int, int]:
    """A merge: the duplicates' deals and activities become the survivor's. Returns (deals, activities) moved."""
    deals = await session.execute(update(Deal).where(Deal.customer_id.in_(from_ids)).values(customer_id=to_id))
    activities = await session.execute(update(Activity).where(Activity.customer_id.in_(from_ids)).values(customer_id=to_id))
    return int(deals.rowcount or 0), int(activities.rowcount or 0)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Event:
    """One line of a customer's timeline from the pipeline."""

    kind: str  # deal_created, deal_won, deal_lost, order, payment, activity
    at: datetime
    id: int
    user_id: int
    deal_id: int | None
    title: str
    amount: Decimal | None
    detail: str


async def newest(session: AsyncSession, customer_id: int, limit: int) -> list[Event]:
    """Up to `limit` of each kind, newest first; the caller interleaves them with visits and cuts the page."""
    deals = list(await session.scalars(select(Deal).where(Deal.customer_id == customer_id).order_by(Deal.created_at.desc()).limit(limit)))
    found = [Event("deal_created", d.created_at, d.id, d.owner_id, d.id, d.title, d.amount, d.status) for d in deals]
    closed = await session.scalars(
        select(Deal).where(Deal.customer_id == customer_id, Deal.status.in_((WON, LOST, "reversed")), Deal.closed_at.is_not(None))
        .order_by(Deal.closed_at.desc()).limit(limit)
    )
    found += [Event("deal_lost" if d.status == LOST else "deal_won", d.closed_at, d.id, d.owner_id, d.id, d.title, d.amount, d.close_reason)
              for d in closed if d.closed_at is not None]
    for order, deal in await session.execute(
        select(Order, Deal).join(Deal, Deal.id == Order.deal_id).where(Deal.customer_id == customer_id).order_by(Order.ordered_at.desc()).limit(limit)
    ):
        found.append(Event("order", order.ordered_at, order.id, order.created_by, deal.id, deal.title, order.amount, order.number))
    for payment, deal in await session.execute(
        select(Payment, Deal).join(Deal, Deal.id == Payment.deal_id).where(Deal.customer_id == customer_id).order_by(Payment.collected_at.desc()).limit(limit)
    ):
        found.append(Event("payment", payment.collected_at, payment.id, payment.created_by, deal.id, deal.title, payment.amount, payment.note))
    for activity in await session.scalars(
        select(Activity).where(Activity.customer_id == customer_id).order_by(Activity.occurred_at.desc()).limit(limit)
    ):
        found.append(Event("activity", activity.occurred_at, activity.id, activity.user_id, activity.deal_id, activity.kind, None, activity.note or activity.outcome))
    return found


@dataclass(frozen=True)
class OpenDeal:
    id: int
    title: str
    amount: Decimal
    currency: str
    expected_close: date
    probability: int
    owner_id: int


async def open_deals(session: AsyncSession, customer_id: int) -> list[OpenDeal]:
    rows = await session.scalars(select(Deal).where(Deal.customer_id == customer_id, Deal.status == OPEN).order_by(Deal.expected_close, Deal.id))
    return [OpenDeal(d.id, d.title, d.amount, d.currency, d.expected_close, d.probability, d.owner_id) for d in rows]


async def with_pipeline(session: AsyncSession, customer_ids: list[int]) -> set[int]:
    """Of these customers, those with any deal or activity (an import's undo leaves them alone)."""
    if not customer_ids:
        return set()
    deals = select(Deal.customer_id).where(Deal.customer_id.in_(customer_ids))
    activities = select(Activity.customer_id).where(Activity.customer_id.in_(customer_ids))
    return {int(c) for c in await session.scalars(deals.union(activities))}
