"""Every write's consequences happen exactly once: after a crash, during a Redis outage, when a handler runs twice."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from podium.app import build_runtime
from podium.celebrations.models import Celebration
from podium.core.env import Env
from podium.core.models import EventRow
from podium.core.outbox import Outbox
from podium.points.models import PointsEntry
from podium.settings import Settings, load_settings
from tests.conftest import REDIS_URL, Stack, free_port, start_server, stop_server
from tests.support import BOARD, LOG_VISIT, GraphQLClient, World, make_world, visit_input

ADJUST = """
mutation Adjust($input: AdjustPointsInput!) {
  adjustPoints(input: $input) { __typename ... on OperationError { errors { field code } } }
}
"""
CELEBRATIONS = "subscription { celebrations { id kind threshold user { id } } }"


@pytest.fixture
def quick_events(monkeypatch: pytest.MonkeyPatch) -> None:
    """Dispatchers take an event half a second after its commit, and retry failures within a second."""
    monkeypatch.setenv("PODIUM_EVENTS_HEAD_START_SECONDS", "0.5")
    monkeypatch.setenv("PODIUM_EVENTS_POLL_SECONDS", "0.2")
    monkeypatch.setenv("PODIUM_EVENTS_BACKOFF_SECONDS", "0.2")


async def _seeded(settings: Settings) -> World:
    runtime = build_runtime(settings)
    try:
        return await make_world(runtime.env)
    finally:
        if runtime.redis is not None:
            await runtime.redis.aclose()
        await runtime.env.db.kw["bind"].dispose()


async def _to_95_points(url: str, world: World) -> None:
    """Five points short of the first monthly milestone (100): the next verified visit (10) crosses it."""
    async with GraphQLClient(url) as admin:
        await admin.login(world.admin.email)
        done = await admin.data(ADJUST, {"input": {"clientId": str(uuid.uuid4()), "userId": str(world.rep.id), "points": 95, "reason": "history"}})
        assert done["adjustPoints"]["__typename"] == "AdjustPointsSuccess", done


async def _ledger_total(env: Env, user_id: int) -> int:
    async with env.db() as session:
        return int(await session.scalar(select(func.coalesce(func.sum(PointsEntry.points), 0)).where(PointsEntry.user_id == user_id)) or 0)


async def _milestones(env: Env, user_id: int) -> int:
    async with env.db() as session:
        query = select(func.count()).select_from(Celebration).where(Celebration.user_id == user_id, Celebration.kind == "milestone")
        return int(await session.scalar(query) or 0)


async def _board_points(client: GraphQLClient, user_id: int) -> int | None:
    board = await client.data(BOARD, {"period": "MONTH", "scope": "ORG"})
    return next((e["points"] for e in board["leaderboard"]["entries"] if e["user"]["id"] == str(user_id)), None)


async def _eventually(check: Any, timeout: float = 20.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not await check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("not within the time allowed")
        await asyncio.sleep(0.2)


async def test_an_instance_killed_after_the_commit_leaves_nothing_undone(stack: Stack, quick_events: None, tmp_path: Path) -> None:
    # Given an instance that dies (SIGKILL) between a check-in's commit and its handlers
    settings = load_settings()
    world = await _seeded(settings)
    port = free_port()
    crashing = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("crashing_server.py")), str(port)],
        env=dict(os.environ), stdout=subprocess.DEVNULL, stderr=(tmp_path / "crash.log").open("w"),
    )
    url = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient() as http:
            for _ in range(200):
                try:
                    if (await http.get(f"{url}/healthz")).status_code == 200:
                        break
                except httpx.TransportError:
                    await asyncio.sleep(0.1)
        await _to_95_points(url, world)
        visit = visit_input(world)
        async with GraphQLClient(url) as rep:
            await rep.login(world.rep.email)
            with pytest.raises(httpx.TransportError):
                await rep.execute(LOG_VISIT, {"input": visit})
        assert await asyncio.to_thread(crashing.wait, 20) == -9
    finally:
        if crashing.poll() is None:
            crashing.kill()

    # When another instance starts
    server, uv, task = await start_server(settings)
    env = server.runtime.env
    try:
        async with GraphQLClient(server.url) as rep:
            await rep.login(world.rep.email)

            # Then its dispatcher runs what the dead one could not: the board equals the ledger, the milestone is celebrated once
            async def healed() -> bool:
                return await _board_points(rep, world.rep.id) == await _ledger_total(env, world.rep.id) == 105 and await _milestones(env, world.rep.id) == 1

            await _eventually(healed)
            # and the phone's retry of the same check-in is answered from what is stored, repeating nothing
            again = (await rep.data(LOG_VISIT, {"input": visit}))["checkIn"]
            assert again["replayed"] is True
            await asyncio.sleep(1.0)
            assert await _milestones(env, world.rep.id) == 1
            assert await _ledger_total(env, world.rep.id) == 105
            async with env.db() as session:
                assert await session.scalar(select(func.count()).select_from(EventRow).where(EventRow.done_at.is_(None))) == 0
    finally:
        await stop_server(uv, task)


class RedisProxy:
    """A TCP hop between the app and Redis that the test can cut and restore: an outage without stopping Redis."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.down = False
        self.writers: set[asyncio.StreamWriter] = set()
        self.server: asyncio.Server | None = None

    async def start(self) -> int:
        self.server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        return int(self.server.sockets[0].getsockname()[1])

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.down:
            writer.close()
            return
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.upstream_port)
        except OSError:
            writer.close()
            return
        self.writers |= {writer, up_writer}

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            try:
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            except (OSError, asyncio.CancelledError):
                pass
            finally:
                dst.close()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))
        self.writers -= {writer, up_writer}

    def cut(self) -> None:
        self.down = True
        for writer in list(self.writers):
            writer.transport.abort()

    def restore(self) -> None:
        self.down = False

    async def close(self) -> None:
        self.cut()
        if self.server is not None:
            self.server.close()


@pytest.fixture
async def redis_proxy(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[RedisProxy]:
    if stack.name != "production":
        pytest.skip("the embedded stack has no Redis to lose")
    proxy = RedisProxy(int(REDIS_URL.split(":")[2].split("/")[0]))
    port = await proxy.start()
    monkeypatch.setenv("PODIUM_REDIS_URL", f"redis://127.0.0.1:{port}/{REDIS_URL.rsplit('/', 1)[1]}")
    yield proxy
    await proxy.close()


async def test_a_milestone_crossed_while_redis_is_down_is_celebrated_once_when_it_returns(stack: Stack, quick_events: None, redis_proxy: RedisProxy) -> None:
    settings = load_settings()
    world = await _seeded(settings)
    server, uv, task = await start_server(settings)
    env = server.runtime.env
    try:
        await _to_95_points(server.url, world)
        async with GraphQLClient(server.url) as rep:
            await rep.login(world.rep.email)
            async with rep.subscriber(server.ws_url) as live:
                await live.subscribe("c", CELEBRATIONS)
                await asyncio.sleep(1.5)
                # Given Redis is gone
                redis_proxy.cut()
                await asyncio.sleep(0.3)
                # When the rep's visit crosses 100 points
                done = (await rep.data(LOG_VISIT, {"input": visit_input(world)}))["checkIn"]
                assert done["visit"]["pointsAwarded"] == 10  # the write itself never needed Redis
                await asyncio.sleep(1.5)
                # Then, once Redis is back, the milestone reaches the phone, once
                redis_proxy.restore()
                seen = []
                deadline = asyncio.get_running_loop().time() + 25
                while asyncio.get_running_loop().time() < deadline:
                    try:
                        frame = await live.next_data("c", timeout=1.0 if seen else deadline - asyncio.get_running_loop().time())
                    except TimeoutError:
                        break
                    seen.append(frame["celebrations"])
                milestones = [c for c in seen if c["kind"] == "MILESTONE" and c["threshold"] == 100]
                assert len(milestones) == 1, seen

            # and the board equals the ledger
            async def healed() -> bool:
                return await _board_points(rep, world.rep.id) == await _ledger_total(env, world.rep.id) == 105

            await _eventually(healed)
            assert await _milestones(env, world.rep.id) == 1
    finally:
        await stop_server(uv, task)


async def test_a_replayed_check_in_runs_what_its_first_delivery_left_undone(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PODIUM_EVENTS_HEAD_START_SECONDS", "3600")  # no dispatcher takes them in this test's time
    settings = load_settings()
    world = await _seeded(settings)
    server, uv, task = await start_server(settings)
    env = server.runtime.env
    try:
        await _to_95_points(server.url, world)
        visit = visit_input(world)
        async with GraphQLClient(server.url) as rep:
            await rep.login(world.rep.email)
            # Given a check-in whose process lost its handlers after the commit (the phone saw no answer)
            run_now = Outbox.run_now

            async def lost(self: Outbox, staged: list[tuple[Any, Any]]) -> None:
                return None

            monkeypatch.setattr(Outbox, "run_now", lost)
            await rep.data(LOG_VISIT, {"input": visit})
            monkeypatch.setattr(Outbox, "run_now", run_now)
            assert await _board_points(rep, world.rep.id) == 95 and await _milestones(env, world.rep.id) == 0

            # When the phone sends it again
            again = (await rep.data(LOG_VISIT, {"input": visit}))["checkIn"]

            # Then it is answered from what is stored, and what was left undone is done by then
            assert again["replayed"] is True
            assert await _board_points(rep, world.rep.id) == 105 and await _milestones(env, world.rep.id) == 1
    finally:
        await stop_server(uv, task)
