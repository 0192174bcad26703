"""A push service on 127.0.0.1: takes POSTs like FCM or Mozilla's autopush would, answers as scripted.

Raw asyncio HTTP/1.1 with keep-alive (tests/fake_http.py): what we fake is the third party at the HTTP boundary, so the
sender's real client, pool and headers are exercised.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict, deque
from dataclasses import dataclass, field

from tests.fake_http import FakeServer, read_request

REASONS = {200: "OK", 201: "Created", 404: "Not Found", 410: "Gone", 413: "Payload Too Large", 429: "Too Many Requests", 500: "Internal Server Error", 503: "Service Unavailable"}


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class FakePushService(FakeServer):
    record: bool = True
    # Per path, the statuses to answer in order; then 201.
    script: dict[str, deque[int]] = field(default_factory=lambda: defaultdict(deque))
    connections: int = 0
    count: int = 0

    @property
    def origin(self) -> str:
        return f"http://{self.host}:{self.port}"

    def endpoint(self, name: str) -> str:
        return f"{self.origin}/push/{name}"

    def answer(self, name: str, *statuses: int) -> None:
        self.script[f"/push/{name}"].extend(statuses)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                _method, path, headers, body = await read_request(reader)
                queued = self.script.get(path)
                status = queued.popleft() if queued else 201
                self.count += 1
                if self.record:
                    await self.arrived(Received(path, headers, body))
                close = headers.get("connection", "").lower() == "close"
                writer.write(
                    f"HTTP/1.1 {status} {REASONS.get(status, 'Status')}\r\ncontent-length: 0\r\n"
                    f"{'connection: close' if close else 'connection: keep-alive'}\r\n\r\n".encode()
                )
                await writer.drain()
                if close:
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()
