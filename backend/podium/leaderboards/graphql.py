"""Leaderboards: a query, and a subscription that sends the whole board first and then each change."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Hashable
from datetime import datetime
from decimal import Decimal
from typing import Any

import strawberry

from podium.core.env import Env
from podium.core.errors import DomainError, ErrorCode
from podium.core.events import names_of, org_channel
from podium.core.periods import PeriodKind
from podium.graphql.context import Info
from podium.leaderboards import service
from podium.leaderboards.service import Board, BoardRef, Metric, Scope
from podium.orgs.events import PersonChanged, PersonDeactivated, PersonJoined
from podium.orgs.graphql import Team, User

PEOPLE_EVENTS = names_of(PersonDeactivated, PersonJoined, PersonChanged)

PeriodEnum = strawberry.enum(PeriodKind, name="Period")
ScopeEnum = strawberry.enum(Scope, name="BoardScope")
MetricEnum = strawberry.enum(Metric, name="BoardMetric")
MAX_ENTRIES = 500


@strawberry.type
class LeaderboardEntry:
    rank: int
    points: int = strawberry.field(description="Points in the period; 0 on revenue boards.")
    amount: Decimal | None = strawberry.field(description="Revenue won in the period, in the board's currency; null on points boards.")
    deals_won: int | None = strawberry.field(description="Deals won in the period; null on points boards.")
    user: User


@strawberry.type
class Leaderboard:
    period: PeriodEnum
    scope: ScopeEnum
    metric: MetricEnum
    currency: str = strawberry.field(description="The org's currency (ISO 4217) of the entries' amounts.")
    team: Team | None
    period_key: str
    starts_at: datetime
    ends_at: datetime
    version: int = strawberry.field(description="Grows with every change; a frame with a lower version is stale.")
    changed_user_ids: list[strawberry.ID] = strawberry.field(description="Whose points (or revenue) changed since the previous frame.")
    all_entries: strawberry.Private[list[LeaderboardEntry]]

    @strawberry.field(description="Ranked, highest first; equal points (or amounts) share a rank.")
    def entries(self, first: int = 100) -> list[LeaderboardEntry]:
        if not 1 <= first <= MAX_ENTRIES:
            raise DomainError.one(ErrorCode.OUT_OF_RANGE, "first", min=1, max=MAX_ENTRIES)
        return self.all_entries[:first]

    @classmethod
    def of(cls, board: Board) -> Leaderboard:
        team = Team(id=strawberry.ID(str(board.ref.team_id)), name=board.team_name or "") if board.ref.team_id else None
        return cls(
            period=board.ref.kind,
            scope=board.ref.scope,
            metric=board.ref.metric,
            currency=board.currency,
            team=team,
            period_key=board.window.key,
            starts_at=board.window.start,
            ends_at=board.window.end,
            version=board.version,
            changed_user_ids=[strawberry.ID(str(u)) for u in board.changed_user_ids],
            all_entries=[
                LeaderboardEntry(rank=e.rank, points=e.points, amount=e.amount, deals_won=e.deals, user=User.of(e.user)) for e in board.entries
            ],
        )


class BoardLive:
    """The live view of one board for one visibility scope."""

    stream = False

    def __init__(self, env: Env, ref: BoardRef) -> None:
        self.env = env
        self.ref = ref
        self._previous: Board | None = None
        self._window_end: datetime | None = None

    @property
    def key(self) -> Hashable:
        return ("board", self.ref)

    @property
    def channel(self) -> str:
        return org_channel(self.ref.org_id)

    def relevant(self, event: dict[str, Any]) -> bool:
        if event.get("kind") in PEOPLE_EVENTS:
            # Who is on the board changed: a deactivated person leaves it, a new rep joins at zero, a move changes teams.
            return True
        if self.ref.metric is Metric.REVENUE:
            # A won deal is never un-won: only wins move a revenue board.
            counts = event.get("kind") == "deal" and event.get("status") == "won"
        else:
            counts = event.get("kind") == "points"
        return counts and (self.ref.team_id is None or event.get("team") == self.ref.team_id)

    async def snapshot(self) -> Leaderboard:
        board = await service.read_board(self.env, self.ref)
        changed = board.with_changes_since(self._previous)
        self._previous = board
        self._window_end = board.window.end
        return Leaderboard.of(changed)

    async def values_for(self, event: dict[str, Any]) -> list[Any]:
        return []

    def refresh_at(self, value: Any) -> datetime | None:
        return self._window_end  # a new day, week or month starts an empty board


async def board_live(info_context: Any, args: dict[str, Any]) -> BoardLive:
    """The topic for leaderboardChanged(period, scope, teamId, metric), after the viewer's access is checked."""
    viewer = info_context.require_viewer()
    team_id = _team_id(args.get("teamId"))
    metric = Metric(args.get("metric") or Metric.POINTS)
    ref = await service.resolve_board(info_context.env, viewer, PeriodKind(args["period"]), Scope(args["scope"]), team_id, metric)
    return BoardLive(info_context.env, ref)


def _team_id(raw: Any) -> int | None:
    if raw is None:
        return None
    raw = str(raw)
    if not raw.isdigit() or len(raw) > 18:
        raise DomainError.one(ErrorCode.NOT_FOUND, "teamId")
    return int(raw)


@strawberry.type
class Query:
    @strawberry.field(description="A board as it stands now.")
    async def leaderboard(
        self, info: Info, period: PeriodEnum, scope: ScopeEnum, team_id: strawberry.ID | None = None,  # type: ignore[valid-type]
        metric: MetricEnum = Metric.POINTS,  # type: ignore[valid-type]
    ) -> Leaderboard:
        ctx = info.context
        viewer = ctx.require_viewer()
        ref = await service.resolve_board(ctx.env, viewer, PeriodKind(period), Scope(scope), _team_id(team_id), Metric(metric))
        return Leaderboard.of(await service.read_board(ctx.env, ref))


@strawberry.type
class Subscription:
    @strawberry.subscription(description="The whole board at once, then the whole board again at each change (coalesced).")
    async def leaderboard_changed(
        self, info: Info, period: PeriodEnum, scope: ScopeEnum, team_id: strawberry.ID | None = None,  # type: ignore[valid-type]
        metric: MetricEnum = Metric.POINTS,  # type: ignore[valid-type]
    ) -> AsyncGenerator[Leaderboard, None]:
        spec = await board_live(info.context, {"period": period, "scope": scope, "teamId": team_id, "metric": metric})
        async for board in info.context.hub.listen(spec):
            yield board
