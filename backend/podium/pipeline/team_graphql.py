"""The team pipeline in GraphQL: deals in reach as a table page or a stage board, the filters' choices, bulk reassign."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

import strawberry

from podium.core.i18n import Locale
from podium.graphql.context import Info
from podium.graphql.errors import OperationError, attempt
from podium.graphql.ids import int_id
from podium.pipeline import team
from podium.pipeline.graphql import LeadSourceEnum, OutcomeEnum, Stage
from podium.pipeline.service import LeadSource, Outcome
from podium.pipeline.team import TeamSort

TeamSortEnum = strawberry.enum(TeamSort, name="TeamDealSort")


def _id(value: int) -> strawberry.ID:
    return strawberry.ID(str(value))


@strawberry.type
class DealOwner:
    id: strawberry.ID
    name: str
    team_id: strawberry.ID | None
    team_name: str | None
    active: bool = strawberry.field(description="False for someone who has left: their deals wait to be reassigned.")

    @classmethod
    def of(cls, o: team.Owner) -> DealOwner:
        return cls(id=_id(o.id), name=o.name, team_id=_id(o.team_id) if o.team_id else None, team_name=o.team_name, active=o.active)


@strawberry.type
class TeamDeal:
    id: strawberry.ID
    title: str
    customer_id: strawberry.ID
    customer_name: str
    owner: DealOwner
    stage: Stage
    amount: Decimal
    currency: str
    probability: int
    lead_source: LeadSourceEnum
    expected_close: date
    status: OutcomeEnum
    stage_entered_at: datetime
    days_in_stage: int = strawberry.field(description="Whole days since the deal entered its current stage.")
    updated_at: datetime
    version: int

    @classmethod
    def of(cls, row: team.TeamDeal, locale: Locale) -> TeamDeal:
        d = row.deal
        return cls(
            id=_id(d.id), title=d.title, customer_id=_id(d.customer_id), customer_name=row.customer_name, owner=DealOwner.of(row.owner),
            stage=Stage.of(row.stage, locale), amount=d.amount, currency=d.currency, probability=d.probability,
            lead_source=LeadSource(d.lead_source), expected_close=d.expected_close, status=Outcome(d.status),
            stage_entered_at=d.stage_entered_at, days_in_stage=row.days_in_stage, updated_at=d.updated_at, version=d.version,
        )


@strawberry.type
class StageTotal:
    stage: Stage
    count: int
    amount: Decimal
    weighted_amount: Decimal = strawberry.field(description="Sum of amount × probability.")

    @classmethod
    def of(cls, t: team.StageTotal, locale: Locale) -> StageTotal:
        return cls(stage=Stage.of(t.stage, locale), count=t.count, amount=t.amount, weighted_amount=t.weighted)


@strawberry.type
class TeamDealsPage:
    total: int = strawberry.field(description="Deals passing the filter, all pages.")
    amount: Decimal = strawberry.field(description="Their summed amount, all pages.")
    stages: list[StageTotal] = strawberry.field(description="Count and sums per stage of every deal passing the filter.")
    deals: list[TeamDeal]


@strawberry.type
class TeamBoardColumn:
    stage: Stage
    count: int
    amount: Decimal
    weighted_amount: Decimal
    deals: list[TeamDeal] = strawberry.field(description="The first `perStage` deals of the stage by the sort.")


@strawberry.type
class TeamUnit:
    id: strawberry.ID
    name: str
    depth: int = strawberry.field(description="0 for the top unit the viewer reaches.")


@strawberry.type
class TeamPipelineOptions:
    owners: list[DealOwner]
    teams: list[TeamUnit]
    stages: list[Stage]
    lead_sources: list[LeadSourceEnum]


@strawberry.input
class TeamDealsFilter:
    owner_ids: list[strawberry.ID] = strawberry.field(default_factory=list, description=f"At most {team.MAX_OWNERS}.")
    team_id: strawberry.ID | None = strawberry.field(default=None, description="A unit: its deals and those of every unit below it.")
    stage_ids: list[strawberry.ID] = strawberry.field(default_factory=list)
    lead_sources: list[LeadSourceEnum] = strawberry.field(default_factory=list)
    close_from: str | None = strawberry.field(default=None, description="First month of expected close, YYYY-MM.")
    close_to: str | None = strawberry.field(default=None, description="Last month of expected close, YYYY-MM, inclusive.")
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None
    statuses: list[OutcomeEnum] = strawberry.field(default_factory=lambda: [Outcome.OPEN], description="OPEN by default.")  # type: ignore[valid-type]
    search: str = strawberry.field(default="", description="In the deal's title or its customer's name.")


def _filter(f: TeamDealsFilter | None) -> team.TeamFilter:
    if f is None:
        return team.TeamFilter()
    return team.TeamFilter(
        owner_ids=[int_id(i) for i in f.owner_ids], team_id=int_id(f.team_id) if f.team_id is not None else None,
        stage_ids=[int_id(i) for i in f.stage_ids], lead_sources=[LeadSource(s).value for s in f.lead_sources],
        close_from=f.close_from, close_to=f.close_to, amount_min=f.amount_min, amount_max=f.amount_max,
        statuses=[Outcome(s).value for s in f.statuses], search=f.search,
    )


@strawberry.type
class ReassignDealsSuccess:
    moved: list[strawberry.ID] = strawberry.field(description="Deals that changed owner.")
    unchanged: list[strawberry.ID] = strawberry.field(description="Deals that were already the new owner's.")


ReassignDealsResult = Annotated[ReassignDealsSuccess | OperationError, strawberry.union("ReassignDealsResult")]


@strawberry.type
class Query:
    @strawberry.field(description="Managers and admins: a page of the deals in reach that pass the filter, with totals per stage.")
    async def team_deals(
        self, info: Info, filter: TeamDealsFilter | None = None, sort: TeamSortEnum = TeamSort.EXPECTED_CLOSE,  # type: ignore[valid-type]
        descending: bool = False, offset: int = 0, first: int = 50,
    ) -> TeamDealsPage:
        ctx = info.context
        page = await team.team_deals(ctx.env, ctx.require_viewer(), _filter(filter), TeamSort(sort), descending, offset, first)
        return TeamDealsPage(
            total=page.total, amount=page.amount, stages=[StageTotal.of(t, ctx.locale) for t in page.stages],
            deals=[TeamDeal.of(r, ctx.locale) for r in page.deals],
        )

    @strawberry.field(description="Managers and admins: the stage board of the deals in reach that pass the filter.")
    async def team_board(
        self, info: Info, filter: TeamDealsFilter | None = None, sort: TeamSortEnum = TeamSort.AMOUNT,  # type: ignore[valid-type]
        descending: bool = True, per_stage: int = 20,
    ) -> list[TeamBoardColumn]:
        ctx = info.context
        columns = await team.team_board(ctx.env, ctx.require_viewer(), _filter(filter), TeamSort(sort), descending, per_stage)
        return [
            TeamBoardColumn(
                stage=Stage.of(c.total.stage, ctx.locale), count=c.total.count, amount=c.total.amount, weighted_amount=c.total.weighted,
                deals=[TeamDeal.of(r, ctx.locale) for r in c.deals],
            )
            for c in columns
        ]

    @strawberry.field(description="Managers and admins: the owners, units, stages and lead sources the team pipeline filters by.")
    async def team_pipeline_options(self, info: Info) -> TeamPipelineOptions:
        ctx = info.context
        found = await team.options(ctx.env, ctx.require_viewer())
        units = found.tree.units
        return TeamPipelineOptions(
            owners=[
                DealOwner(id=_id(m.id), name=m.name, team_id=_id(m.team_id) if m.team_id else None,
                          team_name=units[m.team_id].name if m.team_id in units else None, active=True)
                for m in found.owners
            ],
            teams=[TeamUnit(id=_id(u.id), name=u.name, depth=depth) for u, depth in found.units],
            stages=[Stage.of(s, ctx.locale) for s in found.stages],
            lead_sources=list(LeadSource),
        )


@strawberry.type
class Mutation:
    @strawberry.mutation(description=f"Managers and admins: give up to {team.MAX_REASSIGN} open deals to someone in reach, all or none.")
    async def reassign_deals(self, info: Info, deal_ids: list[strawberry.ID], owner_id: strawberry.ID) -> ReassignDealsResult:
        ctx = info.context

        async def action() -> ReassignDealsSuccess:
            done = await team.reassign_deals(ctx.env, ctx.require_viewer(), [int_id(i) for i in deal_ids], int_id(owner_id))
            return ReassignDealsSuccess(moved=[_id(i) for i in done.moved], unchanged=[_id(i) for i in done.unchanged])

        return await attempt(ctx.locale, action)
