"""What every customers-side figure starts from: who asks, which node and period, whose customers count.

A customer belongs to its owner: a node's customers are those owned by the people under it (the whole org's
for the org node, the open pool included). Periods are the fiscal calendar's; customer figures are kept by
month, so a week is refused for them (behaviour, kept by day, takes any period).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import CTE, BigInteger, ColumnElement, Select, column, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from podium.analytics.customers_models import CustomerMonth
from podium.analytics.ranking import cents, money
from podium.core.errors import DomainError, ErrorCode, Problems
from podium.core.periods import FIRST_YEAR, LAST_YEAR
from podium.core.policies import Viewer
from podium.customers import scoped as scoped_customers
from podium.targets import service as targets
from podium.targets.calendar import FiscalPeriod, Grain, YearOutOfRange
from podium.targets.service import Node, NodeKind, Scope

MAX_PAGE = 200
MAX_OFFSET = 100_000
RATIO = Decimal("0.0001")


@dataclass(frozen=True)
class Periods:
    current: FiscalPeriod
    previous: FiscalPeriod
    last_year: FiscalPeriod


@dataclass(frozen=True)
class Asked:
    scope: Scope
    node: Node
    periods: Periods
    # The people whose customers count; None: the whole org.
    owners: frozenset[int] | None

    @property
    def org_id(self) -> int:
        return self.scope.tree.org_id

    def of_node(self, customer_id: Any) -> list[ColumnElement[bool]]:
        """Conditions on a rollup's customer column: the node's customers (none for the org: its rows are all its own)."""
        return [] if self.owners is None else [customer_id.in_(scoped_customers.ids(self.org_id, self.owners))]


def check_page(first: int, offset: int) -> None:
    problems = Problems()
    if not 1 <= first <= MAX_PAGE:
        problems.add(ErrorCode.OUT_OF_RANGE, "first", min=1, max=MAX_PAGE)
    if not 0 <= offset <= MAX_OFFSET:
        problems.add(ErrorCode.OUT_OF_RANGE, "offset", min=0, max=MAX_OFFSET)
    problems.raise_if_any()


def owners_under(scope: Scope, node: Node) -> frozenset[int] | None:
    if node.kind is NodeKind.ORG:
        return None
    if node.kind is NodeKind.USER:
        return frozenset({node.id})
    return frozenset(m.id for m in scope.tree.members_under(node.id))


def _period(scope: Scope, key: str | None, now: datetime, monthly: bool) -> FiscalPeriod:
    try:
        period = scope.calendar.period(Grain.MONTH, now) if key is None else scope.calendar.parse(key)
    except YearOutOfRange:
        raise DomainError.one(ErrorCode.OUT_OF_RANGE, "period", min=FIRST_YEAR, max=LAST_YEAR) from None
    except ValueError:
        raise DomainError.one(ErrorCode.INVALID, "period") from None
    if monthly and period.grain is Grain.WEEK:
        raise DomainError.one(ErrorCode.INVALID, "period")
    return period


async def ask(session: AsyncSession, viewer: Viewer, node: Node | None, period_key: str | None, now: datetime, *, monthly: bool = True) -> Asked:
    """The viewer's scope, the node (theirs by default; NOT_FOUND outside their reach or org) and the periods."""
    if viewer.is_display:
        raise DomainError.one(ErrorCode.FORBIDDEN)
    scope = await targets.scope_of(session, viewer)
    node = node or targets.default_node(viewer)
    targets.require_node(scope, node)
    current = _period(scope, period_key, now, monthly)
    periods = Periods(current, scope.calendar.previous(current), scope.calendar.same_period_last_year(current))
    return Asked(scope, node, periods, owners_under(scope, node))


def in_months(period: FiscalPeriod, column: ColumnElement[date]) -> list[ColumnElement[bool]]:
    return [column >= period.first, column < period.end]


async def customer_revenue(
    session: AsyncSession, asked: Asked, period: FiscalPeriod, only: list[int] | None = None,
) -> dict[int, tuple[Decimal, int, datetime | None]]:
    """Customer → (revenue won, deals won, last win) in the period, for the node's customers that bought (`only`
    these, when given: a page)."""
    narrowed = [] if only is None else [CustomerMonth.customer_id.in_(only)]
    query = (
        select(CustomerMonth.customer_id, func.sum(CustomerMonth.revenue), func.sum(CustomerMonth.deals_won), func.max(CustomerMonth.last_won_at))
        .where(CustomerMonth.org_id == asked.org_id, *in_months(period, CustomerMonth.month), *asked.of_node(CustomerMonth.customer_id), *narrowed)
        .group_by(CustomerMonth.customer_id)
    )
    # max() keeps the column's type, so the last win comes back UTC-aware on both databases.
    return {int(cid): (Decimal(revenue or 0), int(deals), last) for cid, revenue, deals, last in await session.execute(query) if deals}


async def revenue_total(session: AsyncSession, asked: Asked, period: FiscalPeriod) -> Decimal:
    """The node's customers' revenue won in the period."""
    query = select(func.sum(CustomerMonth.revenue)).where(
        CustomerMonth.org_id == asked.org_id, *in_months(period, CustomerMonth.month), *asked.of_node(CustomerMonth.customer_id),
    )
    return Decimal(await session.scalar(query) or 0)


async def buying_total(session: AsyncSession, asked: Asked, period: FiscalPeriod) -> tuple[int, Decimal]:
    """How many of the node's customers won deals in the period, and their revenue."""
    query = select(func.count(func.distinct(CustomerMonth.customer_id)), func.sum(CustomerMonth.revenue)).where(
        CustomerMonth.org_id == asked.org_id, *in_months(period, CustomerMonth.month), *asked.of_node(CustomerMonth.customer_id),
        CustomerMonth.deals_won > 0,
    )
    count, revenue = (await session.execute(query)).one()
    return int(count or 0), Decimal(revenue or 0)


def region_units(asked: Asked) -> list[int]:
    """The units directly under the node (the org's top units for the org)."""
    if asked.node.kind is NodeKind.USER:
        return []
    parent = asked.node.id if asked.node.kind is NodeKind.TEAM else None
    return [u.id for u in asked.scope.tree.child_units(parent)]


def int_table(name: str, columns: tuple[str, ...], rows: list[tuple[int, ...]]) -> CTE:
    """Rows of integers as a table to join (`WITH name AS (SELECT column1 AS …, … FROM (VALUES …))`). The integers are
    written into the statement: no bind parameter per value (an org's 2,000 people), and no compiling of a
    2,000-row VALUES clause by SQLAlchemy on every call (about 90 ms of CPU each)."""
    listed = ", ".join("(" + ", ".join(str(int(v)) for v in row) + ")" for row in rows)
    named = ", ".join(f"column{n} AS {c}" for n, c in enumerate(columns, start=1))
    return text(f"SELECT {named} FROM (VALUES {listed}) AS listed").columns(*(column(c, BigInteger) for c in columns)).cte(name)


def owner_units(asked: Asked) -> CTE | None:
    """(owner_id, unit_id): each person under a unit directly under the node, as a table to join customers to (None:
    no such person)."""
    rows = [(m.id, unit) for unit in region_units(asked) for m in asked.scope.tree.members_under(unit)]
    return int_table("owner_units", ("owner_id", "unit_id"), rows) if rows else None


def by_unit(asked: Asked, period: FiscalPeriod) -> Select[Any] | None:
    """(unit_id, cents, buying) per unit directly under the node that sold in the period: revenue won in whole cents
    and the customers that bought. A customer counts for its owner's unit; owners are exclusive, so a customer
    buying twice counts once. None: no unit under the node has people."""
    units = owner_units(asked)
    if units is None:
        return None
    c = scoped_customers.owned(asked.org_id, asked.owners).subquery()
    # Per owner first, then per unit: joined to the months directly, SQLite looped over the 2,000 people outside and
    # read the period's months once per person (minutes at 30,000 customers).
    owners = (
        select(c.c.owner_id, cents(func.sum(CustomerMonth.revenue)).label("cents"), func.count(func.distinct(CustomerMonth.customer_id)).label("buying"))
        .select_from(CustomerMonth)
        .join(c, c.c.id == CustomerMonth.customer_id)
        .where(CustomerMonth.org_id == asked.org_id, *in_months(period, CustomerMonth.month), CustomerMonth.deals_won > 0, c.c.owner_id.is_not(None))
        .group_by(c.c.owner_id)
    ).subquery()
    return (
        select(units.c.unit_id, func.sum(owners.c.cents).label("cents"), func.sum(owners.c.buying).label("buying"))
        .select_from(owners).join(units, units.c.owner_id == owners.c.owner_id)
        .group_by(units.c.unit_id)
    )


async def unit_revenue(session: AsyncSession, asked: Asked, period: FiscalPeriod) -> dict[int, tuple[Decimal, int]]:
    """Unit directly under the node → (revenue won, customers that bought) in the period."""
    query = by_unit(asked, period)
    return {} if query is None else {int(u): (money(c), int(n)) for u, c, n in await session.execute(query)}


async def unit_customers(session: AsyncSession, asked: Asked) -> dict[int, tuple[int, Decimal]]:
    """Unit directly under the node → (customers its people own, the sum of their potential)."""
    units = owner_units(asked)
    if units is None:
        return {}
    c = scoped_customers.owned(asked.org_id, asked.owners).subquery()
    rows = await session.execute(
        select(units.c.unit_id, func.count(), func.sum(c.c.potential)).select_from(c).join(units, units.c.owner_id == c.c.owner_id).group_by(units.c.unit_id)
    )
    return {int(u): (int(n), Decimal(p or 0)) for u, n, p in rows}


def ratio(part: Decimal | int, whole: Decimal | int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(RATIO)
