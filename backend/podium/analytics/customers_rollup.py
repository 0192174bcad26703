"""Keeping the customers-side rollups: re-derive a customer's months or a person's days from the source tables.

The rollups are the pipeline's and visits' rows (read through pipeline/customer_rows.py and visits/person_rows.py)
regrouped by local month and day. A handler re-derives only what its event can have changed, whole: the months of
the deal, order or payment (and the customer's churn signal), the day of the visit or activity (and, for a new deal,
the owner's days whose visits it may convert). Each such month or day is recomputed from every source row in it, so
a recompute stays absolute: a handler run again, late or after a later change writes the same rows. A rebuild
(`podium rebuild`, rebuild_org) re-derives everything in large batches. Both compare with the rows already kept and
write only those that differ (a restored backup's rebuild writes nothing), with one executemany per kind of change.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from podium.analytics.customers_models import ActivityDay, CustomerMonth, CustomerSignal, PersonDay, ProductMonth
from podium.core.env import Env
from podium.core.events import transaction
from podium.customers.events import CustomersMerged
from podium.orgs import people as org_people
from podium.orgs import service as orgs
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
# A rebuild's batch of customers or people: one transaction, a few queries and at most one executemany per change.
BATCH = 5000
ZERO = Decimal(0)
CENT = Decimal("0.01")
PERSON_COUNTS = ("visits", "verified", "approved", "flagged", "rejected", "converted")

Key = tuple[Any, ...]
Spans = list[tuple[datetime, datetime]]


def _local(at: datetime, zone: ZoneInfo) -> date:
    return at.astimezone(zone).date()


def _month(at: datetime, zone: ZoneInfo) -> date:
    return _local(at, zone).replace(day=1)


def _next_month(month: date) -> date:
    return (month + timedelta(days=32)).replace(day=1)


def _spans(firsts: Iterable[date], after: Callable[[date], date], zone: ZoneInfo) -> Spans:
    """UTC [start, end) spans of these local days or months (`after` gives the next one), touching ones joined."""
    spans: Spans = []
    for first in sorted(set(firsts)):
        start = datetime.combine(first, time(), zone).astimezone(UTC)
        end = datetime.combine(after(first), time(), zone).astimezone(UTC)
        if spans and spans[-1][1] == start:
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    return spans


def _chunks(ids: list[int], size: int = BATCH) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


async def _sync(session: AsyncSession, table: Any, key: tuple[str, ...], derived: dict[Key, dict[str, Any]], *covered: Any) -> int:
    """Make the kept rows the derivation covered (those `covered` selects) equal the derived ones, writing only the
    rows that differ: one executemany each for the deleted, inserted and changed rows. The number of rows written."""
    t = table.__table__
    kept = {tuple(r[c] for c in key): dict(r) for r in (await session.execute(select(*t.c).where(*covered))).mappings()}
    by_key = {c: bindparam(f"k_{c}") for c in key}
    gone = [{f"k_{c}": v for c, v in zip(key, k)} for k in kept.keys() - derived.keys()]
    added = [row for k, row in derived.items() if k not in kept]
    changed = [{**row, **{f"k_{c}": row[c] for c in key}} for k, row in derived.items() if k in kept and kept[k] != row]
    if gone:
        await session.execute(delete(t).where(*(t.c[c] == p for c, p in by_key.items())), gone)
    if added:
        await session.execute(insert(t), added)
    if changed:
        values = {c.name: bindparam(c.name) for c in t.c if c.name not in key}
        await session.execute(update(t).where(*(t.c[c] == p for c, p in by_key.items())).values(values), changed)
    return len(gone) + len(added) + len(changed)


# ---------------------------------------------------------------- customers


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


async def _derive_customers(session: AsyncSession, ids: list[int], zone: ZoneInfo, within: Spans | None) -> dict[int, _Customer]:
    found: dict[int, _Customer] = defaultdict(_Customer)
    for customer_id, amount, margin, closed_at in await pipeline_rows.won_deals_of(session, ids, within):
        m = found[customer_id].months[_month(closed_at, zone)]
        m.revenue += amount
        m.margin += margin or ZERO
        m.deals_won += 1
        m.last_won_at = closed_at if m.last_won_at is None else max(m.last_won_at, closed_at)
    for customer_id, closed_at, product_id, quantity, price, cost in await pipeline_rows.won_lines_of(session, ids, within):
        line = found[customer_id].lines[(product_id, _month(closed_at, zone))]
        line.revenue += quantity * price
        line.margin += quantity * (price - cost)
        line.quantity += quantity
    for customer_id, amount, ordered_at in await pipeline_rows.orders_of(session, ids, within):
        c = found[customer_id]
        m = c.months[_month(ordered_at, zone)]
        m.orders += 1
        m.order_amount += amount
        c.orders.append((ordered_at, amount))
    for customer_id, amount, collected_at in await pipeline_rows.payments_of(session, ids, within):
        found[customer_id].months[_month(collected_at, zone)].collections += amount
    return found


def _signal(org_id: int, customer_id: int, orders: list[tuple[datetime, Decimal]]) -> dict[str, Any]:
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
        falling = bool(earlier_avg > 0 and recent_avg < earlier_avg * FALLING_BELOW)
    return {"customer_id": customer_id, "org_id": org_id, "last_order_at": last, "interval_days": interval, "overdue_from": overdue,
            "recent_average": recent_avg, "earlier_average": earlier_avg, "falling": falling}


async def recompute_customers(
    session: AsyncSession, org_id: int, customer_ids: Iterable[int], time_zone: str, months: Iterable[date] | None = None, *, signals: bool = True,
) -> int:
    """Make these customers' months (only these local months, when given: first days), product months and (with
    `signals`) churn signals what the source tables give now; the number of rows written."""
    ids = sorted(set(customer_ids))
    if not ids:
        return 0
    zone = ZoneInfo(time_zone)
    firsts = None if months is None else sorted(set(months))
    within = None if firsts is None else _spans(firsts, _next_month, zone)
    found = await _derive_customers(session, ids, zone, within) if within != [] else {}
    month_rows = {
        (cid, month): {"customer_id": cid, "month": month, "org_id": org_id, "revenue": m.revenue, "margin": m.margin, "deals_won": m.deals_won,
                       "last_won_at": m.last_won_at, "orders": m.orders, "order_amount": m.order_amount, "collections": m.collections}
        for cid, c in found.items() for month, m in c.months.items()
    }
    line_rows = {
        (cid, pid, month): {"customer_id": cid, "product_id": pid, "month": month, "org_id": org_id, "revenue": line.revenue.quantize(CENT),
                            "margin": line.margin.quantize(CENT), "quantity": line.quantity}
        for cid, c in found.items() for (pid, month), line in c.lines.items()
    }
    in_months = [] if firsts is None else [CustomerMonth.month.in_(firsts)]
    written = await _sync(session, CustomerMonth, ("customer_id", "month"), month_rows, CustomerMonth.customer_id.in_(ids), *in_months)
    in_months = [] if firsts is None else [ProductMonth.month.in_(firsts)]
    written += await _sync(session, ProductMonth, ("customer_id", "product_id", "month"), line_rows, ProductMonth.customer_id.in_(ids), *in_months)
    if signals:
        if within is not None:
            # The signal reads the customer's whole order history: one indexed query, no month row rewritten.
            found = defaultdict(_Customer)
            for customer_id, amount, ordered_at in await pipeline_rows.orders_of(session, ids):
                found[customer_id].orders.append((ordered_at, amount))
        # A customer with no orders has no signal row (the churn list reads signals through an outer join), so a
        # rebuild writes exactly the rows the handlers wrote: a restored backup stays row for row.
        signal_rows = {(cid,): _signal(org_id, cid, found[cid].orders) for cid in ids if cid in found and found[cid].orders}
        written += await _sync(session, CustomerSignal, ("customer_id",), signal_rows, CustomerSignal.customer_id.in_(ids))
    return written


# ---------------------------------------------------------------- people


async def recompute_people(session: AsyncSession, org_id: int, user_ids: Iterable[int], time_zone: str) -> int:
    """Make these people's every visit day and activity day what the source tables give now (a rebuild, or an event
    that does not say which day changed); the number of rows written."""
    ids = sorted(set(user_ids))
    if not ids:
        return 0
    created: dict[tuple[int, int], list[datetime]] = defaultdict(list)
    for owner, customer_id, created_at in await pipeline_rows.deals_created_by(session, ids):
        created[(owner, customer_id)].append(created_at)
    visits = await visit_rows.visits_of(session, ids)
    activities = await pipeline_rows.activities_of(session, ids)
    return await _write_days(session, org_id, ids, None, ZoneInfo(time_zone), visits, created, activities)


async def recompute_person_days(
    session: AsyncSession, org_id: int, user_id: int, days: Iterable[date], time_zone: str, *, activities: bool = True,
) -> int:
    """Make these local days of one person's visit days (and, with `activities`, activity days) what the source
    tables give now, reading only those days' rows (and the deals that may convert them); the number of rows written."""
    days = sorted(set(days))
    if not days:
        return 0
    zone = ZoneInfo(time_zone)
    within = _spans(days, lambda d: d + timedelta(days=1), zone)
    visits = await visit_rows.visits_of(session, [user_id], within)
    created: dict[tuple[int, int], list[datetime]] = defaultdict(list)
    counted = [(customer_id, at) for _, customer_id, status, at in visits if status in COUNTED]
    if counted:
        start, end = min(at for _, at in counted), max(at for _, at in counted) + timedelta(days=CONVERSION_DAYS)
        for owner, customer_id, created_at in await pipeline_rows.deals_created_on(session, user_id, sorted({c for c, _ in counted}), start, end):
            created[(owner, customer_id)].append(created_at)
    logged = await pipeline_rows.activities_of(session, [user_id], within, org_id=org_id) if activities else None
    return await _write_days(session, org_id, [user_id], days, zone, visits, created, logged)


async def _write_days(
    session: AsyncSession, org_id: int, user_ids: list[int], days: list[date] | None, zone: ZoneInfo,
    visits: list[tuple[int, int, str, datetime]], created: dict[tuple[int, int], list[datetime]], activities: list[tuple[int, str, datetime]] | None,
) -> int:
    """Write the visit days (and the activity days, unless None: left as they are) these rows give."""
    counts: dict[tuple[int, date], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    window = timedelta(days=CONVERSION_DAYS)
    for user_id, customer_id, status, occurred_at in visits:
        d = counts[(user_id, _local(occurred_at, zone))]
        d["visits"] += 1
        if status in ("verified", "approved", "flagged", "rejected"):
            d[status] += 1
        if status in COUNTED and any(occurred_at <= at <= occurred_at + window for at in created.get((user_id, customer_id), ())):
            d["converted"] += 1
    person_rows = {(uid, day): {"user_id": uid, "day": day, "org_id": org_id, **{k: d.get(k, 0) for k in PERSON_COUNTS}} for (uid, day), d in counts.items()}
    on_days = [] if days is None else [PersonDay.day.in_(days)]
    written = await _sync(session, PersonDay, ("user_id", "day"), person_rows, PersonDay.user_id.in_(user_ids), *on_days)
    if activities is None:
        return written
    kinds: dict[tuple[int, date, str], int] = defaultdict(int)
    for user_id, kind, occurred_at in activities:
        kinds[(user_id, _local(occurred_at, zone), kind)] += 1
    activity_rows = {(uid, day, kind): {"user_id": uid, "day": day, "kind": kind, "org_id": org_id, "count": n} for (uid, day, kind), n in kinds.items()}
    on_days = [] if days is None else [ActivityDay.day.in_(days)]
    written += await _sync(session, ActivityDay, ("user_id", "day", "kind"), activity_rows, ActivityDay.user_id.in_(user_ids), *on_days)
    return written


# ---------------------------------------------------------------- rebuild


async def _with_rollups(session: AsyncSession, org_id: int) -> list[int]:
    found: set[int] = set()
    for table in (CustomerMonth, ProductMonth, CustomerSignal):
        found.update(await session.scalars(select(table.customer_id).where(table.org_id == org_id).distinct()))
    return sorted(found)


async def rebuild_org(env: Env, org_id: int) -> int:
    """Every customer's and person's rollups of an org from the source tables, writing only the rows that differ;
    the number of customers."""
    async with env.db() as session:
        zone = await orgs.org_time_zone(session, org_id)
        # Only customers with deals can have figures, and those with figures now may have lost them (an undone
        # import): a customers-only import of 100,000 rows re-derives nobody.
        customer_ids = sorted(set(await pipeline_rows.customers_with_deals(session, org_id)) | set(await _with_rollups(session, org_id)))
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


def _days_converted_by(created_at: datetime, zone: ZoneInfo) -> list[date]:
    """The local days whose visits a deal created then may convert (those up to 30 days before it)."""
    first, last = _local(created_at - timedelta(days=CONVERSION_DAYS), zone), _local(created_at, zone)
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


async def on_deal_changed(env: Env, event: DealChanged) -> None:
    """Handler: a create, edit, move, win, loss or reversal re-derives the month the deal closed in (its revenue,
    margin and lines; a reversal keeps the closing moment) and its owner's days up to 30 days before the deal was
    created (a new deal converts their visits to that customer)."""
    async with transaction(env.db) as tx:
        time_zone = await orgs.org_time_zone(tx.session, event.org_id)
        zone = ZoneInfo(time_zone)
        found = await pipeline_rows.deal_moments(tx.session, event.id)
        if found is None:  # gone since: its owner's conversions are re-derived whole
            await recompute_people(tx.session, event.org_id, [event.owner], time_zone)
            return
        customer_id, owner, created_at, closed_at = found
        months = [] if closed_at is None else [_month(closed_at, zone)]
        await recompute_customers(tx.session, event.org_id, [customer_id], time_zone, months, signals=False)
        for person in sorted({owner, event.owner}):
            await recompute_person_days(tx.session, event.org_id, person, _days_converted_by(created_at, zone), time_zone, activities=False)


async def on_money(env: Env, event: OrderRecorded | PaymentRecorded) -> None:
    """Handler: an order re-derives its month and the customer's churn signal; a payment or a refund its month (an
    event stored before it named its payment re-derives the customer whole)."""
    async with transaction(env.db) as tx:
        time_zone = await orgs.org_time_zone(tx.session, event.org_id)
        found = await pipeline_rows.deal_moments(tx.session, event.deal)
        if found is None:
            return
        customer_id = found[0]
        if isinstance(event, OrderRecorded):
            at = await pipeline_rows.order_moment(tx.session, event.order)
        else:
            at = event.collected_at or (await pipeline_rows.payment_moment(tx.session, event.payment) if event.payment is not None else None)
        months = None if at is None else [_month(at, ZoneInfo(time_zone))]
        await recompute_customers(tx.session, event.org_id, [customer_id], time_zone, months, signals=months is None or isinstance(event, OrderRecorded))


async def _moment_of(session: AsyncSession, event: VisitVerified | VisitChanged | VisitReviewed | ActivityLogged) -> datetime | None:
    if isinstance(event, ActivityLogged):
        return None if event.activity is None else await pipeline_rows.activity_moment(session, event.activity)
    if isinstance(event, VisitVerified) and event.occurred_at is not None:
        return event.occurred_at
    return None if event.visit is None else await visit_rows.visit_moment(session, event.visit)


async def on_person_event(env: Env, event: VisitVerified | VisitChanged | VisitReviewed | ActivityLogged) -> None:
    """Handler: a visit or an activity changed: the day it belongs to is re-derived (a check-in never moves: a
    review or a check-out changes its visit's own day). An event stored before it named its visit or activity, or
    whose visit is gone, re-derives the person's days whole."""
    async with transaction(env.db) as tx:
        time_zone = await orgs.org_time_zone(tx.session, event.org_id)
        at = await _moment_of(tx.session, event)
        if at is None:
            await recompute_people(tx.session, event.org_id, [event.user], time_zone)
        else:
            await recompute_person_days(tx.session, event.org_id, event.user, [_local(at, ZoneInfo(time_zone))], time_zone)


async def on_customers_merged(env: Env, event: CustomersMerged) -> None:
    """Handler: the duplicates' deals, orders and payments now belong to the survivor: all of them re-derived whole."""
    async with transaction(env.db) as tx:
        time_zone = await orgs.org_time_zone(tx.session, event.org_id)
        await recompute_customers(tx.session, event.org_id, [event.survivor, *event.merged], time_zone)
