"""The same write sent many times at once, as a double tap, a retrying phone or two managers do.

Every answer is the write's success or a typed OperationError, never INTERNAL or a driver's text, and
what is stored is what one sequential run of the same calls would leave. PostgreSQL is where these
races happen (SQLite serializes writers); both stacks run. One server and one org per stack serve
the whole module: each test writes its own rows (its own period, deal, year, clientId, person).
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
import pytest_asyncio
from sqlalchemy import select

from podium.badges.models import CalendarDay
from podium.compensation.models import CompPlanVersion, CreditSplit
from podium.contests.models import Contest
from podium.orgs.models import User, UserPhoto
from podium.points.models import PointRule
from podium.push.models import PushPreference, PushSubscription
from podium.push.sender import VapidKeys
from podium.rewards.models import Reward
from podium.robots.models import Robot
from podium.targets.models import Target
from tests.compensation.test_earnings import SAVE_PLAN, field_plan
from tests.compensation.test_statements import SPLITS
from tests.conftest import Server, open_stack, start_server, stop_server
from tests.contests.test_contests import CREATE as CREATE_CONTEST
from tests.contests.test_contests import contest_input
from tests.pipeline.test_deals import open_deal
from tests.push.browser import BrowserSubscription
from tests.push.conftest import push_settings
from tests.push.test_push import SET_PREFERENCES, SUBSCRIBE
from tests.rewards.test_rewards import CREATE as CREATE_REWARD
from tests.robots.conftest import FAST as FAST_ROBOTS
from tests.robots.test_robots import SAVE as SAVE_ROBOT
from tests.robots.test_robots import robot_input
from tests.support import GraphQLClient, World, make_world
from tests.targets.test_targets import SET as SET_TARGET
from tests.visits.test_photos import jpeg_with_gps

pytestmark = pytest.mark.asyncio(loop_scope="module")

AT_ONCE = 12

CALENDAR = """
mutation C($input: SetCalendarInput!) {
  setCalendarDays(input: $input) {
    __typename
    ... on SetCalendarSuccess { days { day kind name } }
    ... on OperationError { errors { field code message } }
  }
}
"""
SAVE_RULE = """
mutation Save($input: SavePointRuleInput!) {
  savePointRule(input: $input) {
    __typename
    ... on SavePointRuleSuccess { rule { kind points dailyCap } }
    ... on OperationError { errors { field code message } }
  }
}
"""


@dataclass
class Org:
    server: Server
    world: World
    admin: GraphQLClient
    manager: GraphQLClient
    rep: GraphQLClient
    rep2: GraphQLClient
    rep3: GraphQLClient

    async def rows(self, query: Any) -> list[Any]:
        async with self.server.runtime.env.db() as session:
            return list((await session.execute(query)).all())


@pytest_asyncio.fixture(scope="module", loop_scope="module", params=["embedded", "production"])
async def org(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Org]:
    with pytest.MonkeyPatch.context() as monkeypatch:
        async with open_stack(request.param, tmp_path_factory.mktemp("races"), tmp_path_factory.getbasetemp(), monkeypatch) as stack:
            settings = dataclasses.replace(stack.settings, webpush=push_settings(VapidKeys.generate()), robots=FAST_ROBOTS)
            server, uvicorn_server, task = await start_server(settings)
            world = await make_world(server.runtime.env)
            clients = []
            for person in (world.admin, world.manager, world.rep, world.rep2, world.rep3):
                client = GraphQLClient(server.url)
                await client.login(person.email)
                clients.append(client)
            try:
                yield Org(server, world, *clients)
            finally:
                for client in clients:
                    await client.__aexit__(None, None, None)
                await stop_server(uvicorn_server, task)


async def at_once(calls: list[Callable[[], Awaitable[dict[str, Any]]]]) -> list[dict[str, Any]]:
    return list(await asyncio.gather(*(call() for call in calls)))


def settled(answers: list[dict[str, Any]], field: str, success: str) -> list[dict[str, Any]]:
    """Every answer typed (a success or an OperationError, never INTERNAL or raw text); the successes."""
    results = []
    for answer in answers:
        assert "errors" not in answer, answer  # a race that escaped as INTERNAL
        result = answer["data"][field]
        assert result["__typename"] in (success, "OperationError"), answer
        if result["__typename"] == "OperationError":
            assert all(e["code"] != "INTERNAL" for e in result["errors"]), answer
        results.append(result)
    return [r for r in results if r["__typename"] == success]


async def test_one_new_target_set_by_two_managers_at_once_is_stored_once(org: Org) -> None:
    team = {"kind": "TEAM", "id": str(org.world.team_a)}
    request = {"node": team, "period": "FY2026-Q2", "metric": "REVENUE", "basis": "EQUAL"}
    calls = [lambda c=client, a=amount: c.execute(SET_TARGET, {"input": {**request, "amount": a}})
             for _ in range(AT_ONCE // 2) for client, amount in ((org.manager, "1000.00"), (org.admin, "3000.00"))]

    answers = settled(await at_once(calls), "setTarget", "SetTargetSuccess")

    assert len(answers) == AT_ONCE
    stored = await org.rows(select(Target.node_kind, Target.node_id, Target.amount).where(Target.period_key == "FY2026-Q2"))
    # One row per node, and the last write wins whole: the team's amount and its reps' equal halves of it.
    assert sorted((kind, node) for kind, node, _ in stored) == sorted(
        [("team", org.world.team_a), ("user", org.world.rep.id), ("user", org.world.rep2.id)]
    )
    amounts = {kind: amount for kind, _, amount in stored}
    assert amounts["team"] in (Decimal(1000), Decimal(3000))
    assert sorted(a for k, _, a in stored if k == "user") == [amounts["team"] / 2] * 2


async def test_versions_of_one_plan_saved_at_once_each_get_their_own_number(org: Org) -> None:
    plan = field_plan("2026-01", name="Race plan")
    first = (await org.admin.data(SAVE_PLAN, {"input": plan}))["saveCompPlan"]
    plan_id = first["plan"]["id"]
    calls = [lambda: org.admin.execute(SAVE_PLAN, {"input": {**plan, "planId": plan_id, "effectiveFrom": "2026-06"}})] * AT_ONCE

    answers = settled(await at_once(calls), "saveCompPlan", "PlanSuccess")

    # Each save is a new version, as it would be one after the other: 1 … AT_ONCE + 1, none lost.
    assert len(answers) == AT_ONCE
    versions = [v for (v,) in await org.rows(select(CompPlanVersion.version).where(CompPlanVersion.plan_id == int(plan_id)))]
    assert sorted(versions) == list(range(1, AT_ONCE + 2))


async def test_credit_splits_of_one_deal_set_at_once_leave_one_whole_split(org: Org) -> None:
    deal = await open_deal(org.rep, org.world, amount="5000.00")
    rep, rep2 = str(org.world.rep.id), str(org.world.rep2.id)
    shapes = [[{"userId": rep, "percent": "50"}, {"userId": rep2, "percent": "50"}],
              [{"userId": rep, "percent": "70"}, {"userId": rep2, "percent": "30"}]]
    calls = [lambda s=shapes[i % 2]: org.manager.execute(SPLITS, {"deal": deal["id"], "splits": s}) for i in range(AT_ONCE)]

    answers = settled(await at_once(calls), "setCreditSplits", "SplitsSuccess")

    assert len(answers) == AT_ONCE
    # The last write wins whole: one of the two splits, never a mix or a sum of both.
    stored = sorted((uid, percent) for uid, percent in await org.rows(
        select(CreditSplit.user_id, CreditSplit.percent).where(CreditSplit.deal_id == int(deal["id"]))
    ))
    assert stored in (
        [(org.world.rep.id, Decimal(50)), (org.world.rep2.id, Decimal(50))],
        [(org.world.rep.id, Decimal(70)), (org.world.rep2.id, Decimal(30))],
    )


async def test_a_years_calendar_sent_at_once_leaves_one_list(org: Org) -> None:
    lists = [
        [{"day": "2031-01-01", "kind": "holiday", "name": "元旦 New Year"}, {"day": "2031-01-25", "kind": "workday", "name": ""}],
        [{"day": "2031-01-01", "kind": "holiday", "name": "New Year"}, {"day": "2031-05-01", "kind": "holiday", "name": "劳动节"}],
    ]
    calls = [lambda d=lists[i % 2]: org.admin.execute(CALENDAR, {"input": {"year": 2031, "days": d}}) for i in range(AT_ONCE)]

    answers = settled(await at_once(calls), "setCalendarDays", "SetCalendarSuccess")

    assert len(answers) == AT_ONCE
    # The last list wins whole (the year is replaced, as sequential saves would leave it).
    stored = [{"day": d.isoformat(), "kind": k, "name": n} for d, k, n in await org.rows(
        select(CalendarDay.day, CalendarDay.kind, CalendarDay.name).where(CalendarDay.org_id == org.world.org_id).order_by(CalendarDay.day)
    )]
    assert stored in lists


async def test_one_browser_subscribed_many_times_at_once_is_one_subscription(org: Org) -> None:
    browsers = [BrowserSubscription("http://127.0.0.1:9/push/race-browser") for _ in range(AT_ONCE)]
    # Mostly Rita's retries; one is Rob signing in on the same browser.
    calls = [lambda b=b, c=(org.rep2 if i == 3 else org.rep): c.execute(SUBSCRIBE, {"input": b.as_input()}) for i, b in enumerate(browsers)]

    answers = settled(await at_once(calls), "subscribePush", "SubscribePushSuccess")

    assert len(answers) == AT_ONCE
    # One row for the endpoint; the last write wins: its keys are one call's, both from the same call.
    stored = await org.rows(select(PushSubscription.user_id, PushSubscription.p256dh, PushSubscription.auth).where(PushSubscription.endpoint == browsers[0].endpoint))
    assert len(stored) == 1
    assert (stored[0].p256dh, stored[0].auth) in [(b.as_input()["p256dh"], b.as_input()["auth"]) for b in browsers]
    assert stored[0].user_id in (org.world.rep.id, org.world.rep2.id)


async def test_push_preferences_set_at_once_for_the_first_time_are_one_row(org: Org) -> None:
    choices = [["MILESTONE"], ["DEAL_WON", "OVERTAKE"]]
    # This write is so short that calls often miss each other: more of them, over connections already open.
    await at_once([lambda: org.rep3.execute("{ __typename }")] * 20)
    calls = [lambda k=choices[i % 2]: org.rep3.execute(SET_PREFERENCES, {"kinds": k}) for i in range(20)]

    answers = settled(await at_once(calls), "setPushPreferences", "SetPushPreferencesSuccess")

    assert len(answers) == 20
    # One row per person; the last choice wins whole.
    stored = await org.rows(select(PushPreference.kinds).where(PushPreference.user_id == org.world.rep3.id))
    assert [k for (k,) in stored] in (["milestone"], ["deal_won,overtake"])


async def test_a_robot_saved_many_times_at_once_with_one_client_id_is_made_once(org: Org) -> None:
    robot = robot_input("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=race", clientId="robot-race-0001")
    answers = settled(await at_once([lambda: org.admin.execute(SAVE_ROBOT, {"input": robot})] * AT_ONCE), "saveRobot", "SaveRobotSuccess")

    # One robot; every answer is it, as a sequential retry's would be.
    assert len(answers) == AT_ONCE and len({a["robot"]["id"] for a in answers}) == 1
    assert len(await org.rows(select(Robot.id).where(Robot.client_id == "robot-race-0001"))) == 1


async def test_a_contest_created_many_times_at_once_with_one_client_id_is_made_once(org: Org) -> None:
    contest = contest_input(clientId="contest-race-0001")
    answers = settled(await at_once([lambda: org.manager.execute(CREATE_CONTEST, {"input": contest})] * AT_ONCE), "createContest", "ContestSuccess")

    assert len(answers) == AT_ONCE and len({a["contest"]["id"] for a in answers}) == 1
    assert len(await org.rows(select(Contest.id).where(Contest.client_id == "contest-race-0001"))) == 1


async def test_a_reward_created_many_times_at_once_with_one_client_id_is_made_once(org: Org) -> None:
    reward = {"clientId": "reward-race-0001", "name": "京东卡 ¥200 JD card", "pointsPrice": 300}
    answers = settled(await at_once([lambda: org.admin.execute(CREATE_REWARD, {"input": reward})] * AT_ONCE), "createReward", "SaveRewardSuccess")

    assert len(answers) == AT_ONCE and len({a["reward"]["id"] for a in answers}) == 1
    assert len(await org.rows(select(Reward.id).where(Reward.client_id == "reward-race-0001"))) == 1


async def test_a_point_rule_saved_at_once_for_the_first_time_is_one_rule(org: Org) -> None:
    calls = [lambda p=points: org.admin.execute(SAVE_RULE, {"input": {"kind": "activity", "points": p, "dailyCap": 100}})
             for points in [3, 7] * (AT_ONCE // 2)]

    answers = settled(await at_once(calls), "savePointRule", "SavePointRuleSuccess")

    assert len(answers) == AT_ONCE
    # One rule per kind; the last save wins.
    stored = await org.rows(select(PointRule.points).where(PointRule.org_id == org.world.org_id, PointRule.kind == "activity"))
    assert [p for (p,) in stored] in ([3], [7])


async def test_a_first_profile_photo_uploaded_many_times_at_once_is_one_photo(org: Org) -> None:
    client = GraphQLClient(org.server.url)
    await client.login(org.world.outsider.email)  # nobody else here uploads a photo for Olga
    body = jpeg_with_gps((64, 48))
    try:
        answers = await asyncio.gather(*(
            client.http.put("/api/me/photo", content=body, headers={"content-type": "image/jpeg"}) for _ in range(AT_ONCE)
        ))
    finally:
        await client.__aexit__(None, None, None)

    assert [a.status_code for a in answers] == [200] * AT_ONCE, [a.text for a in answers]
    # One photo; every upload counted, as in a row: the last one's URL is version AT_ONCE.
    assert len(await org.rows(select(UserPhoto.user_id).where(UserPhoto.user_id == org.world.outsider.id))) == 1
    (version,) = (await org.rows(select(User.photo_version).where(User.id == org.world.outsider.id)))[0]
    assert version == AT_ONCE
    assert sorted(a.json()["photoUrl"] for a in answers) == sorted(f"/api/users/{org.world.outsider.id}/photo?v={v}" for v in range(1, AT_ONCE + 1))
