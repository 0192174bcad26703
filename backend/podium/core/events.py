"""Transactions that publish their events only after the commit succeeded."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from podium.db.session import WRITE_OPTION

log = logging.getLogger(__name__)


class Publisher(Protocol):
    async def publish(self, channel: str, message: str) -> None: ...


def org_channel(org_id: int) -> str:
    return f"org.{org_id}"


@dataclass
class Tx:
    session: AsyncSession
    _after_commit: list[Callable[[], Awaitable[None]]] = field(default_factory=list)

    def after_commit(self, action: Callable[[], Awaitable[None]]) -> None:
        self._after_commit.append(action)

    def publish_after_commit(self, publisher: Publisher, channel: str, message: str) -> None:
        """Announce an event once the write it describes is committed."""

        async def publish() -> None:
            await publisher.publish(channel, message)

        self.after_commit(publish)


@asynccontextmanager
async def transaction(db: async_sessionmaker[AsyncSession]) -> AsyncIterator[Tx]:
    """Commit on success, then run the after-commit actions; a failed action never undoes the write."""
    async with db() as session:
        # Marks the transaction as a write before it begins (SQLite then takes its write lock at once).
        await session.connection(execution_options={WRITE_OPTION: True})
        tx = Tx(session)
        yield tx
        await session.commit()
    for action in tx._after_commit:
        try:
            await action()
        except Exception:  # the database holds the truth; derived state is rebuilt later
            log.exception("after-commit action failed")


def encode_event(kind: str, **data: Any) -> str:
    return json.dumps({"kind": kind, **data}, separators=(",", ":"))
