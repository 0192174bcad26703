"""What a period credits to whom, shaped into the engine's inputs from a few set-based reads.

A deal's credit goes to its owner, or to the people of its credit split by their percentages;
each person's share of every amount comes from `split()`, so the shares add up to the deal exactly.
The rows come from the pipeline's and customers' read functions; only the splits are ours.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from podium.compensation.engine import Collection, Credit, NewCustomer
from podium.compensation.models import CreditSplit
from podium.customers import service as customers
from podium.db.rows import fetch_rows
from podium.pipeline import ledger as deals
from podium.pipeline.ledger import LineRow, OwnerFilter
from podium.targets.split import split

HUNDRED = Decimal(100)
ZERO = Decimal(0)


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


@dataclass(frozen=True)
class Payees:
    """Whose credit a read is for: some people, or everyone."""

    ids: frozenset[int] | None = None  # None: everyone

    def has(self, user_id: int) -> bool:
        return self.ids is None or user_id in self.ids

    @property
    def everyone(self) -> bool:
        return self.ids is None

    def owner_filter(self, column: ColumnElement[int]) -> ColumnElement[bool]:
        assert self.ids is not None
        return column.in_(self.ids)

    def split_deals(self) -> Select[tuple[int]] | None:
        """Deals shared with one of these people through a credit split."""
        return None if self.everyone else select(CreditSplit.deal_id).where(self.owner_filter(CreditSplit.user_id))

    @property
    def owners(self) -> OwnerFilter | None:
        return None if self.everyone else self.owner_filter


EVERYONE = Payees()


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
    payees: Payees,
    rollup_units: set[int] = frozenset(),  # type: ignore[assignment]
    *,
    labels: bool = True,
    margins: bool = True,
) -> PeriodData:
    """Credits, collections and new customers in [start, end) for the payees asked about."""
    tz = ZoneInfo(zone)
    data = PeriodData()
    deal_ids = deals.won_deal_ids(org_id, start, end, owners=payees.owners, also=payees.split_deals(), teams=rollup_units)
    splits = await _splits(session, deal_ids)
    lines = await deals.deal_lines(session, deal_ids)
    # In time order: the engine sorts each payee's lines by time, and sorted input sorts in one pass.
    rows = await deals.deal_rows(session, deal_ids, titles=labels, margins=margins)
    credits = data.credits
    # Days are worked out only if a SPIFF asks (Inputs.day_of): most months' lines never need one.
    day = None
    make, split_of, lines_of = Credit, splits.get, lines.get
    everyone, has = payees.everyone, payees.has
    for deal_id, owner_id, team_id, title, amount, margin, closed_at in rows:
        if margin is None:
            margin = ZERO
        deal_split = split_of(deal_id)
        deal_lines = lines_of(deal_id)
        if deal_split is None and deal_lines is None:
            # The common case, kept short: one line, all of it to the owner.
            if everyone or has(owner_id):
                credits[owner_id].append(make(f"deal:{deal_id}", deal_id, title, closed_at, day, amount, margin, "", ZERO, HUNDRED, team_id))
        else:
            deal_lines = deal_lines or [LineRow(0, amount, margin, "", ZERO)]
            for line in deal_lines:
                ref = f"deal:{deal_id}" if len(deal_lines) == 1 else f"deal:{deal_id}/{line.position + 1}"
                revenue = shares(line.revenue, deal_split, owner_id, places)
                margins = shares(line.margin, deal_split, owner_id, places)
                for uid, part in revenue.items():
                    if everyone or has(uid):
                        percent = deal_split[uid] if deal_split else HUNDRED
                        credits[uid].append(Credit(
                            ref, deal_id, title, closed_at, day, part, margins[uid], line.product_line,
                            line.quantity * percent / HUNDRED, percent, team_id,
                        ))
        if team_id is not None and team_id in rollup_units:
            data.team_credits[team_id].append(Credit(
                f"deal:{deal_id}", deal_id, title, closed_at, day, amount, margin, "", ZERO, HUNDRED, team_id, owner_id,
            ))

    await _collections(session, data, org_id, start, end, places, payees)
    await _new_customers(session, data, org_id, start, end, tz, payees)
    return data


async def _splits(session: AsyncSession, deal_ids: Select[tuple[int]]) -> dict[int, dict[int, Decimal]]:
    found: dict[int, dict[int, Decimal]] = defaultdict(dict)
    query = select(CreditSplit.deal_id, CreditSplit.user_id, CreditSplit.percent).where(CreditSplit.deal_id.in_(deal_ids.scalar_subquery()))
    for deal_id, user_id, percent in await fetch_rows(session, query):
        found[deal_id][user_id] = percent
    return found


async def _collections(
    session: AsyncSession, data: PeriodData, org_id: int, start: datetime, end: datetime, places: int, payees: Payees
) -> None:
    """Payments and refunds in the period on deals credited to the people asked about."""
    deal_ids = deals.paid_deal_ids(org_id, start, end, owners=payees.owners, also=payees.split_deals())
    found = {row[0]: row for row in await deals.deal_rows(session, deal_ids)}
    if not found:
        return
    splits = await _splits(session, deal_ids)
    lines = await deals.deal_lines(session, deal_ids)
    before = await deals.collected_before(session, deal_ids, start)
    running: dict[tuple[int, int], Decimal] = {}
    for pid, deal_id, amount, at, refund_of, original_amount, original_at in await deals.payment_rows(session, org_id, start, end, deal_ids):
        _, owner_id, _, title, deal_amount, _, closed_at = found[deal_id]
        deal_split = splits.get(deal_id)
        product_lines = {line.product_line for line in lines.get(deal_id, [])}
        product_line = product_lines.pop() if len(product_lines) == 1 else ""
        revenue = shares(deal_amount, deal_split, owner_id, places)
        paid = shares(amount, deal_split, owner_id, places)
        prior = shares(before.get(deal_id, ZERO), deal_split, owner_id, places)
        first = shares(original_amount, deal_split, owner_id, places) if refund_of is not None else {}
        for uid, part in paid.items():
            if not payees.has(uid):
                continue
            collected_before = running.get((uid, deal_id), prior.get(uid, ZERO))
            running[(uid, deal_id)] = collected_before + part
            data.collections[uid].append(Collection(
                ref=f"payment:{pid}", payment_id=pid, deal_id=deal_id, label=title, at=at, amount=part,
                deal_revenue=revenue.get(uid, ZERO), collected_before=collected_before, product_line=product_line,
                refund_of=refund_of, original_amount=first.get(uid, ZERO),
            ))
            if closed_at is not None and closed_at < start:
                data.earlier_deals[uid][deal_id] = closed_at
            if refund_of is not None and original_at is not None and original_at < start:
                data.earlier_payments[uid][refund_of] = original_at


async def _new_customers(
    session: AsyncSession, data: PeriodData, org_id: int, start: datetime, end: datetime, tz: ZoneInfo, payees: Payees
) -> None:
    for cid, name, owner_id, created_at in await customers.created_between(session, org_id, start, end, payees.owners):
        data.new_customers[owner_id].append(
            NewCustomer(ref=f"customer:{cid}", label=name, at=created_at, day=created_at.astimezone(tz).date())
        )
