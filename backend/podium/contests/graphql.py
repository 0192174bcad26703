"""Contests over GraphQL: list, one contest with its standings, live standings, create and cancel."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Hashable
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

import strawberry

from podium.contests import service
from podium.contests.service import Metric, Mode, Status
from podium.core.env import Env
from podium.core.events import org_channel
from podium.core.i18n import DEFAULT_LOCALE
from podium.core.policies import Role, Viewer
from podium.graphql.context import Info
from podium.graphql.errors import OperationError, attempt
from podium.graphql.ids import int_id

ContestMetricEnum = strawberry.enum(Metric, name="ContestMetric", description="GROWTH: revenue won over the same dates a year earlier.")
ContestModeEnum = strawberry.enum(Mode, name="ContestMode", description="HEAD_TO_HEAD: exactly two teams.")
ContestStatusEnum = strawberry.enum(Status, name="ContestStatus")


@strawberry.type
class ContestPrize:
    rank: int
    title: str
    points: int = strawberry.field(description="Into the ledger of the person at that rank (each member of a team).")


@strawberry.type
class ContestEntry:
    rank: int = strawberry.field(description="1-based; ties share a rank.")
    key: str = strawberry.field(description="`user:<id>` or `team:<id>`.")
    name: str
    initials: str
    color: str
    value: Decimal = strawberry.field(description="The metric: points, a count, money in the org's currency, or growth as a ratio (1.25 = +25 %).")
    last_year: Decimal | None = strawberry.field(description="GROWTH: revenue won over the same dates a year earlier.")
    members: int

    @classmethod
    def of(cls, e: service.Entry) -> ContestEntry:
        return cls(rank=e.rank, key=e.key, name=e.name, initials=e.initials, color=e.color, value=e.value, last_year=e.last_year, members=e.members)


@strawberry.type
class Contest:
    id: strawberry.ID
    name: str
    description: str
    metric: ContestMetricEnum
    mode: ContestModeEnum
    status: ContestStatusEnum
    starts_on: date = strawberry.field(description="First day, the org's calendar.")
    ends_on: date = strawberry.field(description="Last day, inclusive.")
    starts_at: datetime
    ends_at: datetime
    currency: str
    prizes: list[ContestPrize]
    participants: int = strawberry.field(description="People taking part.")
    standings: list[ContestEntry] = strawberry.field(description="Live while running; fixed once ended.")
    winners: list[ContestEntry] = strawberry.field(description="Once ended: the entries that won a prize.")
    version: int = strawberry.field(description="Changes with every change of the standings.")
    created_by: str

    @classmethod
    def of(cls, v: service.View) -> Contest:
        c = v.contest
        return cls(
            id=strawberry.ID(str(c.id)), name=c.name, description=c.description, metric=Metric(c.metric), mode=Mode(c.mode),
            status=v.status, starts_on=c.starts_on, ends_on=c.ends_on, starts_at=c.starts_at, ends_at=c.ends_at, currency=v.currency,
            prizes=[ContestPrize(rank=p.rank, title=p.title, points=p.points) for p in v.prizes], participants=v.participants,
            standings=[ContestEntry.of(e) for e in v.standings], winners=[ContestEntry.of(e) for e in v.winners],
            version=v.version, created_by=v.created_by,
        )


@strawberry.input
class ContestPrizeInput:
    rank: int
    title: str
    points: int = 0


@strawberry.input
class CreateContestInput:
    client_id: str
    name: str
    metric: ContestMetricEnum
    mode: ContestModeEnum
    starts_on: date
    ends_on: date
    description: str = ""
    participant_ids: list[strawberry.ID] = strawberry.field(default_factory=list, description="INDIVIDUAL: people; empty: every rep in my reach.")
    team_ids: list[strawberry.ID] = strawberry.field(default_factory=list, description="TEAM: teams (empty: all in reach); HEAD_TO_HEAD: exactly two.")
    prizes: list[ContestPrizeInput] = strawberry.field(default_factory=list)


@strawberry.type
class ContestSuccess:
    contest: Contest


ContestResult = Annotated[ContestSuccess | OperationError, strawberry.union("ContestResult")]


class ContestLive:
    """One contest's standings, computed once per change for everyone watching it (phones and TVs alike)."""

    stream = False

    def __init__(self, env: Env, org_id: int, contest_id: int) -> None:
        self.env = env
        self.org_id = org_id
        self.contest_id = contest_id
        self._view = Viewer(user_id=0, org_id=org_id, team_id=None, role=Role.ADMIN, locale=DEFAULT_LOCALE, name="")

    @property
    def key(self) -> Hashable:
        return ("contest", self.org_id, self.contest_id)

    @property
    def channel(self) -> str:
        return org_channel(self.org_id)

    def relevant(self, event: dict[str, Any]) -> bool:
        return event.get("kind") in service.MOVING_EVENTS

    async def snapshot(self) -> Contest | None:
        found = await service.contest(self.env, self._view, self.contest_id)
        return Contest.of(found) if found else None

    async def values_for(self, event: dict[str, Any]) -> list[Any]:
        return []

    def refresh_at(self, value: Any) -> datetime | None:
        # It starts, then ends, without any event: each is a moment to recompute (the end sweep then fixes it).
        if value is None or value.status is Status.ENDED:
            return None
        return value.starts_at if value.status is Status.UPCOMING else value.ends_at


async def contest_live(info_context: Any, args: dict[str, Any]) -> ContestLive:
    viewer = info_context.require_viewer()
    contest_id = int_id(args.get("id"))
    await service.contest_or_error(info_context.env, viewer, contest_id)
    return ContestLive(info_context.env, viewer.org_id, contest_id)


@strawberry.type
class Query:
    @strawberry.field(description="My org's contests, newest first; `status` narrows them.")
    async def contests(self, info: Info, status: ContestStatusEnum | None = None) -> list[Contest]:
        ctx = info.context
        return [Contest.of(v) for v in await service.contests(ctx.env, ctx.require_viewer(), Status(status) if status else None)]

    @strawberry.field(description="One contest with its standings; null when unknown.")
    async def contest(self, info: Info, id: strawberry.ID) -> Contest | None:
        ctx = info.context
        found = await service.contest(ctx.env, ctx.require_viewer(), int_id(id))
        return Contest.of(found) if found else None


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Start a contest among my people or teams (managers; admins for the whole org). Idempotent on clientId.")
    async def create_contest(self, info: Info, input: CreateContestInput) -> ContestResult:
        ctx = info.context

        async def action() -> ContestSuccess:
            data = service.ContestInput(
                client_id=input.client_id, name=input.name, metric=str(Metric(input.metric)), mode=str(Mode(input.mode)),
                starts_on=input.starts_on, ends_on=input.ends_on, description=input.description,
                participant_ids=tuple(int_id(p) for p in input.participant_ids), team_ids=tuple(int_id(t) for t in input.team_ids),
                prizes=tuple(service.Prize(p.rank, p.title, p.points) for p in input.prizes),
            )
            return ContestSuccess(contest=Contest.of(await service.create_contest(ctx.env, ctx.require_viewer(), data)))

        return await attempt(ctx.locale, action)

    @strawberry.mutation(description="Withdraw a contest before it ends; nothing is paid.")
    async def cancel_contest(self, info: Info, id: strawberry.ID) -> ContestResult:
        ctx = info.context

        async def action() -> ContestSuccess:
            return ContestSuccess(contest=Contest.of(await service.cancel_contest(ctx.env, ctx.require_viewer(), int_id(id))))

        return await attempt(ctx.locale, action)


@strawberry.type
class Subscription:
    @strawberry.subscription(description="A contest with its standings now, then again after every change that moves them; null once cancelled.")
    async def contest_standings_changed(self, info: Info, id: strawberry.ID) -> AsyncGenerator[Contest | None, None]:
        spec = await contest_live(info.context, {"id": id})
        async for value in info.context.hub.listen(spec):
            yield value
