"""The homes of managers and admins: the team today read from every capability, and the admin's setup checklist
flipping step by step as the org's data appears."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import update

from podium.core.events import transaction
from podium.displays.models import Display
from podium.pipeline import team as team_pipeline
from podium.pipeline.models import Deal, Product
from tests.compensation.test_earnings import field_plan, put_on_plan, this_month
from tests.compensation.test_statements import last_month_moment, month_of
from tests.conftest import Server
from tests.pipeline.test_deals import login, move, open_deal, stage_ids
from tests.pipeline.test_stages import as_input
from tests.points.test_rules_and_adjustments import save as save_rule
from tests.support import GraphQLClient, World
from tests.targets.test_targets import SET as SET_TARGET

TODAY_FIELDS = """
  attainment { node { name } target actual pace }
  reps
  behind { node { id name } target actual pace }
  visitsToReview review { id person { name } }
  stalling stalled { limitDays deal { title daysInStage owner { name } } }
  redemptionsToDecide statementsToApprove statementsPeriod
  celebrations { kind user { name } }
"""
TEAM_TODAY = f"{{ teamToday {{ {TODAY_FIELDS} }} }}"
ADMIN_HOME = f"{{ adminHome {{ setupDone checklist {{ step done count }} overview {{ {TODAY_FIELDS} }} }} }}"
SAVE_STAGES = """
mutation S($stages: [StageInput!]!) { saveStages(stages: $stages) { __typename } }
"""


async def test_a_manager_s_home_is_their_team_today(server: Server, world: World, rep: GraphQLClient) -> None:
    async with await login(server, world.admin.email) as admin:
        month = await this_month(admin)
        split = {"node": {"kind": "TEAM", "id": str(world.team_a)}, "period": month, "metric": "REVENUE", "amount": "20000.00", "basis": "EQUAL"}
        assert (await admin.data(SET_TARGET, {"input": split}))["setTarget"]["__typename"] == "SetTargetSuccess"
        last = month_of(last_month_moment())
        await put_on_plan(admin, [world.rep.id, world.rep2.id, world.rep3.id], last, field_plan(last))
        await open_deal(admin, world, title="Old crane", ownerId=str(world.rep2.id))
        await open_deal(admin, world, title="Fresh crane", ownerId=str(world.rep2.id))
        await open_deal(admin, world, title="Team B crane", ownerId=str(world.rep3.id))
    async with transaction(server.runtime.env.db) as tx:
        moment = datetime.now(UTC) - timedelta(days=45)
        await tx.session.execute(update(Deal).where(Deal.title.in_(["Old crane", "Team B crane"])).values(stage_entered_at=moment))
    won = await open_deal(rep, world, amount="15000.00")
    assert (await move(rep, won, (await stage_ids(rep))["won"], reason="Signed"))["__typename"] == "DealSuccess"
    lat, lon = world.customer_position
    flagged = await rep.log_visit(world, latitude=lat + 0.02, longitude=lon)  # 2 km from the customer
    assert flagged["visit"]["status"] == "FLAGGED", flagged

    async with await login(server, world.manager.email) as manager:
        today = (await manager.data(TEAM_TODAY))["teamToday"]

    assert today["attainment"]["node"]["name"] == "Team A"
    assert Decimal(today["attainment"]["actual"]) == Decimal("15000")
    assert today["reps"] == 2
    assert [b["node"]["name"] for b in today["behind"]] == [world.rep2.name]  # Rita won past her 10,000
    assert (today["visitsToReview"], [v["person"]["name"] for v in today["review"]]) == (1, [world.rep.name])
    assert today["stalling"] == 1  # Team B's crane is someone else's
    assert today["stalled"][0]["deal"]["title"] == "Old crane" and today["stalled"][0]["limitDays"] == team_pipeline.STALL_DEFAULT_DAYS
    assert (today["statementsToApprove"], today["statementsPeriod"]) == (2, last)  # Rita's and Rob's; Bea is Team B's
    assert [c["user"]["name"] for c in today["celebrations"] if c["kind"] == "DEAL_WON"] == [world.rep.name]


async def test_reps_have_no_team_home_and_managers_no_admin_home(server: Server, world: World, rep: GraphQLClient) -> None:
    for client, query in ((rep, TEAM_TODAY), (rep, ADMIN_HOME)):
        answer = await client.execute(query)
        assert answer["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    async with await login(server, world.manager.email) as manager:
        answer = await manager.execute(ADMIN_HOME)
    assert answer["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def steps(home: dict[str, Any]) -> dict[str, bool]:
    return {item["step"]: item["done"] for item in home["checklist"]}


async def test_the_admin_checklist_flips_as_the_org_is_set_up(server: Server, world: World) -> None:
    env = server.runtime.env
    async with await login(server, world.admin.email) as admin:
        first = (await admin.data(ADMIN_HOME))["adminHome"]
        # The test org starts with a company, two teams, people and customers, and nothing else.
        assert steps(first) == {
            "COMPANY": True, "ORG_TREE": True, "PEOPLE": True, "PRODUCTS": False, "CUSTOMERS": True,
            "STAGES": False, "PLANS": False, "POINT_RULES": False, "TV": False,
        }
        assert first["setupDone"] is False and first["overview"]["reps"] == 3

        async with transaction(env.db) as tx:
            tx.session.add(Product(org_id=world.org_id, sku="FL-1", name="Forklift", line="Lifts", list_price=Decimal(100), unit_cost=Decimal(60)))
        stages = (await admin.data("{ stages { id name probability outcome } }"))["stages"]
        renamed = [as_input(stages[0], nameEn="Lead")] + [as_input(s) for s in stages[1:]]
        assert (await admin.data(SAVE_STAGES, {"stages": renamed}))["saveStages"]["__typename"] == "StagesSuccess"
        await put_on_plan(admin, [world.rep.id], await this_month(admin))
        assert (await save_rule(admin, kind="verified_visit", points=12, dailyCap=60))["__typename"] == "SavePointRuleSuccess"
        middle = (await admin.data(ADMIN_HOME))["adminHome"]
        assert [k for k, done in steps(middle).items() if not done] == ["TV"]
        assert dict((i["step"], i["count"]) for i in middle["checklist"])["PRODUCTS"] == 1

        async with transaction(env.db) as tx:
            tx.session.add(Display(org_id=world.org_id, name="Lobby", paired_by=world.admin.id, created_at=datetime.now(UTC)))
        done = (await admin.data(ADMIN_HOME))["adminHome"]

    assert done["setupDone"] is True and all(steps(done).values())
    assert done["overview"]["attainment"]["node"]["name"] == "Acme"
