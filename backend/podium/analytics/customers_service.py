"""Customers: value tiers and RFM within a node's customers, churn risk with its reasons, region saturation."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from podium.analytics.contribution import Tier, TierSum, region_units, tier_sums, tiers_of
from podium.analytics.customers_common import Asked, ask, buying_total, check_page, customer_revenue, owner_revenue, ratio
from podium.analytics.customers_models import CustomerMonth, CustomerSignal
from podium.core.env import Env
from podium.core.policies import Viewer
from podium.customers import service as customers
from podium.customers import scoped as scoped_customers
from podium.orgs import service as orgs
from podium.targets.service import Node

ZERO = Decimal(0)
SCORES = 5


class Dimension(StrEnum):
    RECENCY = "recency"
    FREQUENCY = "frequency"
    MONETARY = "monetary"


def quintile_scores(values: dict[int, Decimal | int], *, lower_is_better: bool = False) -> dict[int, int]:
    """Scores 1–5 by rank: the worst fifth 1, the best fifth 5; equal values share the score of the first of them."""
    ordered = sorted(values.items(), key=lambda kv: (-kv[1] if lower_is_better else kv[1], kv[0]))
    n, scores, first_rank = len(ordered), {}, {}
    for rank, (key, value) in enumerate(ordered):
        first_rank.setdefault(value, rank)
        scores[key] = first_rank[value] * SCORES // n + 1
    return scores


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


async def customer_value(env: Env, viewer: Viewer, node: Node | None, period_key: str | None, *, first: int = 50, offset: int = 0) -> CustomerValue:
    """The node's buying customers in the period, tiered ABC by revenue and scored RFM among themselves: recency
    from their last win to the period's end (or now), frequency their wins, monetary their revenue."""
    check_page(first, offset)
    now = env.clock()
    async with env.db() as session:
        asked = await ask(session, viewer, node, period_key, now)
        owned = await scoped_customers.count(session, asked.org_id, asked.owners)
        current = await customer_revenue(session, asked, asked.periods.current)
        previous = await buying_total(session, asked, asked.periods.previous)
        last_year = await buying_total(session, asked, asked.periods.last_year)
        ranked = sorted(((cid, v[0]) for cid, v in current.items()), key=lambda kv: (-kv[1], kv[0]))
        page = [cid for cid, _ in ranked[offset:offset + first]]
        names = await customers.names_of(session, asked.org_id, set(page))
        owners = await scoped_customers.owners_of(session, page)
    _, end = asked.periods.current.bounds(asked.scope.calendar.time_zone)
    reference = min(now, end)
    recency_days = {cid: max(0, (reference - v[2]).days) if v[2] else 0 for cid, v in current.items()}
    r = quintile_scores(recency_days, lower_is_better=True)  # type: ignore[arg-type]
    f = quintile_scores({cid: v[1] for cid, v in current.items()})
    m = quintile_scores({cid: v[0] for cid, v in current.items()})
    keyed = [(str(cid), revenue) for cid, revenue in ranked]
    tiers = tiers_of(keyed)
    total = sum((v for _, v in ranked), ZERO)
    sums = tier_sums(keyed, tiers)
    counted = {dim: Counter(found.values()) for dim, found in ((Dimension.RECENCY, r), (Dimension.FREQUENCY, f), (Dimension.MONETARY, m))}
    scores = [ScoreCount(dim, score, counted[dim][score]) for dim in Dimension for score in range(1, SCORES + 1)]
    items = [
        RfmCustomer(cid, names.get(cid, ""), owners.get(cid), current[cid][0], current[cid][1], current[cid][2], recency_days[cid],
                    r[cid], f[cid], m[cid], tiers[str(cid)])
        for cid in page
    ]
    return CustomerValue(
        asked, owned, len(current), total, *previous, *last_year, sums, scores, items, len(ranked) > offset + first,
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
    """Per unit directly under the node: its customers, buyers and revenue against its market potential."""
    async with env.db() as session:
        asked = await ask(session, viewer, node, period_key, env.clock())
        owned = {o: (n, Decimal(p or 0)) for o, (n, p) in (await scoped_customers.by_owner(session, asked.org_id, asked.owners)).items()}
        periods = asked.periods
        figures = [await owner_revenue(session, asked, p) for p in (periods.current, periods.previous, periods.last_year)]
    months = len(asked.scope.calendar.months(periods.current))
    items = []
    for unit_id in region_units(asked):
        unit = asked.scope.tree.units[unit_id]
        members = {m.id for m in asked.scope.tree.members_under(unit_id)}
        revenue, previous, last_year = (sum((v[0] for o, v in f.items() if o in members), ZERO) for f in figures)
        # A customer buying from two people of the unit in one period counts once per person: owners are exclusive.
        buying = sum(v[1] for o, v in figures[0].items() if o in members)
        period_potential = (unit.potential * months / 12).quantize(Decimal("0.01")) if unit.potential is not None else None
        items.append(Saturation(
            unit_id, unit.name, sum(owned.get(o, (0, ZERO))[0] for o in members), buying, sum((owned.get(o, (0, ZERO))[1] for o in members), ZERO),
            revenue, previous, last_year, unit.potential, period_potential, ratio(revenue, period_potential) if period_potential else None,
        ))
    return Saturations(asked, items)
