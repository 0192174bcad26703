"""Leaderboards: who stands where, today, this week and this month, for a team or the org."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from podium.core.boards import Score
from podium.core.env import Env
from podium.core.errors import DomainError, ErrorCode
from podium.core.periods import PeriodKind, Window, window
from podium.core.policies import Role, Viewer, require_team_access
from podium.orgs import service as orgs
from podium.orgs import tree as org_tree
from podium.orgs.events import UnitsMerged
from podium.orgs.service import PublicUser
from podium.pipeline import ledger as deals
from podium.pipeline.events import DealWon
from podium.points.events import PointsEntered
from podium.points import ledger
from podium.points.ledger import Span

# Boards outlive their period so "last month" can still be read; after that they are rebuilt on demand.
RETENTION = timedelta(days=40)


class Scope(StrEnum):
    ORG = "org"
    TEAM = "team"


class Metric(StrEnum):
    POINTS = "points"
    REVENUE = "revenue"


@dataclass(frozen=True)
class BoardRef:
    org_id: int
    kind: PeriodKind
    team_id: int | None = None
    metric: Metric = Metric.POINTS

    @property
    def scope(self) -> Scope:
        return Scope.TEAM if self.team_id is not None else Scope.ORG

    def key(self, win: Window) -> str:
        scope = f"t{self.team_id}" if self.team_id is not None else "o"
        # Points boards keep the keys they always had; revenue boards sit beside them.
        suffix = ":rev" if self.metric is Metric.REVENUE else ""
        return f"{self.org_id}:{scope}:{win.key}{suffix}"


@dataclass(frozen=True)
class Entry:
    rank: int
    # 0 on revenue boards, which rank by `amount` and count `deals` won instead.
    points: int
    user: PublicUser
    amount: Decimal | None = None
    deals: int | None = None


@dataclass(frozen=True)
class Board:
    ref: BoardRef
    window: Window
    team_name: str | None
    # Number of ledger entries (or deals won) behind the board: grows with every change, equal on every instance.
    version: int
    entries: tuple[Entry, ...]
    currency: str
    changed_user_ids: tuple[int, ...] = field(default=())

    def with_changes_since(self, previous: Board | None) -> Board:
        if previous is None or previous.window.key != self.window.key:
            return self
        before = {e.user.id: (e.points, e.amount) for e in previous.entries}
        changed = tuple(e.user.id for e in self.entries if before.get(e.user.id) != (e.points, e.amount))
        return replace(self, changed_user_ids=changed)


@dataclass(frozen=True)
class MonthMove:
    """A person's monthly org-board points before and after an award, and whom they passed."""

    old_points: int
    new_points: int
    passed_user_id: int | None


async def resolve_board(
    env: Env, viewer: Viewer, kind: PeriodKind, scope: Scope, team_id: int | None, metric: Metric = Metric.POINTS
) -> BoardRef:
    """The board the viewer asked for, after checking they may see it."""
    if scope is Scope.ORG:
        if team_id is not None:
            raise DomainError.one(ErrorCode.INVALID, "teamId")
        return BoardRef(viewer.org_id, kind, None, metric)
    team_id = team_id if team_id is not None else viewer.team_id
    if team_id is None:
        raise DomainError.one(ErrorCode.REQUIRED, "teamId")
    async with env.db() as session:
        # A manager's boards follow the org tree, as every other read of theirs does.
        reached = (await org_tree.reach(session, viewer))[1].unit_ids if viewer.role is Role.MANAGER else frozenset()
        require_team_access(viewer, team_id, reached)
        if await orgs.team_in_org(session, viewer.org_id, team_id) is None:
            raise DomainError.one(ErrorCode.NOT_FOUND, "teamId")
    return BoardRef(viewer.org_id, kind, team_id, metric)


def _ttl(env: Env, win: Window) -> int:
    return max(60, int((win.end + RETENTION - env.clock()).total_seconds()))


async def _from_ledgers(session: AsyncSession, ref: BoardRef, win: Window) -> list[Score]:
    """The board's scores as the ledgers have them; a team's board counts what was credited to it and to the units
    merged into it."""
    merged = await orgs.merged_into(session, ref.org_id, ref.team_id) if ref.team_id is not None else ()
    if ref.metric is Metric.REVENUE:
        rows = await deals.revenue_by_user(session, ref.org_id, win.start, win.end, ref.team_id, merged)
    else:
        rows = await ledger.totals_by_user(session, ref.org_id, Span(win.start, win.end, ref.team_id, merged))
    return [Score(uid, int(total), int(n)) for uid, total, n in rows]


async def _ensure_built(env: Env, session: AsyncSession, ref: BoardRef, win: Window) -> None:
    key = ref.key(win)
    if await env.boards.is_built(key):
        return
    await env.boards.apply(key, await _from_ledgers(session, ref, win), _ttl(env, win))
    await env.boards.mark_built(key, _ttl(env, win))


async def read_board(env: Env, ref: BoardRef, at: datetime | None = None) -> Board:
    async with env.db() as session:
        time_zone = await orgs.org_time_zone(session, ref.org_id)
        currency = await orgs.org_currency(session, ref.org_id)
        win = window(ref.kind, time_zone, at or env.clock())
        await _ensure_built(env, session, ref, win)
        people = await orgs.public_users(session, ref.org_id, team_id=ref.team_id)
        team_name = None
        if ref.team_id is not None:
            team = await orgs.team_in_org(session, ref.org_id, ref.team_id)
            team_name = team.name if team else None
    scores = {s.member: s for s in await env.boards.read(ref.key(win))}
    zero = Score(0, 0, 0)
    # Everyone who sells is on the board from the first day, at zero; others once they score.
    standing = [(scores.get(uid, zero), person) for uid, person in people.items() if uid in scores or person.role is Role.REP]
    standing.sort(key=lambda item: (-item[0].points, item[1].name, item[1].id))
    revenue = ref.metric is Metric.REVENUE
    entries: list[Entry] = []
    rank, last = 0, None
    for position, (score, person) in enumerate(standing, start=1):
        if score.points != last:  # equal scores share a rank
            rank, last = position, score.points
        if revenue:
            entries.append(Entry(rank, 0, person, deals.from_minor(score.points), score.entries))
        else:
            entries.append(Entry(rank, score.points, person))
    version = sum(s.entries for s in scores.values())
    return Board(ref, win, team_name, version, tuple(entries), currency)


async def record_points(
    env: Env, *, org_id: int, user_id: int, team_id: int | None, occurred_at: datetime, points: int
) -> MonthMove:
    """Bring every board the entry touches up to the ledger; report the monthly move."""
    async with env.db() as session:
        wins, refs = await _touched(env, session, org_id, team_id, occurred_at, Metric.POINTS)
        merged = await orgs.merged_into(session, org_id, team_id) if team_id is not None else ()
        spans = [Span(_window_of(ref, wins).start, _window_of(ref, wins).end, ref.team_id, merged if ref.team_id else ()) for ref in refs]
        totals = await ledger.user_totals(session, user_id, spans)
    month_ref = BoardRef(org_id, PeriodKind.MONTH)
    month_win = _window_of(month_ref, wins)
    before = await env.boards.read(month_ref.key(month_win))
    for i, ref in enumerate(refs):
        win = _window_of(ref, wins)
        score = Score(user_id, *totals[i])
        await env.boards.apply(ref.key(win), [score], _ttl(env, win))
    new_points = totals[refs.index(month_ref)][0]
    old_points = new_points - points
    passed = [s for s in before if s.member != user_id and old_points <= s.points < new_points]
    # The one just passed is the highest of those now behind.
    top = max(passed, key=lambda s: s.points).member if passed else None
    return MonthMove(old_points, new_points, top)


async def on_points_entered(env: Env, event: PointsEntered) -> None:
    """Handler: every points board the entry counts on comes up to the ledger (absolute, so replays are harmless)."""
    await record_points(env, org_id=event.org_id, user_id=event.user, team_id=event.team, occurred_at=event.occurred_at, points=event.points)


async def on_deal_won(env: Env, event: DealWon) -> None:
    """Handler: every revenue board the win counts on comes up to the won deals."""
    await record_revenue(env, org_id=event.org_id, user_id=event.owner, team_id=event.team, occurred_at=event.closed_at)


async def record_revenue(env: Env, *, org_id: int, user_id: int, team_id: int | None, occurred_at: datetime) -> None:
    """Bring every revenue board a won deal touches up to the won deals (after the win commits)."""
    async with env.db() as session:
        wins, refs = await _touched(env, session, org_id, team_id, occurred_at, Metric.REVENUE)
        spans = [(_window_of(ref, wins).start, _window_of(ref, wins).end, ref.team_id) for ref in refs]
        merged = {team_id: await orgs.merged_into(session, org_id, team_id)} if team_id is not None else {}
        totals = await deals.user_revenue(session, user_id, spans, merged)
    for ref, (minor, won) in zip(refs, totals, strict=True):
        win = _window_of(ref, wins)
        await env.boards.apply(ref.key(win), [Score(user_id, minor, won)], _ttl(env, win))


async def _touched(
    env: Env, session: AsyncSession, org_id: int, team_id: int | None, occurred_at: datetime, metric: Metric
) -> tuple[list[Window], list[BoardRef]]:
    """The windows around a moment and the boards of `metric` it counts on (the org's and its team's), built."""
    time_zone = await orgs.org_time_zone(session, org_id)
    wins = [window(kind, time_zone, occurred_at) for kind in PeriodKind]
    refs = [BoardRef(org_id, w.kind, None, metric) for w in wins]
    if team_id is not None:
        refs += [BoardRef(org_id, w.kind, team_id, metric) for w in wins]
    for ref in refs:
        await _ensure_built(env, session, ref, _window_of(ref, wins))
    return wins, refs


def _window_of(ref: BoardRef, wins: list[Window]) -> Window:
    return next(w for w in wins if w.kind is ref.kind)


async def repair_drift(env: Env) -> int:
    """The cheap periodic check: each built board of the current periods (org and teams) against the ledgers; drifted
    scores are brought up to them (an event whose handler has not run yet, a store that lost writes). Returns boards
    repaired."""
    repaired = 0
    async with env.db() as session:
        org_zones = await orgs.all_time_zones(session)
    for org_id, zone in org_zones:
        now = env.clock()
        async with env.db() as session:
            scopes: list[int | None] = [None, *await orgs.team_ids(session, org_id)]
        for kind, metric, team_id in ((k, m, t) for k in PeriodKind for m in Metric for t in scopes):
            win = window(kind, zone, now)
            key = BoardRef(org_id, kind, team_id, metric).key(win)
            if not await env.boards.is_built(key):
                continue  # built from SQL when first read
            async with env.db() as session:
                scores = await _from_ledgers(session, BoardRef(org_id, kind, team_id, metric), win)
            stored = {s.member: (s.points, s.entries) for s in await env.boards.read(key)}
            drifted = [s for s in scores if stored.get(s.member) != (s.points, s.entries)]
            if drifted:
                await env.boards.apply(key, drifted, _ttl(env, win))
                repaired += 1
    return repaired


async def on_units_merged(env: Env, event: UnitsMerged) -> None:
    """Handler: the surviving unit's boards of the current periods come up to the ledgers, now that what was credited
    to the merged unit counts for it (absolute scores: a rerun changes nothing). Older boards are rebuilt when read
    after they expire."""
    async with env.db() as session:
        zone = await orgs.org_time_zone(session, event.org_id)
        for kind, metric in ((k, m) for k in PeriodKind for m in Metric):
            ref = BoardRef(event.org_id, kind, event.into, metric)
            win = window(kind, zone, env.clock())
            if await env.boards.is_built(ref.key(win)):
                await env.boards.apply(ref.key(win), await _from_ledgers(session, ref, win), _ttl(env, win))


async def rebuild_all(env: Env) -> None:
    """Forget derived scores (points and revenue); every board is rebuilt from SQL when next read."""
    await env.boards.clear()
