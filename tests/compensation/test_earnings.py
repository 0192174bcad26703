"""Plans, live earnings and what-if, driven the way the admin's screen and the rep's phone drive them."""

from __future__ import annotations

from decimal import Decimal

from tests.conftest import Server
from tests.pipeline.test_deals import login, move, open_deal, stage_ids
from tests.support import GraphQLClient, World

LINE_FIELDS = "key component componentName kind ref dealId label basis rate multiplier amount payable note corrects portions { basis rate multiplier tier }"
STATEMENT_FIELDS = f"""
userId userName period status planName planVersion currency revenue quota attainment earned payable held drawBalance openDisputes
nextStep {{ component kind at distance rate multiplier }}
lines {{ {LINE_FIELDS} }}
"""
MY_EARNINGS = f"query E($period: String) {{ myEarnings(period: $period) {{ {STATEMENT_FIELDS} }} }}"
LIVE_EARNINGS = "subscription { earningsChanged { earned payable revenue lines { ref amount } } }"
SAVE_PLAN = """
mutation S($input: CompPlanInput!) {
  saveCompPlan(input: $input) {
    __typename
    ... on PlanSuccess { plan { id name version effectiveFrom components { key kind rate tiers { from rate } accelerators { from multiplier } } versions { version } assignments { userName starts ends } } }
    ... on OperationError { errors { field code message } }
  }
}
"""
ASSIGN = """
mutation A($input: AssignPlanInput!) {
  assignCompPlan(input: $input) {
    __typename
    ... on PlanSuccess { plan { id assignments { id userId starts ends } } }
    ... on OperationError { errors { field code message } }
  }
}
"""
SIMULATE = """
query W($input: SimulateEarningsInput!) {
  simulateEarnings(input: $input) {
    addedRevenue earnedBefore earnedAfter earnedChange payableChange attainmentAfter
    nextStepAfter { kind at distance }
    lines { key kind ref amount rate multiplier portions { basis rate multiplier tier } }
  }
}
"""


def field_plan(month: str, **overrides: object) -> dict[str, object]:
    """3 % up to 100,000, 5 % above; ×1.2 from 120 % of quota."""
    plan: dict[str, object] = {
        "name": "Field sales",
        "effectiveFrom": month,
        "components": [{
            "key": "commission", "name": "Commission", "kind": "COMMISSION", "basis": "REVENUE",
            "tiers": [{"from": "0", "rate": "3"}, {"from": "100000", "rate": "5"}],
            "accelerators": [{"from": "120", "multiplier": "1.2"}],
        }],
    }
    plan.update(overrides)
    return plan


async def this_month(client: GraphQLClient) -> str:
    data = await client.data("{ attainment(grain: MONTH) { period { key } } }")
    return data["attainment"]["period"]["key"]


async def put_on_plan(admin: GraphQLClient, user_ids: list[int], month: str, plan: dict[str, object] | None = None) -> str:
    saved = (await admin.data(SAVE_PLAN, {"input": plan or field_plan(month)}))["saveCompPlan"]
    assert saved["__typename"] == "PlanSuccess", saved
    plan_id = saved["plan"]["id"]
    assigned = (await admin.data(ASSIGN, {"input": {"planId": plan_id, "userIds": [str(u) for u in user_ids], "starts": month}}))["assignCompPlan"]
    assert assigned["__typename"] == "PlanSuccess", assigned
    return plan_id


async def win(client: GraphQLClient, world: World, amount: str) -> dict[str, object]:
    stages = await stage_ids(client)
    deal = await open_deal(client, world, amount=amount)
    moved = await move(client, deal, stages["won"], reason="Signed")
    assert moved["__typename"] == "DealSuccess", moved
    return moved["deal"]


async def test_a_won_deal_earns_commission_by_tier_and_the_lines_explain_it(server: Server, world: World, rep: GraphQLClient) -> None:
    async with await login(server, world.admin.email) as admin:
        month = await this_month(admin)
        assert (await rep.data(MY_EARNINGS))["myEarnings"] is None  # on no plan yet
        await put_on_plan(admin, [world.rep.id], month)

    await win(rep, world, "60000.00")
    await win(rep, world, "60000.00")
    earnings = (await rep.data(MY_EARNINGS))["myEarnings"]

    # 60,000 at 3 % = 1,800; then 40,000 at 3 % + 20,000 at 5 % = 2,200.
    assert [line["amount"] for line in earnings["lines"]] == ["1800.00", "2200.00"]
    second = earnings["lines"][1]
    assert [(p["basis"], p["rate"], p["tier"]) for p in second["portions"]] == [("40000.00", "3", 1), ("20000.00", "5", 2)]
    assert earnings["earned"] == earnings["payable"] == "4000.00"
    assert earnings["revenue"] == "120000.00"
    assert earnings["status"] == "OPEN" and earnings["planName"] == "Field sales"
    future = await rep.execute(MY_EARNINGS, {"period": "2099-01"})
    assert future["errors"][0]["extensions"]["code"] == "IN_FUTURE"


async def test_earnings_move_live_when_a_deal_is_won(server: Server, world: World, rep: GraphQLClient) -> None:
    async with await login(server, world.admin.email) as admin:
        await put_on_plan(admin, [world.rep.id], await this_month(admin))
    async with rep.subscriber(server.ws_url) as live:
        await live.subscribe("e", LIVE_EARNINGS)
        first = await live.next_data("e")
        assert first["earningsChanged"]["earned"] == "0.00"
        await win(rep, world, "50000.00")
        changed = await live.until("e", lambda data: data["earningsChanged"]["earned"] != "0.00", timeout=1.0)
    # Within a second of the win, the figure and its line.
    assert changed["earningsChanged"]["earned"] == "1500.00"
    assert [line["amount"] for line in changed["earningsChanged"]["lines"]] == ["1500.00"]


async def test_what_if_shows_the_change_and_the_lines_without_storing_anything(server: Server, world: World, rep: GraphQLClient) -> None:
    async with await login(server, world.admin.email) as admin:
        await put_on_plan(admin, [world.rep.id], await this_month(admin))
    await win(rep, world, "90000.00")

    sim = (await rep.data(SIMULATE, {"input": {"amount": "20000.00"}}))["simulateEarnings"]

    # 10,000 at 3 % and 10,000 at 5 %.
    assert sim["earnedChange"] == "800.00"
    assert sim["earnedBefore"] == "2700.00" and sim["earnedAfter"] == "3500.00"
    (line,) = sim["lines"]
    assert [(p["basis"], p["rate"]) for p in line["portions"]] == [("10000.00", "3"), ("10000.00", "5")]
    assert (await rep.data(MY_EARNINGS))["myEarnings"]["earned"] == "2700.00"
    both = await rep.execute(SIMULATE, {"input": {"amount": "1000.00", "attainment": "130"}})
    assert (both["errors"][0]["extensions"]["code"], both["errors"][0]["extensions"]["field"]) == ("INVALID", "attainment")


async def test_a_bad_plan_is_refused_field_by_field(server: Server, world: World) -> None:
    async with await login(server, world.admin.email) as admin:
        month = await this_month(admin)
        bad = field_plan(month, components=[{
            "key": "c", "name": "", "kind": "COMMISSION", "rate": "-1",
            "tiers": [{"from": "5", "rate": "3"}, {"from": "1", "rate": "5.123456"}],
        }])
        saved = (await admin.data(SAVE_PLAN, {"input": bad}))["saveCompPlan"]
    assert saved["__typename"] == "OperationError"
    fields = {e["field"]: e["code"] for e in saved["errors"]}
    assert fields == {
        "components.0.name": "REQUIRED",
        "components.0.rate": "OUT_OF_RANGE",
        "components.0.tiers.1.rate": "TOO_PRECISE",
        "components.0.tiers.0.from": "INVALID",
        "components.0.tiers.1.from": "INVALID",
    }


async def test_only_admins_save_plans(server: Server, world: World) -> None:
    async with await login(server, world.manager.email) as manager:
        saved = (await manager.data(SAVE_PLAN, {"input": field_plan("2026-01")}))["saveCompPlan"]
    assert saved["errors"][0]["code"] == "FORBIDDEN"
    assert Decimal("1")  # keep Decimal imported for later tests
