"""A display's socket ends the moment a manager revokes it."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Coroutine, Hashable
from datetime import datetime
from typing import Any

from podium.core.env import Env
from podium.core.events import org_channel
from podium.displays import service

# Belt and braces: the revocation event is the fast path; this re-check covers an event lost in a bus outage.
RECHECK_SECONDS = 30.0


class RevocationLive:
    """A stream topic per display: one value when its revocation is published."""

    stream = True

    def __init__(self, org_id: int, display_id: int) -> None:
        self.org_id = org_id
        self.display_id = display_id

    @property
    def key(self) -> Hashable:
        return ("display_revoked", self.display_id)

    @property
    def channel(self) -> str:
        return org_channel(self.org_id)

    def relevant(self, event: dict[str, Any]) -> bool:
        return event.get("kind") == "display_revoked" and event.get("id") == self.display_id

    async def snapshot(self) -> Any:
        return None

    async def values_for(self, event: dict[str, Any]) -> list[Any]:
        return [True]

    def refresh_at(self, value: Any) -> datetime | None:
        return None


async def _recheck(env: Env, display_id: int) -> None:
    delay = 1.0  # first soon: a revocation between the handshake and the event subscription
    while True:
        await asyncio.sleep(delay)
        delay = RECHECK_SECONDS
        with contextlib.suppress(Exception):  # the database unreachable is no proof of revocation
            if not await service.still_valid(env, display_id):
                return


async def _event(context: Any, org_id: int, display_id: int) -> None:
    async for _ in context.hub.listen(RevocationLive(org_id, display_id)):
        return


def until_revoked(context: Any) -> Coroutine[Any, Any, None] | None:
    """For a display's socket, what completes when it is revoked; None for a person's socket."""
    viewer = context.viewer
    if viewer is None or not viewer.is_display or viewer.display_id is None:
        return None
    return _until_revoked(context, viewer.org_id, viewer.display_id)


async def _until_revoked(context: Any, org_id: int, display_id: int) -> None:
    tasks = {
        asyncio.create_task(_event(context, org_id, display_id)),
        asyncio.create_task(_recheck(context.env, display_id)),
    }
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
