"""My points."""

from __future__ import annotations

import strawberry

from podium.graphql.context import Info
from podium.points import service
from podium.points.service import Summary


@strawberry.type
class PointsSummary:
    today: int
    week: int
    month: int
    total: int
    month_rank: int | None = strawberry.field(description="My rank on the org board this month.")
    daily_cap: int
    visit_points: int
    visit_points_today: int = strawberry.field(description="Today's points from verified visits: what the daily cap limits.")

    @classmethod
    def of(cls, s: Summary) -> PointsSummary:
        return cls(
            today=s.today,
            week=s.week,
            month=s.month,
            total=s.total,
            month_rank=s.month_rank,
            daily_cap=s.daily_cap,
            visit_points=s.visit_points,
            visit_points_today=s.visit_points_today,
        )


@strawberry.type
class Query:
    @strawberry.field(description="My points today, this week, this month and in all.")
    async def my_points(self, info: Info) -> PointsSummary:
        ctx = info.context
        return PointsSummary.of(await service.summary(ctx.env, ctx.require_viewer()))
