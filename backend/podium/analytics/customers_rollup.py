"""Keeping the customers-side rollups: re-derive a customer's months or a person's days from the source tables.

The rollups are the pipeline's and visits' rows (read through pipeline/customer_rows.py and visits/person_rows.py)
regrouped by local month and day; re-deriving them whole is what keeps a recompute absolute (a handler run
again, or after a later change, writes the same rows). Handlers of pipeline, visit and import events call
it; `podium rebuild` calls rebuild_org.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import delete, insert
from sqlalchemy.ext.asyncio import AsyncSession

from podium.analytics.customers_models import ActivityDay, CustomerMonth, CustomerSignal, PersonDay, ProductMonth
from podium.core.env import Env
from podium.core.events import DomainEvent, transaction
from podium.customers.events import CustomersMerged
from podium.customers import manage as customer_records
from podium.orgs import people as org_people
from podium.orgs import service as orgs
from podium.pipeline import customers as pipeline_customers
from podium.pipeline.events import ActivityLogged, DealChanged, OrderRecorded, PaymentRecorded
from podium.pipeline import customer_rows as pipeline_rows
from podium.visits.events import VisitChanged, VisitReviewed, VisitVerified
from podium.visits import person_rows as visit_rows

COUNTED = ("verified", "approved")
# A counted visit converts when the rep's deal on that customer is created within this many days after it.
CONVERSION_DAYS = 30
# The next order is late once the usual buying interval has passed half again (customers' own at-risk rule).
OVERDUE_FACTOR = 1.5
# Falling order value: the mean of the latest orders against the mean of those just before them.
RECENT_ORDERS = 3
EARLIER_ORDERS = 3
FALLING_BELOW = Decimal("0.8")
BATCH = 500
ZERO = Decimal(0)
CENT = Decimal("0.01")


def _local(at: datetime, zone: ZoneInfo) -> date:
    return at.astimezone(zone).date()


def _month(at: datetime, zone: ZoneInfo) -> date:
    return _local(at, zone).replace(day=1)


@dataclass
class _Month:
    revenue: Decimal = ZERO
    margin: Decimal = ZERO
    deals_won: int = 0
    last_won_at: datetime | None = None
    orders: int = 0
    order_amount: Decimal = ZERO
    collections: Decimal = ZERO


@dataclass
class _Line:
    revenue: Decimal = ZERO
    margin: Decimal = ZERO
    quantity: Decimal = ZERO


@dataclass
class _Customer:
    months: dict[date, _Month] = field(default_factory=lambda: defaultdict(_Month))
    lines: dict[tuple[int, date], _Line] = field(default_factory=lambda: defaultdict(_Line))
    orders: list[tuple[datetime, Decimal]] = field(default_factory=list)


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), BATCH):
        yield ids[start:start + BATCH]


async def _derive_customers(session: AsyncSession, ids: list[int], zone: ZoneInfo) -> dict[int, _Customer]:
    found: dict[int, _Customer] = defaultdict(_Customer)
    for chunk in _chunks(ids):
        for customer_id, amount, margin, closed_at in await pipeline_rows.won_deals_of(session, chunk):
            m = found[customer_id].months[_month(closed_at, zone)]
            m.revenue += amount
            m.margin += margin or ZERO
            m.deals_won += 1
            m.last_won_at = closed_at if m.last_won_at is None else max(m.last_won_at, closed_at)
        for customer_id, closed_at, product_id, quantity, price, cost in await pipeline_rows.won_lines_of(session, chunk):
            line = found[customer_id].lines[(product_id, _month(closed_at, zone))]
            line.revenue += quantity * price
            line.margin += quantity * (price - cost)
            line.quantity += quantity
        for customer_id, amount, ordered_at in await pipeline_rows.orders_of(session, chunk):
            c = found[customer_id]
            m = c.months[_month(ordered_at, zone)]
            m.orders += 1
            m.order_amount += amount
            c.orders.append((ordered_at, amount))
        for customer_id, amount, collected_at in await pipeline_rows.payments_of(session, chunk):
            found[customer_id].months[_month(collected_at, zone)].collections += amount
    return found


def _signal(org_id: int, customer_id: int, orders: list[tuple[datetime, Decimal]]) -> dict[str, object]:
    orders = sorted(orders)
    last = orders[-1][0] if orders else None
    gaps = [(b[0] - a[0]).total_seconds() / 86400 for a, b in zip(orders, orders[1:])]
    interval = round(statistics.median(gaps)) if gaps else None
    overdue = last + timedelta(days=math.ceil(interval * OVERDUE_FACTOR)) if last is not None and interval else None
    recent_avg = earlier_avg = None
    falling = False
    if len(orders) > RECENT_ORDERS:
        recent = [a for _, a in orders[-RECENT_ORDERS:]]
        earlier = [a for _, a in orders[-RECENT_ORDERS - EARLIER_ORDERS:-RECENT_ORDERS]]
        recent_avg = (sum(recent, ZERO) / len(recent)).quantize(CENT)
        earlier_avg = (sum(earlier, ZERO) / len(earlier)).quantize(CENT)
        falling = earlier_avg > 0 and recent_avg < earlier_avg * FALLING_BELOW
    return {"customer_id": customer_id, "org_id": org_id, "last_order_at": last, "interval_days": interval, "overdue_from": overdue,
            "recent_average": recent_avg, "earlier_average": earlier_avg, "falling": falling}


async def recompute_customers(session: AsyncSession, org_id: int, customer_ids: Iterable[int], time_zone: str) -> None:
    """Replace these customers' months, product months and signals with what the source tables give now."""
    ids = sorted(set(customer_ids))
    if not ids:
        return
    zone = ZoneInfo(time_zone)
    found = await _derive_customers(session, ids, zone)
    for chunk in _chunks(ids):
        for table in (CustomerMonth, ProductMonth, CustomerSignal):
            await session.execute(delete(table).where(table.customer_id.in_(chunk)))
    months = [
        {"customer_id": cid, "month": month, "org_id": org_id, "revenue": m.revenue, "margin": m.margin, "deals_won": m.deals_won,
         "last_won_at": m.last_won_at, "orders": m.orders, "order_amount": m.order_amount, "collections": m.collections}
        for cid, c in found.items() for month, m in c.months.items()
    ]
    lines = [
        {"customer_id": cid, "product_id": pid, "month": month, "org_id": org_id, "revenue": line.revenue.quantize(CENT),
         "margin": line.margin.quantize(CENT), "quantity": line.quantity}
        for cid, c in found.items() for (pid, month), line in c.lines.items()
    ]
    signals = [_signal(org_id, cid, found[cid].orders if cid in found else []) for cid in ids]
    for table, rows in ((CustomerMonth, months), (ProductMonth, lines), (CustomerSignal, signals)):
        for start in range(0, len(rows), BATCH):
            await session.execute(insert(table), rows[start:start + BATCH])


async def recompute_people(session: AsyncSession, org_id: int, user_ids: Iterable[int], time_zone: str) -> None:
    """Replace these people's visit days and activity days with what the source tables give now."""
    ids = sorted(set(user_ids))
    if not ids:
        return
    zone = ZoneInfo(time_zone)
    days: dict[tuple[int, date], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    activity: dict[tuple[int, date, str], int] = defaultdict(int)
    for chunk in _chunks(ids):
        created: dict[tuple[int, int], list[datetime]] = defaultdict(list)
        for owner, customer_id, created_at in await pipeline_rows.deals_created_by(session, chunk):
            created[(owner, customer_id)].append(created_at)
        window = timedelta(days=CONVERSION_DAYS)
        for user_id, customer_id, status, occurred_at in await visit_rows.visits_of(session, chunk):
            d = days[(user_id, _local(occurred_at, zone))]
            d["visits"] += 1
            if status in ("verified", "approved", "flagged", "rejected"):
                d[status] += 1
            if status in COUNTED and any(occurred_at <= at <= occurred_at + window for at in created.get((user_id, customer_id), ())):
                d["converted"] += 1
        for user_id, kind, occurred_at in await pipeline_rows.activities_of(session, chunk):
            activity[(user_id, _local(occurred_at, zone), kind)] += 1
        for table in (PersonDay, ActivityDay):
            await session.execute(delete(table).where(table.user_id.in_(chunk)))
    person_rows = [
        {"user_id": uid, "day": day, "org_id": org_id, **{k: d.get(k, 0) for k in ("visits", "verified", "approved", "flagged", "rejected", "converted")}}
        for (uid, day), d in days.items()
    ]
    activity_rows = [{"user_id": uid, "day": day, "kind": kind, "org_id": org_id, "count": n} for (uid, day, kind), n in activity.items()]
    for table, rows in ((PersonDay, person_rows), (ActivityDay, activity_rows)):
        for start in range(0, len(rows), BATCH):
            await session.execute(insert(table), rows[start:start + BATCH])


async def rebuild_org(env: Env, org_id: int) -> int:
    """Every customer's and person's rollups of an org from the source tables; the number of customers."""
    async with env.db() as session:
        zone = await orgs.org_time_zone(session, org_id)
        customer_ids = await customer_records.ids_of_org(session, org_id)
    # The people of the org, active or not: their history counts.
    people = sorted(await org_people.directory(env, org_id))
    for chunk in _chunks(customer_ids):
        async with transaction(env.db) as tx:
            await recompute_customers(tx.session, org_id, chunk, zone)
    for chunk in _chunks(people):
        async with transaction(env.db) as tx:
            await recompute_people(tx.session, org_id, chunk, zone)
    return len(customer_ids)


# ---------------------------------------------------------------- handlers


async def _customers(env: Env, org_id: int, customer_ids: Iterable[int | None], user_ids: Iterable[int | None] = ()) -> None:
    async with transaction(env.db) as tx:
        zone = await orgs.org_time_zone(tx.session, org_id)
        await recompute_customers(tx.session, org_id, [c for c in customer_ids if c is not None], zone)
        await recompute_people(tx.session, org_id, [u for u in user_ids if u is not None], zone)


async def on_deal_changed(env: Env, event: DealChanged) -> None:
    """Handler: every create, edit, move, win, loss and reversal re-derives the deal's customer (its revenue, margin
    and lines) and its owner's days (a new deal converts their visits to that customer)."""
    async with env.db() as session:
        customer_id = await pipeline_customers.customer_of_deal(session, event.id)
    await _customers(env, event.org_id, [customer_id], [event.owner])


async def on_money(env: Env, event: OrderRecorded | PaymentRecorded) -> None:
    """Handler: an order, a payment or a refund re-derives the deal's customer (orders, collections, signals)."""
    async with env.db() as session:
        customer_id = await pipeline_customers.customer_of_deal(session, event.deal)
    await _customers(env, event.org_id, [customer_id])


async def on_person_event(env: Env, event: VisitVerified | VisitChanged | VisitReviewed | ActivityLogged) -> None:
    """Handler: a person's visits or activities moved: their days are re-derived."""
    await _customers(env, event.org_id, [], [event.user])


async def on_customers_merged(env: Env, event: CustomersMerged) -> None:
    """Handler: the duplicates' deals, orders and payments now belong to the survivor."""
    await _customers(env, event.org_id, [event.survivor, *event.merged])


async def on_import(env: Env, event: DomainEvent) -> None:
    """Handler of an import's commit or undo (imports sit above analytics, so app.py names the events): history
    written in bulk re-derives the whole org."""
    await rebuild_org(env, event.org_id)
