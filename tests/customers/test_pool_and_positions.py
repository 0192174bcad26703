"""Customers without a position (placed by their first check-in, which says it could not be verified) and the open pool."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from tests.customers.helpers import CREATE, EDIT, LIST, REASSIGN, codes, create
from tests.pipeline.test_deals import login
from tests.support import LOG_VISIT, GraphQLClient, World, visit_input

from podium.core.events import transaction
from podium.core.models import EventRow
from podium.customers.models import Customer
from podium.customers.names import name_key

NEAR = """
query Near($near: GeoPoint) { customers(near: $near, first: 50) { id name latitude distanceMeters } }
"""
PLAN = "query Plan($near: GeoPoint) { todayPlan(near: $near) { stops { order legMeters customer { name latitude } } } }"
PAGE = "query Page($id: ID!) { customerPage(id: $id) { customer { id latitude longitude } } }"
REVIEW = "{ visitsToReview { id flags status customer { id name } } }"
CLAIM = """
mutation Claim($id: ID!) {
  claimCustomer(id: $id) {
    __typename
    ... on CustomerSuccess { customer { id ownerId } }
    ... on OperationError { errors { field code } }
  }
}
"""
RULES = """
mutation Rules($allowed: Boolean!, $max: Int) {
  setPoolRules(claimsAllowed: $allowed, maxOwned: $max) {
    __typename ... on PoolRules { claimsAllowed maxOwned } ... on OperationError { errors { field code } }
  }
}
"""


async def _pool_customers(server: Any, world: World, *names: str) -> list[str]:
    """Customers without an owner, as an import with a blank owner leaves them."""
    async with transaction(server.runtime.env.db) as tx:
        rows = [Customer(org_id=world.org_id, name=n, name_key=name_key(n), address="") for n in names]
        tx.session.add_all(rows)
        await tx.session.flush()
        return [str(r.id) for r in rows]


async def test_a_customer_without_a_position_is_listed_and_placed_by_its_first_check_in(server, world: World, rep: GraphQLClient) -> None:  # type: ignore[no-untyped-def]
    async with await login(server, world.manager.email) as manager:
        made = (await manager.data(CREATE, {"input": {"name": "无坐标客户", "ownerId": str(world.rep.id)}}))["createCustomer"]
        assert made["__typename"] == "CustomerSuccess", made
        vague = await create(manager, "Vague Co", ownerId=str(world.rep.id), position=None)
        unplaced = (await manager.data(LIST, {"filter": {"hasPosition": False}}))["customerList"]
    customer = made["customer"]
    assert customer["latitude"] is None and customer["longitude"] is None
    assert {c["name"] for c in unplaced["items"]} == {"无坐标客户", "Vague Co"}

    lat, lon = world.customer_position
    near = (await rep.data(NEAR, {"near": {"latitude": lat, "longitude": lon}}))["customers"]
    plan = (await rep.data(PLAN, {"near": {"latitude": lat, "longitude": lon}}))["todayPlan"]["stops"]
    page = (await rep.data(PAGE, {"id": customer["id"]}))["customerPage"]["customer"]
    # Placed ones by distance first, then the unplaced with no distance; the route leaves them out but lists them.
    assert [c["distanceMeters"] is None for c in near] == sorted(c["distanceMeters"] is None for c in near)
    assert {c["name"] for c in near if c["distanceMeters"] is None} >= {"无坐标客户", "Vague Co"}
    assert {(s["customer"]["name"], s["legMeters"]) for s in plan} == {("无坐标客户", None), ("Vague Co", None)}
    assert page["latitude"] is None

    first = (await rep.data(LOG_VISIT, {"input": visit_input(world, customerId=customer["id"], accuracyMeters=15.0)}))["checkIn"]
    # A fix too poor to trust does not place the other one.
    poor = (await rep.data(LOG_VISIT, {"input": visit_input(world, customerId=vague["id"], accuracyMeters=900.0)}))["checkIn"]

    assert first["visit"]["flags"] == ["NO_CUSTOMER_POSITION"] and first["visit"]["status"] == "FLAGGED"
    assert first["visit"]["withinGeofence"] is False and first["visit"]["pointsAwarded"] == 0
    assert set(poor["visit"]["flags"]) == {"NO_CUSTOMER_POSITION", "POOR_ACCURACY"}
    placed = (await rep.data(PAGE, {"id": customer["id"]}))["customerPage"]["customer"]
    still = (await rep.data(PAGE, {"id": vague["id"]}))["customerPage"]["customer"]
    assert (placed["latitude"], placed["longitude"]) == (lat + 0.0005, lon)
    assert still["latitude"] is None
    async with await login(server, world.manager.email) as manager:
        review = (await manager.data(REVIEW))["visitsToReview"]
    assert {(v["customer"]["name"], "NO_CUSTOMER_POSITION" in v["flags"]) for v in review} == {("无坐标客户", True), ("Vague Co", True)}
    async with server.runtime.env.db() as session:
        changes = [json.loads(p) for p in await session.scalars(select(EventRow.payload).where(EventRow.name == "customer_changed"))]
    assert [(c["customer"], c["before"]["latitude"], c["after"]["latitude"]) for c in changes] == [(int(customer["id"]), "None", str(lat + 0.0005))]
    # The next check-in there is measured against the new position and verified.
    later = (datetime.now(UTC) + timedelta(seconds=1)).isoformat()
    again = (await rep.data(LOG_VISIT, {"input": visit_input(world, customerId=customer["id"], occurredAt=later)}))["checkIn"]
    assert again["visit"]["status"] == "VERIFIED" and again["visit"]["withinGeofence"] is True


async def test_the_open_pool_is_listed_to_everyone_assigned_by_managers_and_claimed_once(server, world: World, rep: GraphQLClient) -> None:  # type: ignore[no-untyped-def]
    assigned, raced, limited = await _pool_customers(server, world, "Pool One", "Pool Two", "Pool Three")
    pool = {"filter": {"pool": True, "search": "Pool"}}

    rep_pool = (await rep.data(LIST, pool))["customerList"]
    rep_own = (await rep.data(LIST, {"filter": {"search": "Pool"}}))["customerList"]
    rep_edit = (await rep.data(EDIT, {"id": assigned, "input": {"tier": "A"}}))["editCustomer"]
    assert rep_pool["total"] == 3 and rep_own["total"] == 0
    assert codes(rep_edit) == {("customerId", "NOT_FOUND")}  # the pool is read-only for a rep: claim, don't edit
    async with await login(server, world.outsider.email) as outsider:
        foreign_pool = (await outsider.data(LIST, pool))["customerList"]
        foreign_claim = (await outsider.data(CLAIM, {"id": raced}))["claimCustomer"]
    assert foreign_pool["total"] == 0 and codes(foreign_claim) == {("customerId", "NOT_FOUND")}

    async with await login(server, world.manager.email) as manager:
        moved = (await manager.data(REASSIGN, {"ids": [assigned], "owner": str(world.rep2.id)}))["reassignCustomers"]
    assert moved["customers"][0]["ownerId"] == str(world.rep2.id)

    async with await login(server, world.rep2.email) as rob:
        claims = await asyncio.gather(rep.data(CLAIM, {"id": raced}), rob.data(CLAIM, {"id": raced}))
        outcomes = sorted(c["claimCustomer"]["__typename"] for c in claims)
        assert outcomes == ["CustomerSuccess", "OperationError"]
        assert [codes(c["claimCustomer"]) for c in claims if c["claimCustomer"]["__typename"] == "OperationError"] == [{("customerId", "CONFLICT")}]

        refused = (await rob.data(RULES, {"allowed": False}))["setPoolRules"]
        async with await login(server, world.admin.email) as admin:
            closed = (await admin.data(RULES, {"allowed": False}))["setPoolRules"]
            forbidden = (await rob.data(CLAIM, {"id": limited}))["claimCustomer"]
            await admin.data(RULES, {"allowed": True, "max": 1})
            over = (await rob.data(CLAIM, {"id": limited}))["claimCustomer"]
    assert codes(refused) == {(None, "FORBIDDEN")} and closed == {"__typename": "PoolRules", "claimsAllowed": False, "maxOwned": None}
    assert codes(forbidden) == {("customerId", "FORBIDDEN")}
    assert codes(over) == {("customerId", "TOO_MANY")}  # Rob already owns the one he was given
    left = (await rep.data(LIST, pool))["customerList"]
    assert [c["name"] for c in left["items"]] == ["Pool Three"]
    async with server.runtime.env.db() as session:
        claimed = list(await session.scalars(select(EventRow.payload).where(EventRow.name == "customer_claimed")))
    assert [json.loads(p)["customer"] for p in claimed] == [int(raced)]
