"""Field visits over GraphQL: check in and out, review, the day's visits, today's plan, map settings."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Hashable
from datetime import date, datetime
from enum import Enum
from typing import Annotated, Any

import strawberry

from podium.core.env import Env
from podium.core.events import org_channel
from podium.core.i18n import DEFAULT_LOCALE
from podium.core.policies import Role, Viewer
from podium.customers.graphql import Customer, GeoPoint
from podium.graphql.context import Info
from podium.graphql.errors import OperationError, attempt
from podium.graphql.ids import int_id
from podium.points import service as points
from podium.points.graphql import PointsSummary
from podium.visits import service
from podium.visits.plausibility import Flag, Status

VisitStatusEnum = strawberry.enum(Status, name="VisitStatus", description="VERIFIED and APPROVED visits count and earn points.")
VisitFlagEnum = strawberry.enum(Flag, name="VisitFlag", description="Why a visit is doubted; LEFT_OPEN only says its duration is unknown.")


@strawberry.enum(description="A manager's decision on a flagged visit.")
class ReviewDecision(Enum):
    APPROVE = "approve"
    REJECT = "reject"


@strawberry.type
class VisitPerson:
    id: strawberry.ID
    name: str
    initials: str


@strawberry.type
class VisitPhoto:
    id: strawberry.ID
    client_id: str
    width: int
    height: int
    bytes: int
    url: str = strawberry.field(description="The JPEG (≤ 1600 px), for the signed-in viewer.")
    thumb_url: str = strawberry.field(description="A 320 px JPEG.")

    @classmethod
    def of(cls, meta: service.PhotoMeta) -> VisitPhoto:
        return cls(
            id=strawberry.ID(str(meta.id)), client_id=meta.client_id, width=meta.width, height=meta.height, bytes=meta.size,
            url=f"/api/photos/{meta.id}", thumb_url=f"/api/photos/{meta.id}/thumb",
        )


@strawberry.type
class Visit:
    id: strawberry.ID
    client_id: str
    customer: Customer
    person: VisitPerson
    latitude: float
    longitude: float
    accuracy_meters: float
    occurred_at: datetime = strawberry.field(description="The check-in, by the phone's clock.")
    note: str
    distance_meters: float = strawberry.field(description="From the customer, at check-in.")
    within_geofence: bool
    points_awarded: int
    status: VisitStatusEnum
    flags: list[VisitFlagEnum]
    verified: bool = strawberry.field(description="Counts for boards and targets (VERIFIED or APPROVED).")
    speed_kmh: float | None = strawberry.field(description="Implied speed from the person's previous or next visit.")
    checked_out_at: datetime | None
    check_out_latitude: float | None
    check_out_longitude: float | None
    check_out_accuracy_meters: float | None
    duration_seconds: int | None = strawberry.field(description="Null while the visit is open.")
    auto_closed: bool = strawberry.field(description="Closed by the server at the end of its day or at the next check-in.")
    photos: list[VisitPhoto]
    review_note: str | None
    reviewed_at: datetime | None

    @classmethod
    def of(cls, view: service.VisitView) -> Visit:
        v = view.visit
        duration = int((v.checked_out_at - v.occurred_at).total_seconds()) if v.checked_out_at else None
        return cls(
            id=strawberry.ID(str(v.id)),
            client_id=v.client_id,
            customer=Customer.of(view.customer),
            person=VisitPerson(id=strawberry.ID(str(view.person.id)), name=view.person.name, initials=view.person.initials),
            latitude=v.latitude,
            longitude=v.longitude,
            accuracy_meters=v.accuracy_m,
            occurred_at=v.occurred_at,
            note=v.note,
            distance_meters=v.distance_m,
            within_geofence=v.within_geofence,
            points_awarded=v.points_awarded,
            status=Status(v.status),
            flags=view.flags,
            verified=v.status in (Status.VERIFIED, Status.APPROVED),
            speed_kmh=v.speed_kmh,
            checked_out_at=v.checked_out_at,
            check_out_latitude=v.out_latitude,
            check_out_longitude=v.out_longitude,
            check_out_accuracy_meters=v.out_accuracy_m,
            duration_seconds=duration,
            auto_closed=v.auto_closed,
            photos=[VisitPhoto.of(p) for p in view.photos],
            review_note=v.review_note or None,
            reviewed_at=v.reviewed_at,
        )


@strawberry.input
class CheckInInput:
    client_id: str = strawberry.field(description="Generated on the phone; a replay with the same id returns the first visit.")
    customer_id: strawberry.ID
    latitude: float
    longitude: float
    accuracy_meters: float
    occurred_at: datetime = strawberry.field(description="When the rep checked in, by the phone's clock.")
    position_at: datetime | None = strawberry.field(default=None, description="The GPS fix's own time.")
    sent_at: datetime | None = strawberry.field(default=None, description="The phone's clock when this request was sent.")
    note: str = ""


@strawberry.type
class CheckInSuccess:
    visit: Visit
    points: PointsSummary
    replayed: bool = strawberry.field(description="True when this clientId had already been received.")


@strawberry.input
class CheckOutInput:
    client_id: str
    visit_client_id: str = strawberry.field(description="The check-in's clientId: known on the phone even offline.")
    latitude: float
    longitude: float
    accuracy_meters: float
    occurred_at: datetime
    sent_at: datetime | None = None
    note: str | None = strawberry.field(default=None, description="Replaces the visit's note when given.")


@strawberry.type
class CheckOutSuccess:
    visit: Visit
    replayed: bool


@strawberry.input
class ReviewVisitInput:
    visit_id: strawberry.ID
    decision: ReviewDecision
    note: str = ""


@strawberry.type
class ReviewVisitSuccess:
    visit: Visit


@strawberry.type
class PlanStop:
    customer: Customer
    order: int
    leg_meters: float | None = strawberry.field(description="From the previous stop, or from `near` for the first.")
    last_visited_at: datetime | None
    days_since_visit: int | None
    at_risk: bool = strawberry.field(description="Not visited for atRiskDays or more, or never.")
    visited_today: bool


@strawberry.type
class TodayPlan:
    stops: list[PlanStop]
    total_meters: float | None
    at_risk_days: int


@strawberry.type
class MapSettings:
    tile_url: str | None = strawberry.field(description="Tile URL template; null: draw points on a plain grid.")
    attribution: str
    max_zoom: int


CheckInResult = Annotated[CheckInSuccess | OperationError, strawberry.union("CheckInResult")]
CheckOutResult = Annotated[CheckOutSuccess | OperationError, strawberry.union("CheckOutResult")]
ReviewVisitResult = Annotated[ReviewVisitSuccess | OperationError, strawberry.union("ReviewVisitResult")]


def _views(found: list[service.VisitView]) -> list[Visit]:
    return [Visit.of(v) for v in found]


@strawberry.type
class Query:
    @strawberry.field(description="My latest visits.")
    async def my_visits(self, info: Info, first: int = 20) -> list[Visit]:
        ctx = info.context
        return _views(await service.my_visits(ctx.env, ctx.require_viewer(), first))

    @strawberry.field(description="My visit checked in and not yet out, if any.")
    async def open_visit(self, info: Info) -> Visit | None:
        ctx = info.context
        view = await service.open_visit(ctx.env, ctx.require_viewer())
        return Visit.of(view) if view else None

    @strawberry.field(description="One day's visits (the org's zone) in time order: a rep's own, a manager's reach; `nodeId` narrows it (`org`, `team:<id>`, `user:<id>`).")
    async def visits_on(self, info: Info, day: date, node_id: strawberry.ID | None = None) -> list[Visit]:
        ctx = info.context
        return _views(await service.visits_on(ctx.env, ctx.require_viewer(), day, str(node_id) if node_id else None))

    @strawberry.field(description="Flagged visits of the people I manage, oldest first (managers and admins).")
    async def visits_to_review(self, info: Info, first: int = 50) -> list[Visit]:
        ctx = info.context
        return _views(await service.to_review(ctx.env, ctx.require_viewer(), first))

    @strawberry.field(description="How many visits wait for my review (0 for reps).")
    async def visits_to_review_count(self, info: Info) -> int:
        ctx = info.context
        return await service.review_count(ctx.env, ctx.require_viewer())

    @strawberry.field(description="My customers as a short route from `near`; visited today last, long-unvisited ones at risk.")
    async def today_plan(self, info: Info, near: GeoPoint | None = None) -> TodayPlan:
        ctx = info.context
        plan = await service.today_plan(ctx.env, ctx.require_viewer(), (near.latitude, near.longitude) if near else None)
        return TodayPlan(
            stops=[
                PlanStop(
                    customer=Customer.of(s.customer), order=s.order, leg_meters=s.leg_m, last_visited_at=s.last_visited_at,
                    days_since_visit=s.days_since, at_risk=s.at_risk, visited_today=s.visited_today,
                )
                for s in plan.stops
            ],
            total_meters=plan.total_m,
            at_risk_days=plan.at_risk_days,
        )

    @strawberry.field(description="Where map tiles come from; without a tile server maps are plain points on a grid.")
    def map_settings(self, info: Info) -> MapSettings:
        maps = info.context.env.settings.maps
        return MapSettings(tile_url=maps.tile_url or None, attribution=maps.attribution, max_zoom=maps.max_zoom)


async def _check_in(info: Info, input: CheckInInput) -> CheckInSuccess | OperationError:
    ctx = info.context

    async def action() -> CheckInSuccess:
        viewer = ctx.require_viewer()
        data = service.VisitInput(
            client_id=input.client_id,
            customer_id=int_id(input.customer_id),
            latitude=input.latitude,
            longitude=input.longitude,
            accuracy_m=input.accuracy_meters,
            occurred_at=input.occurred_at,
            note=input.note,
            position_at=input.position_at,
            sent_at=input.sent_at,
        )
        logged = await service.check_in(ctx.env, viewer, data)
        summary = await points.summary(ctx.env, viewer)
        return CheckInSuccess(visit=Visit.of(logged.view), points=PointsSummary.of(summary), replayed=logged.replayed)

    return await attempt(ctx.locale, action)


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Check in at a customer with the phone's position. Idempotent on clientId.")
    async def check_in(self, info: Info, input: CheckInInput) -> CheckInResult:
        return await _check_in(info, input)

    @strawberry.mutation(description="Check out of my visit, named by its check-in's clientId. Idempotent on clientId.")
    async def check_out(self, info: Info, input: CheckOutInput) -> CheckOutResult:
        ctx = info.context

        async def action() -> CheckOutSuccess:
            data = service.CheckOutInput(
                client_id=input.client_id,
                visit_client_id=input.visit_client_id,
                latitude=input.latitude,
                longitude=input.longitude,
                accuracy_m=input.accuracy_meters,
                occurred_at=input.occurred_at,
                sent_at=input.sent_at,
                note=input.note,
            )
            logged = await service.check_out(ctx.env, ctx.require_viewer(), data)
            return CheckOutSuccess(visit=Visit.of(logged.view), replayed=logged.replayed)

        return await attempt(ctx.locale, action)

    @strawberry.mutation(description="Approve or reject a flagged visit (managers over their people, admins). Approval awards its points.")
    async def review_visit(self, info: Info, input: ReviewVisitInput) -> ReviewVisitResult:
        ctx = info.context

        async def action() -> ReviewVisitSuccess:
            view = await service.review_visit(
                ctx.env, ctx.require_viewer(), int_id(input.visit_id), approve=input.decision is ReviewDecision.APPROVE, note=input.note
            )
            return ReviewVisitSuccess(visit=Visit.of(view))

        return await attempt(ctx.locale, action)


@strawberry.type(description="One local day's visits, whole, in time order.")
class DayVisits:
    day: date
    node_id: strawberry.ID = strawberry.field(description="Whose visits: `org`, `team:<id>` or `user:<id>`.")
    visits: list[Visit]


class DayVisitsLive:
    """One node's visits on one day, recomputed once per visit change for everyone watching that map."""

    stream = False

    def __init__(self, env: Env, org_id: int, day: date, node_id: str) -> None:
        self.env = env
        self.org_id = org_id
        self.day = day
        self.node_id = node_id
        # The reach was checked when subscribing; the shared computation sees exactly the node.
        self._view = Viewer(user_id=0, org_id=org_id, team_id=None, role=Role.ADMIN, locale=DEFAULT_LOCALE, name="")

    @property
    def key(self) -> Hashable:
        return ("visits", self.org_id, self.day, self.node_id)

    @property
    def channel(self) -> str:
        return org_channel(self.org_id)

    def relevant(self, event: dict[str, Any]) -> bool:
        return event.get("kind") in service.VISIT_EVENTS

    async def snapshot(self) -> DayVisits:
        found = await service.visits_on(self.env, self._view, self.day, self.node_id)
        return DayVisits(day=self.day, node_id=strawberry.ID(self.node_id), visits=_views(found))

    async def values_for(self, event: dict[str, Any]) -> list[Any]:
        return []

    def refresh_at(self, value: Any) -> datetime | None:
        return None


async def visits_live(info_context: Any, args: dict[str, Any]) -> DayVisitsLive:
    """The topic for visitsChanged: my own day for a rep, my team's for a manager, the org's for an admin."""
    viewer = info_context.require_viewer()
    day = args["day"] if isinstance(args["day"], date) else date.fromisoformat(str(args["day"]))
    # GraphQL's argument names: the shared path passes the document's arguments as they are.
    node_id = str(args["nodeId"]) if args.get("nodeId") else service.default_node(viewer)
    await service.visits_on(info_context.env, viewer, day, node_id)  # refuses a node out of reach
    return DayVisitsLive(info_context.env, viewer.org_id, day, node_id)


@strawberry.type
class Subscription:
    @strawberry.subscription(description="A day's visits now, then again whenever one is checked in or out, reviewed or gets a photo.")
    async def visits_changed(self, info: Info, day: date, node_id: strawberry.ID | None = None) -> AsyncGenerator[DayVisits, None]:
        spec = await visits_live(info.context, {"day": day, "nodeId": node_id})
        async for value in info.context.hub.listen(spec):
            yield value
