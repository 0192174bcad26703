"""A customer added in the field: once per client id, owned by the rep, worth the new-customer points, never a duplicate."""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from tests.pipeline.test_deals import login, move, open_deal, stage_ids
from tests.support import GraphQLClient, World
from tests.targets.test_targets import SET

ADD = """
mutation Add($input: AddCustomerInput!) {
  addCustomer(input: $input) {
    __typename
    ... on AddCustomerSuccess { replayed pointsAwarded customer { id name tier geofenceRadiusMeters latitude } }
    ... on OperationError { errors { field code message } }
  }
}
"""
PLAN = "{ todayPlan { stops { customer { name } atRisk } } }"
HISTORY = "{ pointsHistory { points ruleKind sourceType } }"


def new_customer(world: World, **overrides: Any) -> dict[str, Any]:
    lat, lon = world.customer_position
    data: dict[str, Any] = {"clientId": f"cust-{uuid.uuid4()}", "name": "徐汇新客户 Xuhui Prospect", "latitude": lat + 0.02, "longitude": lon,
                            "address": "漕溪北路 88 号", "tier": "B"}
    data.update(overrides)
    return data


async def add(client: GraphQLClient, data: dict[str, Any]) -> dict[str, Any]:
    return (await client.data(ADD, {"input": data}))["addCustomer"]


def codes(result: dict[str, Any]) -> set[tuple[str | None, str]]:
    return {(e["field"], e["code"]) for e in result["errors"]}


async def test_a_rep_adds_a_customer_once_and_earns_the_new_customer_points(rep: GraphQLClient, world: World) -> None:
    data = new_customer(world)
    results = await asyncio.gather(*(add(rep, data) for _ in range(3)))  # a flaky network delivers it three times

    ids = {r["customer"]["id"] for r in results}
    assert len(ids) == 1
    assert sorted(r["replayed"] for r in results) == [False, True, True]
    assert sum(r["pointsAwarded"] for r in results) == 20
    assert [(h["ruleKind"], h["sourceType"], h["points"]) for h in (await rep.data(HISTORY))["pointsHistory"]] == [("new_customer", "customer", 20)]
    stops = (await rep.data(PLAN))["todayPlan"]["stops"]
    assert [(s["customer"]["name"], s["atRisk"]) for s in stops] == [("徐汇新客户 Xuhui Prospect", False)]  # mine, new: not neglected yet


async def test_bad_or_duplicate_customers_are_refused(rep: GraphQLClient, world: World) -> None:
    bad = await add(rep, new_customer(world, name="  ", tier="Z", latitude=95.0, geofenceRadiusMeters=10))
    duplicate = await add(rep, new_customer(world, name="near co"))  # the world's "Near Co", in another case

    assert codes(bad) == {("name", "REQUIRED"), ("tier", "INVALID"), ("latitude", "OUT_OF_RANGE"), ("geofenceRadiusMeters", "OUT_OF_RANGE")}
    assert codes(duplicate) == {("name", "DUPLICATE")}
    assert (await rep.data(HISTORY))["pointsHistory"] == []


async def test_reaching_the_monthly_target_pays_the_target_rule_once(rep: GraphQLClient, world: World, server) -> None:  # type: ignore[no-untyped-def]
    month = datetime.now(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m")
    async with await login(server, world.manager.email) as manager:
        target = {"node": {"kind": "USER", "id": str(world.rep.id)}, "period": month, "metric": "REVENUE", "amount": "3000"}
        await manager.data(SET, {"input": target})
    stages = await stage_ids(rep)
    for title in ("One", "Two"):
        deal = await open_deal(rep, world, title=title, amount="3000")
        await move(rep, deal, stages["won"], reason="Signed")

    kinds = [h["ruleKind"] for h in (await rep.data(HISTORY))["pointsHistory"]]
    assert kinds.count("target_reached") == 1
    assert kinds.count("deal_won") == 2


async def test_twenty_reps_adding_one_name_at_once_store_one_customer_worth_points_once(server, world: World) -> None:  # type: ignore[no-untyped-def]
    people = [world.rep.email, world.rep2.email, world.rep3.email, world.manager.email, world.admin.email]
    clients = [await login(server, email) for email in people]
    try:
        # Four phones each, every one its own write: only the name is shared.
        results = await asyncio.gather(*(add(clients[i % len(clients)], new_customer(world, name="静安新客户")) for i in range(20)))
    finally:
        for client in clients:
            await client.http.aclose()

    added = [r for r in results if r["__typename"] == "AddCustomerSuccess"]
    refused = [r for r in results if r["__typename"] == "OperationError"]
    assert len(added) == 1 and len(refused) == 19, results
    assert all(codes(r) == {("name", "DUPLICATE")} for r in refused)
    assert sum(r["pointsAwarded"] for r in added) == 20
    async with await login(server, world.admin.email) as admin:
        found = (await admin.data('{ customers(search: "静安", first: 100) { id } }'))["customers"]
    assert len(found) == 1


async def test_names_that_only_look_different_are_duplicates(rep: GraphQLClient, world: World) -> None:
    first = await add(rep, new_customer(world, name="Jing'an Trading 静安贸易"))
    variants = [
        "Jing'an Trad\u200bing 静安贸易",  # zero-width space
        "Ｊｉｎｇ'ａｎ Ｔｒａｄｉｎｇ 静安贸易",  # full-width letters
        "JING'AN TRADING 静安贸易",
        "Jing'an Tra\u00adding 静安贸易",  # soft hyphen
        "  Jing'an   Trading\u3000静安贸易 ",
        "\ufeffJing'an Trading 静\u2060安贸易",
    ]
    results = [await add(rep, new_customer(world, name=name)) for name in variants]
    invisible = await add(rep, new_customer(world, name="\u200b\u00ad\u200d"))

    assert first["__typename"] == "AddCustomerSuccess"
    assert [codes(r) for r in results] == [{("name", "DUPLICATE")}] * len(variants)
    assert codes(invisible) == {("name", "REQUIRED")}
    assert [h["points"] for h in (await rep.data(HISTORY))["pointsHistory"]] == [20]
