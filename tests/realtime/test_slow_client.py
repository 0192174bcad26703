"""A phone that stops reading: the others get every change on time, it gets the latest once it reads again.

Frames are sent eagerly, from the fan-out itself, to every socket whose writer is idle; this is
the case where a send cannot complete (the server's transport has paused writing).
"""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator
from typing import Any

import pytest
from websockets.client import ClientProtocol
from websockets.frames import Frame, Opcode
from websockets.http11 import Response
from websockets.typing import Subprotocol
from websockets.uri import parse_uri

from tests.conftest import Server, Stack, start_server, stop_server
from tests.support import BOARD_SUBSCRIPTION, GraphQLClient, World, make_world

PING = json.dumps({"type": "ping"})


class RawClient:
    """graphql-transport-ws over a socket we read only when told to (small buffers: it fills quickly)."""

    def __init__(self, url: str, cookie: str) -> None:
        self.url = url
        self.cookie = cookie
        self.protocol = ClientProtocol(parse_uri(url), subprotocols=[Subprotocol("graphql-transport-ws")])
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        self.sock.setblocking(False)
        self.loop = asyncio.get_running_loop()
        self._ready: list[dict[str, Any]] = []

    async def connect(self) -> None:
        host, port = self.url.removeprefix("ws://").split("/")[0].split(":")
        await self.loop.sock_connect(self.sock, (host, int(port)))
        request = self.protocol.connect()
        request.headers["Cookie"] = f"podium_session={self.cookie}"
        self.protocol.send_request(request)
        await self._flush()
        while not any(isinstance(e, Response) for e in await self._read()):
            pass
        if self.protocol.handshake_exc is not None:
            raise self.protocol.handshake_exc

    async def send(self, message: str, times: int = 1) -> None:
        for _ in range(times):
            self.protocol.send_text(message.encode())
        await self._flush()

    async def next(self, timeout: float = 5) -> dict[str, Any]:
        while not self._ready:
            for event in await asyncio.wait_for(self._read(), timeout):
                if isinstance(event, Frame) and event.opcode is Opcode.TEXT:
                    self._ready.append(json.loads(event.data))
        return self._ready.pop(0)

    def server_port(self) -> int:
        return int(self.sock.getsockname()[1])

    async def _flush(self) -> None:
        for chunk in self.protocol.data_to_send():
            await self.loop.sock_sendall(self.sock, chunk)

    async def _read(self) -> list[Any]:
        data = await self.loop.sock_recv(self.sock, 65536)
        self.protocol.receive_data(data)
        return self.protocol.events_received()

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
async def served(stack: Stack) -> AsyncIterator[tuple[Server, Any]]:
    running, uv_server, task = await start_server(stack.settings)
    yield running, uv_server
    await stop_server(uv_server, task)


async def test_a_client_that_stops_reading_holds_up_no_one_and_gets_the_latest_state(served) -> None:  # type: ignore[no-untyped-def]
    server, uv_server = served
    world: World = await make_world(server.runtime.env)
    async with GraphQLClient(server.url) as rep:
        await rep.login(world.rep.email)
        cookie = rep.session_cookie
        assert cookie
        slow = RawClient(server.ws_url, cookie)
        await slow.connect()
        await slow.send(json.dumps({"type": "connection_init"}))
        assert (await slow.next())["type"] == "connection_ack"
        await slow.send(json.dumps({"id": "board", "type": "subscribe", "payload": {
            "query": BOARD_SUBSCRIPTION, "variables": {"period": "TODAY", "scope": "ORG"}}}))
        assert (await slow.next())["payload"]["data"]["leaderboardChanged"]["version"] == 0

        # Given: the slow phone stops reading, and pongs to its pings fill what lies between us.
        (connection,) = [c for c in uv_server.server_state.connections if c.client[1] == slow.server_port()]
        connection.transport.get_extra_info("socket").setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
        connection.transport.set_write_buffer_limits(high=4096)
        for _ in range(400):
            if not connection.writable.is_set():
                break
            await slow.send(PING, times=50)
            await asyncio.sleep(0.01)
        assert not connection.writable.is_set(), "the server never had to wait for the slow client"

        async with rep.subscriber(server.ws_url) as fast:
            await fast.subscribe("board", BOARD_SUBSCRIPTION, {"period": "TODAY", "scope": "ORG"})
            assert (await fast.next_data("board"))["leaderboardChanged"]["version"] == 0

            # When: three changes while it still does not read.
            for version in (1, 2, 3):
                await rep.log_visit(world)
                # Then: the reading phone has each one.
                board = await fast.until("board", lambda d, v=version: d["leaderboardChanged"]["version"] >= v, timeout=5)
                assert board["leaderboardChanged"]["version"] == version
        assert not connection.writable.is_set()

        # And once it reads again, the pongs come first, then only the latest board.
        versions: list[int] = []
        pongs = 0
        while not versions or versions[-1] < 3:
            message = await slow.next()
            if message["type"] == "pong":
                assert not versions, "a pong after a board frame: frames out of order"
                pongs += 1
            else:
                assert message["id"] == "board"
                versions.append(message["payload"]["data"]["leaderboardChanged"]["version"])
        slow.close()

    assert pongs > 0
    assert versions == [3]
