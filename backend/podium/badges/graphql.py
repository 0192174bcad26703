"""Badges earned, streaks, admins' badge definitions and the org's calendar of holidays and working weekends."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import strawberry

from podium.badges import service
from podium.badges.models import BadgeDefinition as DefinitionRow
from podium.badges.models import CalendarDay as CalendarRow
from podium.celebrations.service import badge_name
from podium.graphql.context import Info
from podium.graphql.errors import OperationError, attempt
from podium.graphql.ids import int_id


@strawberry.type(description="A badge a person earned, once per period it belongs to.")
class Badge:
    key: str = strawberry.field(description="first_deal, visits_day, streak, target_month, top3_month or custom-<id>.")
    name: str = strawberry.field(description="In the reader's language for built-in badges.")
    period_key: str = strawberry.field(description="The period it was earned for: `all`, a day `d…`, week `w…` or month `m…`.")
    awarded_at: datetime


@strawberry.type
class StreakType:
    current: int = strawberry.field(description="Consecutive working days with activity, up to today.")
    best: int = strawberry.field(description="The longest run within the last 400 days.")
    last_active: date | None
    at_risk: bool = strawberry.field(description="Today is a working day with no activity yet.")
    badge_days: int = strawberry.field(description="The run that earns the streak badge.")


@strawberry.type
class BadgeDefinition:
    id: strawberry.ID
    name: str
    metric: str = strawberry.field(description="points, verified_visits, deals_won or revenue_won.")
    period: str = strawberry.field(description="day, week or month.")
    threshold: int
    active: bool

    @classmethod
    def of(cls, row: DefinitionRow) -> BadgeDefinition:
        return cls(id=strawberry.ID(str(row.id)), name=row.name, metric=row.metric, period=row.period, threshold=row.threshold, active=row.active)


@strawberry.input
class BadgeDefinitionInput:
    id: strawberry.ID | None = strawberry.field(default=None, description="Null creates a new badge.")
    client_id: str | None = strawberry.field(default=None, description="For a create: a retry with the same id returns the first badge.")
    name: str
    metric: str
    period: str
    threshold: int
    active: bool = True


@strawberry.type
class SaveBadgeDefinitionSuccess:
    definition: BadgeDefinition


@strawberry.type
class CalendarDayType:
    day: date
    kind: str = strawberry.field(description="holiday, or workday (a weekend worked instead).")
    name: str


@strawberry.input
class CalendarDayInput:
    day: date
    kind: str
    name: str = ""


@strawberry.input
class SetCalendarInput:
    year: int
    days: list[CalendarDayInput]


@strawberry.type
class SetCalendarSuccess:
    days: list[CalendarDayType]


SaveBadgeDefinitionResult = Annotated[SaveBadgeDefinitionSuccess | OperationError, strawberry.union("SaveBadgeDefinitionResult")]
SetCalendarResult = Annotated[SetCalendarSuccess | OperationError, strawberry.union("SetCalendarResult")]


def _days(rows: list[CalendarRow]) -> list[CalendarDayType]:
    return [CalendarDayType(day=r.day, kind=r.kind, name=r.name) for r in rows]


@strawberry.type
class Query:
    @strawberry.field(description="A person's badges (mine by default), newest first; anyone in the org may see them.")
    async def badges(self, info: Info, user_id: strawberry.ID | None = None) -> list[Badge]:
        ctx = info.context
        whom = int_id(user_id) if user_id is not None else None
        return [
            Badge(key=e.key, name=badge_name(e.name, ctx.locale), period_key=e.period_key, awarded_at=e.awarded_at)
            for e in await service.earned(ctx.env, ctx.require_viewer(), whom)
        ]

    @strawberry.field(description="Working days in a row with activity: mine, or (managers, admins) one of my people's.")
    async def streak(self, info: Info, user_id: strawberry.ID | None = None) -> StreakType:
        ctx = info.context
        found = await service.streak(ctx.env, ctx.require_viewer(), int_id(user_id) if user_id is not None else None)
        return StreakType(current=found.current, best=found.best, last_active=found.last_active, at_risk=found.at_risk, badge_days=service.STREAK_DAYS)

    @strawberry.field(description="The badges my org's admins defined.")
    async def badge_definitions(self, info: Info) -> list[BadgeDefinition]:
        ctx = info.context
        return [BadgeDefinition.of(d) for d in await service.definitions(ctx.env, ctx.require_viewer())]

    @strawberry.field(description="A year's holidays and working weekends of my org (streaks skip holidays).")
    async def calendar_days(self, info: Info, year: int) -> list[CalendarDayType]:
        ctx = info.context
        return _days(await service.calendar(ctx.env, ctx.require_viewer(), year))


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Create or change a badge on a metric, threshold and period (admins).")
    async def save_badge_definition(self, info: Info, input: BadgeDefinitionInput) -> SaveBadgeDefinitionResult:
        ctx = info.context

        async def action() -> SaveBadgeDefinitionSuccess:
            data = service.DefinitionInput(
                name=input.name, metric=input.metric, period=input.period, threshold=input.threshold, active=input.active,
                definition_id=int_id(input.id) if input.id is not None else None, client_id=input.client_id,
            )
            return SaveBadgeDefinitionSuccess(definition=BadgeDefinition.of(await service.save_definition(ctx.env, ctx.require_viewer(), data)))

        return await attempt(ctx.locale, action)

    @strawberry.mutation(description="Replace a year's holidays and working weekends (admins).")
    async def set_calendar_days(self, info: Info, input: SetCalendarInput) -> SetCalendarResult:
        ctx = info.context

        async def action() -> SetCalendarSuccess:
            rows = await service.set_calendar(ctx.env, ctx.require_viewer(), input.year, [(d.day, d.kind, d.name) for d in input.days])
            return SetCalendarSuccess(days=_days(rows))

        return await attempt(ctx.locale, action)
