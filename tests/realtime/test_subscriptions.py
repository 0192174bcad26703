"""Live boards and celebrations over graphql-transport-ws, as a phone or a TV sees them."""

from __future__ import annotations

import asyncio
import json

import pytest
import redis.asyncio as aioredis
import websockets
from websockets.exceptions import InvalidStatus

from podium.graphql.context import Context
from podium.graphql.schema import schema
from podium.orgs import service as orgs
from tests.conftest import REDIS_URL, start_server, stop_server
from tests.support import BOARD, BOARD_SUBSCRIPTION, GraphQLClient, World

CELEBRATIONS = "subscription { celebrations { kind message points threshold user { name } otherUser { name } } }"


def _points(board: dict) -> dict[str, int]:  # type: ignore[type-arg]
    return {e["user"]["name"]: e["points"] for e in board["entries"]}


async def test_snapshot_first_then_each_change(server, world: World, rep: GraphQLClient) -> None:  # type: ignore[no-untyped-def]
    async with rep.subscriber(server.ws_url) as live:
        await live.subscribe("board", BOARD_SUBSCRIPTION, {"period": "TODAY", "scope": "ORG"})
        snapshot = (await live.next_data("board"))["leaderboardChanged"]
        assert snapshot["version"] == 0
        assert set(_points(snapshot).values()) == {0}

        await rep.log_visit(world)
        changed = (await live.until("board", lambda d: d["leaderboardChanged"]["version"] == 1))["leaderboardChanged"]

    assert changed["entries"][0] == {"rank": 1, "points": 10, "user": {"id": str(world.rep.id), "name": "Rita Rep"}}
    assert changed["changedUserIds"] == [str(world.rep.id)]


async def test_snapshot_plus_changes_equals_a_fresh_query(server, world: World, rep: GraphQLClient) -> None:  # type: ignore[no-untyped-def]
    async with rep.subscriber(server.ws_url) as live:
        await live.subscribe("board", BOARD_SUBSCRIPTION, {"period": "WEEK", "scope": "TEAM"})
        frame = (await live.next_data("board"))["leaderboardChanged"]
        for _ in range(4):
            await rep.log_visit(world)
        while frame["version"] < 4:
            frame = (await live.next_data("board"))["leaderboardChanged"]
    fresh = (await rep.data(BOARD, {"period": "WEEK", "scope": "TEAM"}))["leaderboard"]

    assert {k: frame[k] for k in fresh} == fresh


async def test_many_subscribers_cost_one_execution_per_change(server, world: World, rep: GraphQLClient) -> None:  # type: ignore[no-untyped-def]
    subscribers = [rep.subscriber(server.ws_url) for _ in range(25)]
    for sub in subscribers:
        await sub.__aenter__()
    try:
        for i, sub in enumerate(subscribers):
            await sub.subscribe(f"s{i}", BOARD_SUBSCRIPTION, {"period": "MONTH", "scope": "ORG"})
        frames = [await sub.next(5) for sub in subscribers]
        topic = next(t for key, t in server.runtime.hub.topics.items() if key[0] == "board")
        before = topic.executions

        await rep.log_visit(world)
        after = [await sub.until(f"s{i}", lambda d: d["leaderboardChanged"]["version"] == 1) for i, sub in enumerate(subscribers)]
    finally:
        for sub in subscribers:
            await sub.__aexit__(None, None, None)

    assert all(f["type"] == "next" for f in frames)
    assert topic.executions - before == 1
    assert len({json.dumps(a, sort_keys=True) for a in after}) == 1


async def test_shared_payload_is_what_strawberry_itself_returns(server, world: World, rep: GraphQLClient) -> None:  # type: ignore[no-untyped-def]
    await rep.log_visit(world)
    async with rep.subscriber(server.ws_url) as live:
        await live.subscribe("board", BOARD_SUBSCRIPTION, {"period": "TODAY", "scope": "ORG"})
        shared = await asyncio.wait_for(live.ws.recv(), 5)

    # The same document through strawberry's own per-subscriber path, with the request's context.
    viewer = await orgs.viewer_for_token(server.runtime.env, rep.session_cookie)
    context = Context(env=server.runtime.env, hub=server.runtime.hub, viewer=viewer, locale=viewer.locale)
    stream = await schema.subscribe(BOARD_SUBSCRIPTION, {"period": "TODAY", "scope": "ORG"}, context)
    result = await stream.__anext__()  # type: ignore[union-attr]
    await stream.aclose()  # type: ignore[union-attr]

    own = json.dumps({"data": result.data}, separators=(",", ":"), ensure_ascii=False)
    assert shared == '{"id":"board","type":"next","payload":' + own + "}"


async def test_the_fan_out_waits_for_none_of_the_outboxs_bookkeeping(server, world: World, rep: GraphQLClient) -> None:  # type: ignore[no-untyped-def]
    # Given: recording the write's events as handled (core/outbox.py, after the live publish) is stuck.
    outbox = server.runtime.outbox
    record = outbox._finish
    release = asyncio.Event()

    async def stuck(outcomes, *, claimed):  # type: ignore[no-untyped-def]
        await release.wait()
        await record(outcomes, claimed=claimed)

    outbox._finish = stuck
    async with rep.subscriber(server.ws_url) as live:
        await live.subscribe("board", BOARD_SUBSCRIPTION, {"period": "TODAY", "scope": "ORG"})
        await live.next_data("board")

        # When: a visit is logged.
        visit = asyncio.create_task(rep.log_visit(world))
        # Then: the board reaches the subscriber while the write still waits on the outbox.
        frame = await live.until("board", lambda d: d["leaderboardChanged"]["version"] == 1)
        assert not visit.done()
        release.set()
        await asyncio.wait_for(visit, 5)
    assert frame["leaderboardChanged"]["entries"][0]["points"] == 10


async def test_celebrations_arrive_live_for_overtakes_and_milestones(server, world: World, rep: GraphQLClient) -> None:  # type: ignore[no-untyped-def]
    async with GraphQLClient(server.url) as rep2:
        await rep2.login(world.rep2.email)
        await rep2.log_visit(world)
        async with rep.subscriber(server.ws_url) as tv:
            await tv.subscribe("party", CELEBRATIONS)
            await asyncio.sleep(0.1)
            await rep.log_visit(world)  # 10 = 10: level with Rob, passes nobody yet
            await rep.log_visit(world)  # 20 > 10: overtakes Rob
            message = await tv.next_data("party")

    celebration = message["celebrations"]
    assert celebration["kind"] == "OVERTAKE"
    assert celebration["user"]["name"] == "Rita Rep" and celebration["otherUser"]["name"] == "Rob Rep"
    assert "Rita Rep" in celebration["message"] and "Rob Rep" in celebration["message"]
    recent = (await rep.data("{ recentCelebrations(first: 5) { kind user { name } } }"))["recentCelebrations"]
    assert {"kind": "OVERTAKE", "user": {"name": "Rita Rep"}} in recent


async def test_foreign_origin_and_missing_session_are_refused(server, world: World, rep: GraphQLClient) -> None:  # type: ignore[no-untyped-def]
    cookie = {"Cookie": f"podium_session={rep.session_cookie}"}
    attempts = [
        {"Origin": "https://evil.example", **cookie},
        {"Origin": server.url},
        {"Origin": server.url, "Cookie": "podium_session=forged"},
    ]
    for headers in attempts:
        with pytest.raises(InvalidStatus) as refused:
            await websockets.connect(server.ws_url, subprotocols=["graphql-transport-ws"], additional_headers=headers)  # type: ignore[list-item]
        assert refused.value.response.status_code == 403
    ok = await websockets.connect(server.ws_url, subprotocols=["graphql-transport-ws"], additional_headers={"Origin": server.url, **cookie})  # type: ignore[list-item]
    await ok.close()


async def test_protocol_misuse_closes_with_the_specified_codes(server, world: World, rep: GraphQLClient) -> None:  # type: ignore[no-untyped-def]
    headers = {"Cookie": f"podium_session={rep.session_cookie}"}
    async with websockets.connect(server.ws_url, subprotocols=["graphql-transport-ws"], additional_headers=headers) as ws:  # type: ignore[list-item]
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": "{ me { email } }"}}))
        with pytest.raises(websockets.ConnectionClosed):
            await asyncio.wait_for(ws.recv(), 5)
        assert ws.close_code == 4401
    async with rep.subscriber(server.ws_url) as live:
        await live.subscribe("q", "{ me { email } }")
        assert (await live.next_data("q"))["me"]["email"] == "rep@acme.test"
        await live.subscribe("bad", BOARD_SUBSCRIPTION, {"period": "WEEK", "scope": "TEAM", "teamId": str(world.team_b)})
        error = await live.next()
        while error.get("id") != "bad":
            error = await live.next()
        assert error["type"] == "error" and error["payload"][0]["extensions"]["code"] == "FORBIDDEN"
        await live.subscribe("dup", CELEBRATIONS)
        await live.subscribe("dup", CELEBRATIONS)
        with pytest.raises(websockets.ConnectionClosed):
            while True:
                await live.next()
        assert live.ws.close_code == 4409


@pytest.mark.parametrize("stack", ["production"], indirect=True)
async def test_a_visit_on_one_instance_moves_the_board_on_another(stack, server, world: World, rep: GraphQLClient) -> None:  # type: ignore[no-untyped-def]
    second, uv_server, task = await start_server(stack.settings)
    try:
        async with GraphQLClient(second.url) as watcher:
            await watcher.login(world.manager.email)
            async with watcher.subscriber(second.ws_url) as live:
                await live.subscribe("board", BOARD_SUBSCRIPTION, {"period": "TODAY", "scope": "ORG"})
                assert (await live.next_data("board"))["leaderboardChanged"]["version"] == 0
                await rep.log_visit(world)  # on the first instance
                frame = (await live.until("board", lambda d: d["leaderboardChanged"]["version"] == 1))["leaderboardChanged"]
    finally:
        await stop_server(uv_server, task)
    assert frame["entries"][0]["user"]["name"] == "Rita Rep"


@pytest.mark.parametrize("stack", ["production"], indirect=True)
async def test_the_bus_reconnects_after_redis_drops_and_resends_the_board(stack, server, world: World, rep: GraphQLClient) -> None:  # type: ignore[no-untyped-def]
    bus = server.runtime.bus
    async with rep.subscriber(server.ws_url) as live:
        await live.subscribe("board", BOARD_SUBSCRIPTION, {"period": "TODAY", "scope": "ORG"})
        await live.next_data("board")
        admin = aioredis.from_url(REDIS_URL)
        killed = await admin.execute_command("CLIENT", "KILL", "TYPE", "pubsub")
        await admin.aclose()
        assert killed >= 1
        for _ in range(100):
            if bus.reconnects:
                break
            await asyncio.sleep(0.1)
        assert bus.reconnects >= 1
        resent = (await live.next_data("board", timeout=5))["leaderboardChanged"]  # the snapshot again
        assert resent["version"] == 0
        await rep.log_visit(world)
        frame = await live.until("board", lambda d: d["leaderboardChanged"]["version"] == 1)
    assert frame["leaderboardChanged"]["entries"][0]["points"] == 10
