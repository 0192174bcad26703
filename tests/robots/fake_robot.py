"""Group robots on 127.0.0.1: take POSTs like WeCom's, DingTalk's or Slack's webhooks and answer as scripted.

Only the third party is faked (tests/fake_http.py), so the app's real client and headers are exercised.
"""

from __future__ import annotations

import asyncio
import json
from collections import defaultdict, deque
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from tests.fake_http import FakeServer, read_request

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
class FakeRobots(FakeServer):
    # Per robot name, the answers (status, body) in order; then the platform's success.
    script: dict[str, deque[tuple[int, str]]] = field(default_factory=lambda: defaultdict(deque))

    def url(self, platform: str, name: str) -> str:
        """A webhook URL shaped like the platform's, with its token in the query."""
        token = f"tok-{name}-7f3a9c"
        paths = {"wecom": f"/cgi-bin/webhook/send?key={token}", "dingtalk": f"/robot/send?access_token={token}", "slack": f"/services/T000/B000/{token}"}
        return f"http://{self.host}:{self.port}/{platform}/{name}{paths[platform]}"

    def answer(self, name: str, *answers: tuple[int, str]) -> None:
        self.script[name].extend(answers)

    def to(self, name: str) -> list[Received]:
        return [r for r in self.received if r.path.split("/")[2] == name]

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                _method, target, headers, body = await read_request(reader)
                parts = urlsplit(target)
                platform, robot = parts.path.split("/")[1:3]
                queued = self.script.get(robot)
                status, text = queued.popleft() if queued else OK[platform]
                await self.arrived(Received(parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()}, headers, body))
                payload = text.encode()
                writer.write(
                    f"HTTP/1.1 {status} X\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: {len(payload)}\r\n\r\n".encode() + payload
                )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()
