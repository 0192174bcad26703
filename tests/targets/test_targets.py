"""Setting, splitting and watching targets the way a manager's phone does."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest

from podium.core.events import transaction
from podium.core.policies import Role
from podium.orgs import service as orgs
from podium.orgs.models import Team
from tests.conftest import Server
from tests.pipeline.test_deals import login, move, open_deal, stage_ids
from tests.support import PASSWORD, GraphQLClient, World

SPLIT_FIELDS = "amount basis fellBackToEqual period { key } rows { node { kind id name } amount share current }"
PREVIEW = f"query Preview($input: SetTargetInput!) {{ targetSplitPreview(input: $input) {{ {SPLIT_FIELDS} }} }}"
SET = f"""
mutation Set($input: SetTargetInput!) {{
  setTarget(input: $input) {{
    __typename
    ... on SetTargetSuccess {{ split {{ {SPLIT_FIELDS} }} }}
    ... on OperationError {{ errors {{ field code message }} }}
  }}
}}
"""
ATTAINMENT = """
query A($node: NodeInput, $period: String, $metric: TargetMetric!, $grain: Grain!) {
  attainment(node: $node, period: $period, metric: $metric, grain: $grain) {
    node { key name } period { key } target actual ratio pace childrenTarget gap
    children { node { key name } target actual ratio pace }
  }
}
"""
LIVE = """
subscription L($node: NodeInput, $metric: TargetMetric!) {
  attainmentChanged(node: $node, metric: $metric) { node { key } target actual ratio }
}
"""
TREE = "{ orgTree { node { key name } parentKey depth } }"
DECOMPOSE = """
mutation D($input: DecomposeInput!) {
  decomposeTarget(input: $input) {
    __typename
    ... on DecomposeSuccess { decomposition { amount byDays parts { period { key grain } amount } } }
    ... on OperationError { errors { field code } }
  }
}
"""


def team(world: World) -> dict[str, str]:
    return {"kind": "TEAM", "id": str(world.team_a)}


async def current_quarter(client: GraphQLClient) -> str:
    data = await client.data(ATTAINMENT, {"metric": "REVENUE", "grain": "QUARTER"})
    return data["attainment"]["period"]["key"]


async def test_a_manager_previews_then_saves_an_equal_split_that_sums_exactly(server: Server, world: World) -> None:
    async with await login(server, world.manager.email) as manager:
        quarter = await current_quarter(manager)
        request = {"node": team(world), "period": quarter, "metric": "REVENUE", "amount": "100000.00", "basis": "EQUAL"}
        preview = (await manager.data(PREVIEW, {"input": request}))["targetSplitPreview"]
        before = (await manager.data(ATTAINMENT, {"node": team(world), "period": quarter, "metric": "REVENUE", "grain": "QUARTER"}))["attainment"]
        saved = (await manager.data(SET, {"input": request}))["setTarget"]
        after = (await manager.data(ATTAINMENT, {"node": team(world), "period": quarter, "metric": "REVENUE", "grain": "QUARTER"}))["attainment"]

    assert [r["amount"] for r in preview["rows"]] == ["50000.00", "50000.00"]  # Rita and Rob, team A's reps
    assert before["target"] is None  # a preview saves nothing
    assert saved["split"]["rows"] == preview["rows"]
    assert after["target"] == "100000.00" and after["childrenTarget"] == "100000.00" and after["gap"] == "0.00"
    assert {c["node"]["name"]: c["target"] for c in after["children"]} == {"Rita Rep": "50000.00", "Rob Rep": "50000.00"}


async def test_a_manual_split_must_sum_to_the_parent(server: Server, world: World) -> None:
    async with await login(server, world.manager.email) as manager:
        quarter = await current_quarter(manager)
        base = {"node": team(world), "period": quarter, "metric": "REVENUE", "amount": "1000", "basis": "MANUAL"}
        rows = [{"node": {"kind": "USER", "id": str(world.rep.id)}, "amount": "600"}, {"node": {"kind": "USER", "id": str(world.rep2.id)}, "amount": "300"}]
        short = (await manager.data(SET, {"input": {**base, "manual": rows}}))["setTarget"]
        rows[1]["amount"] = "400"
        ok = (await manager.data(SET, {"input": {**base, "manual": rows}}))["setTarget"]

    assert short["errors"][0]["field"] == "manual" and short["errors"][0]["code"] == "MISMATCH"
    assert sorted(r["amount"] for r in ok["split"]["rows"]) == ["400", "600"] or sorted(r["amount"] for r in ok["split"]["rows"]) == ["400.00", "600.00"]


async def test_attainment_moves_live_when_a_deal_is_won(server: Server, world: World, rep: GraphQLClient) -> None:
    async with await login(server, world.manager.email) as manager:
        month = (await manager.data(ATTAINMENT, {"metric": "REVENUE", "grain": "MONTH"}))["attainment"]["period"]["key"]
        await manager.data(SET, {"input": {"node": team(world), "period": month, "metric": "REVENUE", "amount": "10000", "basis": "EQUAL"}})
        stages = await stage_ids(rep)
        deal = await open_deal(rep, world, amount="2500")
        async with manager.subscriber(server.ws_url) as live:
            await live.subscribe("a", LIVE, {"node": team(world), "metric": "REVENUE"})
            first = await live.next_data("a")
            await move(rep, deal, stages["won"], reason="Signed")
            moved = await live.until("a", lambda d: d["attainmentChanged"]["actual"] != first["attainmentChanged"]["actual"], timeout=10)

        fresh = (await manager.data(ATTAINMENT, {"node": team(world), "metric": "REVENUE", "grain": "MONTH"}))["attainment"]

    assert first["attainmentChanged"] == {"node": {"key": f"team:{world.team_a}"}, "target": "10000.00", "actual": "0", "ratio": "0.0000"} or first["attainmentChanged"]["actual"] in ("0", "0.00")
    assert Decimal(moved["attainmentChanged"]["actual"]) == Decimal("2500")
    assert moved["attainmentChanged"]["ratio"] == "0.2500"
    assert Decimal(fresh["actual"]) == Decimal("2500")
    rita = next(c for c in fresh["children"] if c["node"]["name"] == "Rita Rep")
    assert rita["ratio"] == "0.5000"  # 2,500 of her 5,000


async def test_a_manager_sees_exactly_their_subtree_and_a_rep_only_themselves(server: Server, world: World, rep: GraphQLClient) -> None:
    async with await login(server, world.manager.email) as manager:
        tree = (await manager.data(TREE))["orgTree"]
        other_team = await manager.execute(ATTAINMENT, {"node": {"kind": "TEAM", "id": str(world.team_b)}, "metric": "REVENUE", "grain": "MONTH"})
        rep_b = await manager.execute(ATTAINMENT, {"node": {"kind": "USER", "id": str(world.rep3.id)}, "metric": "REVENUE", "grain": "MONTH"})
    mine = (await rep.data(ATTAINMENT, {"metric": "REVENUE", "grain": "MONTH"}))["attainment"]
    colleague = await rep.execute(ATTAINMENT, {"node": {"kind": "USER", "id": str(world.rep2.id)}, "metric": "REVENUE", "grain": "MONTH"})
    whole_team = await rep.execute(ATTAINMENT, {"node": team(world), "metric": "REVENUE", "grain": "MONTH"})
    set_by_rep = (await rep.data(SET, {"input": {"node": {"kind": "USER", "id": str(world.rep.id)}, "period": "2026-01", "metric": "VISITS", "amount": "5"}}))["setTarget"]

    assert [e["node"]["name"] for e in tree] == ["Team A", "Rita Rep", "Rob Rep"]
    assert other_team["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert rep_b["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert mine["node"]["key"] == f"user:{world.rep.id}"
    assert colleague["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert whole_team["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert set_by_rep["errors"][0]["code"] == "FORBIDDEN"


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"amount": "-1"}, "amount", "OUT_OF_RANGE"),
        ({"amount": "1.001"}, "amount", "TOO_PRECISE"),
        ({"metric": "VISITS", "amount": "2.5"}, "amount", "TOO_PRECISE"),
        ({"period": "FY2026-Q7"}, "period", "INVALID"),
        ({"node": {"kind": "TEAM", "id": "999999"}}, "node", "NOT_FOUND"),
    ],
)
async def test_bad_targets_are_refused(server: Server, world: World, change: dict[str, object], field: str, code: str) -> None:
    async with await login(server, world.admin.email) as admin:
        request = {"node": team(world), "period": "FY2026-Q1", "metric": "REVENUE", "amount": "100", **change}
        result = (await admin.data(SET, {"input": request}))["setTarget"]
    assert result["__typename"] == "OperationError"
    assert (result["errors"][0]["field"], result["errors"][0]["code"]) == (field, code)


async def test_a_node_of_another_org_is_not_found(server: Server, world: World) -> None:
    async with await login(server, world.admin.email) as admin:
        foreign_org = {"kind": "ORG", "id": str(world.other_org_id)}
        foreign_user = {"kind": "USER", "id": str(world.outsider.id)}
        results = [
            (await admin.data(SET, {"input": {"node": node, "period": "FY2026", "metric": "REVENUE", "amount": "100"}}))["setTarget"]
            for node in (foreign_org, foreign_user)
        ]
    assert [r["errors"][0]["code"] for r in results] == ["NOT_FOUND", "NOT_FOUND"]


async def test_an_annual_target_decomposes_into_quarters_months_and_weeks(server: Server, world: World) -> None:
    async with await login(server, world.admin.email) as admin:
        org = {"kind": "ORG", "id": str(world.org_id)}
        await admin.data(SET, {"input": {"node": org, "period": "FY2027", "metric": "REVENUE", "amount": "1200000", "basis": "EQUAL"}})
        result = (await admin.data(DECOMPOSE, {"input": {"node": org, "period": "FY2027", "metric": "REVENUE", "downTo": "WEEK"}}))["decomposeTarget"]
        march = (await admin.data(ATTAINMENT, {"node": org, "period": "2027-03", "metric": "REVENUE", "grain": "MONTH"}))["attainment"]

    parts = result["decomposition"]["parts"]
    assert result["decomposition"]["byDays"] is True  # no sales last year: months weighted by days
    for grain in ("QUARTER", "MONTH", "WEEK"):
        assert sum(Decimal(p["amount"]) for p in parts if p["period"]["grain"] == grain) == Decimal("1200000")
    assert Decimal(march["target"]) == next(Decimal(p["amount"]) for p in parts if p["period"]["key"] == "2027-03")


async def test_a_region_manager_reaches_every_team_below_the_region(server: Server, world: World) -> None:
    env = server.runtime.env
    async with transaction(env.db) as tx:
        region = await orgs.create_team(tx.session, org_id=world.org_id, name="East Region")
        for team_id in (world.team_a, world.team_b):
            (await tx.session.get(Team, team_id)).parent_id = region.id  # type: ignore[union-attr]
        boss = await orgs.create_user(
            tx.session, env, org_id=world.org_id, email="east@acme.test", name="Eve East", password=PASSWORD,
            role=Role.MANAGER, team_id=region.id,
        )
        region_id, boss_email = region.id, boss.email
    async with await login(server, boss_email) as manager:
        tree = (await manager.data(TREE))["orgTree"]
        rep_b = (await manager.data(ATTAINMENT, {"node": {"kind": "USER", "id": str(world.rep3.id)}, "metric": "REVENUE", "grain": "MONTH"}))["attainment"]
        split = (await manager.data(PREVIEW, {"input": {"node": {"kind": "TEAM", "id": str(region_id)}, "period": "FY2026", "metric": "REVENUE", "amount": "1000", "basis": "EQUAL"}}))["targetSplitPreview"]
        org_level = await manager.execute(ATTAINMENT, {"node": {"kind": "ORG", "id": str(world.org_id)}, "metric": "REVENUE", "grain": "MONTH"})

    assert [(e["node"]["name"], e["depth"]) for e in tree] == [
        ("East Region", 0), ("Team A", 1), ("Rita Rep", 2), ("Rob Rep", 2), ("Team B", 1), ("Bea Rep", 2),
    ]
    assert rep_b["node"]["name"] == "Bea Rep"
    assert [r["node"]["name"] for r in split["rows"]] == ["Team A", "Team B"]
    assert [r["amount"] for r in split["rows"]] == ["500.00", "500.00"]
    assert org_level["errors"][0]["extensions"]["code"] == "NOT_FOUND"
