"""Ranking, ABC tiers and quintile scores in the database, so that only a page and the per-tier sums leave it.

Each item's revenue is ranked as whole cents (its sum rounded to the cent): PostgreSQL's NUMERIC is exact anyway,
SQLite's is a float, and the tier boundaries compare the revenue before an item with 80 % and 95 % of the total,
where a float would decide an exact 80 % either way; integers sum and compare exactly on both. Every window orders by revenue then by the caller's tie-break, so a page is the same
slice of the same ranking on both databases.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import CTE, BigInteger, ColumnElement, Row, Subquery, case, cast, func, literal_column, null, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

ZERO = Decimal(0)
A_PERCENT, B_PERCENT = 80, 95
SCORES = 5


class Tier(StrEnum):
    A = "A"
    B = "B"
    C = "C"


def cents(money: ColumnElement[Any]) -> ColumnElement[int]:
    """Money (a column of scale 2, or its sum: SQLite sums it as a float, exact to far below a cent) as whole cents."""
    return cast(func.round(money * 100), BigInteger)


def money(whole_cents: int | Decimal | None) -> Decimal:
    return Decimal(int(whole_cents)).scaleb(-2) if whole_cents else ZERO


def score(rank: ColumnElement[int], n: ColumnElement[int]) -> ColumnElement[int]:
    """1–5 from a rank() (1-based, equal values share the first one's) among n: the worst fifth 1, the best 5."""
    return (rank - 1) * SCORES // n + 1


def ranked(items: Subquery, tie: Sequence[ColumnElement[Any]], *windows: ColumnElement[Any], derived: Sequence[str] = ()) -> CTE:
    """`items` (a `cents` column and the caller's) ranked by revenue, highest first, ties by `tie`: each with its
    rank, the running sum through it, the total and its ABC tier: A while the revenue before it is under 80 % of
    the total (the item that crosses 80 % is still A), B under 95 %, C the rest. `windows` are more labelled
    window columns; `derived` names more columns of the result, given as `<name>_rank` windows turned into
    scores (rank → 1–5)."""
    order = [items.c.cents.desc(), *tie]
    inner = select(
        *items.c,
        func.row_number().over(order_by=order).label("rank"),
        func.sum(items.c.cents).over(order_by=order, rows=(None, 0)).label("running"),
        func.sum(items.c.cents).over().label("total"),
        func.count().over().label("n"),
        *windows,
    ).subquery()
    before = inner.c.running - inner.c.cents
    tier = case((before * 100 < inner.c.total * A_PERCENT, Tier.A.value), (before * 100 < inner.c.total * B_PERCENT, Tier.B.value), else_=Tier.C.value)
    scores = [score(inner.c[f"{name}_rank"], inner.c.n).label(name) for name in derived]
    return select(*inner.c, tier.label("tier"), *scores).cte("ranked")


@dataclass(frozen=True)
class Group:
    tier: Tier
    grouped: tuple[Any, ...]
    items: int
    revenue: Decimal


@dataclass(frozen=True)
class Page:
    rows: list[Row[Any]]  # the page's items in rank order, by name: rank, cents, tier and the asked columns
    groups: list[Group]  # per tier (and grouped columns), over every item
    total: Decimal
    count: int


async def page_of(
    session: AsyncSession, ranking: CTE, columns: Sequence[str], *, first: int, offset: int, grouped: Sequence[str] = (),
) -> Page:
    """One statement: the items ranked offset+1 … offset+first with `columns`, and the count and sum per tier (and
    per `grouped` columns) over them all; the ranking is computed once for both."""
    c = ranking.c
    shown = [c[n] for n in (*grouped, *columns) if n not in ("rank", "cents", "tier")]
    page = select(literal_column("1").label("part"), c.tier, c.rank, c.cents, *shown).where(c.rank > offset, c.rank <= offset + first)
    # The same columns: a group's item count where an item has its rank, its revenue where an item has its own.
    sums = select(literal_column("0"), c.tier, func.count(), func.sum(c.cents), *(c[n] if n in grouped else null() for n in (x.name for x in shown)))
    found = (await session.execute(union_all(page, sums.group_by(c.tier, *(c[g] for g in grouped))))).all()
    groups = [Group(Tier(r.tier), tuple(getattr(r, g) for g in grouped), int(r.rank), money(r.cents)) for r in found if r.part == 0]
    total = sum((int(r.cents) for r in found if r.part == 0), 0)
    return Page(sorted((r for r in found if r.part == 1), key=lambda r: r.rank), groups, money(total), sum(g.items for g in groups))


def tier_sums(groups: list[Group]) -> dict[Tier, tuple[int, Decimal]]:
    """Tier → (items, revenue), every tier present."""
    found = {t: (0, ZERO) for t in Tier}
    for g in groups:
        items, revenue = found[g.tier]
        found[g.tier] = (items + g.items, revenue + g.revenue)
    return found
