"""Celebrations: the latest ones, and a live stream of new ones for my org."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Hashable
from datetime import datetime
from decimal import Decimal
from typing import Any

import strawberry

from podium.celebrations import service
from podium.celebrations.service import CelebrationView, Kind, badge_name
from podium.core.env import Env
from podium.core.events import org_channel
from podium.graphql.context import Info
from podium.orgs.graphql import User

KindEnum = strawberry.enum(Kind, name="CelebrationKind")


@strawberry.type
class Celebration:
    id: strawberry.ID
    kind: KindEnum
    user: User
    other_user: User | None
    threshold: int | None
    points: int
    created_at: datetime
    amount: Decimal | None = strawberry.field(description="A won deal's amount, in the org's currency.")
    view: strawberry.Private[CelebrationView]

    @strawberry.field(description="A won deal's customer, a badge's name (in the viewer's language), a contest's name; empty for other kinds.")
    def subject(self, info: Info) -> str:
        return badge_name(self.view.subject, info.context.locale) if self.view.kind is Kind.BADGE else self.view.subject

    @strawberry.field(description="Ready to show, in the viewer's language.")
    def message(self, info: Info) -> str:
        return self.view.message(info.context.locale)

    @classmethod
    def of(cls, view: CelebrationView) -> Celebration:
        return cls(
            id=strawberry.ID(str(view.id)),
            kind=view.kind,
            user=User.of(view.user),
            other_user=User.of(view.other_user) if view.other_user else None,
            threshold=view.threshold,
            points=view.points,
            created_at=view.created_at,
            amount=view.amount,
            view=view,
        )


class CelebrationsLive:
    """One org's stream of celebrations."""

    stream = True

    def __init__(self, env: Env, org_id: int) -> None:
        self.env = env
        self.org_id = org_id

    @property
    def key(self) -> Hashable:
        return ("celebrations", self.org_id)

    @property
    def channel(self) -> str:
        return org_channel(self.org_id)

    def relevant(self, event: dict[str, Any]) -> bool:
        return event.get("kind") == "celebration"

    async def snapshot(self) -> Any:
        return None

    async def values_for(self, event: dict[str, Any]) -> list[Any]:
        return [Celebration.of(v) for v in await service.load(self.env, self.org_id, [int(event["id"])])]

    def refresh_at(self, value: Any) -> datetime | None:
        return None


async def celebrations_live(info_context: Any, args: dict[str, Any]) -> CelebrationsLive:
    viewer = info_context.require_viewer()
    return CelebrationsLive(info_context.env, viewer.org_id)


@strawberry.type
class Query:
    @strawberry.field(description="The latest celebrations of my org, newest first.")
    async def recent_celebrations(self, info: Info, first: int = 10) -> list[Celebration]:
        ctx = info.context
        return [Celebration.of(v) for v in await service.recent(ctx.env, ctx.require_viewer(), first)]


@strawberry.type
class Subscription:
    @strawberry.subscription(description="Each new celebration in my org: overtakes and milestones.")
    async def celebrations(self, info: Info) -> AsyncGenerator[Celebration, None]:
        spec = await celebrations_live(info.context, {})
        async for celebration in info.context.hub.listen(spec):
            yield celebration
