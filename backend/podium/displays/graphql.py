"""Office TVs over GraphQL: pair one with its code, list and revoke them, and a TV's own playlist."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.extensions import SchemaExtension

from podium.displays import service
from podium.displays.policies import check_operation
from podium.displays.service import BoardChoice, DisplayView
from podium.graphql.context import Info
from podium.graphql.errors import OperationError, attempt
from podium.graphql.ids import int_id
from podium.leaderboards.graphql import MetricEnum, PeriodEnum, ScopeEnum
from podium.leaderboards.service import Metric, Scope
from podium.orgs.graphql import LocaleEnum, Team
from podium.core.periods import PeriodKind


@strawberry.type(description="One slide of a display's playlist.")
class DisplayBoard:
    period: PeriodEnum  # type: ignore[valid-type]
    scope: ScopeEnum  # type: ignore[valid-type]
    metric: MetricEnum  # type: ignore[valid-type]
    team: Team | None


@strawberry.type(description="An office TV paired with this org.")
class Display:
    id: strawberry.ID
    name: str
    rotate_seconds: int = strawberry.field(description="Seconds each board stays on screen.")
    boards: list[DisplayBoard]
    created_at: datetime
    paired: bool = strawberry.field(description="False until the TV has collected its token (it polls every 2 s).")
    last_seen_at: datetime | None = strawberry.field(description="Roughly when the TV last talked to the server (within 5 minutes).")
    locale: LocaleEnum = strawberry.field(description="The TV's language: the pairing manager's.")  # type: ignore[valid-type]

    @classmethod
    def of(cls, view: DisplayView) -> Display:
        return cls(
            id=strawberry.ID(str(view.id)),
            name=view.name,
            rotate_seconds=view.rotate_seconds,
            boards=[
                DisplayBoard(
                    period=b.period,
                    scope=b.scope,
                    metric=b.metric,
                    team=Team(id=strawberry.ID(str(b.team_id)), name=view.team_names.get(b.team_id, "")) if b.team_id else None,
                )
                for b in view.boards
            ],
            created_at=view.created_at,
            paired=view.paired,
            last_seen_at=view.last_seen_at,
            locale=view.locale,
        )


@strawberry.input
class DisplayBoardInput:
    period: PeriodEnum  # type: ignore[valid-type]
    scope: ScopeEnum  # type: ignore[valid-type]
    team_id: strawberry.ID | None = strawberry.field(default=None, description="Team boards: the team; my own when omitted.")
    metric: MetricEnum = Metric.POINTS  # type: ignore[valid-type]


@strawberry.input
class PairDisplayInput:
    code: str = strawberry.field(description="The code the TV shows; case, spaces and dashes do not matter.")
    name: str = strawberry.field(description="Where the TV hangs, e.g. “Shanghai office lobby” (≤ 120).")
    boards: list[DisplayBoardInput] = strawberry.field(description="1 to 12 boards, shown in this order.")
    rotate_seconds: int = strawberry.field(default=30, description="10 to 600.")


@strawberry.type
class DisplaySuccess:
    display: Display


DisplayResult = Annotated[DisplaySuccess | OperationError, strawberry.union("DisplayResult")]


def _team(raw: strawberry.ID | None) -> int | None:
    return None if raw is None else int_id(raw)


@strawberry.type
class Query:
    @strawberry.field(description="Displays I may manage: an admin's org, a manager's (paired by their subtree).")
    async def displays(self, info: Info) -> list[Display]:
        ctx = info.context
        return [Display.of(v) for v in await service.list_displays(ctx.env, ctx.require_viewer())]

    @strawberry.field(description="Teams whose boards I may put on a TV (managers and admins).")
    async def display_teams(self, info: Info) -> list[Team]:
        ctx = info.context
        return [Team(id=strawberry.ID(str(tid)), name=name) for tid, name in await service.pairable_teams(ctx.env, ctx.require_viewer())]

    @strawberry.field(description="The TV's own configuration; null unless the caller is a paired display.")
    async def my_display(self, info: Info) -> Display | None:
        viewer = info.context.viewer
        if viewer is None or not viewer.is_display:
            return None
        return Display.of(await service.my_display(info.context.env, viewer))


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Pair the TV showing `code` (managers and admins); its next poll collects a display token.")
    async def pair_display(self, info: Info, input: PairDisplayInput) -> DisplayResult:
        ctx = info.context

        async def action() -> DisplaySuccess:
            boards = [
                BoardChoice(PeriodKind(b.period), Scope(b.scope), _team(b.team_id), Metric(b.metric)) for b in input.boards[:50]
            ]
            view = await service.pair_display(
                ctx.env, ctx.require_viewer(), code=input.code, name=input.name, boards=boards, rotate_seconds=input.rotate_seconds
            )
            return DisplaySuccess(display=Display.of(view))

        return await attempt(ctx.locale, action)

    @strawberry.mutation(description="Revoke a display: its token stops working at once and the TV shows a new pairing code.")
    async def revoke_display(self, info: Info, id: strawberry.ID) -> DisplayResult:
        ctx = info.context

        async def action() -> DisplaySuccess:
            return DisplaySuccess(display=Display.of(await service.revoke_display(ctx.env, ctx.require_viewer(), int_id(id))))

        return await attempt(ctx.locale, action)


class DisplayScope(SchemaExtension):
    """Refuses, before execution, whatever a display viewer was not paired for (see displays/policies.py)."""

    def on_execute(self) -> Iterator[None]:
        execution = self.execution_context
        context = execution.context
        document = execution.graphql_document
        if document is not None:
            check_operation(
                getattr(context, "viewer", None), execution.schema._schema, document, execution.operation_name, execution.variables
            )
        yield
