"""A webhook receiver on 127.0.0.1: takes POSTs and answers as scripted."""

from __future__ import annotations

import asyncio
import json
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from tests.fake_http import FakeServer, read_request


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> dict[str, Any]:
        return json.loads(self.body)


@dataclass
class Receiver(FakeServer):
    # Answers (status, body) in order; then 200.
    script: deque[tuple[int, str]] = field(default_factory=deque)

    def url(self, host: str | None = None, path: str = "/hooks/podium") -> str:
        return f"http://{host or self.host}:{self.port}{path}"

    def answer(self, *answers: tuple[int, str]) -> None:
        self.script.extend(answers)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                _method, target, headers, body = await read_request(reader)
                status, text = self.script.popleft() if self.script else (200, '{"ok":true}')
                await self.arrived(Received(target, headers, body))
                payload = text.encode()
                writer.write(f"HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {len(payload)}\r\n\r\n".encode() + payload)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()
