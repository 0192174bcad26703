"""Customers near the caller."""

from __future__ import annotations

import strawberry

from podium.customers import service
from podium.customers.models import Customer as CustomerRow
from podium.graphql.context import Info


@strawberry.input
class GeoPoint:
    latitude: float
    longitude: float


@strawberry.type
class Customer:
    id: strawberry.ID
    name: str
    address: str
    latitude: float
    longitude: float
    geofence_radius_meters: int
    tier: str
    distance_meters: float | None = strawberry.field(description="From the `near` point, when one was given.")

    @classmethod
    def of(cls, row: CustomerRow, distance: float | None = None) -> Customer:
        return cls(
            id=strawberry.ID(str(row.id)),
            name=row.name,
            address=row.address,
            latitude=row.latitude,
            longitude=row.longitude,
            geofence_radius_meters=row.geofence_radius_m,
            tier=row.tier,
            distance_meters=round(distance, 1) if distance is not None else None,
        )


@strawberry.type
class Query:
    @strawberry.field(description="Customers of my org; nearest first when `near` is given.")
    async def customers(
        self, info: Info, near: GeoPoint | None = None, search: str | None = None, first: int = 20
    ) -> list[Customer]:
        ctx = info.context
        point = (near.latitude, near.longitude) if near else None
        found = await service.find_customers(ctx.env, ctx.require_viewer(), near=point, search=search, first=first)
        return [Customer.of(v.customer, v.distance_m) for v in found]
