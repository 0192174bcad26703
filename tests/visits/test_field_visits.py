"""Check-in and check-out, plausibility flags and their review, visits by day, today's plan — through the API."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from podium.core.events import transaction
from podium.customers.models import Customer
from podium.customers.names import name_key
from podium.visits import service as visits
from tests.support import GraphQLClient, World, visit_input

VISIT_FIELDS = """
id clientId status flags verified pointsAwarded speedKmh withinGeofence note
checkedOutAt durationSeconds autoClosed checkOutLatitude
person { id name initials } customer { id name } photos { id }
"""
CHECK_IN = f"""
mutation CheckIn($input: CheckInInput!) {{
  checkIn(input: $input) {{
    __typename
    ... on CheckInSuccess {{ replayed visit {{ {VISIT_FIELDS} }} }}
    ... on OperationError {{ errors {{ field code message }} }}
  }}
}}
"""
CHECK_OUT = f"""
mutation CheckOut($input: CheckOutInput!) {{
  checkOut(input: $input) {{
    __typename
    ... on CheckOutSuccess {{ replayed visit {{ {VISIT_FIELDS} }} }}
    ... on OperationError {{ errors {{ field code message }} }}
  }}
}}
"""
REVIEW = f"""
mutation Review($input: ReviewVisitInput!) {{
  reviewVisit(input: $input) {{
    __typename
    ... on ReviewVisitSuccess {{ visit {{ {VISIT_FIELDS} reviewNote }} }}
    ... on OperationError {{ errors {{ field code message }} }}
  }}
}}
"""
TO_REVIEW = f"{{ visitsToReview {{ {VISIT_FIELDS} }} visitsToReviewCount }}"
VISITS_ON = f"query On($day: Date!, $nodeId: ID) {{ visitsOn(day: $day, nodeId: $nodeId) {{ {VISIT_FIELDS} }} }}"
OPEN = f"{{ openVisit {{ {VISIT_FIELDS} }} }}"
PLAN = """
query Plan($near: GeoPoint) {
  todayPlan(near: $near) {
    totalMeters atRiskDays
    stops { order legMeters daysSinceVisit atRisk visitedToday customer { id name } }
  }
}
"""
POINTS = "{ myPoints { total } }"


def ago(**delta: float) -> str:
    return (datetime.now(UTC) - timedelta(**delta)).isoformat()


async def check_in(client: GraphQLClient, world: World, **overrides: Any) -> dict[str, Any]:
    return (await client.data(CHECK_IN, {"input": visit_input(world, **overrides)}))["checkIn"]


def check_out_input(visit_client_id: str, world: World, **overrides: Any) -> dict[str, Any]:
    data = {
        "clientId": str(uuid.uuid4()),
        "visitClientId": visit_client_id,
        "latitude": world.customer_position[0],
        "longitude": world.customer_position[1],
        "accuracyMeters": 8.0,
        "occurredAt": datetime.now(UTC).isoformat(),
    }
    data.update(overrides)
    return data


async def check_out(client: GraphQLClient, visit_client_id: str, world: World, **overrides: Any) -> dict[str, Any]:
    return (await client.data(CHECK_OUT, {"input": check_out_input(visit_client_id, world, **overrides)}))["checkOut"]


async def add_customer(server, world: World, name: str, lat: float, lon: float, owner: int | None = None) -> int:  # type: ignore[no-untyped-def]
    async with transaction(server.runtime.env.db) as tx:
        customer = Customer(org_id=world.org_id, name=name, name_key=name_key(name), address="", latitude=lat, longitude=lon, owner_id=owner)
        tx.session.add(customer)
        await tx.session.flush()
        return customer.id


def codes(result: dict[str, Any]) -> list[tuple[str | None, str]]:
    return [(e["field"], e["code"]) for e in result["errors"]]


# --- check in and check out -------------------------------------------------------------------


async def test_a_visit_checked_in_then_out_has_its_duration_and_a_replayed_check_out_changes_nothing(rep: GraphQLClient, world: World) -> None:
    visit = await check_in(rep, world, occurredAt=ago(minutes=40))
    assert visit["visit"]["status"] == "VERIFIED" and visit["visit"]["checkedOutAt"] is None
    assert (await rep.data(OPEN))["openVisit"]["clientId"] == visit["visit"]["clientId"]

    out = check_out_input(visit["visit"]["clientId"], world, occurredAt=ago(minutes=10), note="Left samples")
    first = (await rep.data(CHECK_OUT, {"input": out}))["checkOut"]
    replay = (await rep.data(CHECK_OUT, {"input": {**out, "note": "changed on retry"}}))["checkOut"]

    assert first["__typename"] == "CheckOutSuccess" and first["replayed"] is False
    assert 1790 <= first["visit"]["durationSeconds"] <= 1810
    assert first["visit"]["note"] == "Left samples" and first["visit"]["autoClosed"] is False
    assert replay["replayed"] is True and replay["visit"]["note"] == "Left samples"
    assert (await rep.data(OPEN))["openVisit"] is None


async def test_check_out_refuses_an_unknown_visit_a_second_check_out_and_a_time_before_the_check_in(rep: GraphQLClient, world: World) -> None:
    visit = await check_in(rep, world, occurredAt=ago(minutes=30))
    client_id = visit["visit"]["clientId"]

    unknown = await check_out(rep, "never-arrived-1234", world)
    too_early = await check_out(rep, client_id, world, occurredAt=ago(minutes=31))
    await check_out(rep, client_id, world)
    again = await check_out(rep, client_id, world)

    assert codes(unknown) == [("visitClientId", "NOT_FOUND")]
    assert codes(too_early) == [("occurredAt", "TOO_EARLY")]
    assert codes(again) == [("visitClientId", "CHECKED_OUT")]
    assert "checked out" in again["errors"][0]["message"] or "签退" in again["errors"][0]["message"]


async def test_another_reps_visit_cannot_be_checked_out(rep: GraphQLClient, server, world: World) -> None:  # type: ignore[no-untyped-def]
    visit = await check_in(rep, world)
    async with GraphQLClient(server.url) as rob:
        await rob.login(world.rep2.email)
        result = await check_out(rob, visit["visit"]["clientId"], world)
    assert codes(result) == [("visitClientId", "NOT_FOUND")]


async def test_checking_in_elsewhere_closes_the_visit_left_open_and_flags_it(rep: GraphQLClient, world: World) -> None:
    first = await check_in(rep, world, occurredAt=ago(minutes=50))
    second = await check_in(rep, world, occurredAt=ago(minutes=5))

    mine = {v["clientId"]: v for v in (await rep.data("{ myVisits { clientId autoClosed flags durationSeconds status pointsAwarded } }"))["myVisits"]}
    closed = mine[first["visit"]["clientId"]]
    assert closed["autoClosed"] is True and closed["flags"] == ["LEFT_OPEN"]
    assert 2690 <= closed["durationSeconds"] <= 2710
    # Forgetting to check out says nothing about where the rep was: still verified, points kept.
    assert closed["status"] == "VERIFIED" and closed["pointsAwarded"] == 10
    assert mine[second["visit"]["clientId"]]["autoClosed"] is False


async def test_a_visit_left_open_is_closed_at_the_end_of_its_day_and_a_late_check_out_still_wins(rep: GraphQLClient, server, world: World) -> None:  # type: ignore[no-untyped-def]
    zone = ZoneInfo("Asia/Shanghai")
    yesterday = (datetime.now(zone) - timedelta(days=1)).replace(hour=16, minute=0, second=0, microsecond=0)
    visit = await check_in(rep, world, occurredAt=yesterday.isoformat())

    assert await visits.close_left_open(server.runtime.env) == 1
    assert await visits.close_left_open(server.runtime.env) == 0  # a second sweep (another instance) finds nothing
    closed = (await rep.data("{ myVisits { checkedOutAt autoClosed flags } }"))["myVisits"][0]
    midnight = (yesterday + timedelta(days=1)).replace(hour=0)
    assert datetime.fromisoformat(closed["checkedOutAt"]) == midnight
    assert closed["autoClosed"] is True and closed["flags"] == ["LEFT_OPEN"]

    # The phone was offline all evening: its real check-out arrives the next morning and replaces the guess.
    late = await check_out(rep, visit["visit"]["clientId"], world, occurredAt=(yesterday + timedelta(minutes=45)).isoformat())
    assert late["__typename"] == "CheckOutSuccess"
    assert late["visit"]["autoClosed"] is False and late["visit"]["flags"] == []
    assert late["visit"]["durationSeconds"] == 45 * 60


# --- plausibility -----------------------------------------------------------------------------


async def test_sixty_km_in_ten_minutes_is_flagged_and_earns_nothing_until_approved(rep: GraphQLClient, server, world: World) -> None:  # type: ignore[no-untyped-def]
    lat, lon = world.customer_position
    # 60 km due north (0.54° of latitude ≈ 60 km)
    distant = await add_customer(server, world, "Suzhou Branch", lat + 0.54, lon)
    await check_in(rep, world, occurredAt=ago(minutes=20), latitude=lat, longitude=lon)

    jump = await check_in(rep, world, customerId=str(distant), occurredAt=ago(minutes=10), latitude=lat + 0.54, longitude=lon)

    assert jump["visit"]["flags"] == ["IMPOSSIBLE_SPEED"]
    assert jump["visit"]["status"] == "FLAGGED" and jump["visit"]["verified"] is False
    assert jump["visit"]["withinGeofence"] is True
    assert jump["visit"]["speedKmh"] > 300
    assert jump["visit"]["pointsAwarded"] == 0
    assert (await rep.data(POINTS))["myPoints"]["total"] == 10


async def test_a_two_km_walk_in_thirty_minutes_is_not_flagged(rep: GraphQLClient, server, world: World) -> None:  # type: ignore[no-untyped-def]
    lat, lon = world.customer_position
    nearby = await add_customer(server, world, "Two km away", lat + 0.018, lon)  # ≈ 2 km
    await check_in(rep, world, occurredAt=ago(minutes=40), latitude=lat, longitude=lon)

    walk = await check_in(rep, world, customerId=str(nearby), occurredAt=ago(minutes=10), latitude=lat + 0.018, longitude=lon)

    assert walk["visit"]["flags"] == [] and walk["visit"]["status"] == "VERIFIED"
    assert 3 < walk["visit"]["speedKmh"] < 5
    assert walk["visit"]["pointsAwarded"] == 10


async def test_poor_accuracy_a_stale_fix_and_a_wrong_phone_clock_are_flagged(rep: GraphQLClient, world: World) -> None:
    vague = await check_in(rep, world, accuracyMeters=850.0, occurredAt=ago(hours=5))
    stale = await check_in(rep, world, occurredAt=ago(hours=3), positionAt=ago(hours=4))
    skewed = await check_in(rep, world, occurredAt=ago(hours=2), sentAt=ago(hours=-1))
    honest = await check_in(rep, world, occurredAt=ago(hours=1), positionAt=ago(hours=1, seconds=20), sentAt=ago(seconds=1))

    assert vague["visit"]["flags"] == ["POOR_ACCURACY"]
    assert stale["visit"]["flags"] == ["CLOCK_MISMATCH"]
    assert skewed["visit"]["flags"] == ["CLOCK_MISMATCH"]
    assert honest["visit"]["flags"] == [] and honest["visit"]["status"] == "VERIFIED"


async def test_check_in_input_is_checked_field_by_field(rep: GraphQLClient, world: World) -> None:
    result = await check_in(rep, world, latitude=123.0, accuracyMeters=-1.0, occurredAt=ago(hours=-2), note="x" * 2001, positionAt="2026-01-01T00:00:00")

    assert set(codes(result)) == {("latitude", "OUT_OF_RANGE"), ("accuracyMeters", "OUT_OF_RANGE"), ("occurredAt", "IN_FUTURE"),
                                  ("note", "TOO_LONG"), ("positionAt", "INVALID")}
    assert (await rep.data("{ myVisits { id } }"))["myVisits"] == []


# --- review -----------------------------------------------------------------------------------


async def test_a_manager_approves_a_flagged_visit_and_the_points_arrive_once(rep: GraphQLClient, server, world: World) -> None:  # type: ignore[no-untyped-def]
    flagged = await check_in(rep, world, customerId=str(world.far_customer_id))
    assert flagged["visit"]["flags"] == ["OUTSIDE_GEOFENCE"]
    async with GraphQLClient(server.url) as manager:
        await manager.login(world.manager.email)
        queue = await manager.data(TO_REVIEW)
        assert [v["id"] for v in queue["visitsToReview"]] == [flagged["visit"]["id"]]
        assert queue["visitsToReviewCount"] == 1
        decision = {"visitId": flagged["visit"]["id"], "decision": "APPROVE", "note": "Met them at their warehouse"}
        approved = (await manager.data(REVIEW, {"input": decision}))["reviewVisit"]
        again = (await manager.data(REVIEW, {"input": decision}))["reviewVisit"]
        reverse = (await manager.data(REVIEW, {"input": {**decision, "decision": "REJECT"}}))["reviewVisit"]
        after = await manager.data(TO_REVIEW)

    assert approved["visit"]["status"] == "APPROVED" and approved["visit"]["verified"] is True
    assert approved["visit"]["pointsAwarded"] == 10 and approved["visit"]["reviewNote"] == "Met them at their warehouse"
    assert again["visit"]["status"] == "APPROVED"
    assert codes(reverse) == [("decision", "DECIDED")]
    assert after == {"visitsToReview": [], "visitsToReviewCount": 0}
    assert (await rep.data(POINTS))["myPoints"]["total"] == 10


async def test_a_rejected_visit_earns_nothing_and_reviews_respect_roles_and_reach(rep: GraphQLClient, server, world: World) -> None:  # type: ignore[no-untyped-def]
    flagged = await check_in(rep, world, customerId=str(world.far_customer_id))
    verified = await check_in(rep, world)
    reject = {"visitId": flagged["visit"]["id"], "decision": "REJECT"}

    own = (await rep.data(REVIEW, {"input": reject}))["reviewVisit"]
    queue = await rep.execute(TO_REVIEW)
    async with GraphQLClient(server.url) as outsider:
        await outsider.login(world.outsider.email)
        foreign = (await outsider.data(REVIEW, {"input": reject}))["reviewVisit"]
    async with GraphQLClient(server.url) as manager:
        await manager.login(world.manager.email)
        not_flagged = (await manager.data(REVIEW, {"input": {"visitId": verified["visit"]["id"], "decision": "REJECT"}}))["reviewVisit"]
        rejected = (await manager.data(REVIEW, {"input": reject}))["reviewVisit"]

    assert codes(own) == [(None, "FORBIDDEN")]
    assert queue["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert codes(foreign) == [(None, "FORBIDDEN")]
    assert codes(not_flagged) == [("visitId", "NOT_FLAGGED")]
    assert rejected["visit"]["status"] == "REJECTED" and rejected["visit"]["pointsAwarded"] == 0
    assert (await rep.data(POINTS))["myPoints"]["total"] == 10


async def test_a_manager_reviews_only_their_own_people(server, world: World) -> None:  # type: ignore[no-untyped-def]
    async with GraphQLClient(server.url) as bea, GraphQLClient(server.url) as manager, GraphQLClient(server.url) as admin:
        await bea.login(world.rep3.email)  # team B: not the manager's
        flagged = await check_in(bea, world, customerId=str(world.far_customer_id))
        await manager.login(world.manager.email)
        await admin.login(world.admin.email)
        queue = await manager.data(TO_REVIEW)
        refused = (await manager.data(REVIEW, {"input": {"visitId": flagged["visit"]["id"], "decision": "APPROVE"}}))["reviewVisit"]
        admin_queue = await admin.data(TO_REVIEW)

    assert queue["visitsToReview"] == []
    assert codes(refused) == [("visitId", "NOT_FOUND")]
    assert [v["id"] for v in admin_queue["visitsToReview"]] == [flagged["visit"]["id"]]


# --- reading ----------------------------------------------------------------------------------


async def test_visits_on_a_day_follow_the_viewers_reach(rep: GraphQLClient, server, world: World) -> None:  # type: ignore[no-untyped-def]
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()
    mine = await check_in(rep, world, occurredAt=ago(minutes=3))
    async with GraphQLClient(server.url) as rob, GraphQLClient(server.url) as manager, GraphQLClient(server.url) as outsider:
        await rob.login(world.rep2.email)
        robs = await check_in(rob, world, occurredAt=ago(minutes=2))
        await manager.login(world.manager.email)
        await outsider.login(world.outsider.email)
        team = await manager.data(VISITS_ON, {"day": today, "nodeId": f"team:{world.team_a}"})
        person = await manager.data(VISITS_ON, {"day": today, "nodeId": f"user:{world.rep2.id}"})
        foreign = await outsider.data(VISITS_ON, {"day": today})
        yesterday = await manager.data(VISITS_ON, {"day": (datetime.fromisoformat(today) - timedelta(days=1)).date().isoformat()})
    own = await rep.data(VISITS_ON, {"day": today})
    peek = await rep.execute(VISITS_ON, {"day": today, "nodeId": f"user:{world.rep2.id}"})

    assert [v["id"] for v in own["visitsOn"]] == [mine["visit"]["id"]]
    assert peek["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert [v["id"] for v in team["visitsOn"]] == [mine["visit"]["id"], robs["visit"]["id"]]
    assert [v["person"]["name"] for v in team["visitsOn"]] == ["Rita Rep", "Rob Rep"]
    assert [v["id"] for v in person["visitsOn"]] == [robs["visit"]["id"]]
    assert foreign["visitsOn"] == [] and yesterday["visitsOn"] == []


async def test_todays_plan_is_my_customers_as_a_short_route_with_the_neglected_at_risk(rep: GraphQLClient, server, world: World) -> None:  # type: ignore[no-untyped-def]
    lat, lon = world.customer_position
    # On a line north of where the rep stands, created out of order.
    c3 = await add_customer(server, world, "Third", lat + 0.03, lon, owner=world.rep.id)
    c1 = await add_customer(server, world, "First", lat + 0.01, lon, owner=world.rep.id)
    c2 = await add_customer(server, world, "Second", lat + 0.02, lon, owner=world.rep.id)
    await add_customer(server, world, "Someone else's", lat + 0.015, lon, owner=world.rep2.id)
    await check_in(rep, world, customerId=str(c2), latitude=lat + 0.02, longitude=lon, occurredAt=ago(minutes=5))

    plan = (await rep.data(PLAN, {"near": {"latitude": lat, "longitude": lon}}))["todayPlan"]

    names = [s["customer"]["name"] for s in plan["stops"]]
    assert names == ["First", "Third", "Second"]  # Second was visited today: last, done
    first, third, second = plan["stops"]
    assert 1100 < first["legMeters"] < 1125 and 2200 < third["legMeters"] < 2250
    assert first["atRisk"] is True and first["daysSinceVisit"] is None
    assert second["visitedToday"] is True and second["atRisk"] is False and second["daysSinceVisit"] == 0
    assert plan["atRiskDays"] == 30 and 3300 < plan["totalMeters"] < 3400
    assert [s["order"] for s in plan["stops"]] == [1, 2, 3]
    assert {int(s["customer"]["id"]) for s in plan["stops"]} == {c1, c2, c3}


async def test_map_settings_say_there_are_no_tiles_by_default(rep: GraphQLClient) -> None:
    settings = (await rep.data("{ mapSettings { tileUrl attribution maxZoom } }"))["mapSettings"]
    assert settings == {"tileUrl": None, "attribution": "", "maxZoom": 19}


VISITS_LIVE = """
subscription Live($day: Date!, $nodeId: ID) {
  visitsChanged(day: $day, nodeId: $nodeId) { day nodeId visits { id status checkedOutAt photos { id } person { name } } }
}
"""


async def test_the_managers_map_of_the_day_moves_with_each_check_in_check_out_and_review(rep: GraphQLClient, server, world: World) -> None:  # type: ignore[no-untyped-def]
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()
    async with GraphQLClient(server.url) as manager:
        await manager.login(world.manager.email)
        async with manager.subscriber(server.ws_url) as live:
            await live.subscribe("map", VISITS_LIVE, {"day": today})
            first = (await live.next_data("map"))["visitsChanged"]
            assert first == {"day": today, "nodeId": f"team:{world.team_a}", "visits": []}

            doubtful = await check_in(rep, world, customerId=str(world.far_customer_id))
            seen = await live.until("map", lambda d: len(d["visitsChanged"]["visits"]) == 1)
            assert seen["visitsChanged"]["visits"][0]["status"] == "FLAGGED"

            await check_out(rep, doubtful["visit"]["clientId"], world)
            await live.until("map", lambda d: d["visitsChanged"]["visits"][0]["checkedOutAt"] is not None)

            await manager.data(REVIEW, {"input": {"visitId": doubtful["visit"]["id"], "decision": "APPROVE"}})
            approved = await live.until("map", lambda d: d["visitsChanged"]["visits"][0]["status"] == "APPROVED")
        fresh = (await manager.data(VISITS_ON, {"day": today}))["visitsOn"]

    assert [v["id"] for v in fresh] == [v["id"] for v in approved["visitsChanged"]["visits"]]


async def test_a_rep_cannot_watch_another_reps_day(rep: GraphQLClient, server, world: World) -> None:  # type: ignore[no-untyped-def]
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()
    async with rep.subscriber(server.ws_url) as live:
        await live.subscribe("peek", VISITS_LIVE, {"day": today, "nodeId": f"user:{world.rep2.id}"})
        message = await live.next()
        await live.subscribe("mine", VISITS_LIVE, {"day": today})
        mine = (await live.next_data("mine"))["visitsChanged"]

    assert message["type"] == "error" and message["id"] == "peek"
    assert mine["nodeId"] == f"user:{world.rep.id}"
