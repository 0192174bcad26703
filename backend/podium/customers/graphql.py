"""Customers near the caller."""

from __future__ import annotations

from typing import Annotated

import strawberry

from podium.customers import service
from podium.customers.models import Customer as CustomerRow
from podium.graphql.context import Info
from podium.graphql.errors import OperationError, attempt


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


@strawberry.input
class AddCustomerInput:
    client_id: str = strawberry.field(description="Generated on the phone; a replay returns the first customer.")
    name: str
    latitude: float = strawberry.field(description="Where the rep stands: the account's position and geofence centre.")
    longitude: float
    address: str = ""
    tier: str = strawberry.field(default="C", description="A, B or C.")
    geofence_radius_meters: int = 300


@strawberry.type
class AddCustomerSuccess:
    customer: Customer
    points_awarded: int = strawberry.field(description="By the new-customer rule (0 on a replay).")
    replayed: bool


AddCustomerResult = Annotated[AddCustomerSuccess | OperationError, strawberry.union("AddCustomerResult")]


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Add a customer in the field, owned by me and worth the new-customer points. Idempotent on clientId.")
    async def add_customer(self, info: Info, input: AddCustomerInput) -> AddCustomerResult:
        ctx = info.context

        async def action() -> AddCustomerSuccess:
            data = service.NewCustomer(
                client_id=input.client_id, name=input.name, latitude=input.latitude, longitude=input.longitude,
                address=input.address, tier=input.tier, geofence_radius_m=input.geofence_radius_meters,
            )
            added = await service.add_customer(ctx.env, ctx.require_viewer(), data)
            return AddCustomerSuccess(customer=Customer.of(added.customer), points_awarded=added.points_awarded, replayed=added.replayed)

        return await attempt(ctx.locale, action)
