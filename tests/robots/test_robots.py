"""Group robots end to end: admins register them, a won deal is posted to each in its format, retried, or kept as failed."""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import hashlib
import hmac
import json
import time
import uuid
from typing import Any

from sqlalchemy import select

from podium.core.events import transaction
from podium.core.policies import Role
from podium.orgs import service as orgs
from podium.robots.models import RobotJob
from tests.conftest import Server, Stack, start_server, stop_server
from tests.pipeline.test_deals import login, move, open_deal, stage_ids
from tests.robots.conftest import FAST
from tests.robots.fake_robot import FakeRobots
from tests.support import PASSWORD, GraphQLClient, World

ROBOT_FIELDS = "id kind name urlHint hasSecret celebrations locale active lastSentAt failed lastError"
ROBOTS = f"{{ robots {{ {ROBOT_FIELDS} }} }}"
SAVE = f"""
mutation Save($input: RobotInput!) {{
  saveRobot(input: $input) {{
    __typename
    ... on SaveRobotSuccess {{ robot {{ {ROBOT_FIELDS} }} }}
    ... on OperationError {{ errors {{ field code message }} }}
  }}
}}
"""
DELETE = """
mutation Delete($id: ID!) {
  deleteRobot(id: $id) { __typename ... on DeleteRobotSuccess { removed } ... on OperationError { errors { field code } } }
}
"""
TEST = """
mutation Test($id: ID!) {
  testRobot(id: $id) {
    __typename
    ... on TestRobotSuccess { answer { delivered status code message } }
    ... on OperationError { errors { field code } }
  }
}
"""
SECRET = "SEC0123456789abcdef0123456789abcdef"


def robot_input(url: str, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"clientId": str(uuid.uuid4()), "kind": "WECOM", "name": "销售一群", "url": url, "celebrations": ["DEAL_WON"], "locale": "ZH_CN"}
    data.update(overrides)
    return data


async def save(client: GraphQLClient, data: dict[str, Any]) -> dict[str, Any]:
    return (await client.data(SAVE, {"input": data}))["saveRobot"]


async def add(client: GraphQLClient, url: str, **overrides: Any) -> dict[str, Any]:
    result = await save(client, robot_input(url, **overrides))
    assert result["__typename"] == "SaveRobotSuccess", result
    return result["robot"]


async def jobs(server: Server) -> list[RobotJob]:
    async with server.runtime.env.db() as session:
        return list((await session.scalars(select(RobotJob).order_by(RobotJob.id))).all())


async def settled(server: Server, count: int, timeout: float = 10.0) -> list[RobotJob]:
    deadline = time.monotonic() + timeout
    while True:
        found = await jobs(server)
        if len(found) >= count and all(j.state != "pending" for j in found):
            return found
        assert time.monotonic() < deadline, [(j.state, j.attempts, j.last_status, j.last_error) for j in found]
        await asyncio.sleep(0.05)


async def win_a_deal(rep: GraphQLClient, world: World) -> dict[str, Any]:
    stages = await stage_ids(rep)
    deal = await open_deal(rep, world)
    won = await move(rep, deal, stages["won"], reason="Signed")
    assert won["deal"]["status"] == "WON", won
    return deal


def codes(result: dict[str, Any]) -> list[tuple[str | None, str]]:
    assert result["__typename"] == "OperationError", result
    return [(e["field"], e["code"]) for e in result["errors"]]


async def test_a_won_deal_is_posted_to_each_robot_in_its_own_format_and_language(
    server: Server, world: World, rep: GraphQLClient, robots: FakeRobots
) -> None:
    admin = await login(server, world.admin.email)
    try:
        await add(admin, robots.url("wecom", "wecom"))
        ding = await add(admin, robots.url("dingtalk", "ding"), kind="DINGTALK", secret=SECRET, locale="EN")
        await add(admin, robots.url("slack", "slack"), kind="SLACK", locale="EN")
        await add(admin, robots.url("slack", "milestones"), kind="SLACK", celebrations=["MILESTONE"], active=False)
        listed = (await admin.data(ROBOTS))["robots"]
    finally:
        await admin.http.aclose()

    await win_a_deal(rep, world)
    await robots.wait_for(3)
    done = await settled(server, 3)

    assert ding["hasSecret"] is True
    assert [r["kind"] for r in listed] == ["WECOM", "DINGTALK", "SLACK", "SLACK"]
    (wecom,) = robots.to("wecom")
    assert wecom.json == {"msgtype": "markdown", "markdown": {"content": "### 💰 赢单喜报\n🎉 **Rita Rep** 赢下了 Near Co 的订单：120,000.50！"}}
    assert wecom.query == {"key": "tok-wecom-7f3a9c"}
    assert wecom.headers["content-type"].startswith("application/json")
    (dingtalk,) = robots.to("ding")
    assert dingtalk.json == {
        "msgtype": "markdown",
        "markdown": {"title": "💰 Deal won", "text": "### 💰 Deal won\n\n🎉 **Rita Rep** won a deal with Near Co: 120,000.50!"},
    }
    # DingTalk's 加签: HMAC-SHA256 of "<timestamp>\n<secret>" keyed by the secret, base64 (parse_qs undid the URL encoding).
    timestamp = dingtalk.query["timestamp"]
    expected = base64.b64encode(hmac.new(SECRET.encode(), f"{timestamp}\n{SECRET}".encode(), hashlib.sha256).digest()).decode()
    assert dingtalk.query["sign"] == expected
    assert dingtalk.query["access_token"] == "tok-ding-7f3a9c"
    assert abs(int(timestamp) / 1000 - time.time()) < 3600
    (slack,) = robots.to("slack")
    assert slack.json == {"text": "*💰 Deal won*\n🎉 *Rita Rep* won a deal with Near Co: 120,000.50!"}
    assert robots.to("milestones") == []  # inactive, and only milestones
    assert {(j.state, j.attempts) for j in done} == {("sent", 1)}
    # The same celebration announced again queues nothing more (one job per robot and celebration).
    assert len(await jobs(server)) == 3


async def test_a_robot_answering_500_or_a_rate_limit_is_retried_then_delivered(
    server: Server, world: World, rep: GraphQLClient, robots: FakeRobots
) -> None:
    robots.answer("flaky", (500, "oops"), (200, '{"errcode":45009,"errmsg":"api freq out of limit"}'))
    admin = await login(server, world.admin.email)
    try:
        await add(admin, robots.url("wecom", "flaky"))
        await win_a_deal(rep, world)
        (job,) = await settled(server, 1)
        robot = (await admin.data(ROBOTS))["robots"][0]
    finally:
        await admin.http.aclose()

    assert (job.state, job.attempts, job.last_status) == ("sent", 3, 200)
    assert len(robots.to("flaky")) == 3
    assert len({r.body for r in robots.to("flaky")}) == 1  # the same message each time
    assert robot["lastSentAt"] is not None and robot["failed"] == 0


async def test_a_robot_refusing_for_good_keeps_the_message_as_failed(
    server: Server, world: World, rep: GraphQLClient, robots: FakeRobots
) -> None:
    robots.answer("wrong", (200, '{"errcode":310000,"errmsg":"keywords not in content"}'))
    admin = await login(server, world.admin.email)
    try:
        await add(admin, robots.url("dingtalk", "wrong"), kind="DINGTALK")
        await win_a_deal(rep, world)
        (job,) = await settled(server, 1)
        robot = (await admin.data(ROBOTS))["robots"][0]
    finally:
        await admin.http.aclose()

    assert (job.state, job.attempts, job.last_status) == ("failed", 1, 200)  # not retried: it would never heal
    assert job.last_error == "errcode 310000: keywords not in content"
    assert (robot["failed"], robot["lastError"], robot["lastSentAt"]) == (1, "errcode 310000: keywords not in content", None)
    assert "sign" not in robots.to("wrong")[0].query  # no secret, no signature


async def test_the_test_button_reports_the_robots_answer(server: Server, world: World, robots: FakeRobots) -> None:
    robots.answer("test", (200, '{"errcode":93000,"errmsg":"invalid webhook url"}'))
    admin = await login(server, world.admin.email)
    try:
        robot = await add(admin, robots.url("wecom", "test"), locale="EN")
        refused = (await admin.data(TEST, {"id": robot["id"]}))["testRobot"]
        delivered = (await admin.data(TEST, {"id": robot["id"]}))["testRobot"]
    finally:
        await admin.http.aclose()

    assert refused["answer"] == {"delivered": False, "status": 200, "code": 93000, "message": "invalid webhook url"}
    assert delivered["answer"] == {"delivered": True, "status": 200, "code": 0, "message": "ok"}
    assert robots.to("test")[0].json == {
        "msgtype": "markdown", "markdown": {"content": "### Podium test message\nThis group will see the team's celebrations here."}
    }
    assert await jobs(server) == []  # a test is not queued


async def test_only_admins_of_the_org_manage_robots(server: Server, world: World, rep: GraphQLClient, robots: FakeRobots) -> None:
    env = server.runtime.env
    async with transaction(env.db) as tx:
        await orgs.create_user(
            tx.session, env, org_id=world.other_org_id, email="admin@rival.test", name="Rolf Rival", password=PASSWORD, role=Role.ADMIN, team_id=None
        )
    admin = await login(server, world.admin.email)
    rival = await login(server, "admin@rival.test")
    manager = await login(server, world.manager.email)
    try:
        robot = await add(admin, robots.url("wecom", "ours"))
        rep_list = await rep.execute(ROBOTS)
        rep_save = await save(rep, robot_input(robots.url("wecom", "mine")))
        manager_save = await save(manager, robot_input(robots.url("wecom", "mine")))
        rival_list = (await rival.data(ROBOTS))["robots"]
        rival_test = (await rival.data(TEST, {"id": robot["id"]}))["testRobot"]
        rival_edit = await save(rival, robot_input(robots.url("wecom", "theirs"), id=robot["id"], clientId=None))
        rival_delete = (await rival.data(DELETE, {"id": robot["id"]}))["deleteRobot"]
        ours = (await admin.data(ROBOTS))["robots"]
        deleted = (await admin.data(DELETE, {"id": robot["id"]}))["deleteRobot"]
        after = (await admin.data(ROBOTS))["robots"]
    finally:
        for client in (admin, rival, manager):
            await client.http.aclose()

    assert rep_list["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert codes(rep_save) == codes(manager_save) == [(None, "FORBIDDEN")]
    assert rival_list == []
    assert codes(rival_test) == codes(rival_edit) == [("id", "NOT_FOUND")]
    assert rival_delete == {"__typename": "DeleteRobotSuccess", "removed": False}
    assert [r["urlHint"] for r in ours] == ["127.0.0.1 …3a9c"]
    assert deleted == {"__typename": "DeleteRobotSuccess", "removed": True}
    assert after == []
    assert robots.received == []


async def test_bad_robots_are_refused_and_store_nothing(stack: Stack, world: World) -> None:
    """With the real rule (no test switch): https only, on a public address."""
    # A second server on the same database, without the test switch.
    running, uv_server, task = await start_server(dataclasses.replace(stack.settings, robots=dataclasses.replace(FAST, insecure_urls=False)))
    try:
        admin = await login(running, world.admin.email)
        try:
            cases = {
                "http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x": [("url", "INVALID")],
                "https://127.0.0.1/robot/send?access_token=x": [("url", "INVALID")],
                "https://10.1.2.3/hook": [("url", "INVALID")],
                "https://intranet.local/hook": [("url", "INVALID")],
                "https://user:pw@oapi.dingtalk.com/robot/send": [("url", "INVALID")],
                "": [("url", "REQUIRED")],
                "https://oapi.dingtalk.com/" + "x" * 1100: [("url", "TOO_LONG")],
            }
            results = {url: codes(await save(admin, robot_input(url))) for url in cases}
            empty = codes(await save(admin, robot_input("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k", celebrations=[], name="x" * 81)))
            good = await add(admin, "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693axxx6-7aoc-4bc4-97a0-0ec2sifa5aaa")
            listed = (await admin.data(ROBOTS))["robots"]
        finally:
            await admin.http.aclose()
    finally:
        await stop_server(uv_server, task)

    assert results == cases
    assert sorted(empty) == [("celebrations", "REQUIRED"), ("name", "TOO_LONG")]
    assert good["urlHint"] == "qyapi.weixin.qq.com …5aaa"
    assert [r["id"] for r in listed] == [good["id"]]


async def test_the_url_and_secret_never_come_back(server: Server, world: World, robots: FakeRobots) -> None:
    url = robots.url("dingtalk", "secret")
    admin = await login(server, world.admin.email)
    try:
        robot = await add(admin, url, kind="DINGTALK", secret=SECRET)
        renamed = await save(admin, {"id": robot["id"], "kind": "DINGTALK", "name": "Renamed", "celebrations": ["DEAL_WON", "BADGE"], "locale": "EN"})
        tested = await admin.execute(TEST, {"id": robot["id"]})
        listed = await admin.execute(ROBOTS)
        # Everything an admin can read, as the bytes the server sent.
        seen = json.dumps([robot, renamed, tested, listed])
        cleared = await save(admin, {"id": robot["id"], "kind": "DINGTALK", "secret": "", "celebrations": ["DEAL_WON"], "locale": "EN"})
    finally:
        await admin.http.aclose()

    token = "tok-secret-7f3a9c"
    assert token not in seen and SECRET not in seen and "/robot/send" not in seen
    assert robot["urlHint"] == "127.0.0.1 …3a9c"
    # Omitting the URL and the secret kept them: the edited robot still signs to the same webhook.
    assert renamed["robot"]["name"] == "Renamed" and renamed["robot"]["hasSecret"] is True
    assert robots.to("secret")[0].query["access_token"] == token and "sign" in robots.to("secret")[0].query
    assert cleared["robot"]["hasSecret"] is False
