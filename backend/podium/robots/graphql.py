"""Group robots over GraphQL (admins): list, save, delete, send a test message."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from podium.core.i18n import Locale
from podium.graphql.context import Info
from podium.graphql.errors import OperationError, attempt
from podium.graphql.ids import int_id
from podium.orgs.graphql import LocaleEnum
from podium.robots import service
from podium.robots.formats import Platform
from podium.robots.models import Robot as RobotRow
from podium.robots.service import RobotCelebration

RobotKindEnum = strawberry.enum(Platform, name="RobotKind", description="Where a group robot lives: WeCom, DingTalk or Slack.")
RobotCelebrationEnum = strawberry.enum(RobotCelebration, name="RobotCelebration", description="A kind of celebration a robot may post.")


@strawberry.type
class Robot:
    id: strawberry.ID
    kind: RobotKindEnum
    name: str
    url_hint: str = strawberry.field(description="The webhook's host and last four characters: the URL itself is a secret and never returned.")
    has_secret: bool = strawberry.field(description="DingTalk: the robot signs its messages (加签); the secret is never returned.")
    celebrations: list[RobotCelebrationEnum]
    locale: LocaleEnum  # type: ignore[valid-type]
    active: bool
    last_sent_at: datetime | None = strawberry.field(description="When it last took a message.")
    failed: int = strawberry.field(description="Messages it refused for good (kept, not retried).")
    last_error: str = strawberry.field(description="Why the last of those failed, as the robot said it.")

    @classmethod
    def of(cls, row: RobotRow, deliveries: service.Deliveries | None = None) -> Robot:
        d = deliveries or service.Deliveries()
        return cls(
            id=strawberry.ID(str(row.id)), kind=Platform(row.kind), name=row.name, url_hint=service.url_hint(row.url),
            has_secret=bool(row.secret), celebrations=service.kinds_of(row), locale=Locale(row.locale), active=row.active,
            last_sent_at=d.last_sent_at, failed=d.failed, last_error=d.last_error,
        )


@strawberry.input
class RobotInput:
    id: strawberry.ID | None = strawberry.field(default=None, description="Null adds a robot.")
    client_id: str | None = strawberry.field(default=None, description="For an add: a retry with the same id returns the first robot.")
    kind: RobotKindEnum
    name: str = ""
    url: str | None = strawberry.field(default=None, description="The webhook URL (https, public address); null keeps the stored one.")
    secret: str | None = strawberry.field(default=None, description="DingTalk's signing secret (SEC…); null keeps it, empty removes it.")
    celebrations: list[RobotCelebrationEnum]
    locale: LocaleEnum  # type: ignore[valid-type]
    active: bool = True


@strawberry.type
class SaveRobotSuccess:
    robot: Robot


@strawberry.type
class DeleteRobotSuccess:
    removed: bool = strawberry.field(description="False when there was no such robot.")


@strawberry.type
class RobotAnswer:
    delivered: bool
    status: int | None = strawberry.field(description="The HTTP status; null when the robot did not answer.")
    code: int | None = strawberry.field(description="WeCom's or DingTalk's errcode (0 is success).")
    message: str = strawberry.field(description="What the robot said, or why it could not be reached.")


@strawberry.type
class TestRobotSuccess:
    answer: RobotAnswer


SaveRobotResult = Annotated[SaveRobotSuccess | OperationError, strawberry.union("SaveRobotResult")]
DeleteRobotResult = Annotated[DeleteRobotSuccess | OperationError, strawberry.union("DeleteRobotResult")]
TestRobotResult = Annotated[TestRobotSuccess | OperationError, strawberry.union("TestRobotResult")]


@strawberry.type
class Query:
    @strawberry.field(description="My org's group robots (admins).")
    async def robots(self, info: Info) -> list[Robot]:
        ctx = info.context
        viewer = ctx.require_viewer()
        rows = await service.robots(ctx.env, viewer)
        found = await service.deliveries(ctx.env, viewer, [r.id for r in rows])
        return [Robot.of(r, found.get(r.id)) for r in rows]


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Add a group robot or change one (admins).")
    async def save_robot(self, info: Info, input: RobotInput) -> SaveRobotResult:
        ctx = info.context

        async def action() -> SaveRobotSuccess:
            data = service.RobotInput(
                kind=Platform(input.kind).value, name=input.name, url=input.url, secret=input.secret,
                celebrations=[RobotCelebration(k).value for k in input.celebrations], locale=Locale(input.locale).value,
                active=input.active, robot_id=int_id(input.id) if input.id is not None else None, client_id=input.client_id,
            )
            return SaveRobotSuccess(robot=Robot.of(await service.save_robot(ctx.env, ctx.require_viewer(), data)))

        return await attempt(ctx.locale, action)

    @strawberry.mutation(description="Remove a group robot and what is still queued for it (admins).")
    async def delete_robot(self, info: Info, id: strawberry.ID) -> DeleteRobotResult:
        ctx = info.context

        async def action() -> DeleteRobotSuccess:
            return DeleteRobotSuccess(removed=await service.delete_robot(ctx.env, ctx.require_viewer(), int_id(id)))

        return await attempt(ctx.locale, action)

    @strawberry.mutation(description="Post a sample message to a robot now and report its answer (admins).")
    async def test_robot(self, info: Info, id: strawberry.ID) -> TestRobotResult:
        ctx = info.context

        async def action() -> TestRobotSuccess:
            answer = await service.test_robot(ctx.env, ctx.require_viewer(), int_id(id))
            return TestRobotSuccess(answer=RobotAnswer(delivered=answer.delivered, status=answer.status, code=answer.code, message=answer.message))

        return await attempt(ctx.locale, action)
