"""Customers from the office: created for an owner in reach, positions converted, edited, listed within reach, reassigned."""

from __future__ import annotations

from tests.customers.helpers import CREATE, EDIT, LIST, REASSIGN, codes, create, customer_input, names
from tests.pipeline.test_deals import login
from tests.support import GraphQLClient, World

from podium.customers.geo import distance_m


async def test_a_manager_creates_for_a_rep_in_reach_with_a_gcj02_position_stored_as_wgs84(server, world: World) -> None:  # type: ignore[no-untyped-def]
    async with await login(server, world.manager.email) as manager:
        # Gaode shows this point for WGS-84 (39.90734, 116.39089) (geoChina's reference, tests/customers/test_coords.py).
        made = await create(manager, "天安门商贸", ownerId=str(world.rep.id), address="北京市东城区长安街 1 号",
                            position={"latitude": 39.90874539, "longitude": 116.39713623, "system": "GCJ02"}, geofenceRadiusMeters=200)
    assert distance_m(made["latitude"], made["longitude"], 39.90734, 116.39089) < 1.0
    assert made["ownerId"] == str(world.rep.id) and made["ownerName"] == "Rita Rep"
    assert made["city"] == "北京" and made["geofenceRadiusMeters"] == 200 and made["atRisk"] is False


async def test_bad_input_is_refused_with_every_problem(server, world: World, rep: GraphQLClient) -> None:  # type: ignore[no-untyped-def]
    async with await login(server, world.manager.email) as manager:
        await create(manager, "Taken Co", ownerId=str(world.rep.id))
        bad = (await manager.data(CREATE, {"input": customer_input(
            "x" * 201, tier="Z", geofenceRadiusMeters=10, city="c" * 81, industry="i" * 81, address="a" * 401,
            position={"latitude": 91.0, "longitude": -181.0, "system": "WGS84"},
        )}))["createCustomer"]
        taken = (await manager.data(CREATE, {"input": customer_input("  taken   co ")}))["createCustomer"]
        outside = (await manager.data(CREATE, {"input": customer_input("Elsewhere", ownerId=str(world.rep3.id))}))["createCustomer"]  # team B
        foreign = (await manager.data(CREATE, {"input": customer_input("Foreign", ownerId=str(world.outsider.id))}))["createCustomer"]
        unknown = (await manager.data(CREATE, {"input": customer_input("Nobody", ownerId="999999")}))["createCustomer"]
        big = (await manager.data(CREATE, {"input": customer_input("Big", geofenceRadiusMeters=5001)}))["createCustomer"]
        system = await manager.execute(CREATE, {"input": customer_input("Sys", position={"latitude": 31, "longitude": 121, "system": "UTM"})})
    # A rep creates for themselves only.
    for_colleague = (await rep.data(CREATE, {"input": customer_input("For Rob", ownerId=str(world.rep2.id))}))["createCustomer"]

    assert codes(bad) == {("name", "TOO_LONG"), ("tier", "INVALID"), ("geofenceRadiusMeters", "OUT_OF_RANGE"), ("city", "TOO_LONG"),
                          ("industry", "TOO_LONG"), ("address", "TOO_LONG"), ("position.latitude", "OUT_OF_RANGE"), ("position.longitude", "OUT_OF_RANGE")}
    assert codes(taken) == {("name", "DUPLICATE")}
    assert codes(outside) == codes(foreign) == codes(unknown) == codes(for_colleague) == {("ownerId", "NOT_FOUND")}
    assert codes(big) == {("geofenceRadiusMeters", "OUT_OF_RANGE")}
    assert "errors" in system  # not a CoordSystem: refused by the schema before anything runs


async def test_edit_changes_what_is_given_and_keeps_names_unique(server, world: World, rep: GraphQLClient) -> None:  # type: ignore[no-untyped-def]
    mine = await create(rep, "Mine Co")
    await create(rep, "Other Co")
    edited = (await rep.data(EDIT, {"id": mine["id"], "input": {"name": "Mine Co Ltd", "tier": "A", "industry": "制造",
                                                                 "position": {"latitude": 31.0, "longitude": 121.0, "system": "BD09"}}}))["editCustomer"]
    clash = (await rep.data(EDIT, {"id": mine["id"], "input": {"name": "OTHER co"}}))["editCustomer"]
    bad = (await rep.data(EDIT, {"id": mine["id"], "input": {"geofenceRadiusMeters": 49, "position": {"latitude": 0, "longitude": 200}}}))["editCustomer"]
    async with await login(server, world.rep2.email) as rob:
        not_his = (await rob.data(EDIT, {"id": mine["id"], "input": {"tier": "C"}}))["editCustomer"]
    async with await login(server, world.outsider.email) as outsider:
        foreign = (await outsider.data(EDIT, {"id": mine["id"], "input": {"tier": "C"}}))["editCustomer"]

    c = edited["customer"]
    assert (c["name"], c["tier"], c["industry"], c["address"]) == ("Mine Co Ltd", "A", "制造", "上海市徐汇区漕溪北路 88 号")
    assert 500 < distance_m(c["latitude"], c["longitude"], 31.0, 121.0) < 1500  # BD-09 is about a kilometre from WGS-84 there
    assert codes(clash) == {("name", "DUPLICATE")}
    assert codes(bad) == {("geofenceRadiusMeters", "OUT_OF_RANGE"), ("position.longitude", "OUT_OF_RANGE")}
    assert codes(not_his) == codes(foreign) == {("customerId", "NOT_FOUND")}


async def test_the_list_is_exactly_the_viewers_reach_filtered_and_sorted(server, world: World, rep: GraphQLClient) -> None:  # type: ignore[no-untyped-def]
    async with await login(server, world.admin.email) as admin:
        await create(admin, "Alpha Rita", ownerId=str(world.rep.id), tier="A", city="上海", industry="医疗")
        await create(admin, "Beta Rob", ownerId=str(world.rep2.id), tier="C", address="北京市朝阳区 1 号")
        await create(admin, "Gamma Bea", ownerId=str(world.rep3.id), tier="B")  # team B
        everyone = await names(admin)
        team_b = await names(admin, filter={"teamId": str(world.team_b)})
        by_tier = await names(admin, sort="TIER", descending=True)
    async with await login(server, world.manager.email) as manager:
        subtree = await names(manager)
        search = await names(manager, filter={"search": "北京"})
        rob_only = await names(manager, filter={"ownerIds": [str(world.rep2.id)]})
        tier_a = await names(manager, filter={"tiers": ["A"], "city": "上海", "industry": "医疗"})
        page = (await manager.data(LIST, {"first": 1, "offset": 1}))["customerList"]
        not_mine = await manager.execute(LIST, {"filter": {"teamId": str(world.team_b)}})
        none_pipeline = await names(manager, filter={"hasOpenPipeline": True})
        risky = await names(manager, filter={"atRisk": True})
        never = await names(manager, filter={"lastVisitBefore": "2030-01-01T00:00:00Z"})
        too_many = await manager.execute(LIST, {"first": 201})
    async with await login(server, world.outsider.email) as outsider:
        foreign = (await outsider.data(LIST))["customerList"]

    assert everyone == ["Alpha Rita", "Beta Rob", "Far Co", "Gamma Bea", "Near Co"]  # the admin: the org (unowned too)
    assert team_b == ["Gamma Bea"]
    assert by_tier == ["Beta Rob", "Near Co", "Far Co", "Gamma Bea", "Alpha Rita"]  # C, B (by id), A
    assert subtree == ["Alpha Rita", "Beta Rob"]  # the manager: team A's owners, nothing of team B
    assert await names(rep) == ["Alpha Rita"]  # a rep: their own
    assert search == ["Beta Rob"] and rob_only == ["Beta Rob"] and tier_a == ["Alpha Rita"]
    assert page["total"] == 2 and [c["name"] for c in page["items"]] == ["Beta Rob"]
    assert not_mine["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert none_pipeline == [] and risky == [] and never == ["Alpha Rita", "Beta Rob"]
    assert too_many["errors"][0]["extensions"]["code"] == "OUT_OF_RANGE"
    assert foreign == {"total": 0, "items": []}


async def test_bulk_reassign_moves_all_or_none_within_reach(server, world: World, rep: GraphQLClient) -> None:  # type: ignore[no-untyped-def]
    a = await create(rep, "Reassign A")
    b = await create(rep, "Reassign B")
    async with await login(server, world.admin.email) as admin:
        team_b_customer = await create(admin, "Team B Co", ownerId=str(world.rep3.id))
    async with await login(server, world.manager.email) as manager:
        done = (await manager.data(REASSIGN, {"ids": [a["id"], b["id"]], "owner": str(world.rep2.id)}))["reassignCustomers"]
        mixed = (await manager.data(REASSIGN, {"ids": [a["id"], team_b_customer["id"]], "owner": str(world.rep.id)}))["reassignCustomers"]
        outside_owner = (await manager.data(REASSIGN, {"ids": [a["id"]], "owner": str(world.rep3.id)}))["reassignCustomers"]
        empty = (await manager.data(REASSIGN, {"ids": [], "owner": str(world.rep.id)}))["reassignCustomers"]
        too_many = (await manager.data(REASSIGN, {"ids": [str(i) for i in range(1, 502)], "owner": str(world.rep.id)}))["reassignCustomers"]
        rob_now = await names(manager, filter={"ownerIds": [str(world.rep2.id)]})
    by_rep = (await rep.data(REASSIGN, {"ids": [a["id"]], "owner": str(world.rep.id)}))["reassignCustomers"]

    assert {c["ownerName"] for c in done["customers"]} == {"Rob Rep"}
    assert rob_now == ["Reassign A", "Reassign B"]  # the mixed one changed nothing
    assert codes(mixed) == {("customerIds", "NOT_FOUND")}
    assert codes(outside_owner) == {("ownerId", "NOT_FOUND")}
    assert codes(empty) == {("customerIds", "REQUIRED")}
    assert codes(too_many) == {("customerIds", "TOO_MANY")}
    assert codes(by_rep) == {("customerIds", "FORBIDDEN")}
    assert await names(rep) == []
