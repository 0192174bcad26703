"""Read-only sums over won deals and collected payments, for boards and attainment, and the rows compensation credits."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, and_, case, func, literal_column, null, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from podium.db.rows import fetch_rows
from podium.pipeline.models import Deal, DealLine, Payment, Product, Stage
from podium.pipeline.service import DEFAULT_STAGES

WON = "won"
# Boards keep integer scores: revenue is ranked in minor units (NUMERIC(18, 2) holds cents).
MINOR_PER_UNIT = 100


def to_minor(amount: Decimal) -> int:
    return int(amount * MINOR_PER_UNIT)


def from_minor(units: int) -> Decimal:
    return (Decimal(units) / MINOR_PER_UNIT).quantize(Decimal("0.01"))


async def revenue_by_user(
    session: AsyncSession, org_id: int, start: datetime, end: datetime, team_id: int | None = None, merged: tuple[int, ...] = ()
) -> list[tuple[int, int, int]]:
    """(owner id, revenue won in minor units, deals won) for everyone who won a deal in [start, end); with a team, the
    deals credited to it or to a unit merged into it."""
    query = (
        select(Deal.owner_id, func.sum(Deal.amount), func.count())
        .where(Deal.org_id == org_id, Deal.status == WON, Deal.closed_at >= start, Deal.closed_at < end)
        .group_by(Deal.owner_id)
    )
    if team_id is not None:
        query = query.where(Deal.team_id.in_((team_id, *merged)))
    return [(int(uid), to_minor(Decimal(total)), int(n)) for uid, total, n in await session.execute(query)]


async def last_win_of_each_day(session: AsyncSession, org_id: int, time_zone: str) -> list[tuple[int, datetime]]:
    """(owner id, when) of each owner's last won deal on each day of the org's calendar (`podium rebuild` reads history by day)."""
    zone = ZoneInfo(time_zone)
    query = select(Deal.owner_id, Deal.closed_at).where(Deal.org_id == org_id, Deal.status == WON, Deal.closed_at.is_not(None))
    last: dict[tuple[int, object], datetime] = {}
    for owner_id, at in await session.execute(query.order_by(Deal.closed_at)):
        last[(int(owner_id), at.astimezone(zone).date())] = at
    return sorted(((owner, at) for (owner, _), at in last.items()), key=lambda item: item[1])


async def user_revenue(
    session: AsyncSession, user_id: int, spans: list[tuple[datetime, datetime, int | None]], merged: dict[int, tuple[int, ...]] | None = None
) -> list[tuple[int, int]]:
    """(revenue in minor units, deals won) of one owner in each (start, end, team) span, in one query; `merged`: the
    units merged into each team, whose credited deals count for it."""
    columns = []
    for start, end, team_id in spans:
        inside = and_(Deal.closed_at >= start, Deal.closed_at < end)
        if team_id is not None:
            inside = and_(inside, Deal.team_id.in_((team_id, *(merged or {}).get(team_id, ()))))
        columns += [func.sum(case((inside, Deal.amount), else_=0)), func.sum(case((inside, 1), else_=0))]
    row = (await session.execute(select(*columns).where(Deal.owner_id == user_id, Deal.status == WON))).one()
    return [(to_minor(Decimal(row[2 * i] or 0)), int(row[2 * i + 1] or 0)) for i in range(len(spans))]


async def credited(session: AsyncSession, org_id: int, start: datetime, end: datetime) -> list[tuple[int, int | None, Decimal, Decimal, int]]:
    """(owner, credited team, revenue won, gross margin, deals won) in [start, end): what targets measure."""
    query = (
        select(Deal.owner_id, Deal.team_id, func.sum(Deal.amount), func.sum(func.coalesce(Deal.margin, 0)), func.count())
        .where(Deal.org_id == org_id, Deal.status == WON, Deal.closed_at >= start, Deal.closed_at < end)
        .group_by(Deal.owner_id, Deal.team_id)
    )
    return [(int(u), t, Decimal(rev or 0), Decimal(margin or 0), int(n)) for u, t, rev, margin, n in await session.execute(query)]


async def collected(session: AsyncSession, org_id: int, start: datetime, end: datetime) -> list[tuple[int, int | None, Decimal]]:
    """(owner, credited team, payments collected) in [start, end)."""
    query = (
        select(Payment.owner_id, Payment.team_id, func.sum(Payment.amount))
        .where(Payment.org_id == org_id, Payment.collected_at >= start, Payment.collected_at < end)
        .group_by(Payment.owner_id, Payment.team_id)
    )
    return [(int(u), t, Decimal(total or 0)) for u, t, total in await session.execute(query)]


# ---------------------------------------------------------------- row-level reads for compensation


@dataclass(frozen=True, slots=True)
class LineRow:
    position: int
    revenue: Decimal
    margin: Decimal
    product_line: str
    quantity: Decimal


# Which owners a read is for, as a condition on an owner column (an id list, a share of ids, …).
OwnerFilter = Callable[[ColumnElement[int]], ColumnElement[bool]]


def won_deal_ids(
    org_id: int, start: datetime, end: datetime, *, owners: OwnerFilter | None = None, also: Select[tuple[int]] | None = None,
    teams: Iterable[int] = (),
) -> Select[tuple[int]]:
    """Deals won in [start, end): all of them, or those whose owner passes `owners`, credited to `teams` or among `also`.

    Imported history whose commission the old system paid (`settled_elsewhere`, pipeline/history.py) is never among them.
    """
    query = select(Deal.id).where(
        Deal.org_id == org_id, Deal.status == WON, Deal.closed_at >= start, Deal.closed_at < end, Deal.settled_elsewhere.is_(False)
    )
    if owners is None:
        return query
    who = owners(Deal.owner_id)
    if also is not None:
        who = or_(who, Deal.id.in_(also))
    units = list(teams)
    if units:
        who = or_(who, Deal.team_id.in_(units))
    return query.where(who)


def paid_deal_ids(
    org_id: int, start: datetime, end: datetime, *, owners: OwnerFilter | None = None, also: Select[tuple[int]] | None = None
) -> Select[tuple[int]]:
    """Deals with money collected or refunded in [start, end), whatever their status now (not imported money whose
    commission the old system paid)."""
    query = select(Payment.deal_id).where(
        Payment.org_id == org_id, Payment.collected_at >= start, Payment.collected_at < end, Payment.settled_elsewhere.is_(False)
    )
    if owners is None:
        return query
    who = owners(Payment.owner_id)
    if also is not None:
        who = or_(who, Payment.deal_id.in_(also))
    return query.where(who)


async def deal_rows(
    session: AsyncSession, deal_ids: Select[tuple[int]], *, titles: bool = True, margins: bool = True
) -> Sequence[Sequence[Any]]:
    """(id, owner, team, title, amount, margin or None, closed_at), oldest close first.

    Without `titles` (or `margins`) the column comes back empty: at a million rows each column
    not read saves about a second of decoding.
    """
    title = Deal.title if titles else literal_column("''")
    margin = Deal.margin if margins else null()
    return await fetch_rows(
        session,
        select(Deal.id, Deal.owner_id, Deal.team_id, title, Deal.amount, margin, Deal.closed_at)
        .where(Deal.id.in_(deal_ids.scalar_subquery()))
        .order_by(Deal.closed_at, Deal.id),
    )


async def deal_lines(session: AsyncSession, deal_ids: Select[tuple[int]]) -> dict[int, list[LineRow]]:
    """Each deal's product lines with revenue and margin to the cent, and the product line they belong to."""
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


async def collected_before(session: AsyncSession, deal_ids: Select[tuple[int]], moment: datetime) -> dict[int, Decimal]:
    """Net money in (payments less refunds) on each deal before a moment."""
    rows = await session.execute(
        select(Payment.deal_id, func.sum(Payment.amount))
        .where(Payment.deal_id.in_(deal_ids.scalar_subquery()), Payment.collected_at < moment)
        .group_by(Payment.deal_id)
    )
    return {int(d): Decimal(total) for d, total in rows}


async def payment_rows(session: AsyncSession, org_id: int, start: datetime, end: datetime, deal_ids: Select[tuple[int]]) -> Sequence[Sequence[Any]]:
    """(id, deal, amount, collected_at, refund_of, refunded payment's amount, its collected_at) in [start, end), in order."""
    original = aliased(Payment)
    rows = await session.execute(
        select(Payment.id, Payment.deal_id, Payment.amount, Payment.collected_at, Payment.refund_of_id, original.amount, original.collected_at)
        .outerjoin(original, original.id == Payment.refund_of_id)
        .where(Payment.org_id == org_id, Payment.collected_at >= start, Payment.collected_at < end, Payment.deal_id.in_(deal_ids.scalar_subquery()))
        .where(Payment.settled_elsewhere.is_(False))
        .order_by(Payment.collected_at, Payment.id)
    )
    return rows.all()


@dataclass(frozen=True)
class DealBasics:
    id: int
    org_id: int
    owner_id: int
    status: str
    title: str
    amount: Decimal
    margin: Decimal | None


async def deal_basics(session: AsyncSession, deal_id: int, *, lock: bool = False) -> DealBasics | None:
    """With `lock`, the deal stays locked until the caller's transaction ends: writes about it take turns."""
    deal = await session.get(Deal, deal_id, with_for_update=lock)
    if deal is None:
        return None
    return DealBasics(deal.id, deal.org_id, deal.owner_id, deal.status, deal.title, deal.amount, deal.margin)


async def won_count(session: AsyncSession, org_id: int, start: datetime, end: datetime) -> int:
    """How many deals were won in [start, end): sizes a month's computation."""
    return int(await session.scalar(select(func.count()).select_from(won_deal_ids(org_id, start, end).subquery())) or 0)


@dataclass(frozen=True)
class SetupCounts:
    """How far an org has set up its selling: what the admin's checklist reads."""

    products: int
    deals: int
    stages_own: bool  # stages an admin shaped (anything but the untouched defaults)


async def setup_counts(session: AsyncSession, org_id: int) -> SetupCounts:
    products = await session.scalar(select(func.count()).select_from(Product).where(Product.org_id == org_id, Product.is_active.is_(True)))
    deals = await session.scalar(select(func.count()).select_from(Deal).where(Deal.org_id == org_id))
    stages = [(s.key, s.name_en, s.name_zh, s.probability, s.is_active) for s in await session.scalars(select(Stage).where(Stage.org_id == org_id).order_by(Stage.position))]
    defaults = [(key, en, zh, p, True) for key, en, zh, p, _ in DEFAULT_STAGES]
    return SetupCounts(int(products or 0), int(deals or 0), bool(stages) and stages != defaults)
