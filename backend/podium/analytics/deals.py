"""Keeping the pipeline's rollups: each deal re-derived from the source tables, and only the difference applied.

A deal's contributions (what it adds to each summed row: results, stage figures, duration bins) are computed from
its row, its stage changes and its payments; its facts row keeps the contributions last applied, so a handler that
runs twice, or after the rebuild, applies a zero difference. The deal's row is locked first: two handlers of the same
deal take turns. Attribution is by the deal's current owner; periods are the org's local months and ISO weeks.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from podium.analytics import deals_nodes
from podium.analytics.deals_models import DealFacts, Histogram, ResultSums, StageStay, StageSums
from podium.core.env import Env
from podium.core.events import DomainEvent, transaction
from podium.orgs import service as orgs
from podium.pipeline import facts as sources
from podium.pipeline.events import DealChanged, DealsReassigned, PaymentRecorded
from podium.pipeline.facts import DealSource

OPEN, WON, LOST, REVERSED = "open", "won", "lost", "reversed"
MONTH, WEEK = "m", "w"
GRAINS = (MONTH, WEEK)
# Lower edges (days) of the duration bins: a percentile reads as the lower edge of its bin (exact to the day below a week).
BIN_EDGES = (0, 1, 2, 3, 4, 5, 6, 7, 10, 14, 21, 30, 45, 60, 90, 120, 180, 270, 365, 540, 730)
RESULT_COLUMNS = ("created", "won", "won_amount", "won_margin", "lost", "lost_amount", "reversed", "reversed_amount", "reversed_margin", "collections", "cohort_won", "cohort_lost")
STAGE_COLUMNS = ("entered", "entered_amount", "advanced", "reached", "reached_amount", "reached_advanced", "stays")
MONEY_COLUMNS = frozenset({"won_amount", "won_margin", "lost_amount", "reversed_amount", "reversed_margin", "collections", "entered_amount", "reached_amount"})
BATCH = 500

Number = int | Decimal
Contributions = dict[str, dict[str, Number]]


def period_key(grain: str, moment: datetime, zone: ZoneInfo) -> str:
    day = moment.astimezone(zone).date()
    if grain == MONTH:
        return f"{day.year:04d}-{day.month:02d}"
    iso = day.isocalendar()
    return f"{iso.year:04d}-W{iso.week:02d}"


def bin_of(seconds: float) -> int:
    days = seconds / 86400
    index = 0
    for i, edge in enumerate(BIN_EDGES):
        if days >= edge:
            index = i
    return index


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class StageInfo:
    position: int
    outcome: str
    active: bool


@dataclass(frozen=True)
class Stay:
    stage_id: int
    entered_at: datetime
    left_at: datetime | None
    next_stage_id: int | None
    outcome: str
    advanced: bool


@dataclass(frozen=True)
class Derived:
    deal: DealSource
    stays: list[Stay]
    contributions: Contributions


def stays_of(deal: DealSource, stages: dict[int, StageInfo]) -> list[Stay]:
    """The deal's stays in open stages from its stage changes (in order); a deal without any stayed where it is since creation."""
    moves = list(deal.changes) or [(deal.stage_id, deal.created_at)]
    result = []
    for i, (stage_id, entered) in enumerate(moves):
        info = stages.get(stage_id)
        if info is None or info.outcome != OPEN:
            continue
        nxt = moves[i + 1] if i + 1 < len(moves) else None
        if nxt is None:
            result.append(Stay(stage_id, _aware(entered), None, None, "", False))
            continue
        after = stages.get(nxt[0])
        outcome = after.outcome if after is not None and after.outcome != OPEN else ""
        advanced = outcome == WON or (outcome == "" and after is not None and after.position > info.position)
        result.append(Stay(stage_id, _aware(entered), _aware(nxt[1]), nxt[0], outcome, advanced))
    return result


def derive(deal: DealSource, stages: dict[int, StageInfo], zone: ZoneInfo) -> Derived:
    """What the deal adds to every summed row, from its source rows alone."""
    out: Contributions = {}
    owner, source, amount = deal.owner_id, deal.lead_source, Decimal(deal.amount)
    margin = Decimal(deal.margin or 0)
    created = _aware(deal.created_at)

    def add(prefix: str, moment: datetime, rest: str, **values: Number) -> None:
        for grain in GRAINS:
            key = f"{prefix}|{grain}|{period_key(grain, moment, zone)}|{owner}|{rest}"
            row = out.setdefault(key, {})
            for column, value in values.items():
                row[column] = row.get(column, 0) + value

    add("r", created, source, created=1)
    closed = _aware(deal.closed_at) if deal.closed_at else None
    if deal.status in (WON, REVERSED) and closed is not None:
        add("r", closed, source, won=1, won_amount=amount, won_margin=margin)
        add("r", created, source, cohort_won=1)
        add("h", closed, f"cycle:{source}|{bin_of((closed - created).total_seconds())}", count=1)
    if deal.status == LOST and closed is not None:
        add("r", closed, source, lost=1, lost_amount=amount)
        add("r", created, source, cohort_lost=1)
    if deal.status == REVERSED and deal.reversed_at is not None:
        add("r", _aware(deal.reversed_at), source, reversed=1, reversed_amount=amount, reversed_margin=margin)
    for paid, at in deal.payments:
        add("r", _aware(at), source, collections=Decimal(paid))
    stays = stays_of(deal, stages)
    for stay in stays:
        add("s", stay.entered_at, str(stay.stage_id), entered=1, entered_amount=amount, advanced=int(stay.advanced))
        if stay.left_at is not None:
            add("s", stay.left_at, str(stay.stage_id), stays=1)
            add("h", stay.left_at, f"stay:{stay.stage_id}|{bin_of((stay.left_at - stay.entered_at).total_seconds())}", count=1)
    # Cohort: the open stages up to the furthest one the deal reached (all of them once won), and whether it went beyond.
    visited = {s.stage_id for s in stays}
    won = deal.status in (WON, REVERSED)
    furthest = max((stages[s].position for s in visited), default=None)
    for stage_id, info in stages.items():
        if info.outcome != OPEN or not (info.active or stage_id in visited):
            continue
        if won or (furthest is not None and info.position <= furthest):
            beyond = won or (furthest is not None and furthest > info.position)
            add("s", created, f"{stage_id}", reached=1, reached_amount=amount, reached_advanced=int(beyond))
    return Derived(deal, stays, out)


def _encode(contributions: Contributions) -> str:
    return json.dumps({k: {c: str(v) if isinstance(v, Decimal) else v for c, v in row.items()} for k, row in contributions.items()}, separators=(",", ":"), sort_keys=True)


def _decode(stored: str) -> Contributions:
    raw = json.loads(stored or "{}")
    return {k: {c: Decimal(v) if c in MONEY_COLUMNS else int(v) for c, v in row.items()} for k, row in raw.items()}


def _subtract(delta: dict[str, dict[str, Number]], contributions: Contributions, sign: int) -> None:
    for key, row in contributions.items():
        target = delta.setdefault(key, {})
        for column, value in row.items():
            target[column] = target.get(column, 0) + sign * value


async def _stages(session: AsyncSession, org_id: int) -> dict[int, StageInfo]:
    return {s.id: StageInfo(s.position, s.outcome, s.is_active) for s in await sources.stage_rows(session, org_id)}


async def _zone(session: AsyncSession, org_id: int) -> ZoneInfo:
    return ZoneInfo(await orgs.org_time_zone(session, org_id) or "UTC")


async def refresh(session: AsyncSession, org_id: int, deal_ids: Iterable[int]) -> int:
    """Bring these deals' rollups in line with the source tables (in the caller's transaction); how many rows moved."""
    ids = sorted(set(deal_ids))
    if not ids:
        return 0
    dialect = (await session.connection()).dialect.name
    lock = dialect == "postgresql"
    deals = await sources.deal_sources(session, org_id, ids, lock=lock)
    facts_query = select(DealFacts).where(DealFacts.org_id == org_id, DealFacts.deal_id.in_(ids))
    facts = {f.deal_id: f for f in await session.scalars(facts_query.with_for_update() if lock else facts_query)}
    stages = await _stages(session, org_id)
    zone = await _zone(session, org_id)
    delta: dict[str, dict[str, Number]] = {}
    present = {d.id for d in deals}
    stay_rows: list[dict[str, Any]] = []
    for deal in deals:
        derived = derive(deal, stages, zone)
        stay_rows += _stay_rows(org_id, deal.id, derived.stays)
        found = facts.get(deal.id)
        if found is not None:
            _subtract(delta, _decode(found.contributions), -1)
        _subtract(delta, derived.contributions, 1)
        values = _facts_values(deal, derived)
        if found is None:
            session.add(DealFacts(deal_id=deal.id, org_id=org_id, **values))
        else:
            for name, value in values.items():
                setattr(found, name, value)
    # A deal gone from the source tables (an undone import) takes back what it added.
    for deal_id, found in facts.items():
        if deal_id not in present:
            _subtract(delta, _decode(found.contributions), -1)
            await session.delete(found)
    await session.execute(delete(StageStay).where(StageStay.deal_id.in_(ids)))
    if stay_rows:
        await session.execute(StageStay.__table__.insert(), stay_rows)
    await session.flush()
    return await _apply(session, org_id, delta, dialect)


async def _apply(session: AsyncSession, org_id: int, delta: dict[str, dict[str, Number]], dialect: str, nodes: bool = True) -> int:
    """Add the differences to the summed rows (and to the tree's node rows that count them, unless `nodes` is False: the
    rebuild recomputes those once at its end): one INSERT … ON CONFLICT DO UPDATE per table, rows in key order."""
    if nodes:
        delta = await deals_nodes.with_nodes(session, org_id, delta)
    tables: dict[str, list[dict[str, Any]]] = {"r": [], "s": [], "h": []}
    for key in sorted(delta):
        row = {c: v for c, v in delta[key].items() if v}
        if not row:
            continue
        prefix, grain, period, owner, *rest = key.split("|")
        base: dict[str, Any] = {"org_id": org_id, "grain": grain, "period": period, "owner_id": int(owner)}
        if prefix == "r":
            tables["r"].append({**base, "lead_source": rest[0], **{c: row.get(c, 0) for c in RESULT_COLUMNS}})
        elif prefix == "s":
            tables["s"].append({**base, "stage_id": int(rest[0]), **{c: row.get(c, 0) for c in STAGE_COLUMNS}})
        else:
            tables["h"].append({**base, "series": rest[0], "bin": int(rest[1]), "count": row.get("count", 0)})
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    plans: tuple[tuple[str, type[Any], tuple[str, ...], tuple[str, ...]], ...] = (
        ("r", ResultSums, ("org_id", "grain", "period", "owner_id", "lead_source"), RESULT_COLUMNS),
        ("s", StageSums, ("org_id", "grain", "period", "owner_id", "stage_id"), STAGE_COLUMNS),
        ("h", Histogram, ("org_id", "grain", "period", "owner_id", "series", "bin"), ("count",)),
    )
    moved = 0
    for prefix, model, keys, columns in plans:
        rows = tables[prefix]
        if not rows:
            continue
        # One statement, the rows as executemany parameters: compiled once and cached (a multi-row VALUES built per
        # batch was compiled afresh each time, ~90 % of a rebuild's CPU).
        table = model.__table__
        statement = insert(table)
        statement = statement.on_conflict_do_update(
            index_elements=list(keys), set_={c: table.c[c] + statement.excluded[c] for c in columns}
        )
        for start in range(0, len(rows), BATCH):
            part = rows[start:start + BATCH]
            await session.execute(statement, part)
            moved += len(part)
    return moved


# ---------------------------------------------------------------- handlers and the rebuild


async def _refresh_in_transaction(env: Env, org_id: int, deal_ids: Iterable[int]) -> None:
    ids = sorted(set(deal_ids))
    for start in range(0, len(ids), BATCH):
        async with transaction(env.db) as tx:
            await refresh(tx.session, org_id, ids[start:start + BATCH])


async def on_deal_changed(env: Env, event: DealChanged) -> None:
    """Handler: a deal created, edited, moved, won, lost or reversed."""
    await _refresh_in_transaction(env, event.org_id, [event.id])


async def on_payment(env: Env, event: PaymentRecorded) -> None:
    """Handler: money collected or refunded on a deal."""
    await _refresh_in_transaction(env, event.org_id, [event.deal])


async def on_deals_reassigned(env: Env, event: DealsReassigned) -> None:
    """Handler: deals given to another owner take their figures along."""
    await _refresh_in_transaction(env, event.org_id, event.deals)


async def on_org_changed(env: Env, event: DomainEvent) -> None:
    """Handler: an import committed or undone touched any number of deals: the org is rebuilt."""
    await rebuild_org(env, event.org_id)


async def rebuild_org(env: Env, org_id: int) -> int:
    """Every rollup of an org recomputed from the source tables (`podium rebuild`, imports, reordered stages); how many deals.

    Owner by owner (each owner's sums are made of their own deals alone): the sums the deals give are compared with
    the stored ones and only the rows that differ are written, with absolute values. Rollups already right are left
    as they are, row for row (a restored backup stays identical); drifted ones are repaired.
    """
    async with env.db() as session:
        owned = await sources.deal_owners(session, org_id)
        stored_owners: set[int] = set()
        for model in (ResultSums, StageSums, Histogram):
            stored_owners |= {int(o) for o in await session.scalars(select(model.owner_id).where(model.org_id == org_id, model.owner_id > 0).distinct())}
    by_owner: dict[int, list[int]] = {owner: [] for owner in stored_owners}
    for deal_id, owner in owned:
        by_owner.setdefault(owner, []).append(deal_id)
    for owner in sorted(by_owner):
        ids = by_owner[owner]
        if len(ids) <= REBUILD_BATCH:  # one transaction, the owner's deals locked: nothing moves in between
            async with transaction(env.db) as tx:
                await _set_sums(tx.session, org_id, owner, await _rebuild_deals(tx.session, org_id, ids))
            continue
        expected: dict[str, dict[str, Number]] = {}
        for start in range(0, len(ids), REBUILD_BATCH):
            async with transaction(env.db) as tx:
                _subtract(expected, await _rebuild_deals(tx.session, org_id, ids[start:start + REBUILD_BATCH]), 1)
        async with transaction(env.db) as tx:
            await _set_sums(tx.session, org_id, owner, expected)
    # The tree's node rows (analytics/deals_nodes.py) from the owner rows just made right, written only where they differ.
    await deals_nodes.recompute_org(env, org_id, org_row=True)
    return len(owned)


# An owner with more deals than this is rebuilt in parts: deals' facts and stays per part, then their sums once.
REBUILD_BATCH = 5000


async def _rebuild_deals(session: AsyncSession, org_id: int, deal_ids: list[int]) -> dict[str, dict[str, Number]]:
    """The deals' facts and stays made right (written only where they differ); returns what the deals add to the sums."""
    dialect = (await session.connection()).dialect.name
    stages = await _stages(session, org_id)
    zone = await _zone(session, org_id)
    deals = await sources.deal_sources(session, org_id, deal_ids, lock=dialect == "postgresql") if deal_ids else []
    facts = {f.deal_id: f for f in await session.scalars(select(DealFacts).where(DealFacts.org_id == org_id, DealFacts.deal_id.in_(deal_ids)))}
    kept_stays: dict[int, list[tuple[Any, ...]]] = {}
    for row in await session.scalars(select(StageStay).where(StageStay.deal_id.in_(deal_ids)).order_by(StageStay.id)):
        kept_stays.setdefault(row.deal_id, []).append((row.stage_id, _aware(row.entered_at), _aware(row.left_at) if row.left_at else None, row.next_stage_id, row.outcome, row.advanced))
    expected: dict[str, dict[str, Number]] = {}
    stale_stays: list[int] = []
    new_stays: list[dict[str, Any]] = []
    for deal in deals:
        derived = derive(deal, stages, zone)
        _subtract(expected, derived.contributions, 1)
        values = _facts_values(deal, derived)
        found = facts.get(deal.id)
        if found is None:
            session.add(DealFacts(deal_id=deal.id, org_id=org_id, **values))
        elif any(_differs(getattr(found, k), v) for k, v in values.items()):
            for name, value in values.items():
                setattr(found, name, value)
        stays = [(x.stage_id, x.entered_at, x.left_at, x.next_stage_id, x.outcome, x.advanced) for x in derived.stays]
        if stays != kept_stays.get(deal.id, []):
            stale_stays.append(deal.id)
            new_stays += _stay_rows(org_id, deal.id, derived.stays)
    if stale_stays:
        await session.execute(delete(StageStay).where(StageStay.deal_id.in_(stale_stays)))
    if new_stays:
        await session.execute(StageStay.__table__.insert(), new_stays)
    await session.flush()
    return expected


def _differs(stored: Any, value: Any) -> bool:
    if isinstance(stored, datetime) and isinstance(value, datetime):
        return _aware(stored) != _aware(value)
    return bool(stored != value)


def _facts_values(deal: DealSource, derived: Derived) -> dict[str, Any]:
    return {
        "owner_id": deal.owner_id, "lead_source": deal.lead_source, "status": deal.status, "stage_id": deal.stage_id,
        "stage_entered_at": _aware(deal.stage_entered_at), "amount": deal.amount, "created_at": _aware(deal.created_at),
        "contributions": _encode(derived.contributions),
    }


def _stay_rows(org_id: int, deal_id: int, stays: Iterable[Stay]) -> list[dict[str, Any]]:
    return [
        {"org_id": org_id, "deal_id": deal_id, "stage_id": s.stage_id, "entered_at": s.entered_at, "left_at": s.left_at,
         "next_stage_id": s.next_stage_id, "outcome": s.outcome, "advanced": s.advanced}
        for s in stays
    ]


async def _set_sums(session: AsyncSession, org_id: int, owner: int, expected: dict[str, dict[str, Number]]) -> None:
    """Make the owner's stored sums equal `expected`: the difference of each row that is off is applied."""
    stored: dict[str, dict[str, Number]] = {}
    for row in await session.scalars(select(ResultSums).where(ResultSums.org_id == org_id, ResultSums.owner_id == owner)):
        stored[f"r|{row.grain}|{row.period}|{owner}|{row.lead_source}"] = {c: getattr(row, c) for c in RESULT_COLUMNS}
    for row in await session.scalars(select(StageSums).where(StageSums.org_id == org_id, StageSums.owner_id == owner)):
        stored[f"s|{row.grain}|{row.period}|{owner}|{row.stage_id}"] = {c: getattr(row, c) for c in STAGE_COLUMNS}
    for row in await session.scalars(select(Histogram).where(Histogram.org_id == org_id, Histogram.owner_id == owner)):
        stored[f"h|{row.grain}|{row.period}|{owner}|{row.series}|{row.bin}"] = {"count": row.count}
    delta: dict[str, dict[str, Number]] = {}
    _subtract(delta, expected, 1)
    _subtract(delta, stored, -1)
    await _apply(session, org_id, delta, (await session.connection()).dialect.name, nodes=False)
