"""Contests through the API: creating them, live standings for every mode, and the end: winners fixed, paid, celebrated."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from podium.contests import service as contests
from tests.pipeline.test_deals import login
from tests.support import GraphQLClient, World

SHANGHAI = ZoneInfo("Asia/Shanghai")
FIELDS = """
id name metric mode status startsOn endsOn participants version createdBy
prizes { rank title points }
standings { rank key name value lastYear members }
winners { rank key name }
"""
CREATE = f"""
mutation C($input: CreateContestInput!) {{
  createContest(input: $input) {{
    __typename
    ... on ContestSuccess {{ contest {{ {FIELDS} }} }}
    ... on OperationError {{ errors {{ field code message }} }}
  }}
}}
"""
CANCEL = "mutation X($id: ID!) { cancelContest(id: $id) { __typename ... on OperationError { errors { field code } } } }"
ONE = f"query O($id: ID!) {{ contest(id: $id) {{ {FIELDS} }} }}"
LIST = "query L($status: ContestStatus) { contests(status: $status) { id name status } }"
LIVE = f"subscription S($id: ID!) {{ contestStandingsChanged(id: $id) {{ {FIELDS} }} }}"
HISTORY = "{ pointsHistory { points ruleKind } recentCelebrations(first: 10) { kind subject message } }"


def today() -> datetime:
    return datetime.now(SHANGHAI)


def contest_input(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "clientId": f"contest-{uuid.uuid4()}",
        "name": "十二月冲刺 December sprint",
        "metric": "POINTS",
        "mode": "INDIVIDUAL",
        "startsOn": (today() - timedelta(days=1)).date().isoformat(),
        "endsOn": (today() + timedelta(days=5)).date().isoformat(),
        "prizes": [{"rank": 1, "title": "冠军 Champion", "points": 50}, {"rank": 2, "title": "Runner-up", "points": 20}],
    }
    data.update(overrides)
    return data


async def create(client: GraphQLClient, **overrides: Any) -> dict[str, Any]:
    return (await client.data(CREATE, {"input": contest_input(**overrides)}))["createContest"]


def codes(result: dict[str, Any]) -> set[tuple[str | None, str]]:
    return {(e["field"], e["code"]) for e in result["errors"]}


async def test_a_manager_creates_a_contest_once_and_bad_ones_are_refused(rep: GraphQLClient, server, world: World) -> None:  # type: ignore[no-untyped-def]
    async with await login(server, world.manager.email) as manager:
        data = contest_input()
        first = (await manager.data(CREATE, {"input": data}))["createContest"]
        replay = (await manager.data(CREATE, {"input": data}))["createContest"]
        bad = await create(manager, name=" ", endsOn=(today() - timedelta(days=3)).date().isoformat(),
                           prizes=[{"rank": 1, "title": "", "points": -5}])
        lonely = await create(manager, mode="HEAD_TO_HEAD", teamIds=[str(world.team_a)])
        outside = await create(manager, mode="TEAM", teamIds=[str(world.team_a), str(world.team_b)])
    by_rep = await create(rep)

    contest = first["contest"]
    assert replay["contest"]["id"] == contest["id"]
    assert (contest["status"], contest["participants"], contest["createdBy"]) == ("RUNNING", 2, "Max Manager")
    assert [e["name"] for e in contest["standings"]] == ["Rita Rep", "Rob Rep"]  # the manager's reps, level at zero
    assert [e["rank"] for e in contest["standings"]] == [1, 1]
    assert codes(bad) == {("name", "REQUIRED"), ("endsOn", "TOO_EARLY"), ("prizes.0.title", "REQUIRED"), ("prizes.0.points", "OUT_OF_RANGE")}
    assert codes(lonely) == {("teamIds", "MISMATCH")}
    assert codes(outside) == {("teamIds", "NOT_FOUND")}  # team B is not the manager's
    assert codes(by_rep) == {(None, "FORBIDDEN")}
    assert [c["id"] for c in (await rep.data(LIST))["contests"]] == [contest["id"]]


async def test_standings_move_live_for_every_viewer(rep: GraphQLClient, server, world: World) -> None:  # type: ignore[no-untyped-def]
    async with await login(server, world.manager.email) as manager:
        contest = (await create(manager))["contest"]
    async with rep.subscriber(server.ws_url) as live:
        await live.subscribe("c", LIVE, {"id": contest["id"]})
        first = (await live.next_data("c"))["contestStandingsChanged"]
        await rep.log_visit(world)
        moved = (await live.until("c", lambda d: d["contestStandingsChanged"]["version"] > first["version"]))["contestStandingsChanged"]
    fresh = (await rep.data(ONE, {"id": contest["id"]}))["contest"]

    assert [(e["name"], e["value"], e["rank"]) for e in moved["standings"]] == [("Rita Rep", "10", 1), ("Rob Rep", "0", 2)]
    assert moved == fresh


async def test_team_and_head_to_head_contests_sum_their_members(rep: GraphQLClient, server, world: World) -> None:  # type: ignore[no-untyped-def]
    async with await login(server, world.admin.email) as admin:
        duel = (await create(admin, mode="HEAD_TO_HEAD", metric="VERIFIED_VISITS", teamIds=[str(world.team_a), str(world.team_b)]))["contest"]
        teams = (await create(admin, mode="TEAM", metric="POINTS"))["contest"]
    await rep.log_visit(world)
    async with await login(server, world.rep2.email) as rob:
        await rob.log_visit(world)
    async with await login(server, world.rep3.email) as bea:
        await bea.log_visit(world)

    duel_now = (await rep.data(ONE, {"id": duel["id"]}))["contest"]["standings"]
    teams_now = (await rep.data(ONE, {"id": teams["id"]}))["contest"]["standings"]
    assert [(e["key"], e["value"], e["members"]) for e in duel_now] == [(f"team:{world.team_a}", "2", 3), (f"team:{world.team_b}", "1", 1)]
    assert [e["key"] for e in teams_now] == [f"team:{world.team_a}", f"team:{world.team_b}"]


async def test_when_a_contest_ends_winners_are_fixed_paid_and_celebrated_once(rep: GraphQLClient, server, world: World) -> None:  # type: ignore[no-untyped-def]
    yesterday = (today() - timedelta(days=1)).date()
    async with await login(server, world.manager.email) as manager:
        contest = (await create(manager, startsOn=yesterday.isoformat(), endsOn=yesterday.isoformat()))["contest"]
    at_noon = datetime(yesterday.year, yesterday.month, yesterday.day, 12, tzinfo=SHANGHAI).isoformat()
    await rep.log_visit(world, occurredAt=at_noon)
    await rep.log_visit(world, occurredAt=at_noon)
    async with await login(server, world.rep2.email) as rob:
        await rob.log_visit(world, occurredAt=at_noon)

        assert await contests.finalize_ended(server.runtime.env) == 1
        assert await contests.finalize_ended(server.runtime.env) == 0  # another instance's sweep finds nothing to do
        await rob.log_visit(world, occurredAt=at_noon)  # late news changes nothing any more
        robs = (await rob.data(HISTORY))["pointsHistory"]

    ended = (await rep.data(ONE, {"id": contest["id"]}))["contest"]
    mine = await rep.data(HISTORY)
    assert ended["status"] == "ENDED"
    assert [(w["rank"], w["name"]) for w in ended["winners"]] == [(1, "Rita Rep"), (2, "Rob Rep")]
    assert [(e["name"], e["value"]) for e in ended["standings"]] == [("Rita Rep", "20"), ("Rob Rep", "10")]
    assert ("contest", 50) in {(h["ruleKind"], h["points"]) for h in mine["pointsHistory"]}
    assert [h["points"] for h in robs if h["ruleKind"] == "contest"] == [20]
    contest_celebrations = [c for c in mine["recentCelebrations"] if c["kind"] == "CONTEST"]
    assert sorted(c["subject"] for c in contest_celebrations) == ["十二月冲刺 December sprint · Runner-up", "十二月冲刺 December sprint · 冠军 Champion"]
    assert [c["id"] for c in (await rep.data(LIST, {"status": "ENDED"}))["contests"]] == [contest["id"]]


async def test_a_cancelled_contest_is_gone_and_another_org_never_sees_one(rep: GraphQLClient, server, world: World) -> None:  # type: ignore[no-untyped-def]
    async with await login(server, world.manager.email) as manager:
        contest = (await create(manager, metric="GROWTH"))["contest"]
        growth = (await manager.data(ONE, {"id": contest["id"]}))["contest"]["standings"]
        by_rep = (await rep.data(CANCEL, {"id": contest["id"]}))["cancelContest"]
        async with await login(server, world.outsider.email) as outsider:
            foreign = (await outsider.data(ONE, {"id": contest["id"]}))["contest"]
            foreign_list = (await outsider.data(LIST))["contests"]
        cancelled = (await manager.data(CANCEL, {"id": contest["id"]}))["cancelContest"]

    assert [e["lastYear"] for e in growth] == ["0", "0"]  # no history a year ago: ranked, without a growth figure
    assert codes(by_rep) == {(None, "FORBIDDEN")}
    assert foreign is None and foreign_list == []
    assert cancelled["__typename"] == "ContestSuccess"
    assert (await rep.data(ONE, {"id": contest["id"]}))["contest"] is None
    assert (await rep.data(LIST))["contests"] == []
