"""Keeping the pipeline's rollups: each deal re-derived from the source tables, and only the difference applied.

A deal's contributions (what it adds to each summed row: results, stage figures, duration bins) are computed from
its row, its stage changes and its payments; its facts row keeps the contributions last applied, so a handler that
runs twice, or after the rebuild, applies a zero difference. The deal's row is locked first: two handlers of the same
deal take turns. Attribution is by the deal's current owner; periods are the org's local months and ISO weeks.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, delete, select, update
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


class PeriodKeys:
    """The org's month and ISO week keys of a moment (period_key at both grains), worked out once per local day."""

    def __init__(self, zone: ZoneInfo) -> None:
        self.zone = zone
        self._known: dict[date, tuple[str, str]] = {}

    def __call__(self, moment: datetime) -> tuple[str, str]:
        day = moment.astimezone(self.zone).date()
        found = self._known.get(day)
        if found is None:
            iso = day.isocalendar()
            found = self._known[day] = (f"{day.year:04d}-{day.month:02d}", f"{iso.year:04d}-W{iso.week:02d}")
        return found


def bin_of(seconds: float) -> int:
    """The index of the last bin edge at or below the duration (the first bin for anything shorter)."""
    return max(0, bisect_right(BIN_EDGES, seconds / 86400) - 1)


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


def derive(deal: DealSource, stages: dict[int, StageInfo], periods: PeriodKeys) -> Derived:
    """What the deal adds to every summed row, from its source rows alone."""
    out: Contributions = {}
    owner, source, amount = deal.owner_id, deal.lead_source, Decimal(deal.amount)
    margin = Decimal(deal.margin or 0)
    created = _aware(deal.created_at)

    def add(prefix: str, moment: datetime, rest: str, values: tuple[tuple[str, Number], ...]) -> None:
        month, week = periods(moment)
        for key in (f"{prefix}|{MONTH}|{month}|{owner}|{rest}", f"{prefix}|{WEEK}|{week}|{owner}|{rest}"):
            row = out.get(key)
            if row is None:
                out[key] = {column: 0 + value for column, value in values}
            else:
                for column, value in values:
                    row[column] = row.get(column, 0) + value

    add("r", created, source, (("created", 1),))
    closed = _aware(deal.closed_at) if deal.closed_at else None
    if deal.status in (WON, REVERSED) and closed is not None:
        add("r", closed, source, (("won", 1), ("won_amount", amount), ("won_margin", margin)))
        add("r", created, source, (("cohort_won", 1),))
        add("h", closed, f"cycle:{source}|{bin_of((closed - created).total_seconds())}", (("count", 1),))
    if deal.status == LOST and closed is not None:
        add("r", closed, source, (("lost", 1), ("lost_amount", amount)))
        add("r", created, source, (("cohort_lost", 1),))
    if deal.status == REVERSED and deal.reversed_at is not None:
        add("r", _aware(deal.reversed_at), source, (("reversed", 1), ("reversed_amount", amount), ("reversed_margin", margin)))
    for paid, at in deal.payments:
        add("r", _aware(at), source, (("collections", Decimal(paid)),))
    stays = stays_of(deal, stages)
    for stay in stays:
        add("s", stay.entered_at, str(stay.stage_id), (("entered", 1), ("entered_amount", amount), ("advanced", int(stay.advanced))))
        if stay.left_at is not None:
            add("s", stay.left_at, str(stay.stage_id), (("stays", 1),))
            add("h", stay.left_at, f"stay:{stay.stage_id}|{bin_of((stay.left_at - stay.entered_at).total_seconds())}", (("count", 1),))
    # Cohort: the open stages up to the furthest one the deal reached (all of them once won), and whether it went beyond.
    visited = {s.stage_id for s in stays}
    won = deal.status in (WON, REVERSED)
    furthest = max((stages[s].position for s in visited), default=None)
    for stage_id, info in stages.items():
        if info.outcome != OPEN or not (info.active or stage_id in visited):
            continue
        if won or (furthest is not None and info.position <= furthest):
            beyond = won or (furthest is not None and furthest > info.position)
            add("s", created, f"{stage_id}", (("reached", 1), ("reached_amount", amount), ("reached_advanced", int(beyond))))
    return Derived(deal, stays, out)


# Money as JSON strings (exact), counts as numbers; the C encoder calls `default` for each Decimal.
_encode = json.JSONEncoder(separators=(",", ":"), sort_keys=True, default=str).encode


def _decode(stored: str) -> Contributions:
    raw = json.loads(stored or "{}")
    return {k: {c: Decimal(v) if c in MONEY_COLUMNS else int(v) for c, v in row.items()} for k, row in raw.items()}


def _subtract(delta: dict[str, dict[str, Number]], contributions: Contributions, sign: int) -> None:
    for key, row in contributions.items():
        target = delta.setdefault(key, {})
        for column, value in row.items():
            target[column] = target.get(column, 0) + sign * value


def _add(total: dict[str, dict[str, Number]], contributions: Contributions) -> None:
    """_subtract(total, contributions, 1), the rebuild's hot path: a row met for the first time is copied, not summed."""
    for key, row in contributions.items():
        target = total.get(key)
        if target is None:
            total[key] = dict(row)
            continue
        for column, value in row.items():
            target[column] = target.get(column, 0) + value


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
    periods = PeriodKeys(await _zone(session, org_id))
    delta: dict[str, dict[str, Number]] = {}
    present = {d.id for d in deals}
    stay_rows: list[dict[str, Any]] = []
    for deal in deals:
        derived = derive(deal, stages, periods)
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
        values = delta[key]
        if not any(values.values()):
            continue
        prefix, grain, period, owner, *rest = key.split("|")
        row: dict[str, Any] = {"org_id": org_id, "grain": grain, "period": period, "owner_id": int(owner)}
        if prefix == "r":
            row["lead_source"] = rest[0]
            columns = RESULT_COLUMNS
        elif prefix == "s":
            row["stage_id"] = int(rest[0])
            columns = STAGE_COLUMNS
        else:
            row["series"], row["bin"] = rest[0], int(rest[1])
            columns = ("count",)
        for column in columns:
            value = values.get(column)
            row[column] = value if value else 0  # a zero of any type is written as 0
        tables[prefix].append(row)
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

    By blocks of owners (each owner's sums are made of their own deals alone; several owners share a transaction, up
    to REBUILD_BATCH deals): the sums the deals give are compared with the stored ones and only the rows that differ
    are written, with absolute values. Rollups already right are left as they are, row for row (a restored backup
    stays identical); drifted ones are repaired.
    """
    async with env.db() as session:
        owned = await sources.deal_owners(session, org_id)
        stored_owners: set[int] = set()
        for model in (ResultSums, StageSums, Histogram):
            stored_owners |= {int(o) for o in await session.scalars(select(model.owner_id).where(model.org_id == org_id, model.owner_id > 0).distinct())}
        org = _Org(org_id, await _stages(session, org_id), PeriodKeys(await _zone(session, org_id)))
    by_owner: dict[int, list[int]] = {owner: [] for owner in stored_owners}
    for deal_id, owner in owned:
        by_owner.setdefault(owner, []).append(deal_id)
    for owners in _blocks(by_owner):
        ids = sorted(d for o in owners for d in by_owner[o])
        if len(ids) <= REBUILD_BATCH:  # one transaction, the owners' deals locked: nothing moves in between
            async with transaction(env.db) as tx:
                expected = await _rebuild_deals(tx.session, org, ids)
                await _set_sums(tx.session, org_id, owners, expected)
            continue
        # One owner with more deals than one transaction should hold: facts and stays in parts, then the sums once.
        expected = {}
        for start in range(0, len(ids), REBUILD_BATCH):
            async with transaction(env.db) as tx:
                _add(expected, await _rebuild_deals(tx.session, org, ids[start:start + REBUILD_BATCH]))
        async with transaction(env.db) as tx:
            await _set_sums(tx.session, org_id, owners, expected)
    # The tree's node rows (analytics/deals_nodes.py) from the owner rows just made right, written only where they differ.
    await deals_nodes.recompute_org(env, org_id, org_row=True)
    return len(owned)


# Deals per transaction of the rebuild (several owners' together; an owner with more is rebuilt in parts: deals'
# facts and stays per part, then their sums once), and at most this many owners in one (their stored sums are read
# at once).
REBUILD_BATCH = 5000
REBUILD_OWNERS = 200


@dataclass(frozen=True)
class _Org:
    """What the rebuild reads once per org."""

    id: int
    stages: dict[int, StageInfo]
    periods: PeriodKeys


def _blocks(by_owner: dict[int, list[int]]) -> Iterable[list[int]]:
    """The owners in id order, grouped up to REBUILD_BATCH deals and REBUILD_OWNERS owners; a bigger owner alone."""
    block: list[int] = []
    deals = 0
    for owner in sorted(by_owner):
        count = len(by_owner[owner])
        if block and (deals + count > REBUILD_BATCH or len(block) == REBUILD_OWNERS):
            yield block
            block, deals = [], 0
        block.append(owner)
        deals += count
    if block:
        yield block


_FACTS = DealFacts.__table__
_STAYS = StageStay.__table__
FACT_COLUMNS = ("owner_id", "lead_source", "status", "stage_id", "stage_entered_at", "amount", "created_at", "contributions")
STAY_COLUMNS = ("stage_id", "entered_at", "left_at", "next_stage_id", "outcome", "advanced")


async def _rebuild_deals(session: AsyncSession, org: _Org, deal_ids: list[int]) -> dict[str, dict[str, Number]]:
    """The deals' facts and stays made right (written only where they differ); returns what the deals add to the sums."""
    if not deal_ids:
        return {}
    dialect = (await session.connection()).dialect.name
    deals = await sources.deal_sources(session, org.id, deal_ids, lock=dialect == "postgresql")
    facts = {row[0]: row[1:] for row in await session.execute(
        select(_FACTS.c.deal_id, *(_FACTS.c[c] for c in FACT_COLUMNS)).where(_FACTS.c.org_id == org.id, _FACTS.c.deal_id.in_(sources.ids_param(deal_ids)))
    )}
    kept_stays: dict[int, list[tuple[Any, ...]]] = {}
    for deal_id, *stay in await session.execute(
        select(_STAYS.c.deal_id, *(_STAYS.c[c] for c in STAY_COLUMNS)).where(_STAYS.c.deal_id.in_(sources.ids_param(deal_ids))).order_by(_STAYS.c.id)
    ):
        kept_stays.setdefault(deal_id, []).append(tuple(stay))
    expected: dict[str, dict[str, Number]] = {}
    new_facts: list[dict[str, Any]] = []
    changed_facts: list[dict[str, Any]] = []
    stale_stays: list[int] = []
    new_stays: list[dict[str, Any]] = []
    for deal in deals:
        derived = derive(deal, org.stages, org.periods)
        _add(expected, derived.contributions)
        values = _facts_values(deal, derived)
        found = facts.get(deal.id)
        if found is None:
            new_facts.append({"deal_id": deal.id, "org_id": org.id, **values})
        elif any(_differs(kept, values[name]) for name, kept in zip(FACT_COLUMNS, found, strict=True)):
            changed_facts.append({"b_deal_id": deal.id, **values})
        stays = [(x.stage_id, x.entered_at, x.left_at, x.next_stage_id, x.outcome, x.advanced) for x in derived.stays]
        kept = kept_stays.get(deal.id, [])
        if stays != kept:
            if kept:
                stale_stays.append(deal.id)
            new_stays += _stay_rows(org.id, deal.id, derived.stays)
    if new_facts:
        await session.execute(_FACTS.insert(), new_facts)
    if changed_facts:
        await session.execute(update(_FACTS).where(_FACTS.c.deal_id == bindparam("b_deal_id")), changed_facts)
    if stale_stays:
        await session.execute(delete(StageStay).where(StageStay.deal_id.in_(stale_stays)))
    if new_stays:
        await session.execute(_STAYS.insert(), new_stays)
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


async def _set_sums(session: AsyncSession, org_id: int, owners: list[int], expected: dict[str, dict[str, Number]]) -> None:
    """Make these owners' stored sums equal `expected`: the difference of each row that is off is applied."""
    delta = expected
    # Both grains named: the owner indexes lead with (org_id, grain, owner_id).
    where = lambda model: (model.org_id == org_id, model.grain.in_(GRAINS), model.owner_id.in_(owners))  # noqa: E731
    stored = await session.execute(select(ResultSums.grain, ResultSums.period, ResultSums.owner_id, ResultSums.lead_source,
                                          *(ResultSums.__table__.c[c] for c in RESULT_COLUMNS)).where(*where(ResultSums)))
    for grain, period, owner, source, *values in stored:
        _take(delta, f"r|{grain}|{period}|{owner}|{source}", RESULT_COLUMNS, values)
    stored = await session.execute(select(StageSums.grain, StageSums.period, StageSums.owner_id, StageSums.stage_id,
                                          *(StageSums.__table__.c[c] for c in STAGE_COLUMNS)).where(*where(StageSums)))
    for grain, period, owner, stage_id, *values in stored:
        _take(delta, f"s|{grain}|{period}|{owner}|{stage_id}", STAGE_COLUMNS, values)
    stored = await session.execute(select(Histogram.grain, Histogram.period, Histogram.owner_id, Histogram.series, Histogram.bin,
                                          Histogram.count).where(*where(Histogram)))
    for grain, period, owner, series, bin_, count in stored:
        _take(delta, f"h|{grain}|{period}|{owner}|{series}|{bin_}", ("count",), (count,))
    await _apply(session, org_id, delta, (await session.connection()).dialect.name, nodes=False)


def _take(delta: dict[str, dict[str, Number]], key: str, columns: tuple[str, ...], stored: Iterable[Number]) -> None:
    """The stored row's values taken off what the row should hold (in place: `delta` is the rebuild's own dict)."""
    row = delta.get(key)
    if row is None:
        row = delta[key] = {}
    for column, value in zip(columns, stored, strict=True):
        if value:
            row[column] = row.get(column, 0) - value
