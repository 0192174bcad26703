"""A socket lives no longer than what it was opened with: a person's session, a display's token.

Whatever the credential, the socket is closed (4401) at the first of:

- the event that ends it, published on the org's channel after the commit, which reaches
  every instance through the bus (one stream topic per org and kind, shared by its sockets);
- its expiry, known at the handshake: the re-check below wakes then, nothing to publish;
- a database re-check every RECHECK_SECONDS, for an event lost in a bus outage.

ws.py also asks the database again before each operation sent over the socket, so a
credential ended while the bus was down refuses the next operation at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from podium.core.events import org_channel
from podium.realtime.hub import Hub

log = logging.getLogger(__name__)

FIRST_RECHECK_SECONDS = 1.0  # soon: it covers an end between the handshake and the event subscription
RECHECK_SECONDS = 30.0


@dataclass(frozen=True)
class Credential:
    """What a socket was opened with, as far as ending it goes."""

    org_id: int
    ended_by: str  # the event kind that ends it; the event names what it ended in `ids` (or `id`)
    id: int
    valid: Callable[[], Awaitable[bool]]  # the database's word
    expires_at: datetime | None = None

    async def still_valid(self, now: datetime) -> bool:
        if self.expires_at is not None and self.expires_at <= now:
            return False
        try:
            return await self.valid()
        except Exception:  # the database unreachable is no proof the credential ended
            log.warning("could not re-check a socket's credential", exc_info=True)
            return True


class EndedLive:
    """A stream topic per org and kind: the ids each such event ends."""

    stream = True

    def __init__(self, org_id: int, kind: str) -> None:
        self.org_id = org_id
        self.kind = kind

    @property
    def key(self) -> Hashable:
        return ("ended", self.kind, self.org_id)

    @property
    def channel(self) -> str:
        return org_channel(self.org_id)

    def relevant(self, event: dict[str, Any]) -> bool:
        return event.get("kind") == self.kind

    async def snapshot(self) -> Any:
        return None

    async def values_for(self, event: dict[str, Any]) -> list[Any]:
        ids = event["ids"] if "ids" in event else [event.get("id")]
        return [frozenset(ids)]

    def refresh_at(self, value: Any) -> datetime | None:
        return None


async def until_ended(hub: Hub, credential: Credential, clock: Callable[[], datetime]) -> None:
    """Completes when the credential has ended."""
    pending = {asyncio.create_task(_event(hub, credential)), asyncio.create_task(_recheck(credential, clock))}
    try:
        while pending:
            done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
            if any(not task.cancelled() and task.exception() is None for task in done):
                return
            # A watcher that failed (the bus down when it subscribed) proves nothing: the others go on.
            for task in done:
                if not task.cancelled():
                    log.warning("a socket's credential watcher failed", exc_info=task.exception())
    finally:
        for task in pending:
            task.cancel()


async def _event(hub: Hub, credential: Credential) -> None:
    async with contextlib.aclosing(hub.listen(EndedLive(credential.org_id, credential.ended_by))) as values:
        async for ended in values:
            if credential.id in ended:
                return


async def _recheck(credential: Credential, clock: Callable[[], datetime]) -> None:
    """Asks the database now and then, and wakes at the expiry, which still_valid sees without asking."""
    delay = FIRST_RECHECK_SECONDS
    while True:
        if credential.expires_at is not None:
            delay = min(delay, max(0.0, (credential.expires_at - clock()).total_seconds()))
        await asyncio.sleep(delay)
        # Spread out: sockets that reconnected together after a restart must not all ask at the same moment.
        delay = RECHECK_SECONDS * random.uniform(0.8, 1.2)
        if not await credential.still_valid(clock()):
            return
