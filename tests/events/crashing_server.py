"""An app instance that dies (SIGKILL) right after a check-in commits, before any of its handlers run."""

from __future__ import annotations

import os
import signal
import sys

import uvicorn

from podium.app import create_app
from podium.core import outbox

_run_now = outbox.Outbox.run_now


async def run_now(self: outbox.Outbox, staged: list) -> None:  # type: ignore[type-arg]
    if any(row.name == "visit" for row, _ in staged):
        os.kill(os.getpid(), signal.SIGKILL)
    await _run_now(self, staged)


outbox.Outbox.run_now = run_now  # type: ignore[method-assign]

if __name__ == "__main__":
    uvicorn.run(create_app(), host="127.0.0.1", port=int(sys.argv[1]), log_level="warning", ws_per_message_deflate=False, ws="websockets-sansio")
