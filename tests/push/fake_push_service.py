"""A push service on 127.0.0.1: takes POSTs like FCM or Mozilla's autopush would, answers as scripted.

Raw asyncio HTTP/1.1 with keep-alive: what we fake is the third party at the HTTP boundary, so the
sender's real client, pool and headers are exercised.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict, deque
from dataclasses import dataclass, field

REASONS = {200: "OK", 201: "Created", 404: "Not Found", 410: "Gone", 413: "Payload Too Large", 429: "Too Many Requests", 500: "Internal Server Error", 503: "Service Unavailable"}


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class FakePushService:
    host: str = "127.0.0.1"
    port: int = 0
    record: bool = True
    received: list[Received] = field(default_factory=list)
    # Per path, the statuses to answer in order; then 201.
    script: dict[str, deque[int]] = field(default_factory=lambda: defaultdict(deque))
    connections: int = 0
    count: int = 0
    _server: asyncio.AbstractServer | None = None
    _arrived: asyncio.Condition | None = None

    @property
    def origin(self) -> str:
        return f"http://{self.host}:{self.port}"

    def endpoint(self, name: str) -> str:
        return f"{self.origin}/push/{name}"

    def answer(self, name: str, *statuses: int) -> None:
        self.script[f"/push/{name}"].extend(statuses)

    async def __aenter__(self) -> FakePushService:
        self._arrived = asyncio.Condition()
        self._server = await asyncio.start_server(self._serve, self.host, self.port, backlog=1024)
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
        self.connections += 1
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                _method, path, _version = lines[0].split(" ", 2)
                headers = {}
                for line in lines[1:]:
                    if ":" in line:
                        name, value = line.split(":", 1)
                        headers[name.strip().lower()] = value.strip()
                body = await reader.readexactly(int(headers.get("content-length", "0")))
                queued = self.script.get(path)
                status = queued.popleft() if queued else 201
                self.count += 1
                if self.record:
                    self.received.append(Received(path, headers, body))
                    assert self._arrived is not None
                    async with self._arrived:
                        self._arrived.notify_all()
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
