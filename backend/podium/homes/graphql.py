"""The homes in GraphQL: `teamToday` for managers (and admins), `adminHome` for admins."""

from __future__ import annotations


import strawberry

from podium.celebrations.graphql import Celebration
from podium.core.i18n import Locale
from podium.graphql.context import Info
from podium.homes import service
from podium.homes.service import Step
from podium.pipeline.team_graphql import TeamDeal
from podium.targets.graphql import AttainmentType
from podium.visits.graphql import Visit

StepEnum = strawberry.enum(Step, name="SetupStep")


@strawberry.type
class StallingDeal:
    deal: TeamDeal
    limit_days: int = strawberry.field(description="The stage's long stay: the org's p90 of stays in it, or 30 days with too little history.")


@strawberry.type
class TeamToday:
    attainment: AttainmentType = strawberry.field(description="This month's revenue for my team (an admin: the org), with pace.")
    reps: int
    behind: list[AttainmentType] = strawberry.field(description="Reps below pace this month, furthest behind first.")
    visits_to_review: int
    review: list[Visit] = strawberry.field(description="The oldest flagged visits waiting for review.")
    stalling: int = strawberry.field(description="Open deals that have stayed longer in their stage than its long stay.")
    stalled: list[StallingDeal]
    redemptions_to_decide: int
    statements_to_approve: int
    statements_period: str | None = strawberry.field(description="The month those statements are for (last month).")
    celebrations: list[Celebration]

    @classmethod
    def of(cls, t: service.TeamToday, locale: Locale) -> TeamToday:
        return cls(
            attainment=AttainmentType.of(t.attainment), reps=t.reps, behind=[AttainmentType.of(a) for a in t.behind],
            visits_to_review=t.visits_to_review, review=[Visit.of(v) for v in t.review], stalling=t.stalling,
            stalled=[StallingDeal(deal=TeamDeal.of(s.deal, locale), limit_days=s.limit_days) for s in t.stalled],
            redemptions_to_decide=t.redemptions, statements_to_approve=t.statements.count if t.statements else 0,
            statements_period=t.statements.period if t.statements else None, celebrations=[Celebration.of(c) for c in t.celebrations],
        )


@strawberry.type
class SetupItem:
    step: StepEnum
    done: bool
    count: int = strawberry.field(description="What the step found: teams, people, products, customers, plans, saved rules, TVs (1/0 otherwise).")


@strawberry.type
class AdminHome:
    checklist: list[SetupItem]
    setup_done: bool
    overview: TeamToday


@strawberry.type
class Query:
    @strawberry.field(description="Managers and admins: the team (admins: the org) today.")
    async def team_today(self, info: Info) -> TeamToday:
        ctx = info.context
        return TeamToday.of(await service.team_today(ctx.env, ctx.require_viewer()), ctx.locale)

    @strawberry.field(description="Admins: the setup checklist, read from the org's data, and the company overview.")
    async def admin_home(self, info: Info) -> AdminHome:
        ctx = info.context
        home = await service.admin_home(ctx.env, ctx.require_viewer())
        return AdminHome(
            checklist=[SetupItem(step=i.step, done=i.done, count=i.count) for i in home.checklist],
            setup_done=home.setup_done, overview=TeamToday.of(home.overview, ctx.locale),
        )
