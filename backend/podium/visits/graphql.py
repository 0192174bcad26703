"""Logging a visit from the phone."""

from __future__ import annotations

from datetime import datetime

from typing import Annotated

import strawberry

from podium.customers.graphql import Customer
from podium.customers.models import Customer as CustomerRow
from podium.graphql.context import Info
from podium.graphql.errors import OperationError, attempt
from podium.graphql.ids import int_id
from podium.points import service as points
from podium.points.graphql import PointsSummary
from podium.visits import service
from podium.visits.models import Visit as VisitRow


@strawberry.type
class Visit:
    id: strawberry.ID
    client_id: str
    customer: Customer
    latitude: float
    longitude: float
    accuracy_meters: float
    occurred_at: datetime
    note: str
    distance_meters: float
    within_geofence: bool
    points_awarded: int

    @classmethod
    def of(cls, visit: VisitRow, customer: CustomerRow) -> Visit:
        return cls(
            id=strawberry.ID(str(visit.id)),
            client_id=visit.client_id,
            customer=Customer.of(customer),
            latitude=visit.latitude,
            longitude=visit.longitude,
            accuracy_meters=visit.accuracy_m,
            occurred_at=visit.occurred_at,
            note=visit.note,
            distance_meters=visit.distance_m,
            within_geofence=visit.within_geofence,
            points_awarded=visit.points_awarded,
        )


@strawberry.input
class LogVisitInput:
    client_id: str = strawberry.field(description="Generated on the phone; a replay with the same id returns the first visit.")
    customer_id: strawberry.ID
    latitude: float
    longitude: float
    accuracy_meters: float
    occurred_at: datetime
    note: str = ""


@strawberry.type
class LogVisitSuccess:
    visit: Visit
    points: PointsSummary
    replayed: bool = strawberry.field(description="True when this clientId had already been logged.")


LogVisitResult = Annotated[LogVisitSuccess | OperationError, strawberry.union("LogVisitResult")]


@strawberry.type
class Query:
    @strawberry.field(description="My latest visits.")
    async def my_visits(self, info: Info, first: int = 20) -> list[Visit]:
        ctx = info.context
        return [Visit.of(v, c) for v, c in await service.my_visits(ctx.env, ctx.require_viewer(), first)]


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Log a GPS-tagged visit. Idempotent on clientId.")
    async def log_visit(self, info: Info, input: LogVisitInput) -> LogVisitResult:
        ctx = info.context

        async def action() -> LogVisitSuccess:
            viewer = ctx.require_viewer()
            data = service.VisitInput(
                client_id=input.client_id,
                customer_id=int_id(input.customer_id),
                latitude=input.latitude,
                longitude=input.longitude,
                accuracy_m=input.accuracy_meters,
                occurred_at=input.occurred_at,
                note=input.note,
            )
            logged = await service.log_visit(ctx.env, viewer, data)
            summary = await points.summary(ctx.env, viewer)
            return LogVisitSuccess(
                visit=Visit.of(logged.visit, logged.customer), points=PointsSummary.of(summary), replayed=logged.replayed
            )

        return await attempt(ctx.locale, action)
