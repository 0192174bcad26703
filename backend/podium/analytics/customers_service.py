"""Customers: value tiers and RFM within a node's customers, churn risk with its reasons, region saturation."""

from __future__ import annotations

import calendar
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import CTE, BigInteger, ColumnElement, cast, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from podium.analytics.contribution import TierSum
from podium.analytics.customers_common import Asked, ask, buying_total, check_page, in_months, ratio, region_units, unit_customers, unit_revenue
from podium.analytics.customers_models import CustomerMonth, CustomerSignal
from podium.analytics.ranking import SCORES, Tier, cents, money, page_of, ranked, tier_sums
from podium.core.env import Env
from podium.core.policies import Viewer
from podium.db.base import UTCDateTime
from podium.customers import service as customers
from podium.customers import scoped as scoped_customers
from podium.orgs import service as orgs
from podium.targets.service import Node

ZERO = Decimal(0)


class Dimension(StrEnum):
    RECENCY = "recency"
    FREQUENCY = "frequency"
    MONETARY = "monetary"


@dataclass(frozen=True)
class RfmCustomer:
    customer_id: int
    name: str
    owner_id: int | None
    revenue: Decimal
    deals: int
    last_won_at: datetime | None
    recency_days: int
    recency: int
    frequency: int
    monetary: int
    tier: Tier


@dataclass(frozen=True)
class ScoreCount:
    dimension: Dimension
    score: int
    customers: int


@dataclass(frozen=True)
class CustomerValue:
    asked: Asked
    customers: int
    buying: int
    revenue: Decimal
    previous_buying: int
    previous_revenue: Decimal
    last_year_buying: int
    last_year_revenue: Decimal
    tiers: list[TierSum]
    scores: list[ScoreCount]
    items: list[RfmCustomer]
    has_more: bool


def _days_since(last: ColumnElement[datetime], reference: datetime, dialect: str) -> ColumnElement[int]:
    """Whole days from `last` to `reference` (0 when later or never), exactly as Python's timedelta.days counts
    them: PostgreSQL subtracts timestamps; SQLite keeps them as 'YYYY-MM-DD HH:MM:SS.ffffff' text in UTC, read as
    whole seconds and microseconds so that no float decides a day boundary."""
    if dialect == "postgresql":
        days = cast(func.floor(func.extract("epoch", literal(reference, UTCDateTime()) - last) / 86400), BigInteger)
        return func.coalesce(func.greatest(0, days), 0)
    seconds = cast(func.strftime("%s", func.substr(last, 1, 19)), BigInteger)
    micros = cast(func.substr(last, 21, 6), BigInteger)
    delta = (literal(calendar.timegm(reference.utctimetuple()), BigInteger) - seconds) * 1_000_000 + (literal(reference.microsecond, BigInteger) - micros)
    return func.coalesce(func.max(0, delta // 86_400_000_000), 0)


def _rfm(asked: Asked, reference: datetime, dialect: str) -> CTE:
    """The node's buying customers in the period, ranked and tiered by revenue, scored 1–5 on recency (days since
    their last win, fewer is better), frequency (wins) and monetary (revenue) by rank among themselves."""
    revenue = cents(func.sum(CustomerMonth.revenue))
    bought = (
        select(CustomerMonth.customer_id.label("id"), revenue.label("cents"), func.sum(CustomerMonth.deals_won).label("deals"),
               func.max(CustomerMonth.last_won_at).label("last"))
        .where(CustomerMonth.org_id == asked.org_id, *in_months(asked.periods.current, CustomerMonth.month), *asked.of_node(CustomerMonth.customer_id))
        .group_by(CustomerMonth.customer_id).having(func.sum(CustomerMonth.deals_won) > 0)
    ).subquery()
    items = select(*bought.c, _days_since(bought.c.last, reference, dialect).label("days")).subquery()
    # rank(): equal values share the rank of the first of them, hence the score.
    windows = [
        func.rank().over(order_by=items.c.days.desc()).label("recency_rank"),
        func.rank().over(order_by=items.c.deals).label("frequency_rank"),
        func.rank().over(order_by=items.c.cents).label("monetary_rank"),
    ]
    return ranked(items, [items.c.id], *windows, derived=[d.value for d in Dimension])


async def customer_value(env: Env, viewer: Viewer, node: Node | None, period_key: str | None, *, first: int = 50, offset: int = 0) -> CustomerValue:
    """The node's buying customers in the period, tiered ABC by revenue and scored RFM among themselves: recency
    from their last win to the period's end (or now), frequency their wins, monetary their revenue. Ranked,
    scored and counted by the database: only the page comes back."""
    check_page(first, offset)
    now = env.clock()
    async with env.db() as session:
        asked = await ask(session, viewer, node, period_key, now)
        _, end = asked.periods.current.bounds(asked.scope.calendar.time_zone)
        reference = min(now, end)
        owned = await scoped_customers.count(session, asked.org_id, asked.owners)
        dims = [d.value for d in Dimension]
        page = await page_of(session, _rfm(asked, reference, session.get_bind().dialect.name), ["id", "deals", "last", *dims],
                             first=first, offset=offset, grouped=dims)
        previous = await buying_total(session, asked, asked.periods.previous)
        last_year = await buying_total(session, asked, asked.periods.last_year)
        ids = [int(r.id) for r in page.rows]
        names = await customers.names_of(session, asked.org_id, set(ids))
        owners = await scoped_customers.owners_of(session, ids)
    counted: dict[Dimension, Counter[int]] = {d: Counter() for d in Dimension}
    for g in page.groups:
        for d, value in zip(Dimension, g.grouped, strict=True):
            counted[d][int(value)] += g.items
    scores = [ScoreCount(dim, score, counted[dim][score]) for dim in Dimension for score in range(1, SCORES + 1)]
    sums = [TierSum(t, n, revenue, ratio(revenue, page.total)) for t, (n, revenue) in tier_sums(page.groups).items()]
    items = [
        RfmCustomer(int(r.id), names.get(int(r.id), ""), owners.get(int(r.id)), money(r.cents), int(r.deals), r.last,
                    max(0, (reference - r.last).days) if r.last else 0, int(r.recency), int(r.frequency), int(r.monetary), Tier(r.tier))
        for r in page.rows
    ]
    return CustomerValue(
        asked, owned, page.count, page.total, *previous, *last_year, sums, scores, items, page.count > offset + first,
    )


# ---------------------------------------------------------------- churn risk


class Reason(StrEnum):
    # The next order is later than half again the customer's own median buying interval.
    OVERDUE = "overdue"
    # The latest orders' mean value is under 80 % of the orders' just before.
    FALLING_ORDER_VALUE = "falling_order_value"
    # No counted visit for N days (PODIUM_VISIT_AT_RISK_DAYS), or never.
    NO_VISIT = "no_visit"


@dataclass(frozen=True)
class RiskReason:
    code: Reason
    days: int | None = None  # since the last order or the last visit (None: never visited)
    usual_days: int | None = None  # the buying interval
    recent_average: Decimal | None = None
    earlier_average: Decimal | None = None


@dataclass(frozen=True)
class AtRisk:
    customer_id: int
    name: str
    owner_id: int | None
    owner_name: str | None
    lifetime_revenue: Decimal
    last_order_at: datetime | None
    last_visit_at: datetime | None
    reasons: list[RiskReason] = field(default_factory=list)


@dataclass(frozen=True)
class ChurnRisk:
    asked: Asked
    no_visit_days: int
    total: int
    items: list[AtRisk]
    has_more: bool


def _reasons(now: datetime, no_visit_days: int, row: Any) -> list[RiskReason]:
    found = []
    if row.overdue_from is not None and row.overdue_from <= now:
        found.append(RiskReason(Reason.OVERDUE, days=(now - row.last_order_at).days, usual_days=row.interval_days))
    if row.falling:
        found.append(RiskReason(Reason.FALLING_ORDER_VALUE, recent_average=row.recent_average, earlier_average=row.earlier_average))
    if row.last_visit_at is None or row.last_visit_at < now - timedelta(days=no_visit_days):
        found.append(RiskReason(Reason.NO_VISIT, days=None if row.last_visit_at is None else (now - row.last_visit_at).days))
    return found


async def churn_risk(env: Env, viewer: Viewer, node: Node | None, *, first: int = 50, offset: int = 0) -> ChurnRisk:
    """Customers that have bought and now show a reason to worry, most valuable first, as of now."""
    check_page(first, offset)
    now = env.clock()
    no_visit_days = env.settings.visits.at_risk_days
    async with env.db() as session:
        asked = await ask(session, viewer, node, None, now)
        c = scoped_customers.owned(asked.org_id, asked.owners).subquery()
        where = [
            c.c.lifetime_revenue > 0,
            or_(CustomerSignal.overdue_from <= now, CustomerSignal.falling.is_(True), c.c.last_visit_at.is_(None),
                c.c.last_visit_at < now - timedelta(days=no_visit_days)),
        ]
        joined = c.outerjoin(CustomerSignal, CustomerSignal.customer_id == c.c.id)
        total = await session.scalar(select(func.count()).select_from(joined).where(*where)) or 0
        rows = (await session.execute(
            select(c.c.id, c.c.name, c.c.owner_id, c.c.lifetime_revenue, c.c.last_visit_at,
                   CustomerSignal.last_order_at, CustomerSignal.interval_days, CustomerSignal.overdue_from, CustomerSignal.falling,
                   CustomerSignal.recent_average, CustomerSignal.earlier_average)
            .select_from(joined).where(*where)
            .order_by(c.c.lifetime_revenue.desc(), c.c.id).offset(offset).limit(first)
        )).all()
        people = await orgs.people_named(session, {r.owner_id for r in rows if r.owner_id is not None})
    items = [
        AtRisk(r.id, r.name, r.owner_id, people[r.owner_id].name if r.owner_id in people else None, r.lifetime_revenue,
               r.last_order_at, r.last_visit_at, _reasons(now, no_visit_days, r))
        for r in rows
    ]
    return ChurnRisk(asked, no_visit_days, total, items, total > offset + first)


# ---------------------------------------------------------------- saturation


@dataclass(frozen=True)
class Saturation:
    unit_id: int
    label: str
    customers: int
    buying: int
    customers_potential: Decimal
    revenue: Decimal
    previous: Decimal
    last_year: Decimal
    potential: Decimal | None  # the unit's yearly market potential
    period_potential: Decimal | None  # its share for the period (months / 12)
    penetration: Decimal | None  # revenue over the period's potential


@dataclass(frozen=True)
class Saturations:
    asked: Asked
    items: list[Saturation]


async def saturation(env: Env, viewer: Viewer, node: Node | None, period_key: str | None) -> Saturations:
    """Per unit directly under the node: its customers, buyers and revenue against its market potential, grouped
    by unit in the database."""
    async with env.db() as session:
        asked = await ask(session, viewer, node, period_key, env.clock())
        owned = await unit_customers(session, asked)
        periods = asked.periods
        figures = [await unit_revenue(session, asked, p) for p in (periods.current, periods.previous, periods.last_year)]
    months = len(asked.scope.calendar.months(periods.current))
    items = []
    for unit_id in region_units(asked):
        unit = asked.scope.tree.units[unit_id]
        revenue, previous, last_year = (f.get(unit_id, (ZERO, 0))[0] for f in figures)
        customers_count, potential = owned.get(unit_id, (0, ZERO))
        period_potential = (unit.potential * months / 12).quantize(Decimal("0.01")) if unit.potential is not None else None
        items.append(Saturation(
            unit_id, unit.name, customers_count, figures[0].get(unit_id, (ZERO, 0))[1], potential,
            revenue, previous, last_year, unit.potential, period_potential, ratio(revenue, period_potential) if period_potential else None,
        ))
    return Saturations(asked, items)
