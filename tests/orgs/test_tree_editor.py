"""The org tree editor: admins create, rename, move, merge and delete units and name their managers."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from podium.core.events import DomainEvent, transaction
from podium.leaderboards import service as leaderboards
from podium.core.models import EventRow
from podium.core.policies import Role
from podium.orgs import service as orgs
from podium.targets import units as target_units
from tests.conftest import Server
from tests.pipeline.test_deals import login, move, open_deal, stage_ids
from tests.support import BOARD, PASSWORD, GraphQLClient, Person, World

UNIT = "unit { id name parentId depth manager { id name } people peopleBelow childCount }"
UNITS = f"{{ orgUnits {{ {UNIT.removeprefix('unit { ').removesuffix(' }')} }} }}"
ERR = "... on OperationError { errors { field code message } }"
CREATE = f"mutation C($name: String!, $parent: ID) {{ createUnit(name: $name, parentId: $parent) {{ __typename ... on UnitSuccess {{ {UNIT} }} {ERR} }} }}"
RENAME = f"mutation R($id: ID!, $name: String!) {{ renameUnit(id: $id, name: $name) {{ __typename ... on UnitSuccess {{ {UNIT} }} {ERR} }} }}"
MOVE = f"mutation M($id: ID!, $parent: ID) {{ moveUnit(id: $id, parentId: $parent) {{ __typename ... on UnitSuccess {{ {UNIT} }} {ERR} }} }}"
MERGE = f"""mutation G($source: ID!, $into: ID!) {{ mergeUnits(sourceId: $source, intoId: $into) {{
  __typename ... on MergeUnitsSuccess {{ peopleMoved unitsMoved into {{ id name people }} }} {ERR} }} }}"""
MANAGER = f"mutation S($id: ID!, $manager: ID) {{ setUnitManager(id: $id, managerId: $manager) {{ __typename ... on UnitSuccess {{ {UNIT} }} {ERR} }} }}"
DELETE = f"mutation D($id: ID!) {{ deleteUnit(id: $id) {{ __typename ... on DeleteUnitSuccess {{ id }} {ERR} }} }}"
CANDIDATES = "{ unitManagerCandidates { id name role } }"
SET_TARGET = f"""mutation T($input: SetTargetInput!) {{ setTarget(input: $input) {{ __typename {ERR} }} }}"""
ATTAINMENT = """
query A($node: NodeInput, $period: String, $metric: TargetMetric!) {
  attainment(node: $node, period: $period, metric: $metric, grain: QUARTER) {
    period { key } target actual childrenTarget gap children { node { key name } target actual }
  }
}
"""
OWNED_PIPELINE = "query P($owner: ID) { pipeline(ownerId: $owner) { deals { id owner { id } } } }"
WON_DEAL = "query W($id: ID!) { deal(id: $id) { deal { status amount owner { id } } } }"
POINTS = "{ myPoints { month } }"


def ok(result: dict, kind: str = "UnitSuccess") -> dict:
    assert result["__typename"] == kind, result
    return result


def codes(result: dict) -> list[tuple[str | None, str]]:
    assert result["__typename"] == "OperationError", result
    return [(e["field"], e["code"]) for e in result["errors"]]


def team_node(unit_id: int | str) -> dict[str, str]:
    return {"kind": "TEAM", "id": str(unit_id)}


async def new_person(server: Server, world: World, email: str, name: str, role: Role, team_id: int | None = None) -> Person:
    env = server.runtime.env
    async with transaction(env.db) as tx:
        user = await orgs.create_user(tx.session, env, org_id=world.org_id, email=email, name=name, password=PASSWORD, role=role, team_id=team_id)
        return Person(user.id, user.email, user.name)


async def create(admin: GraphQLClient, name: str, parent: int | str | None = None) -> str:
    result = (await admin.data(CREATE, {"name": name, "parent": str(parent) if parent is not None else None}))["createUnit"]
    return str(ok(result)["unit"]["id"])


async def attainment(client: GraphQLClient, node: dict[str, str], quarter: str, metric: str = "REVENUE") -> dict:
    return (await client.data(ATTAINMENT, {"node": node, "period": quarter, "metric": metric}))["attainment"]


async def test_targets_attainment_and_history_stay_right_after_a_move_and_a_merge(server: Server, world: World) -> None:
    """The rule under test (targets/service.py): a unit's actual is everything credited to a unit in its subtree, where
    a won deal is credited to the unit its owner was in when it was made (deals.team_id, never rewritten) and a visit
    to the person's unit now; a target belongs to its node and is never re-split by a tree change. So a move changes
    only which regions roll a team up: the team's own target and actual stay, the old region loses them and the new
    one gains them, and a region's own target stays while its children's sum (the gap) shows the change. A merge of
    B into A moves B's people and B's targets onto A (summed per period and metric) and keeps B, retired, under A, so
    what was credited to B rolls up into A. Ledger rows (points, won deals) are never rewritten."""
    nora = await new_person(server, world, "nora@acme.test", "Nora North", Role.MANAGER)
    sam = await new_person(server, world, "sam@acme.test", "Sam South", Role.MANAGER)
    # The admin signs in last: an idle keep-alive connection may be closed by the server while four others sign in.
    async with await login(server, world.rep.email) as rep, await login(server, world.rep3.email) as rep3, \
            await login(server, nora.email) as north_mgr, await login(server, sam.email) as south_mgr, \
            await login(server, world.admin.email) as admin:
        # Given: North with teams A and B, South empty; each region has its manager.
        north, south = await create(admin, "North"), await create(admin, "South")
        for team in (world.team_a, world.team_b):
            ok((await admin.data(MOVE, {"id": str(team), "parent": north}))["moveUnit"])
        ok((await admin.data(MANAGER, {"id": north, "manager": str(nora.id)}))["setUnitManager"])
        ok((await admin.data(MANAGER, {"id": south, "manager": str(sam.id)}))["setUnitManager"])
        quarter = (await admin.data(ATTAINMENT, {"metric": "REVENUE"}))["attainment"]["period"]["key"]
        for node, amount in ((team_node(north), "150000"), (team_node(world.team_a), "100000"), (team_node(world.team_b), "50000")):
            ok((await admin.data(SET_TARGET, {"input": {"node": node, "period": quarter, "metric": "REVENUE", "amount": amount, "basis": "EQUAL"}}))["setTarget"], "SetTargetSuccess")
        # Reps win deals and log a visit.
        stages = await stage_ids(rep)
        deal_a = await open_deal(rep, world, amount="30000")
        ok(await move(rep, deal_a, stages["won"], reason="Signed"), "DealSuccess")
        deal_b = await open_deal(rep3, world, amount="20000")
        ok(await move(rep3, deal_b, stages["won"], reason="Signed"), "DealSuccess")
        await rep.log_visit(world)
        points_before = {"rep": (await rep.data(POINTS))["myPoints"], "rep3": (await rep3.data(POINTS))["myPoints"]}
        team_a_before = await attainment(admin, team_node(world.team_a), quarter)
        visits_a_before = await attainment(admin, team_node(world.team_a), quarter, "VISITS")
        north_before = await attainment(admin, team_node(north), quarter)
        nora_saw_rep = await north_mgr.execute(OWNED_PIPELINE, {"owner": str(world.rep.id)})

        # When: team A moves from North to South.
        moved = ok((await admin.data(MOVE, {"id": str(world.team_a), "parent": south}))["moveUnit"])

        # Then: A's own target and actual are unchanged; each region rolls up its new children.
        team_a_after = await attainment(admin, team_node(world.team_a), quarter)
        visits_a_after = await attainment(admin, team_node(world.team_a), quarter, "VISITS")
        north_after = await attainment(admin, team_node(north), quarter)
        south_after = await attainment(admin, team_node(south), quarter)
        south_visits = await attainment(admin, team_node(south), quarter, "VISITS")
        nora_now = await north_mgr.execute(OWNED_PIPELINE, {"owner": str(world.rep.id)})
        sam_now = await south_mgr.execute(OWNED_PIPELINE, {"owner": str(world.rep.id)})
        nora_team_a = await north_mgr.execute(ATTAINMENT, {"node": team_node(world.team_a), "period": quarter, "metric": "REVENUE"})
        sam_team_a = await attainment(south_mgr, team_node(world.team_a), quarter)

        assert moved["unit"]["parentId"] == south and moved["unit"]["depth"] == 1
        assert team_a_after == team_a_before
        assert (team_a_after["target"], Decimal(team_a_after["actual"])) == ("100000.00", Decimal("30000"))
        assert visits_a_after == visits_a_before and Decimal(visits_a_after["actual"]) == 1
        assert Decimal(north_before["actual"]) == Decimal("50000")
        assert Decimal(north_after["actual"]) == Decimal("20000")  # B's only
        assert north_after["target"] == "150000.00"  # a region's own target is not re-split by a move…
        assert (north_after["childrenTarget"], north_after["gap"]) == ("50000.00", "100000.00")  # …the gap shows it
        assert [c["node"]["key"] for c in north_after["children"]] == [f"team:{world.team_b}"]
        assert Decimal(south_after["actual"]) == Decimal("30000") and south_after["childrenTarget"] == "100000.00"
        assert [c["node"]["key"] for c in south_after["children"]] == [f"team:{world.team_a}"]
        assert Decimal(south_visits["actual"]) == 1
        assert "errors" not in nora_saw_rep
        assert nora_now["errors"][0]["extensions"]["code"] == "NOT_FOUND"  # the old region's manager no longer reaches A
        assert nora_team_a["errors"][0]["extensions"]["code"] == "NOT_FOUND"
        assert "errors" not in sam_now and sam_team_a["target"] == "100000.00"

        board_a_before = (await admin.data(BOARD, {"period": "MONTH", "scope": "TEAM", "teamId": str(world.team_a)}))["leaderboard"]

        # When: team B (under North) is merged into team A (under South).
        merged = ok((await admin.data(MERGE, {"source": str(world.team_b), "into": str(world.team_a)}))["mergeUnits"], "MergeUnitsSuccess")

        # Then: B's person and target are A's; what was credited to B rolls up into A and South; ledgers are untouched.
        team_a_merged = await attainment(admin, team_node(world.team_a), quarter)
        north_merged = await attainment(admin, team_node(north), quarter)
        south_merged = await attainment(admin, team_node(south), quarter)
        units = {u["id"]: u for u in (await admin.data(UNITS))["orgUnits"]}
        won_a = (await admin.data(WON_DEAL, {"id": deal_a["id"]}))["deal"]["deal"]
        won_b = (await admin.data(WON_DEAL, {"id": deal_b["id"]}))["deal"]["deal"]
        points_after = {"rep": (await rep.data(POINTS))["myPoints"], "rep3": (await rep3.data(POINTS))["myPoints"]}
        nora_rep3 = await north_mgr.execute(OWNED_PIPELINE, {"owner": str(world.rep3.id)})
        sam_rep3 = await south_mgr.execute(OWNED_PIPELINE, {"owner": str(world.rep3.id)})
        board_a = (await admin.data(BOARD, {"period": "MONTH", "scope": "TEAM", "teamId": str(world.team_a)}))["leaderboard"]
        merge_again = (await admin.data(MERGE, {"source": str(world.team_b), "into": str(world.team_a)}))["mergeUnits"]

    assert (merged["peopleMoved"], merged["unitsMoved"]) == (1, 0)
    assert merged["into"]["people"] == 4  # Max, Rita, Rob and now Bea
    assert team_a_merged["target"] == "150000.00"  # A's 100,000 and B's 50,000
    assert Decimal(team_a_merged["actual"]) == Decimal("50000")  # A's own 30,000 and B's credited 20,000
    assert Decimal(north_merged["actual"]) == 0 and north_merged["children"] == []
    assert Decimal(south_merged["actual"]) == Decimal("50000") and south_merged["childrenTarget"] == "150000.00"
    assert str(world.team_b) not in units  # retired: no longer listed
    assert units[north]["peopleBelow"] == 0 and units[south]["peopleBelow"] == 4
    assert (won_a["status"], won_a["amount"], won_a["owner"]["id"]) == ("WON", "30000.00", str(world.rep.id))
    assert (won_b["status"], won_b["amount"], won_b["owner"]["id"]) == ("WON", "20000.00", str(world.rep3.id))
    assert points_after == points_before
    # A's team board, built before the merge, now counts what B's people earned in B this month.
    assert str(world.rep3.id) not in {e["user"]["id"] for e in board_a_before["entries"]}
    on_board = {e["user"]["id"]: e["points"] for e in board_a["entries"]}
    assert on_board[str(world.rep3.id)] == points_after["rep3"]["month"] > 0
    assert on_board[str(world.rep.id)] == points_after["rep"]["month"]
    assert nora_rep3["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert "errors" not in sam_rep3
    assert codes(merge_again) == [("sourceId", "NOT_FOUND")]


async def test_a_manager_reaches_every_unit_they_are_named_manager_of(server: Server, world: World) -> None:
    async with await login(server, world.admin.email) as admin, await login(server, world.manager.email) as manager:
        before = await manager.execute(OWNED_PIPELINE, {"owner": str(world.rep3.id)})
        units_before = {u["id"] for u in (await manager.data(UNITS))["orgUnits"]}
        ok((await admin.data(MANAGER, {"id": str(world.team_b), "manager": str(world.manager.id)}))["setUnitManager"])
        after = await manager.execute(OWNED_PIPELINE, {"owner": str(world.rep3.id)})
        units_after = {u["id"]: u for u in (await manager.data(UNITS))["orgUnits"]}
        cleared = ok((await admin.data(MANAGER, {"id": str(world.team_b), "manager": None}))["setUnitManager"])
        again = await manager.execute(OWNED_PIPELINE, {"owner": str(world.rep3.id)})

    assert before["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert units_before == {str(world.team_a)}
    assert "errors" not in after
    assert set(units_after) == {str(world.team_a), str(world.team_b)}
    assert units_after[str(world.team_b)]["manager"] == {"id": str(world.manager.id), "name": "Max Manager"}
    assert cleared["unit"]["manager"] is None
    assert again["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_create_rename_move_and_delete_and_the_events_they_record(server: Server, world: World) -> None:
    async with await login(server, world.admin.email) as admin:
        region = await create(admin, "  East  ")
        team = await create(admin, "East 1", region)
        renamed = ok((await admin.data(RENAME, {"id": team, "name": "East One"}))["renameUnit"])
        top = ok((await admin.data(MOVE, {"id": team, "parent": None}))["moveUnit"])
        not_empty = (await admin.data(DELETE, {"id": str(world.team_a)}))["deleteUnit"]
        has_child = await create(admin, "Child", region)
        region_busy = (await admin.data(DELETE, {"id": region}))["deleteUnit"]
        deleted = (await admin.data(DELETE, {"id": has_child}))["deleteUnit"]
        units = [(u["name"], u["depth"]) for u in (await admin.data(UNITS))["orgUnits"]]
        candidates = {c["name"]: c["role"] for c in (await admin.data(CANDIDATES))["unitManagerCandidates"]}
    async with server.runtime.env.db() as session:
        events = [(e.name, e.payload) for e in await session.scalars(select(EventRow).where(EventRow.org_id == world.org_id).order_by(EventRow.id))]

    assert renamed["unit"]["name"] == "East One" and top["unit"]["parentId"] is None
    assert codes(not_empty) == [("id", "NOT_EMPTY")]
    assert "3" in not_empty["errors"][0]["message"]  # Max, Rita and Rob
    assert codes(region_busy) == [("id", "NOT_EMPTY")]
    assert ok(deleted, "DeleteUnitSuccess")["id"] == has_child
    assert ("East", 0) in units and ("East One", 0) in units and ("Team A", 0) in units and "Child" not in [n for n, _ in units]
    assert candidates == {"Ada Admin": "ADMIN", "Max Manager": "MANAGER"}
    names = [n for n, _ in events if n.startswith("unit")]
    assert names == ["unit_created", "unit_created", "unit_renamed", "unit_moved", "unit_created", "unit_deleted"]
    moved = next(p for n, p in events if n == "unit_moved")
    assert f'"after":null' in moved and f'"before":{region}' in moved and f'"by":{world.admin.id}' in moved


async def test_bad_input_changes_nothing(server: Server, world: World) -> None:
    async with await login(server, world.admin.email) as admin:
        region = await create(admin, "West")
        team = await create(admin, "West 1", region)
        rival_team = await _rival_team(server, world)
        results = {
            "empty": (await admin.data(CREATE, {"name": "   "}))["createUnit"],
            "long": (await admin.data(CREATE, {"name": "x" * 201}))["createUnit"],
            "duplicate": (await admin.data(CREATE, {"name": "Team A"}))["createUnit"],
            "rename duplicate": (await admin.data(RENAME, {"id": team, "name": "Team B"}))["renameUnit"],
            "rename empty": (await admin.data(RENAME, {"id": team, "name": ""}))["renameUnit"],
            "unknown parent": (await admin.data(CREATE, {"name": "Lost", "parent": "999999"}))["createUnit"],
            "rival parent": (await admin.data(CREATE, {"name": "Lost", "parent": str(rival_team)}))["createUnit"],
            "cycle": (await admin.data(MOVE, {"id": region, "parent": team}))["moveUnit"],
            "self": (await admin.data(MOVE, {"id": region, "parent": region}))["moveUnit"],
            "move rival": (await admin.data(MOVE, {"id": str(rival_team), "parent": region}))["moveUnit"],
            "merge self": (await admin.data(MERGE, {"source": region, "into": region}))["mergeUnits"],
            "merge into child": (await admin.data(MERGE, {"source": region, "into": team}))["mergeUnits"],
            "merge rival": (await admin.data(MERGE, {"source": team, "into": str(rival_team)}))["mergeUnits"],
            "manager rep": (await admin.data(MANAGER, {"id": team, "manager": str(world.rep.id)}))["setUnitManager"],
            "manager rival": (await admin.data(MANAGER, {"id": team, "manager": str(world.outsider.id)}))["setUnitManager"],
            "malformed id": (await admin.data(RENAME, {"id": "abc", "name": "X"}))["renameUnit"],
            "delete rival": (await admin.data(DELETE, {"id": str(rival_team)}))["deleteUnit"],
        }
        after = [(u["name"], u["parentId"]) for u in (await admin.data(UNITS))["orgUnits"]]
    async with await login(server, world.manager.email) as manager, await login(server, world.rep.email) as rep:
        by_manager = [
            (await manager.data(CREATE, {"name": "Mine"}))["createUnit"],
            (await manager.data(RENAME, {"id": str(world.team_a), "name": "Mine"}))["renameUnit"],
            (await manager.data(MOVE, {"id": str(world.team_a), "parent": region}))["moveUnit"],
            (await manager.data(MERGE, {"source": str(world.team_b), "into": str(world.team_a)}))["mergeUnits"],
            (await manager.data(MANAGER, {"id": str(world.team_b), "manager": str(world.manager.id)}))["setUnitManager"],
            (await manager.data(DELETE, {"id": team}))["deleteUnit"],
        ]
        by_rep = (await rep.data(CREATE, {"name": "Mine"}))["createUnit"]
        rep_reads = await rep.execute(UNITS)
        manager_candidates = await manager.execute(CANDIDATES)

    assert codes(results["empty"]) == [("name", "REQUIRED")]
    assert codes(results["long"]) == [("name", "TOO_LONG")]
    assert codes(results["duplicate"]) == [("name", "DUPLICATE")]
    assert codes(results["rename duplicate"]) == [("name", "DUPLICATE")]
    assert codes(results["rename empty"]) == [("name", "REQUIRED")]
    assert codes(results["unknown parent"]) == [("parentId", "NOT_FOUND")]
    assert codes(results["rival parent"]) == [("parentId", "NOT_FOUND")]
    assert codes(results["cycle"]) == [("parentId", "CYCLE")]
    assert codes(results["self"]) == [("parentId", "CYCLE")]
    assert codes(results["move rival"]) == [("id", "NOT_FOUND")]
    assert codes(results["merge self"]) == [("intoId", "INVALID")]
    assert codes(results["merge into child"]) == [("intoId", "CYCLE")]
    assert codes(results["merge rival"]) == [("intoId", "NOT_FOUND")]
    assert codes(results["manager rep"]) == [("managerId", "INVALID")]
    assert codes(results["manager rival"]) == [("managerId", "NOT_FOUND")]
    assert codes(results["malformed id"]) == [("id", "NOT_FOUND")]
    assert codes(results["delete rival"]) == [("id", "NOT_FOUND")]
    assert sorted(after) == sorted([("Team A", None), ("Team B", None), ("West", None), ("West 1", region)])
    assert all(codes(r) == [(None, "FORBIDDEN")] for r in by_manager)
    assert codes(by_rep) == [(None, "FORBIDDEN")]
    assert rep_reads["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert manager_candidates["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def _rival_team(server: Server, world: World) -> int:
    env = server.runtime.env
    async with transaction(env.db) as tx:
        return (await orgs.create_team(tx.session, org_id=world.other_org_id, name="Rival East")).id


async def test_the_merge_handlers_run_twice_change_nothing(server: Server, world: World) -> None:
    env = server.runtime.env
    async with await login(server, world.admin.email) as admin, await login(server, world.rep3.email) as rep3:
        quarter = (await admin.data(ATTAINMENT, {"metric": "VISITS"}))["attainment"]["period"]["key"]
        for team, amount in ((world.team_a, "10"), (world.team_b, "4")):
            ok((await admin.data(SET_TARGET, {"input": {"node": team_node(team), "period": quarter, "metric": "VISITS", "amount": amount, "basis": "EQUAL"}}))["setTarget"], "SetTargetSuccess")
        await rep3.log_visit(world)
        await admin.data(BOARD, {"period": "MONTH", "scope": "TEAM", "teamId": str(world.team_a)})
        ok((await admin.data(MERGE, {"source": str(world.team_b), "into": str(world.team_a)}))["mergeUnits"], "MergeUnitsSuccess")
        once = (await attainment(admin, team_node(world.team_a), quarter, "VISITS"), await admin.data(BOARD, {"period": "MONTH", "scope": "TEAM", "teamId": str(world.team_a)}))
        async with env.db() as session:
            row = await session.scalar(select(EventRow).where(EventRow.org_id == world.org_id, EventRow.name == "units_merged"))
        event = DomainEvent.decode(row.name, row.payload)
        for handler in (target_units.on_units_merged, leaderboards.on_units_merged):
            await handler(env, event)  # type: ignore[arg-type]
        twice = (await attainment(admin, team_node(world.team_a), quarter, "VISITS"), await admin.data(BOARD, {"period": "MONTH", "scope": "TEAM", "teamId": str(world.team_a)}))

    assert once == twice
    assert once[0]["target"] == "14.00" and Decimal(once[0]["actual"]) == 1
    assert any(e["user"]["id"] == str(world.rep3.id) and e["points"] > 0 for e in once[1]["leaderboard"]["entries"])
