"""Customers: near the caller, the list with its filters, and managing them (create, edit, reassign, contacts)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated

import strawberry

from podium.core.env import Env
from podium.customers import listing, manage, pool, service
from podium.customers.coords import CoordSystem
from podium.customers.models import Customer as CustomerRow
from podium.customers.models import CustomerContact
from podium.graphql.context import Info
from podium.graphql.errors import OperationError, attempt
from podium.graphql.ids import int_id
from podium.orgs import service as orgs

CoordSystemEnum = strawberry.enum(CoordSystem, name="CoordSystem", description="WGS84: GPS, OSM; GCJ02: Gaode, Tencent; BD09: Baidu.")
CustomerSortEnum = strawberry.enum(listing.Sort, name="CustomerSort")


@strawberry.input
class GeoPoint:
    latitude: float
    longitude: float


@strawberry.type
class Customer:
    id: strawberry.ID
    name: str
    address: str
    latitude: float | None = strawberry.field(description="WGS-84; null until placed (from the map, the form or its first check-in).")
    longitude: float | None
    geofence_radius_meters: int
    tier: str
    distance_meters: float | None = strawberry.field(description="From the `near` point, when one was given.")
    industry: str = ""
    city: str = ""
    owner_id: strawberry.ID | None = None
    owner_name: str | None = strawberry.field(default=None, description="Filled where the owner is shown (the list, the page).")
    last_visit_at: datetime | None = strawberry.field(default=None, description="The last visit that counts (verified or approved).")
    last_order_at: datetime | None = None
    open_pipeline: Decimal = Decimal(0)
    lifetime_revenue: Decimal = strawberry.field(default=Decimal(0), description="Won deals' amounts, reversals excluded.")
    at_risk: bool = strawberry.field(default=False, description="No visit or order for PODIUM_VISIT_AT_RISK_DAYS, or an order overdue.")

    @classmethod
    def of(cls, row: CustomerRow, distance: float | None = None, owner_name: str | None = None, now: datetime | None = None) -> Customer:
        return cls(
            id=strawberry.ID(str(row.id)),
            name=row.name,
            address=row.address,
            latitude=row.latitude,
            longitude=row.longitude,
            geofence_radius_meters=row.geofence_radius_m,
            tier=row.tier,
            distance_meters=round(distance, 1) if distance is not None else None,
            industry=row.industry or "", city=row.city or "",
            owner_id=strawberry.ID(str(row.owner_id)) if row.owner_id else None, owner_name=owner_name,
            last_visit_at=row.last_visit_at, last_order_at=row.last_order_at,
            open_pipeline=row.open_pipeline if row.open_pipeline is not None else Decimal(0),
            lifetime_revenue=row.lifetime_revenue if row.lifetime_revenue is not None else Decimal(0),
            at_risk=now is not None and (row.at_risk_from is None or row.at_risk_from <= now),
        )


async def with_owners(env: Env, rows: list[CustomerRow]) -> list[Customer]:
    """The customers as the API shows them, their owners named in one read."""
    async with env.db() as session:
        people = await orgs.people_named(session, {r.owner_id for r in rows if r.owner_id})
    now = env.clock()
    return [Customer.of(r, owner_name=people[r.owner_id].name if r.owner_id in people else None, now=now) for r in rows]


@strawberry.type
class Contact:
    id: strawberry.ID
    customer_id: strawberry.ID
    name: str
    title: str
    phone: str
    wecom_id: str
    dingtalk_id: str
    email: str

    @classmethod
    def of(cls, row: CustomerContact) -> Contact:
        return cls(
            id=strawberry.ID(str(row.id)), customer_id=strawberry.ID(str(row.customer_id)), name=row.name, title=row.title,
            phone=row.phone, wecom_id=row.wecom_id, dingtalk_id=row.dingtalk_id, email=row.email,
        )


@strawberry.input
class CustomerFilter:
    search: str | None = strawberry.field(default=None, description="In the name, address, city, or a contact's name or phone.")
    owner_ids: list[strawberry.ID] | None = None
    team_id: strawberry.ID | None = strawberry.field(default=None, description="Owners anywhere under this unit.")
    tiers: list[str] | None = None
    city: str | None = None
    industry: str | None = None
    at_risk: bool | None = None
    last_visit_before: datetime | None = strawberry.field(default=None, description="Includes never visited.")
    last_visit_after: datetime | None = None
    has_open_pipeline: bool | None = None
    pool: bool = strawberry.field(default=False, description="The open pool (customers without an owner) instead of my reach.")
    has_position: bool | None = strawberry.field(default=None, description="false: the customers not placed yet.")


@strawberry.type
class CustomerPage:
    items: list[Customer]
    total: int


@strawberry.type
class CustomerFacets:
    cities: list[str]
    industries: list[str]


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

    @strawberry.field(description="The customers in my reach (admin: the org, manager: my subtree, rep: mine), filtered, sorted and paged.")
    async def customer_list(
        self, info: Info, filter: CustomerFilter | None = None, sort: CustomerSortEnum = listing.Sort.NAME,
        descending: bool = False, offset: int = 0, first: int = 50,
    ) -> CustomerPage:
        ctx = info.context
        f = filter or CustomerFilter()
        query = listing.ListQuery(
            search=f.search, owner_ids=[int_id(i) for i in f.owner_ids or []],
            team_id=int_id(f.team_id) if f.team_id is not None else None, tiers=list(f.tiers or []), city=f.city,
            industry=f.industry, at_risk=f.at_risk, last_visit_before=f.last_visit_before, last_visit_after=f.last_visit_after,
            has_open_pipeline=f.has_open_pipeline, pool=f.pool, has_position=f.has_position, sort=listing.Sort(sort), descending=descending, offset=offset, first=first,
        )
        found = await listing.list_customers(ctx.env, ctx.require_viewer(), query)
        return CustomerPage(items=await with_owners(ctx.env, found.rows), total=found.total)

    @strawberry.field(description="The cities and industries of the customers in my reach: the list's filter choices.")
    async def customer_facets(self, info: Info) -> CustomerFacets:
        ctx = info.context
        cities, industries = await listing.facets(ctx.env, ctx.require_viewer())
        return CustomerFacets(cities=cities, industries=industries)

    @strawberry.field(description="The open pool's rules: whether reps may claim, and the most customers one may own to claim.")
    async def pool_rules(self, info: Info) -> PoolRules:
        ctx = info.context
        return PoolRules.of(await pool.rules(ctx.env, ctx.require_viewer()))


@strawberry.type
class PoolRules:
    claims_allowed: bool
    max_owned: int | None

    @classmethod
    def of(cls, rules: pool.PoolRules) -> PoolRules:
        return cls(claims_allowed=rules.claims_allowed, max_owned=rules.max_owned)


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


@strawberry.input
class PositionInput:
    latitude: float
    longitude: float
    system: CoordSystemEnum = strawberry.field(default=CoordSystem.WGS84, description="Converted to WGS-84 on the server.")


@strawberry.input
class CustomerInput:
    """For create: name and position are required. For edit: what is given changes, the rest stays."""

    name: str | None = None
    address: str | None = None
    city: str | None = strawberry.field(default=None, description="On create, taken from a Chinese address when not given.")
    industry: str | None = None
    tier: str | None = strawberry.field(default=None, description="A, B or C.")
    geofence_radius_meters: int | None = None
    owner_id: strawberry.ID | None = strawberry.field(default=None, description="Someone in my reach; create defaults to me.")
    position: PositionInput | None = None

    def fields(self) -> manage.CustomerFields:
        position = self.position
        return manage.CustomerFields(
            name=self.name, address=self.address, city=self.city, industry=self.industry, tier=self.tier,
            geofence_radius_m=self.geofence_radius_meters, owner_id=int_id(self.owner_id) if self.owner_id is not None else None,
            position=manage.Position(position.latitude, position.longitude, CoordSystem(position.system).value) if position else None,
        )


@strawberry.type
class CustomerSuccess:
    customer: Customer


@strawberry.type
class ReassignSuccess:
    customers: list[Customer]


@strawberry.input
class ContactInput:
    name: str | None = None
    title: str | None = None
    phone: str | None = None
    wecom_id: str | None = None
    dingtalk_id: str | None = None
    email: str | None = None

    def fields(self) -> manage.ContactFields:
        return manage.ContactFields(self.name, self.title, self.phone, self.wecom_id, self.dingtalk_id, self.email)


@strawberry.type
class ContactSuccess:
    contact: Contact


@strawberry.type
class ContactRemoved:
    id: strawberry.ID
    customer_id: strawberry.ID


CustomerResult = Annotated[CustomerSuccess | OperationError, strawberry.union("CustomerResult")]
PoolRulesResult = Annotated[PoolRules | OperationError, strawberry.union("PoolRulesResult")]
ReassignResult = Annotated[ReassignSuccess | OperationError, strawberry.union("ReassignCustomersResult")]
ContactResult = Annotated[ContactSuccess | OperationError, strawberry.union("ContactResult")]
ContactRemovedResult = Annotated[ContactRemoved | OperationError, strawberry.union("RemoveContactResult")]


@strawberry.type
class ManageMutation:
    @strawberry.mutation(description="A customer for an owner in my reach (a rep: myself), its position converted to WGS-84.")
    async def create_customer(self, info: Info, input: CustomerInput) -> CustomerResult:
        ctx = info.context

        async def action() -> CustomerSuccess:
            row = await manage.create_customer(ctx.env, ctx.require_viewer(), input.fields())
            return CustomerSuccess(customer=(await with_owners(ctx.env, [row]))[0])

        return await attempt(ctx.locale, action)

    @strawberry.mutation(description="Change a customer in my reach; the name stays unique in the org (DUPLICATE).")
    async def edit_customer(self, info: Info, id: strawberry.ID, input: CustomerInput) -> CustomerResult:
        ctx = info.context

        async def action() -> CustomerSuccess:
            row = await manage.edit_customer(ctx.env, ctx.require_viewer(), int_id(id), input.fields())
            return CustomerSuccess(customer=(await with_owners(ctx.env, [row]))[0])

        return await attempt(ctx.locale, action)

    @strawberry.mutation(description="Managers and admins: give customers in reach to another owner in reach (at most 500), all or none.")
    async def reassign_customers(self, info: Info, customer_ids: list[strawberry.ID], owner_id: strawberry.ID) -> ReassignResult:
        ctx = info.context

        async def action() -> ReassignSuccess:
            rows = await manage.reassign(ctx.env, ctx.require_viewer(), [int_id(i) for i in customer_ids], int_id(owner_id))
            return ReassignSuccess(customers=await with_owners(ctx.env, rows))

        return await attempt(ctx.locale, action)

    @strawberry.mutation(description="A contact person at a customer in my reach.")
    async def add_contact(self, info: Info, customer_id: strawberry.ID, input: ContactInput) -> ContactResult:
        ctx = info.context

        async def action() -> ContactSuccess:
            return ContactSuccess(contact=Contact.of(await manage.add_contact(ctx.env, ctx.require_viewer(), int_id(customer_id), input.fields())))

        return await attempt(ctx.locale, action)

    @strawberry.mutation(description="Change what is given of a contact.")
    async def edit_contact(self, info: Info, id: strawberry.ID, input: ContactInput) -> ContactResult:
        ctx = info.context

        async def action() -> ContactSuccess:
            return ContactSuccess(contact=Contact.of(await manage.edit_contact(ctx.env, ctx.require_viewer(), int_id(id), input.fields())))

        return await attempt(ctx.locale, action)

    @strawberry.mutation(description="Remove a contact.")
    async def remove_contact(self, info: Info, id: strawberry.ID) -> ContactRemovedResult:
        ctx = info.context

        async def action() -> ContactRemoved:
            customer_id = await manage.remove_contact(ctx.env, ctx.require_viewer(), int_id(id))
            return ContactRemoved(id=id, customer_id=strawberry.ID(str(customer_id)))

        return await attempt(ctx.locale, action)

    @strawberry.mutation(description="Take a customer from the open pool as mine (CONFLICT: someone claimed it first).")
    async def claim_customer(self, info: Info, id: strawberry.ID) -> CustomerResult:
        ctx = info.context

        async def action() -> CustomerSuccess:
            row = await pool.claim(ctx.env, ctx.require_viewer(), int_id(id))
            return CustomerSuccess(customer=(await with_owners(ctx.env, [row]))[0])

        return await attempt(ctx.locale, action)

    @strawberry.mutation(description="Admins: whether reps may claim from the open pool, and how many customers one may own to claim.")
    async def set_pool_rules(self, info: Info, claims_allowed: bool, max_owned: int | None = None) -> PoolRulesResult:
        ctx = info.context

        async def action() -> PoolRules:
            return PoolRules.of(await pool.set_rules(ctx.env, ctx.require_viewer(), pool.PoolRules(claims_allowed, max_owned)))

        return await attempt(ctx.locale, action)
