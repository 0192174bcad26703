"""Point rules an admin sets (multipliers, caps, windows, activities and payments), manual adjustments with their reasons."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select, update

from podium.core.events import transaction
from podium.core.policies import Role
from podium.orgs import service as orgs
from podium.orgs.models import User
from podium.points.models import PointRule
from podium.points.service import MAX_AWARD
from tests.pipeline.test_deals import ACTIVITY, ORDER, PAYMENT, move, open_deal, order_input, payment_input, stage_ids
from tests.support import PASSWORD, GraphQLClient, World

RULES = "{ pointRules { kind points dailyCap multiplier active startsOn endsOn unitAmount minPoints maxPoints } }"
SAVE = """
mutation Save($input: SavePointRuleInput!) {
  savePointRule(input: $input) {
    __typename
    ... on SavePointRuleSuccess { rule { kind points dailyCap multiplier active startsOn endsOn } }
    ... on OperationError { errors { field code message } }
  }
}
"""
ADJUST = """
mutation Adjust($input: AdjustPointsInput!) {
  adjustPoints(input: $input) {
    __typename
    ... on AdjustPointsSuccess { replayed entry { id points ruleKind sourceType reason byName } }
    ... on OperationError { errors { field code message } }
  }
}
"""
HISTORY = "query H($userId: ID) { pointsHistory(userId: $userId) { points ruleKind sourceType reason byName } }"
TOTAL = "{ myPoints { total } }"
BOARD = "{ leaderboard(period: MONTH, scope: ORG) { entries { points user { id } } } }"
RANKS = "{ leaderboard(period: MONTH, scope: ORG) { entries { rank user { id } } } }"
MY_RANK = "{ myPoints { month monthRank } }"


async def as_user(server, email: str) -> GraphQLClient:  # type: ignore[no-untyped-def]
    client = GraphQLClient(server.url)
    await client.__aenter__()
    await client.login(email)
    return client


def codes(result: dict[str, Any]) -> set[tuple[str | None, str]]:
    return {(e["field"], e["code"]) for e in result["errors"]}


async def save(admin: GraphQLClient, **rule: Any) -> dict[str, Any]:
    return (await admin.data(SAVE, {"input": rule}))["savePointRule"]


async def test_everyone_reads_the_rules_and_only_admins_change_them(rep: GraphQLClient, server, world: World) -> None:  # type: ignore[no-untyped-def]
    rules = {r["kind"]: r for r in (await rep.data(RULES))["pointRules"]}
    assert list(rules) == ["verified_visit", "activity", "new_customer", "deal_won", "payment_collected", "target_reached"]
    assert rules["verified_visit"]["points"] == 10 and rules["verified_visit"]["multiplier"] == "1"
    assert rules["deal_won"]["unitAmount"] == "1000"

    manager = await as_user(server, world.manager.email)
    refused = await save(manager, kind="verified_visit", points=20, dailyCap=100)
    admin = await as_user(server, world.admin.email)
    bad = await save(admin, kind="verified_visit", points=-1, dailyCap=100, multiplier="0.333",
                     startsOn="2026-12-10", endsOn="2026-12-01")
    no_unit = await save(admin, kind="deal_won", points=1, dailyCap=100)
    unknown = await save(admin, kind="sunshine", points=1, dailyCap=1)
    await manager.__aexit__(None, None, None)
    await admin.__aexit__(None, None, None)

    assert codes(refused) == {(None, "FORBIDDEN")}
    assert codes(bad) == {("points", "OUT_OF_RANGE"), ("multiplier", "TOO_PRECISE"), ("endsOn", "TOO_EARLY")}
    assert codes(no_unit) == {("unitAmount", "OUT_OF_RANGE")}
    assert codes(unknown) == {("kind", "INVALID")}
    assert (await rep.data(RULES))["pointRules"][0]["points"] == 10  # nothing changed


async def test_a_double_points_week_doubles_visit_points_within_the_daily_cap(rep: GraphQLClient, server, world: World) -> None:  # type: ignore[no-untyped-def]
    admin = await as_user(server, world.admin.email)
    today = datetime.now(UTC).date()
    saved = await save(admin, kind="verified_visit", points=10, dailyCap=30, multiplier="2",
                       startsOn=(today - timedelta(days=3)).isoformat(), endsOn=(today + timedelta(days=3)).isoformat())
    await admin.__aexit__(None, None, None)
    assert saved["rule"]["multiplier"] == "2"

    first = await rep.log_visit(world)
    second = await rep.log_visit(world)

    assert first["visit"]["pointsAwarded"] == 20
    assert second["visit"]["pointsAwarded"] == 10  # the cap of 30 a day
    assert (await rep.data(TOTAL))["myPoints"]["total"] == 30


async def test_an_inactive_rule_or_one_outside_its_window_pays_nothing(rep: GraphQLClient, server, world: World) -> None:  # type: ignore[no-untyped-def]
    admin = await as_user(server, world.admin.email)
    await save(admin, kind="verified_visit", points=10, dailyCap=50, active=False)
    off = await rep.log_visit(world)
    later = (date.today() + timedelta(days=10)).isoformat()
    await save(admin, kind="verified_visit", points=10, dailyCap=50, startsOn=later)
    not_yet = await rep.log_visit(world)
    await save(admin, kind="verified_visit", points=10, dailyCap=50)
    back = await rep.log_visit(world)
    await admin.__aexit__(None, None, None)

    assert [off["visit"]["pointsAwarded"], not_yet["visit"]["pointsAwarded"], back["visit"]["pointsAwarded"]] == [0, 0, 10]


async def test_activities_and_collected_payments_earn_points_by_their_rules(rep: GraphQLClient, world: World) -> None:
    deal = await open_deal(rep, world, amount="20000.00")
    for _ in range(6):
        activity = {"clientId": str(uuid.uuid4()), "kind": "CALL", "outcome": "POSITIVE", "occurredAt": datetime.now(UTC).isoformat(), "dealId": deal["id"]}
        await rep.data(ACTIVITY, {"input": activity})
    after_activities = (await rep.data(TOTAL))["myPoints"]["total"]
    stages = await stage_ids(rep)
    won = await move(rep, deal, stages["won"], reason="Signed")
    order = (await rep.data(ORDER, {"input": order_input(deal, "20000.00")}))["recordOrder"]
    pay = payment_input(order["order"]["id"], "15000.00")
    await rep.data(PAYMENT, {"input": pay})
    await rep.data(PAYMENT, {"input": pay})  # a replay pays no points again
    history = (await rep.data(HISTORY))["pointsHistory"]

    assert after_activities == 10  # 2 a call, capped at 10 a day
    assert won["__typename"] == "DealSuccess"
    kinds = [(h["ruleKind"], h["sourceType"], h["points"]) for h in history]
    assert kinds[:2] == [("payment_collected", "payment", 3), ("deal_won", "deal", 20)]  # 15,000 / 5,000; 20,000 / 1,000
    assert [k for k in kinds if k[0] == "activity"] == [("activity", "activity", 2)] * 5


async def test_a_manager_adjusts_a_reps_points_with_a_reason_once(rep: GraphQLClient, server, world: World) -> None:  # type: ignore[no-untyped-def]
    await rep.log_visit(world)
    manager = await as_user(server, world.manager.email)
    data = {"clientId": f"adj-{uuid.uuid4()}", "userId": str(world.rep.id), "points": 15, "reason": "Trade fair booth duty"}
    added = (await manager.data(ADJUST, {"input": data}))["adjustPoints"]
    replay = (await manager.data(ADJUST, {"input": data}))["adjustPoints"]
    taken = (await manager.data(ADJUST, {"input": {**data, "clientId": f"adj-{uuid.uuid4()}", "points": -5, "reason": "Duplicate visit"}}))["adjustPoints"]
    board = (await manager.data(BOARD))["leaderboard"]["entries"]
    seen_by_manager = (await manager.data(HISTORY, {"userId": str(world.rep.id)}))["pointsHistory"]
    await manager.__aexit__(None, None, None)

    assert added["entry"] == {**added["entry"], "points": 15, "ruleKind": "adjustment", "reason": "Trade fair booth duty", "byName": "Max Manager"}
    assert replay["replayed"] is True and replay["entry"]["id"] == added["entry"]["id"]
    assert taken["entry"]["points"] == -5
    assert (await rep.data(TOTAL))["myPoints"]["total"] == 20
    assert next(e["points"] for e in board if e["user"]["id"] == str(world.rep.id)) == 20
    mine = (await rep.data(HISTORY))["pointsHistory"]
    assert [(h["ruleKind"], h["points"], h["reason"]) for h in mine] == [
        ("adjustment", -5, "Duplicate visit"), ("adjustment", 15, "Trade fair booth duty"), ("verified_visit", 10, None)
    ]
    assert seen_by_manager == mine


async def test_adjustments_need_a_reason_the_right_person_and_never_oneself(rep: GraphQLClient, server, world: World) -> None:  # type: ignore[no-untyped-def]
    def adjust(user_id: int, **overrides: Any) -> dict[str, Any]:
        return {"input": {"clientId": f"adj-{uuid.uuid4()}", "userId": str(user_id), "points": 10, "reason": "Because", **overrides}}

    by_rep = (await rep.data(ADJUST, adjust(world.rep2.id)))["adjustPoints"]
    peek = await rep.execute(HISTORY, {"userId": str(world.rep2.id)})
    manager = await as_user(server, world.manager.email)
    no_reason = (await manager.data(ADJUST, adjust(world.rep.id, reason=" ", points=0)))["adjustPoints"]
    own = (await manager.data(ADJUST, adjust(world.manager.id)))["adjustPoints"]
    other_team = (await manager.data(ADJUST, adjust(world.rep3.id)))["adjustPoints"]
    foreign = (await manager.data(ADJUST, adjust(world.outsider.id)))["adjustPoints"]
    await manager.__aexit__(None, None, None)

    assert codes(by_rep) == {(None, "FORBIDDEN")}
    assert peek["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert codes(no_reason) == {("reason", "REQUIRED"), ("points", "OUT_OF_RANGE")}
    assert codes(own) == {("userId", "FORBIDDEN")}
    assert codes(other_team) == {("userId", "NOT_FOUND")}
    assert codes(foreign) == {("userId", "NOT_FOUND")}
    assert (await rep.data(TOTAL))["myPoints"]["total"] == 0


async def test_a_rule_that_could_overflow_a_deals_points_is_refused_and_an_old_one_still_lets_deals_be_won(
    rep: GraphQLClient, server, world: World  # type: ignore[no-untyped-def]
) -> None:
    admin = await as_user(server, world.admin.email)
    # 10,000 points per cent, ten times over, without a cap: a large deal would be worth more than a 32-bit entry holds.
    greedy = dict(kind="deal_won", points=10_000, dailyCap=1_000_000, multiplier="10", unitAmount="0.01")
    uncapped = await save(admin, **greedy)
    capped = await save(admin, **greedy, maxPoints=10_000)
    await admin.__aexit__(None, None, None)
    assert codes(uncapped) == {("maxPoints", "REQUIRED")}
    assert capped["__typename"] == "SavePointRuleSuccess", capped

    # A rule stored before the check existed.
    async with transaction(server.runtime.env.db) as tx:
        rule = await tx.session.scalar(select(PointRule).where(PointRule.org_id == world.org_id, PointRule.kind == "deal_won"))
        rule.max_points = None
    deal = await open_deal(rep, world, amount="100000000.00")
    won = await move(rep, deal, (await stage_ids(rep))["won"], reason="Signed")
    history = (await rep.data(HISTORY))["pointsHistory"]

    assert won["__typename"] == "DealSuccess", won
    assert [(h["ruleKind"], h["points"]) for h in history] == [("deal_won", MAX_AWARD)]
    assert (await rep.data(TOTAL))["myPoints"]["total"] == MAX_AWARD


async def test_my_month_rank_is_my_place_on_the_org_board(rep: GraphQLClient, server, world: World) -> None:  # type: ignore[no-untyped-def]
    """Read from the ledger by the board's rules: equal points share a rank, reps stand at zero from the first day,
    anyone else once they have an entry this month, and only active people count."""
    env = server.runtime.env
    async with transaction(env.db) as tx:
        gone = await orgs.create_user(
            tx.session, env, org_id=world.org_id, email="gone@acme.test", name="Gus Gone", password=PASSWORD,
            role=Role.REP, team_id=world.team_a,
        )
    admin = await as_user(server, world.admin.email)
    for person_id, points in ((gone.id, 90), (world.rep.id, 30), (world.rep2.id, 30), (world.manager.id, -10)):
        data = {"clientId": f"adj-{uuid.uuid4()}", "userId": str(person_id), "points": points, "reason": "Ranking"}
        assert (await admin.data(ADJUST, {"input": data}))["adjustPoints"]["__typename"] == "AdjustPointsSuccess"
    async with transaction(env.db) as tx:  # gone, with the most points of the month
        await tx.session.execute(update(User).where(User.id == gone.id).values(is_active=False))

    ranks = {}
    for who in (world.rep, world.rep2, world.rep3, world.manager, world.admin):
        client = await as_user(server, who.email)
        ranks[who.id] = (await client.data(MY_RANK))["myPoints"]["monthRank"]
        await client.__aexit__(None, None, None)
    board = {int(e["user"]["id"]): e["rank"] for e in (await admin.data(RANKS))["leaderboard"]["entries"]}
    await admin.__aexit__(None, None, None)

    # Rita and Rob share the top; Bea (a rep, no entry) stands at zero; Max (-10) is behind her; Ada has no entry.
    assert ranks == {world.rep.id: 1, world.rep2.id: 1, world.rep3.id: 3, world.manager.id: 4, world.admin.id: None}
    assert ranks == {who: board.get(who) for who in ranks}
