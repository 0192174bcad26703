"""Third parties faked at the HTTP boundary: a raw asyncio HTTP/1.1 server on 127.0.0.1, so the app's real client is exercised."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any


async def read_request(reader: asyncio.StreamReader) -> tuple[str, str, dict[str, str], bytes]:
    """One request off a keep-alive connection: method, target, lower-cased headers, body."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    method, target, _version = lines[0].split(" ", 2)
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    body = await reader.readexactly(int(headers.get("content-length", "0")))
    return method, target, headers, body


@dataclass
class FakeServer:
    """Listens while used as `async with`; subclasses serve connections and call `arrived()` for each request they keep."""

    host: str = "127.0.0.1"
    port: int = 0
    received: list[Any] = field(default_factory=list)
    _server: asyncio.AbstractServer | None = None
    _arrived: asyncio.Condition | None = None

    async def __aenter__(self) -> Any:
        self._arrived = asyncio.Condition()
        self._server = await asyncio.start_server(self._serve, self.host, self.port, backlog=1024)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()

    async def wait_for(self, count: int, timeout: float = 10.0) -> list[Any]:
        assert self._arrived is not None
        async with self._arrived:
            await asyncio.wait_for(self._arrived.wait_for(lambda: len(self.received) >= count), timeout)
        return self.received

    async def arrived(self, request: Any) -> None:
        self.received.append(request)
        assert self._arrived is not None
        async with self._arrived:
            self._arrived.notify_all()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        raise NotImplementedError
