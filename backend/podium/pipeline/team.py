"""The team pipeline: every deal in a manager's or admin's reach, filtered, sorted, paged, and reassigned in bulk.

A rep is refused (FORBIDDEN): their own deals are `pipeline()`'s board. Reach is the org tree's
(orgs/tree.py): an admin the org, a manager the people of their subtree. A filter can only narrow
it: an owner or a team outside it is NOT_FOUND, exactly like one in another org.

Built for an org of 100,000 deals: one COUNT/SUM grouped by stage and one paged SELECT, both on
the deals table alone. Names that live in other capabilities are matched without their tables:
customers give a subquery of matching ids, and owners are ordered by the tree's own name order
(a CASE over the people in reach).
"""

from __future__ import annotations

import re
import time
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import ColumnElement, Select, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from podium.core.env import Env
from podium.core.errors import DomainError, ErrorCode, Problems
from podium.core.events import transaction
from podium.core.money import check_amount
from podium.core.policies import Viewer
from podium.db.like import LIKE_ESCAPE, contains
from podium.customers import service as customers
from podium.orgs import service as orgs
from podium.orgs import tree as org_tree
from podium.orgs.tree import OrgTree, Reach
from podium.pipeline import policies
from podium.pipeline.events import DealsReassigned
from podium.pipeline.models import Deal, Stage, StageChange
from podium.pipeline.service import LeadSource, Outcome, _record_change, ensure_stages

MAX_OWNERS = 100
MAX_STAGES = 20
MAX_PAGE = 200
MAX_OFFSET = 100_000
MAX_PER_STAGE = 50
MAX_REASSIGN = 200
SEARCH_MAX = 200
MONTH_RE = re.compile(r"\d{4}-(0[1-9]|1[0-2])", re.ASCII)


class TeamSort(StrEnum):
    AMOUNT = "amount"
    EXPECTED_CLOSE = "expected_close"
    STAGE = "stage"
    OWNER = "owner"
    UPDATED = "updated"
    DAYS_IN_STAGE = "days_in_stage"


@dataclass(frozen=True)
class TeamFilter:
    owner_ids: Sequence[int] = ()
    team_id: int | None = None  # the unit and every unit below it
    stage_ids: Sequence[int] = ()
    lead_sources: Sequence[str] = ()
    close_from: str | None = None  # "YYYY-MM", first month of expected close, inclusive
    close_to: str | None = None  # last month, inclusive
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None
    statuses: Sequence[str] = (Outcome.OPEN.value,)
    search: str = ""


@dataclass(frozen=True)
class Owner:
    id: int
    name: str
    team_id: int | None
    team_name: str | None
    active: bool


@dataclass(frozen=True)
class TeamDeal:
    deal: Deal
    customer_name: str
    owner: Owner
    stage: Stage
    days_in_stage: int


@dataclass(frozen=True)
class StageTotal:
    stage: Stage
    count: int
    amount: Decimal
    weighted: Decimal


@dataclass(frozen=True)
class TeamPage:
    total: int
    amount: Decimal
    stages: list[StageTotal]
    deals: list[TeamDeal]


@dataclass(frozen=True)
class BoardColumn:
    total: StageTotal
    deals: list[TeamDeal] = field(default_factory=list)


@dataclass(frozen=True)
class Options:
    """What the filters offer: the people and units in reach, the stages and lead sources."""

    tree: OrgTree
    reach: Reach
    stages: list[Stage]

    @property
    def owners(self) -> list[org_tree.Member]:
        return sorted((m for m in self.tree.members.values() if self.reach.sees_user(m.id)), key=lambda m: (m.name, m.id))

    @property
    def units(self) -> list[tuple[org_tree.Unit, int]]:
        """(unit, depth) depth first, from the top units the viewer reaches."""
        found: list[tuple[org_tree.Unit, int]] = []

        def walk(unit: org_tree.Unit, depth: int) -> None:
            found.append((unit, depth))
            for child in self.tree.child_units(unit.id):
                walk(child, depth + 1)

        tops = [u for u in self.tree.units.values() if self.reach.sees_unit(u.id) and not (u.parent_id and self.reach.sees_unit(u.parent_id))]
        for top in sorted(tops, key=lambda u: (u.name, u.id)):
            walk(top, 0)
        return found


# ---------------------------------------------------------------- reading


def _require_team_viewer(viewer: Viewer) -> None:
    if not viewer.is_manager_or_admin:
        raise DomainError.one(ErrorCode.FORBIDDEN)


def _month_start(key: str) -> date:
    return date(int(key[:4]), int(key[5:7]), 1)


def _after_month(key: str) -> date:
    year, month = int(key[:4]), int(key[5:7])
    return date(year + month // 12, month % 12 + 1, 1)


def _check_filter(f: TeamFilter) -> None:
    problems = Problems()
    if len(f.owner_ids) > MAX_OWNERS:
        problems.add(ErrorCode.TOO_MANY, "filter.ownerIds", max=MAX_OWNERS)
    if len(f.stage_ids) > MAX_STAGES:
        problems.add(ErrorCode.TOO_MANY, "filter.stageIds", max=MAX_STAGES)
    for i, source in enumerate(f.lead_sources):
        if source not in {s.value for s in LeadSource}:
            problems.add(ErrorCode.INVALID, f"filter.leadSources.{i}")
    for i, status in enumerate(f.statuses):
        if status not in {s.value for s in Outcome}:
            problems.add(ErrorCode.INVALID, f"filter.statuses.{i}")
    for name, key in (("closeFrom", f.close_from), ("closeTo", f.close_to)):
        if key is not None and (not MONTH_RE.fullmatch(key) or not 1900 <= int(key[:4]) <= 2999):
            problems.add(ErrorCode.INVALID, f"filter.{name}")
    if f.close_from and f.close_to and MONTH_RE.fullmatch(f.close_from) and MONTH_RE.fullmatch(f.close_to) and f.close_from > f.close_to:
        problems.add(ErrorCode.INVALID, "filter.closeTo")
    for name, amount in (("amountMin", f.amount_min), ("amountMax", f.amount_max)):
        if amount is not None:
            check_amount(problems, f"filter.{name}", amount, positive=False)
    if f.amount_min is not None and f.amount_max is not None and f.amount_min > f.amount_max:
        problems.add(ErrorCode.INVALID, "filter.amountMax")
    if len(f.search) > SEARCH_MAX:
        problems.add(ErrorCode.TOO_LONG, "filter.search", max=SEARCH_MAX)
    problems.raise_if_any()


def _conditions(viewer: Viewer, tree: OrgTree, reach: Reach, stage_rows: dict[int, Stage], f: TeamFilter) -> list[ColumnElement[bool]]:
    """The WHERE of a filter, reach first: nothing a filter names can widen it."""
    where: list[ColumnElement[bool]] = [Deal.org_id == viewer.org_id]
    if not reach.org_wide:
        where.append(Deal.owner_id.in_(sorted(reach.user_ids)))
    for i, owner_id in enumerate(f.owner_ids):
        if not reach.sees_user(owner_id) or (owner_id not in tree.members and not reach.org_wide):
            raise DomainError.one(ErrorCode.NOT_FOUND, f"filter.ownerIds.{i}")
    if f.owner_ids:
        where.append(Deal.owner_id.in_(sorted(set(f.owner_ids))))
    if f.team_id is not None:
        if f.team_id not in tree.units or not reach.sees_unit(f.team_id):
            raise DomainError.one(ErrorCode.NOT_FOUND, "filter.teamId")
        where.append(Deal.owner_id.in_(sorted({m.id for m in tree.members_under(f.team_id)}) or [-1]))
    for i, stage_id in enumerate(f.stage_ids):
        if stage_id not in stage_rows:
            raise DomainError.one(ErrorCode.NOT_FOUND, f"filter.stageIds.{i}")
    if f.stage_ids:
        where.append(Deal.stage_id.in_(sorted(set(f.stage_ids))))
    if f.lead_sources:
        where.append(Deal.lead_source.in_(sorted(set(f.lead_sources))))
    if f.statuses:
        where.append(Deal.status.in_(sorted(set(f.statuses))))
    if f.close_from:
        where.append(Deal.expected_close >= _month_start(f.close_from))
    if f.close_to:
        where.append(Deal.expected_close < _after_month(f.close_to))
    if f.amount_min is not None:
        where.append(Deal.amount >= f.amount_min)
    if f.amount_max is not None:
        where.append(Deal.amount <= f.amount_max)
    text = f.search.strip().lower()
    if text:
        named = customers.ids_named_like(viewer.org_id, text)
        where.append(func.lower(Deal.title).like(contains(text), escape=LIKE_ESCAPE) | Deal.customer_id.in_(named))
    return where


def _order(sort: TeamSort, descending: bool, tree: OrgTree, stage_rows: dict[int, Stage]) -> list[ColumnElement[object]]:
    if sort is TeamSort.OWNER:
        # The tree's name order as a CASE: no join on another capability's table. Former people sort last.
        ranks = {m.id: i for i, m in enumerate(sorted(tree.members.values(), key=lambda m: (m.name, m.id)))}
        key: ColumnElement[object] = case(ranks, value=Deal.owner_id, else_=len(ranks)) if ranks else Deal.owner_id
    elif sort is TeamSort.STAGE:
        positions = {sid: s.position for sid, s in stage_rows.items()}
        key = case(positions, value=Deal.stage_id, else_=0) if positions else Deal.stage_id
    elif sort is TeamSort.DAYS_IN_STAGE:
        # The longest stay first when descending: the earliest entry.
        key = Deal.stage_entered_at
        descending = not descending
    else:
        key = {TeamSort.AMOUNT: Deal.amount, TeamSort.EXPECTED_CLOSE: Deal.expected_close, TeamSort.UPDATED: Deal.updated_at}[sort]
    tie = Deal.id.desc() if descending else Deal.id.asc()
    return [key.desc() if descending else key.asc(), tie]


async def _context(session: AsyncSession, viewer: Viewer) -> tuple[OrgTree, Reach, dict[int, Stage]]:
    tree, reach = await org_tree.reach(session, viewer)
    stage_rows = {s.id: s for s in await ensure_stages(session, viewer.org_id)}
    return tree, reach, stage_rows


async def _totals(session: AsyncSession, where: list[ColumnElement[bool]], stage_rows: dict[int, Stage]) -> list[StageTotal]:
    query = (
        select(Deal.stage_id, func.count(), func.coalesce(func.sum(Deal.amount), 0), func.coalesce(func.sum(Deal.amount * Deal.probability), 0))
        .where(*where)
        .group_by(Deal.stage_id)
    )
    found = {int(sid): (int(n), Decimal(amount), Decimal(weighted)) for sid, n, amount, weighted in await session.execute(query)}
    result = []
    # Every active stage, and a retired one only while the filter still finds deals in it.
    for stage in sorted(stage_rows.values(), key=lambda s: (s.position, s.id)):
        if stage.is_active or stage.id in found:
            n, amount, weighted = found.get(stage.id, (0, Decimal(0), Decimal(0)))
            result.append(StageTotal(stage, n, amount.quantize(Decimal("0.01")), (weighted / 100).quantize(Decimal("0.01"))))
    return result


async def _rows(session: AsyncSession, viewer: Viewer, tree: OrgTree, stage_rows: dict[int, Stage], deals: Sequence[Deal], now: datetime) -> list[TeamDeal]:
    if not deals:
        return []
    names = await customers.names_of(session, viewer.org_id, {d.customer_id for d in deals})
    former = await orgs.people_named(session, {d.owner_id for d in deals if d.owner_id not in tree.members})

    def owner(uid: int) -> Owner:
        member = tree.members.get(uid)
        if member is None:
            return Owner(uid, former[uid].name if uid in former else "", None, None, False)
        unit = tree.units.get(member.team_id) if member.team_id is not None else None
        return Owner(uid, member.name, member.team_id, unit.name if unit else None, True)

    return [
        TeamDeal(d, names.get(d.customer_id, ""), owner(d.owner_id), stage_rows[d.stage_id], max(0, (now - d.stage_entered_at).days))
        for d in deals
    ]


async def team_deals(
    env: Env, viewer: Viewer, f: TeamFilter, sort: TeamSort = TeamSort.EXPECTED_CLOSE, descending: bool = False, offset: int = 0, first: int = 50
) -> TeamPage:
    """One page of the deals in reach that pass the filter, with the count and sums of all of them by stage."""
    _require_team_viewer(viewer)
    _check_filter(f)
    problems = Problems()
    if not 1 <= first <= MAX_PAGE:
        problems.add(ErrorCode.OUT_OF_RANGE, "first", min=1, max=MAX_PAGE)
    if not 0 <= offset <= MAX_OFFSET:
        problems.add(ErrorCode.OUT_OF_RANGE, "offset", min=0, max=MAX_OFFSET)
    problems.raise_if_any()
    async with transaction(env.db) as tx:  # the stages may be created on first use
        session = tx.session
        tree, reach, stage_rows = await _context(session, viewer)
        where = _conditions(viewer, tree, reach, stage_rows, f)
        totals = await _totals(session, where, stage_rows)
        query: Select[tuple[Deal]] = select(Deal).where(*where).order_by(*_order(sort, descending, tree, stage_rows)).offset(offset).limit(first)
        deals = list(await session.scalars(query))
        rows = await _rows(session, viewer, tree, stage_rows, deals, env.clock())
    return TeamPage(sum(t.count for t in totals), sum((t.amount for t in totals), Decimal(0)), totals, rows)


async def team_board(env: Env, viewer: Viewer, f: TeamFilter, sort: TeamSort = TeamSort.AMOUNT, descending: bool = True, per_stage: int = 20) -> list[BoardColumn]:
    """The stage board: each stage's count and sums, and its first deals by the sort (one windowed SELECT)."""
    _require_team_viewer(viewer)
    _check_filter(f)
    if not 1 <= per_stage <= MAX_PER_STAGE:
        raise DomainError.one(ErrorCode.OUT_OF_RANGE, "perStage", min=1, max=MAX_PER_STAGE)
    async with transaction(env.db) as tx:
        session = tx.session
        tree, reach, stage_rows = await _context(session, viewer)
        where = _conditions(viewer, tree, reach, stage_rows, f)
        totals = await _totals(session, where, stage_rows)
        order = _order(sort, descending, tree, stage_rows)
        ranked = select(Deal.id.label("id"), func.row_number().over(partition_by=Deal.stage_id, order_by=order).label("n")).where(*where).subquery()
        query = select(Deal).join(ranked, ranked.c.id == Deal.id).where(ranked.c.n <= per_stage).order_by(*order)
        deals = list(await session.scalars(query))
        rows = await _rows(session, viewer, tree, stage_rows, deals, env.clock())
    columns = {t.stage.id: BoardColumn(t) for t in totals}
    for row in rows:
        if row.stage.id in columns:
            columns[row.stage.id].deals.append(row)
    return list(columns.values())


async def options(env: Env, viewer: Viewer) -> Options:
    _require_team_viewer(viewer)
    async with transaction(env.db) as tx:
        tree, reach, stage_rows = await _context(tx.session, viewer)
    return Options(tree, reach, sorted((s for s in stage_rows.values() if s.is_active), key=lambda s: (s.position, s.id)))


# ---------------------------------------------------------------- reassigning


@dataclass(frozen=True)
class Reassigned:
    moved: list[int]  # the deals that changed owner
    unchanged: list[int]  # already the new owner's: a repeat changes nothing


async def reassign_deals(env: Env, viewer: Viewer, deal_ids: Sequence[int], owner_id: int) -> Reassigned:
    """Give these open deals to someone in reach, all or none, in one transaction; a repeat changes nothing."""
    if not policies.may_assign(viewer):
        raise DomainError.one(ErrorCode.FORBIDDEN, "dealIds")
    problems = Problems()
    if not deal_ids:
        problems.add(ErrorCode.REQUIRED, "dealIds")
    elif len(deal_ids) > MAX_REASSIGN:
        problems.add(ErrorCode.TOO_MANY, "dealIds", max=MAX_REASSIGN)
    problems.raise_if_any()
    wanted = list(dict.fromkeys(deal_ids))
    now = env.clock()
    async with transaction(env.db) as tx:
        session = tx.session
        tree, reach = await org_tree.reach(session, viewer)
        owner = tree.members.get(owner_id)
        if owner is None or not reach.sees_user(owner_id):
            raise DomainError.one(ErrorCode.NOT_FOUND, "ownerId")
        found = {d.id: d for d in await session.scalars(select(Deal).where(Deal.id.in_(wanted)).order_by(Deal.id).with_for_update())}
        problems = Problems()
        for i, deal_id in enumerate(deal_ids):
            deal = found.get(deal_id)
            if deal is None or deal.org_id != viewer.org_id or not policies.can_read(reach, deal):
                problems.add(ErrorCode.NOT_FOUND, f"dealIds.{i}")
            elif deal.status != Outcome.OPEN.value:
                problems.add(ErrorCode.CLOSED, f"dealIds.{i}")
        problems.raise_if_any()
        moved, unchanged, previous = [], [], []
        for deal_id in wanted:
            deal = found[deal_id]
            if deal.owner_id == owner_id:
                unchanged.append(deal_id)
                continue
            previous.append(deal.owner_id)
            deal.owner_id, deal.team_id = owner_id, owner.team_id
            _record_change(tx, viewer, deal, ["ownerId"], None, now)
            moved.append(deal_id)
        if moved:
            tx.record(DealsReassigned(org_id=viewer.org_id, deals=tuple(moved), previous=tuple(previous), owner=owner_id, by=viewer.user_id))
    return Reassigned(moved, unchanged)


# ---------------------------------------------------------------- stalling deals


# A stage's stay counts as long from its p90 in the org's own history of the last year, once it has
# this many finished stays; otherwise from a fixed default. Kept an hour per org: the history of an
# org with 100,000 deals is a few hundred thousand rows, and its p90 moves slowly.
STALL_MIN_SAMPLES = 20
STALL_DEFAULT_DAYS = 30
STALL_HISTORY = timedelta(days=365)
STALL_CACHE_SECONDS = 3600.0
# Per database (its engine, held weakly: another app in the same process, a test's, never sees these orgs' limits).
_STALL_LIMITS: weakref.WeakKeyDictionary[object, dict[int, tuple[float, dict[int, int]]]] = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class Stalling:
    deal: TeamDeal
    limit_days: int  # the stage's p90 stay (or the default) this deal has outstayed


def p90_days(stays: Sequence[float]) -> int | None:
    """The nearest-rank 90th percentile of stays in days (at least 1), or None with too few samples."""
    if len(stays) < STALL_MIN_SAMPLES:
        return None
    ordered = sorted(stays)
    return max(1, round(ordered[-(-9 * len(ordered) // 10) - 1]))


async def stall_limits(session: AsyncSession, org_id: int, stage_ids: Sequence[int], now: datetime) -> dict[int, int]:
    """Days after which a stay in each stage is long: the org's p90 of finished stays, else the default."""
    cache = _STALL_LIMITS.setdefault(session.get_bind(), {})
    cached = cache.get(org_id)
    if cached and cached[0] > time.monotonic() and set(stage_ids) <= set(cached[1]):
        return cached[1]
    nxt = select(
        StageChange.to_stage_id.label("stage_id"),
        StageChange.changed_at.label("entered"),
        func.lead(StageChange.changed_at, type_=StageChange.changed_at.type).over(partition_by=StageChange.deal_id, order_by=(StageChange.changed_at, StageChange.id)).label("left"),
    ).where(StageChange.org_id == org_id, StageChange.changed_at >= now - STALL_HISTORY).subquery()
    rows = await session.execute(select(nxt.c.stage_id, nxt.c.entered, nxt.c.left).where(nxt.c.left.is_not(None), nxt.c.stage_id.in_(list(stage_ids))))
    stays: dict[int, list[float]] = {}
    for stage_id, entered, left in rows:
        stays.setdefault(int(stage_id), []).append((_aware(left) - _aware(entered)).total_seconds() / 86400)
    limits = {sid: p90_days(stays.get(sid, ())) or STALL_DEFAULT_DAYS for sid in stage_ids}
    cache[org_id] = (time.monotonic() + STALL_CACHE_SECONDS, limits)
    return limits


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


async def stalling(env: Env, viewer: Viewer, first: int = 5) -> tuple[int, list[Stalling]]:
    """Open deals in reach that have stayed longer in their stage than the stage's limit: (how many, the longest first)."""
    _require_team_viewer(viewer)
    now = env.clock()
    async with transaction(env.db) as tx:
        session = tx.session
        tree, reach, stage_rows = await _context(session, viewer)
        open_stages = [s.id for s in stage_rows.values() if s.outcome == Outcome.OPEN.value]
        limits = await stall_limits(session, viewer.org_id, open_stages, now)
        where = _conditions(viewer, tree, reach, stage_rows, TeamFilter())
        late = [(Deal.stage_id == sid) & (Deal.stage_entered_at < now - timedelta(days=days)) for sid, days in limits.items()]
        if not late:
            return 0, []
        condition = late[0]
        for more in late[1:]:
            condition = condition | more
        count = int(await session.scalar(select(func.count()).select_from(Deal).where(*where, condition)) or 0)
        deals = list(await session.scalars(select(Deal).where(*where, condition).order_by(Deal.stage_entered_at, Deal.id).limit(first)))
        rows = await _rows(session, viewer, tree, stage_rows, deals, now)
    return count, [Stalling(r, limits[r.stage.id]) for r in rows]
