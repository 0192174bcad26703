"""Logging visits the way the phone does, and every way it can go wrong."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from tests.support import LOG_VISIT, GraphQLClient, World, visit_input

MY_STATE = """
{ myVisits(first: 100) { id clientId } myPoints { today week month total } }
"""


async def test_a_visit_inside_the_geofence_is_verified_and_earns_points(rep: GraphQLClient, world: World) -> None:
    result = await rep.log_visit(world)

    assert result["__typename"] == "CheckInSuccess"
    assert result["visit"]["withinGeofence"] is True
    assert 50 < result["visit"]["distanceMeters"] < 60  # 0.0005° of latitude is about 55.6 m
    assert result["visit"]["pointsAwarded"] == 10
    assert result["points"]["today"] == 10
    state = await rep.data(MY_STATE)
    assert [v["clientId"] for v in state["myVisits"]] == [result["visit"]["clientId"]]
    assert state["myPoints"]["total"] == 10


async def test_a_visit_outside_the_geofence_is_kept_flagged_and_earns_nothing(rep: GraphQLClient, world: World) -> None:
    result = await rep.log_visit(world, customerId=str(world.far_customer_id))

    assert result["visit"]["withinGeofence"] is False
    assert result["visit"]["distanceMeters"] > 10_000
    assert result["visit"]["pointsAwarded"] == 0
    state = await rep.data(MY_STATE)
    assert len(state["myVisits"]) == 1
    assert state["myPoints"]["total"] == 0


async def test_a_replayed_client_id_returns_the_first_visit_and_adds_nothing(rep: GraphQLClient, world: World) -> None:
    first = await rep.log_visit(world, clientId="phone-1234-abcd", note="first")
    replay = await rep.log_visit(world, clientId="phone-1234-abcd", note="changed on retry")

    assert replay["replayed"] is True
    assert replay["visit"]["id"] == first["visit"]["id"]
    assert replay["visit"]["note"] == "first"
    state = await rep.data(MY_STATE)
    assert len(state["myVisits"]) == 1
    assert state["myPoints"]["total"] == 10


async def test_concurrent_deliveries_of_one_write_store_it_once(rep: GraphQLClient, world: World) -> None:
    data = visit_input(world, clientId=f"race-{uuid.uuid4()}")
    results = await asyncio.gather(*(rep.data(LOG_VISIT, {"input": data}) for _ in range(5)))

    ids = {r["checkIn"]["visit"]["id"] for r in results}
    assert len(ids) == 1
    state = await rep.data(MY_STATE)
    assert len(state["myVisits"]) == 1
    assert state["myPoints"]["total"] == 10


async def test_points_stop_at_the_daily_cap(rep: GraphQLClient, world: World) -> None:
    for _ in range(7):
        await rep.log_visit(world)

    state = await rep.data(MY_STATE)
    assert len(state["myVisits"]) == 7
    assert state["myPoints"]["today"] == 50


def _tomorrow() -> str:
    return (datetime.now(UTC) + timedelta(days=1)).isoformat()


BAD_INPUTS = [
    pytest.param({"latitude": 91}, "latitude", "OUT_OF_RANGE", id="latitude-91"),
    pytest.param({"longitude": -181}, "longitude", "OUT_OF_RANGE", id="longitude-minus-181"),
    pytest.param({"accuracyMeters": -1}, "accuracyMeters", "OUT_OF_RANGE", id="negative-accuracy"),
    pytest.param({"occurredAt": "TOMORROW"}, "occurredAt", "IN_FUTURE", id="dated-tomorrow"),
    pytest.param({"occurredAt": (datetime.now(UTC) - timedelta(days=90)).isoformat()}, "occurredAt", "TOO_OLD", id="last-quarter"),
    pytest.param({"customerId": "999999"}, "customerId", "NOT_FOUND", id="unknown-customer"),
    pytest.param({"customerId": "OTHER_ORG"}, "customerId", "NOT_FOUND", id="other-orgs-customer"),
    pytest.param({"customerId": "abc"}, "customerId", "NOT_FOUND", id="malformed-customer-id"),
    pytest.param({"note": "x" * 100_000}, "note", "TOO_LONG", id="100kB-note"),
    pytest.param({"clientId": "short"}, "clientId", "INVALID", id="bad-client-id"),
]


@pytest.mark.parametrize(("overrides", "field", "code"), BAD_INPUTS)
async def test_bad_input_gets_a_typed_error_and_changes_nothing(
    rep: GraphQLClient, world: World, overrides: dict[str, object], field: str, code: str
) -> None:
    overrides = dict(overrides)
    if overrides.get("occurredAt") == "TOMORROW":
        overrides["occurredAt"] = _tomorrow()
    if overrides.get("customerId") == "OTHER_ORG":
        overrides["customerId"] = str(world.other_org_customer_id)

    result = await rep.log_visit(world, **overrides)

    assert result["__typename"] == "OperationError"
    assert {"field": field, "code": code} in [{"field": e["field"], "code": e["code"]} for e in result["errors"]]
    assert all(e["message"] for e in result["errors"])
    state = await rep.data(MY_STATE)
    assert state["myVisits"] == []
    assert state["myPoints"]["total"] == 0


async def test_errors_speak_the_callers_language(rep: GraphQLClient, world: World) -> None:
    await rep.data('mutation { setLocale(locale: EN) { locale } }')
    english = await rep.log_visit(world, latitude=91)
    await rep.data('mutation { setLocale(locale: ZH_CN) { locale } }')
    chinese = await rep.log_visit(world, latitude=91)

    assert english["errors"][0]["message"] == "Must be between -90 and 90."
    assert chinese["errors"][0]["message"] == "必须介于 -90 和 90 之间。"


async def test_signed_out_callers_cannot_log_visits(server, world: World) -> None:  # type: ignore[no-untyped-def]
    async with GraphQLClient(server.url) as anonymous:
        result = (await anonymous.data(LOG_VISIT, {"input": visit_input(world)}))["checkIn"]
    assert result["__typename"] == "OperationError"
    assert result["errors"][0]["code"] == "UNAUTHENTICATED"


async def test_a_rep_sees_only_their_own_visits(server, world: World, rep: GraphQLClient) -> None:  # type: ignore[no-untyped-def]
    await rep.log_visit(world, note="private note")
    async with GraphQLClient(server.url) as colleague:
        await colleague.login(world.rep2.email)
        state = await colleague.data(MY_STATE)
    assert state["myVisits"] == []


async def test_nearest_customers_come_first_and_other_orgs_never_appear(rep: GraphQLClient, world: World) -> None:
    query = "query($p: GeoPoint) { customers(near: $p, first: 10) { id name distanceMeters } }"
    found = (await rep.data(query, {"p": {"latitude": world.customer_position[0], "longitude": world.customer_position[1]}}))["customers"]

    assert [c["name"] for c in found] == ["Near Co", "Far Co"]
    assert found[0]["distanceMeters"] == 0
    assert str(world.other_org_customer_id) not in {c["id"] for c in found}
