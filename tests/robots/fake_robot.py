"""Group robots on 127.0.0.1: take POSTs like WeCom's, DingTalk's or Slack's webhooks and answer as scripted.

Raw asyncio HTTP/1.1, so the app's real client and headers are exercised; only the third party is faked.
"""

from __future__ import annotations

import asyncio
import json
from collections import defaultdict, deque
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

OK = {"wecom": (200, '{"errcode":0,"errmsg":"ok"}'), "dingtalk": (200, '{"errcode":0,"errmsg":"ok"}'), "slack": (200, "ok")}


@dataclass
class Received:
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> dict[str, object]:
        return json.loads(self.body)


@dataclass
class FakeRobots:
    host: str = "127.0.0.1"
    port: int = 0
    received: list[Received] = field(default_factory=list)
    # Per robot name, the answers (status, body) in order; then the platform's success.
    script: dict[str, deque[tuple[int, str]]] = field(default_factory=lambda: defaultdict(deque))
    _server: asyncio.AbstractServer | None = None
    _arrived: asyncio.Condition | None = None

    def url(self, platform: str, name: str) -> str:
        """A webhook URL shaped like the platform's, with its token in the query."""
        token = f"tok-{name}-7f3a9c"
        paths = {"wecom": f"/cgi-bin/webhook/send?key={token}", "dingtalk": f"/robot/send?access_token={token}", "slack": f"/services/T000/B000/{token}"}
        return f"http://{self.host}:{self.port}/{platform}/{name}{paths[platform]}"

    def answer(self, name: str, *answers: tuple[int, str]) -> None:
        self.script[name].extend(answers)

    def to(self, name: str) -> list[Received]:
        return [r for r in self.received if r.path.split("/")[2] == name]

    async def __aenter__(self) -> FakeRobots:
        self._arrived = asyncio.Condition()
        self._server = await asyncio.start_server(self._serve, self.host, self.port)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()

    async def wait_for(self, count: int, timeout: float = 10.0) -> list[Received]:
        assert self._arrived is not None
        async with self._arrived:
            await asyncio.wait_for(self._arrived.wait_for(lambda: len(self.received) >= count), timeout)
        return self.received

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                _method, target, _version = lines[0].split(" ", 2)
                headers = {}
                for line in lines[1:]:
                    if ":" in line:
                        name, value = line.split(":", 1)
                        headers[name.strip().lower()] = value.strip()
                body = await reader.readexactly(int(headers.get("content-length", "0")))
                parts = urlsplit(target)
                platform, robot = parts.path.split("/")[1:3]
                queued = self.script.get(robot)
                status, text = queued.popleft() if queued else OK[platform]
                self.received.append(Received(parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()}, headers, body))
                assert self._arrived is not None
                async with self._arrived:
                    self._arrived.notify_all()
                payload = text.encode()
                writer.write(
                    f"HTTP/1.1 {status} X\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: {len(payload)}\r\n\r\n".encode() + payload
                )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()
