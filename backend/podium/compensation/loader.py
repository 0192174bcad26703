"""What a period credits to whom, read in a few set-based queries and shaped into the engine's inputs.

A deal's credit goes to its owner, or to the people of its credit split by their percentages;
each person's share of every amount comes from `split()`, so the shares add up to the deal exactly.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from bisect import bisect_right
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from podium.compensation.engine import Collection, Credit, NewCustomer
from podium.compensation.models import CreditSplit
from podium.customers.models import Customer
from podium.db.rows import fetch_rows
from podium.pipeline.models import Deal, DealLine, Payment, Product
from podium.targets.split import split

WON = "won"
HUNDRED = Decimal(100)
ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class DealRow:
    id: int
    owner_id: int
    team_id: int | None
    title: str
    amount: Decimal
    margin: Decimal
    closed_at: datetime | None
    status: str


@dataclass(frozen=True, slots=True)
class LineRow:
    position: int
    revenue: Decimal
    margin: Decimal
    product_line: str
    quantity: Decimal


class LocalDays:
    """The local date of an instant in [start, end), by bisection over the local midnights (DST-safe)."""

    def __init__(self, start: datetime, end: datetime, tz: ZoneInfo) -> None:
        first = start.astimezone(tz).date()
        last = (end - timedelta(microseconds=1)).astimezone(tz).date()
        self.days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
        # As POSIX seconds: bisecting floats is several times faster than comparing datetimes.
        self.midnights = [datetime.combine(d, time(), tz).timestamp() for d in self.days]
        self.tz = tz

    def __call__(self, moment: datetime) -> date:
        index = bisect_right(self.midnights, moment.timestamp()) - 1
        return self.days[index] if 0 <= index < len(self.days) else moment.astimezone(self.tz).date()


@dataclass
class PeriodData:
    """Everything credited in one period, for the people asked about."""

    credits: dict[int, list[Credit]] = field(default_factory=lambda: defaultdict(list))
    collections: dict[int, list[Collection]] = field(default_factory=lambda: defaultdict(list))
    # Payments collected here on deals won before: (user, deal) → when the deal was won.
    earlier_deals: dict[int, dict[int, datetime]] = field(default_factory=lambda: defaultdict(dict))
    # Refunds here of payments collected before: (user, payment) → when that payment came in.
    earlier_payments: dict[int, dict[int, datetime]] = field(default_factory=lambda: defaultdict(dict))
    team_credits: dict[int, list[Credit]] = field(default_factory=lambda: defaultdict(list))  # by unit
    new_customers: dict[int, list[NewCustomer]] = field(default_factory=lambda: defaultdict(list))


def shares(amount: Decimal, split_of: Mapping[int, Decimal] | None, owner_id: int, places: int) -> dict[int, Decimal]:
    """Each credited person's part of an amount; negative amounts (refunds, losses) split like positive ones."""
    if not split_of:
        return {owner_id: amount}
    parts = split(abs(amount), split_of, places)
    return parts if amount >= 0 else {k: -v for k, v in parts.items()}


async def load_period(
    session: AsyncSession,
    org_id: int,
    start: datetime,
    end: datetime,
    zone: str,
    places: int,
    user_ids: set[int] | None,
    rollup_units: set[int] = frozenset(),  # type: ignore[assignment]
) -> PeriodData:
    """Credits, collections and new customers in [start, end) for `user_ids` (everyone when None)."""
    tz = ZoneInfo(zone)
    data = PeriodData()
    won_here = and_(Deal.org_id == org_id, Deal.status == WON, Deal.closed_at >= start, Deal.closed_at < end)
    deal_ids = _credited_deals(won_here, user_ids, rollup_units)
    splits = await _splits(session, deal_ids)
    lines = await _lines(session, deal_ids)
    rows = await fetch_rows(
        session,
        select(Deal.id, Deal.owner_id, Deal.team_id, Deal.title, Deal.amount, Deal.margin, Deal.closed_at)
        # In time order: the engine sorts each payee's lines by time, and sorted input sorts in one pass.
        .where(Deal.id.in_(deal_ids.scalar_subquery())).order_by(Deal.closed_at, Deal.id),
    )
    day_of = LocalDays(start, end, tz)
    credits = data.credits
    for deal_id, owner_id, team_id, title, amount, margin, closed_at in rows:
        day = day_of(closed_at)
        margin = margin if margin is not None else ZERO
        deal_split = splits.get(deal_id)
        deal_lines = lines.get(deal_id)
        if deal_split is None and deal_lines is None:
            # The common case, kept short: one line, all of it to the owner.
            if user_ids is None or owner_id in user_ids:
                credits[owner_id].append(Credit(f"deal:{deal_id}", deal_id, title, closed_at, day, amount, margin, "", ZERO, HUNDRED, team_id))
        else:
            deal_lines = deal_lines or [LineRow(0, amount, margin, "", ZERO)]
            for line in deal_lines:
                ref = f"deal:{deal_id}" if len(deal_lines) == 1 else f"deal:{deal_id}/{line.position + 1}"
                revenue = shares(line.revenue, deal_split, owner_id, places)
                margins = shares(line.margin, deal_split, owner_id, places)
                for uid, part in revenue.items():
                    if user_ids is None or uid in user_ids:
                        percent = deal_split[uid] if deal_split else HUNDRED
                        credits[uid].append(Credit(
                            ref, deal_id, title, closed_at, day, part, margins[uid], line.product_line,
                            line.quantity * percent / HUNDRED, percent, team_id,
                        ))
        if team_id is not None and team_id in rollup_units:
            data.team_credits[team_id].append(Credit(
                f"deal:{deal_id}", deal_id, title, closed_at, day, amount, margin, "", ZERO, HUNDRED, team_id, owner_id,
            ))

    await _collections(session, data, org_id, start, end, places, user_ids)
    await _new_customers(session, data, org_id, start, end, tz, user_ids)
    return data


def _credited_deals(won_here: object, user_ids: set[int] | None, rollup_units: Iterable[int]) -> Select[tuple[int]]:
    query = select(Deal.id).where(won_here)  # type: ignore[arg-type]
    if user_ids is None:
        return query
    split_deals = select(CreditSplit.deal_id).where(CreditSplit.user_id.in_(user_ids))
    who = or_(Deal.owner_id.in_(user_ids), Deal.id.in_(split_deals))
    units = list(rollup_units)
    if units:
        who = or_(who, Deal.team_id.in_(units))
    return query.where(who)


async def _deals(session: AsyncSession, deal_ids: Select[tuple[int]]) -> dict[int, DealRow]:
    rows = await session.execute(
        select(Deal.id, Deal.owner_id, Deal.team_id, Deal.title, Deal.amount, Deal.margin, Deal.closed_at, Deal.status)
        .where(Deal.id.in_(deal_ids.scalar_subquery()))
        .order_by(Deal.id)
    )
    return {
        int(i): DealRow(int(i), int(o), t, title, Decimal(a), Decimal(m if m is not None else 0), c, s)
        for i, o, t, title, a, m, c, s in rows
    }


async def _splits(session: AsyncSession, deal_ids: Select[tuple[int]]) -> dict[int, dict[int, Decimal]]:
    found: dict[int, dict[int, Decimal]] = defaultdict(dict)
    rows = await session.execute(
        select(CreditSplit.deal_id, CreditSplit.user_id, CreditSplit.percent).where(CreditSplit.deal_id.in_(deal_ids.scalar_subquery()))
    )
    for deal_id, user_id, percent in rows:
        found[int(deal_id)][int(user_id)] = Decimal(percent)
    return found


async def _lines(session: AsyncSession, deal_ids: Select[tuple[int]]) -> dict[int, list[LineRow]]:
    found: dict[int, list[LineRow]] = defaultdict(list)
    rows = await fetch_rows(
        session,
        select(DealLine.deal_id, DealLine.position, DealLine.quantity, DealLine.unit_price, DealLine.unit_cost, Product.line)
        .join(Product, Product.id == DealLine.product_id)
        .where(DealLine.deal_id.in_(deal_ids.scalar_subquery()))
        .order_by(DealLine.deal_id, DealLine.position),
    )
    cent = Decimal("0.01")
    for deal_id, position, quantity, price, cost, line in rows:
        revenue = (quantity * price).quantize(cent)
        found[deal_id].append(LineRow(position, revenue, revenue - (quantity * cost).quantize(cent), line or "", quantity))
    return found


async def _collections(
    session: AsyncSession, data: PeriodData, org_id: int, start: datetime, end: datetime, places: int, user_ids: set[int] | None
) -> None:
    """Payments and refunds in the period on deals credited to the people asked about."""
    here = and_(Payment.org_id == org_id, Payment.collected_at >= start, Payment.collected_at < end)
    deal_ids = select(Payment.deal_id).where(here)
    if user_ids is not None:
        split_deals = select(CreditSplit.deal_id).where(CreditSplit.user_id.in_(user_ids))
        deal_ids = deal_ids.where(or_(Payment.owner_id.in_(user_ids), Payment.deal_id.in_(split_deals)))
    deals = await _deals(session, deal_ids)
    if not deals:
        return
    splits = await _splits(session, deal_ids)
    lines = await _lines(session, deal_ids)
    before = dict(
        (int(d), Decimal(total))
        for d, total in await session.execute(
            select(Payment.deal_id, func.sum(Payment.amount))
            .where(Payment.deal_id.in_(deal_ids.scalar_subquery()), Payment.collected_at < start)
            .group_by(Payment.deal_id)
        )
    )
    original = aliased(Payment)
    rows = await session.execute(
        select(Payment.id, Payment.deal_id, Payment.amount, Payment.collected_at, Payment.refund_of_id, original.amount, original.collected_at)
        .outerjoin(original, original.id == Payment.refund_of_id)
        .where(here, Payment.deal_id.in_(deal_ids.scalar_subquery()))
        .order_by(Payment.collected_at, Payment.id)
    )
    running: dict[tuple[int, int], Decimal] = {}
    for pid, deal_id, amount, at, refund_of, original_amount, original_at in rows:
        deal = deals[int(deal_id)]
        deal_split = splits.get(deal.id)
        product_lines = {line.product_line for line in lines.get(deal.id, [])}
        product_line = product_lines.pop() if len(product_lines) == 1 else ""
        revenue = shares(deal.amount, deal_split, deal.owner_id, places)
        paid = shares(Decimal(amount), deal_split, deal.owner_id, places)
        prior = shares(before.get(deal.id, ZERO), deal_split, deal.owner_id, places)
        first = shares(Decimal(original_amount), deal_split, deal.owner_id, places) if refund_of is not None else {}
        for uid, part in paid.items():
            if user_ids is not None and uid not in user_ids:
                continue
            collected_before = running.get((uid, deal.id), prior.get(uid, ZERO))
            running[(uid, deal.id)] = collected_before + part
            data.collections[uid].append(Collection(
                ref=f"payment:{pid}", payment_id=int(pid), deal_id=deal.id, label=deal.title, at=at, amount=part,
                deal_revenue=revenue.get(uid, ZERO), collected_before=collected_before, product_line=product_line,
                refund_of=int(refund_of) if refund_of is not None else None, original_amount=first.get(uid, ZERO),
            ))
            if deal.closed_at is not None and deal.closed_at < start:
                data.earlier_deals[uid][deal.id] = deal.closed_at
            if refund_of is not None and original_at is not None and original_at < start:
                data.earlier_payments[uid][int(refund_of)] = original_at


async def _new_customers(
    session: AsyncSession, data: PeriodData, org_id: int, start: datetime, end: datetime, tz: ZoneInfo, user_ids: set[int] | None
) -> None:
    query = select(Customer.id, Customer.name, Customer.owner_id, Customer.created_at).where(
        Customer.org_id == org_id, Customer.owner_id.is_not(None), Customer.created_at >= start, Customer.created_at < end
    )
    if user_ids is not None:
        query = query.where(Customer.owner_id.in_(user_ids))
    for cid, name, owner_id, created_at in await session.execute(query.order_by(Customer.created_at, Customer.id)):
        data.new_customers[int(owner_id)].append(
            NewCustomer(ref=f"customer:{cid}", label=name, at=created_at, day=created_at.astimezone(tz).date())
        )
