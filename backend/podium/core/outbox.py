"""Runs the handlers of recorded domain events: at once after the commit, and again from the table.

Every instance runs a dispatcher. It takes events whose head start has passed and that are not yet
handled (`FOR UPDATE SKIP LOCKED` on PostgreSQL, so instances share the work without fighting; on
SQLite the write lock makes it one writer), leases them, runs the handlers that have not yet
succeeded on them, and records the outcome. A handler that keeps failing is retried with backoff;
after `max_attempts` the event is kept as failed, with its error, for an admin to see and retry.
Handlers must be idempotent: a crash between a handler's effect and the record of its success runs
it again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update

from podium.core.clock import utcnow
from podium.core.env import Env
from podium.core.errors import DomainError, ErrorCode
from podium.core.policies import Viewer
from podium.core.events import OUTBOX_KEY, DomainEvent, Staged, org_channel
from podium.core.models import EventRow
from podium.db.session import WRITE_OPTION

log = logging.getLogger(__name__)

Handler = Callable[[Env, Any], Awaitable[None]]
# Event type → its handlers, in the order they run. Composed once, in app.py.
SubscriberTable = dict[type[DomainEvent], Sequence[Handler]]

ERROR_MAX = 1000
# How long handled events wait to be marked done together.
DONE_BATCH_SECONDS = 0.02
BACKOFF_CAP_SECONDS = 300.0


def handler_name(handler: Handler) -> str:
    module = handler.__module__.removeprefix("podium.")
    return f"{module}.{handler.__qualname__}"


async def publish_live(env: Env, event: DomainEvent) -> None:
    """The realtime handler: every instance's live views hear of the event (the bus carries it)."""
    await env.publisher.publish(org_channel(event.org_id), event.wire())


@dataclass(frozen=True)
class EventMeta:
    """The stored row of the event a handler is running for: its id (a key for idempotence), when, and who."""

    id: int
    created_at: datetime
    actor: str | None


_HANDLING: ContextVar[EventMeta | None] = ContextVar("podium_handling", default=None)


def handling() -> EventMeta | None:
    """The row of the event whose handlers are running (None outside a handler)."""
    return _HANDLING.get()


@dataclass(frozen=True)
class Outcome:
    row_id: int
    handled: frozenset[str]
    error: str | None


class Outbox:
    def __init__(
        self, env: Env, table: SubscriberTable, *, head_start_seconds: float = 30.0, poll_seconds: float = 2.0,
        lease_seconds: float = 60.0, max_attempts: int = 12, backoff_seconds: float = 1.0,
    ) -> None:
        self.env = env
        self.head_start_seconds = head_start_seconds
        self.poll_seconds = poll_seconds
        self.lease_seconds = lease_seconds
        self.max_attempts = max_attempts
        self.backoff_seconds = backoff_seconds
        self._handlers: dict[str, list[tuple[str, Handler]]] = {}
        for event_type, handlers in table.items():
            named = [(handler_name(h), h) for h in handlers]
            if len({n for n, _ in named}) != len(named):
                raise ValueError(f"a handler is listed twice for {event_type.name}")
            self._handlers[event_type.name] = named
        self._wake = asyncio.Event()
        self._done_ids: list[int] = []
        self._marker: asyncio.Task[None] | None = None
        # The sessionmaker hands this outbox to every transaction (core/events.py).
        env.db.configure(info={OUTBOX_KEY: self})

    def handlers_for(self, name: str) -> list[tuple[str, Handler]]:
        return self._handlers.get(name, [])

    # ---------------------------------------------------------------- running

    async def handle(
        self, event: DomainEvent, done: frozenset[str] = frozenset(), meta: EventMeta | None = None
    ) -> tuple[frozenset[str], str | None]:
        """Run the event's handlers that have not succeeded yet; each one's failure is its own."""
        handled = set(done)
        errors: list[str] = []
        marker = _HANDLING.set(meta)
        try:
            for name, handler in self.handlers_for(event.name):
                if name in handled:
                    continue
                try:
                    await handler(self.env, event)
                except Exception as exc:  # kept on the row and retried; the others still run
                    log.warning("handler %s failed on %s: %s", name, event.name, exc, exc_info=True)
                    errors.append(f"{name}: {type(exc).__name__}: {exc}")
                else:
                    handled.add(name)
        finally:
            _HANDLING.reset(marker)
        return frozenset(handled), ("\n".join(errors)[:ERROR_MAX] if errors else None)

    async def run_now(self, staged: list[tuple[Staged, DomainEvent]]) -> None:
        """After the commit, in the committing process: the latency path."""
        failed = []
        for row, event in staged:
            handled, error = await self.handle(event, meta=EventMeta(row.id, row.created_at or utcnow(), row.actor))
            if error is None:
                self._mark_done(row.id)
            else:
                failed.append(Outcome(row.id, handled, error))
        try:
            await self._finish(failed, claimed=False)
        except Exception:  # the rows stay pending; a dispatcher runs them again (idempotently)
            log.exception("recording failed handlers failed")

    def _mark_done(self, row_id: int) -> None:
        """Handled events are marked done in batches, off the write's own path: one UPDATE for a burst of writes.

        Until then (milliseconds) they are pending in the table; a crash before the UPDATE only means a
        dispatcher runs their (idempotent) handlers again once the head start has passed.
        """
        self._done_ids.append(row_id)
        if self._marker is None or self._marker.done():
            self._marker = asyncio.create_task(self._mark_done_batches())

    async def _mark_done_batches(self) -> None:
        await asyncio.sleep(DONE_BATCH_SECONDS)
        while self._done_ids:
            ids, self._done_ids = self._done_ids, []
            try:
                await self._finish([Outcome(i, frozenset(), None) for i in ids], claimed=False)
            except Exception:
                log.exception("marking %d handled events done failed; dispatchers will run them again", len(ids))

    async def flush(self) -> None:
        """Wait until every event handled so far is marked done (at shutdown, and in tests)."""
        while self._marker is not None and not self._marker.done():
            await asyncio.shield(self._marker)

    async def run_due(self, limit: int = 100, *, org_id: int | None = None, whenever: bool = False) -> int:
        """Take due events (whatever a crash, an outage or a failed handler left) and handle them.

        `whenever`: also those still in their head start or backoff (a replayed write asks for its consequences now).
        """
        claimed = await self._claim(limit, org_id=org_id, whenever=whenever)
        outcomes = []
        for row_id, name, payload, handled, meta in claimed:
            try:
                event = DomainEvent.decode(name, payload)
            except Exception as exc:  # an event this version cannot read: keep it visible, never drop it
                outcomes.append(Outcome(row_id, handled, f"decode: {type(exc).__name__}: {exc}"[:ERROR_MAX]))
                continue
            done, error = await self.handle(event, handled, meta)
            outcomes.append(Outcome(row_id, done, error))
        await self._finish(outcomes, claimed=True)
        return len(claimed)

    async def _claim(
        self, limit: int, *, org_id: int | None = None, whenever: bool = False
    ) -> list[tuple[int, str, str, frozenset[str], EventMeta]]:
        now = utcnow()
        async with self.env.db() as session:
            await session.connection(execution_options={WRITE_OPTION: True})
            query = select(EventRow).where(EventRow.done_at.is_(None), EventRow.failed_at.is_(None))
            if not whenever:
                query = query.where(EventRow.next_at <= now)
            if org_id is not None:
                query = query.where(EventRow.org_id == org_id)
            query = query.order_by(EventRow.id).limit(limit).with_for_update(skip_locked=True)
            rows = (await session.scalars(query)).all()
            for row in rows:
                row.attempts += 1
                row.next_at = now + timedelta(seconds=self.lease_seconds)
            claimed = [(r.id, r.name, r.payload, frozenset(r.handled.split()), EventMeta(r.id, r.created_at, r.actor)) for r in rows]
            await session.commit()
        return claimed

    async def _finish(self, outcomes: list[Outcome], *, claimed: bool) -> None:
        if not outcomes:
            return
        now = utcnow()
        async with self.env.db() as session:
            await session.connection(execution_options={WRITE_OPTION: True})
            done = [o.row_id for o in outcomes if o.error is None]
            if done:
                await session.execute(update(EventRow).where(EventRow.id.in_(done)).values(done_at=now, last_error=None))
            for o in outcomes:
                if o.error is None:
                    continue
                row = await session.get(EventRow, o.row_id)
                if row is None:
                    continue
                if not claimed:
                    row.attempts += 1
                row.handled = " ".join(sorted(o.handled))
                row.last_error = o.error
                if row.attempts >= self.max_attempts:
                    row.failed_at = now
                    log.error("event %s (%s) failed %d times; kept for an admin: %s", row.id, row.name, row.attempts, o.error)
                else:
                    row.next_at = now + timedelta(seconds=self.backoff(row.attempts))
            await session.commit()

    def backoff(self, attempts: int) -> float:
        return min(BACKOFF_CAP_SECONDS, self.backoff_seconds * 2 ** max(0, attempts - 1))

    # ---------------------------------------------------------------- the dispatcher

    def kick(self) -> None:
        self._wake.set()

    async def retry_soon(self) -> int:
        """Make every pending event that failed before due now (the bus is back, say) and wake up."""
        async with self.env.db() as session:
            await session.connection(execution_options={WRITE_OPTION: True})
            result = await session.execute(
                update(EventRow)
                .where(EventRow.done_at.is_(None), EventRow.failed_at.is_(None), EventRow.attempts > 0)
                .values(next_at=utcnow())
            )
            await session.commit()
        self.kick()
        return int(getattr(result, "rowcount", 0) or 0)

    async def run(self) -> None:
        while True:
            try:
                while await self.run_due() > 0:
                    await asyncio.sleep(0)  # others' requests go first between batches
            except asyncio.CancelledError:
                raise
            except Exception:  # the database may be away; try again at the next poll
                log.exception("event dispatcher failed")
            try:
                await asyncio.wait_for(self._wake.wait(), self.poll_seconds)
            except TimeoutError:
                pass
            self._wake.clear()


# ---------------------------------------------------------------- for admins


@dataclass(frozen=True)
class Failure:
    id: int
    name: str
    created_at: datetime
    attempts: int
    error: str
    failed: bool


MAX_FAILURES = 200


def _require_admin(viewer: Viewer) -> None:
    if not viewer.is_admin:
        raise DomainError.one(ErrorCode.FORBIDDEN)


async def failures(env: Env, viewer: Viewer, first: int = 50) -> list[Failure]:
    """Events of the admin's org whose handlers failed: given up on, or still being retried after a failure."""
    _require_admin(viewer)
    if not 1 <= first <= MAX_FAILURES:
        raise DomainError.one(ErrorCode.OUT_OF_RANGE, "first", min=1, max=MAX_FAILURES)
    org_id = viewer.org_id
    async with env.db() as session:
        query = (
            select(EventRow)
            .where(EventRow.org_id == org_id, EventRow.done_at.is_(None), EventRow.last_error.is_not(None))
            .order_by(EventRow.id.desc())
            .limit(first)
        )
        rows = (await session.scalars(query)).all()
    return [Failure(r.id, r.name, r.created_at, r.attempts, r.last_error or "", r.failed_at is not None) for r in rows]


async def retry(env: Env, viewer: Viewer, event_id: int) -> Failure:
    """Give a failed event a fresh set of attempts, now (admins); the dispatchers take it at their next look."""
    _require_admin(viewer)
    org_id = viewer.org_id
    async with env.db() as session:
        await session.connection(execution_options={WRITE_OPTION: True})
        result = await session.execute(
            update(EventRow)
            .where(EventRow.id == event_id, EventRow.org_id == org_id, EventRow.done_at.is_(None))
            .values(failed_at=None, attempts=0, next_at=utcnow())
        )
        row = await session.get(EventRow, event_id)
        await session.commit()
    if not getattr(result, "rowcount", 0) or row is None:
        raise DomainError.one(ErrorCode.NOT_FOUND, "id")
    return Failure(row.id, row.name, row.created_at, row.attempts, row.last_error or "", False)


async def prune(env: Env, older_than: timedelta) -> int:
    """Handled events are kept a while (to read what happened), then deleted."""
    async with env.db() as session:
        await session.connection(execution_options={WRITE_OPTION: True})
        result = await session.execute(delete(EventRow).where(EventRow.done_at.is_not(None), EventRow.done_at < utcnow() - older_than))
        await session.commit()
    return int(getattr(result, "rowcount", 0) or 0)
