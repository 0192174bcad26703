"""Domain events, recorded in the transaction that makes the change they describe (a transactional outbox).

An action calls `tx.record(SomethingHappened(...))`; the event is stored in `domain_events` by the
same COMMIT as the change. After the commit the process that made it runs the event's handlers at
once (so a phone sees its points as fast as before), and every instance's dispatcher runs whatever a
crash or an outage left behind (core/outbox.py). Handlers are listed in one table in app.py.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from contextvars import ContextVar
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, ClassVar, Protocol

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from podium.core.clock import utcnow
from podium.core.models import EventRow
from podium.db.session import WRITE_OPTION

log = logging.getLogger(__name__)

# The key under which a sessionmaker carries its outbox (session.info), set once by build_runtime().
OUTBOX_KEY = "podium.outbox"


class Publisher(Protocol):
    async def publish(self, channel: str, message: str) -> None: ...


def org_channel(org_id: int) -> str:
    return f"org.{org_id}"


@dataclass(frozen=True)
class DomainEvent:
    """Something that happened in one org. Subclasses are frozen dataclasses with JSON-able fields.

    `name` is the event's stored name and its `kind` on the live wire; `live` events are also
    published to every instance's subscribers (the realtime handler), with their fields as data.
    """

    org_id: int
    name: ClassVar[str]
    live: ClassVar[bool] = True
    registry: ClassVar[dict[str, type[DomainEvent]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "name" in cls.__dict__:
            if "kind" in getattr(cls, "__annotations__", {}):
                raise TypeError(f"{cls.__name__}: `kind` is the live message's own field")
            if cls.name in DomainEvent.registry and DomainEvent.registry[cls.name] is not cls:
                raise TypeError(f"two domain events named {cls.name!r}")
            DomainEvent.registry[cls.name] = cls

    def payload(self) -> str:
        return json.dumps(asdict(self), default=_json_default, separators=(",", ":"), sort_keys=True)

    def wire(self) -> str:
        """The live message: {"kind": name, ...fields but org_id}."""
        data = {k: v for k, v in asdict(self).items() if k != "org_id"}
        return json.dumps({"kind": self.name, **data}, default=_json_default, separators=(",", ":"))

    @staticmethod
    def decode(name: str, payload: str) -> DomainEvent:
        cls = DomainEvent.registry[name]
        raw = json.loads(payload)
        kwargs: dict[str, Any] = {}
        for f in fields(cls):
            value = raw.get(f.name)
            kind = str(f.type)
            if value is not None and "datetime" in kind:
                value = datetime.fromisoformat(value)
            elif value is not None and "Decimal" in kind:
                value = Decimal(value)
            elif value is not None and kind.startswith("date"):
                value = date.fromisoformat(value)
            elif value is not None and "tuple" in kind:
                value = tuple(value)
            kwargs[f.name] = value
        return cls(**kwargs)


def names_of(*event_types: type[DomainEvent]) -> frozenset[str]:
    """The live kinds a view listens to, named by their event classes rather than by strings."""
    return frozenset(t.name for t in event_types)


def _json_default(value: object) -> object:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"not JSON: {type(value).__name__}")


# Inside `quietly()`, events are stored as already handled: history being rebuilt or imported
# does not celebrate, push or post the past.
_QUIET: ContextVar[bool] = ContextVar("podium_quiet_events", default=False)


@contextmanager
def quietly() -> Iterator[None]:
    token = _QUIET.set(True)
    try:
        yield
    finally:
        _QUIET.reset(token)


def is_quiet() -> bool:
    return _QUIET.get()


@dataclass(frozen=True)
class Provenance:
    """Who made a change and from where: stored beside the event (never in its payload nor on the wire), for the audit log."""

    user_id: int | None = None
    token_id: int | None = None
    name: str = ""  # the person's name (a token's: its own) at the time
    email: str = ""
    ip: str = ""
    user_agent: str = ""

    def stored(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"), ensure_ascii=False)

    @staticmethod
    def read(stored: str | None) -> Provenance | None:
        if not stored:
            return None
        raw = json.loads(stored)
        return Provenance(**{f.name: raw.get(f.name, f.default) for f in fields(Provenance)})


# Set by the layer that serves a request (graphql/http.py) for what it runs; events recorded meanwhile carry it.
_PROVENANCE: ContextVar[Provenance | None] = ContextVar("podium_provenance", default=None)


@contextmanager
def acting(provenance: Provenance | None) -> Iterator[None]:
    token = _PROVENANCE.set(provenance)
    try:
        yield
    finally:
        _PROVENANCE.reset(token)


def current_provenance() -> Provenance | None:
    return _PROVENANCE.get()


class Dispatcher(Protocol):
    # How long the committing process has to run an event's handlers before any dispatcher may take it.
    head_start_seconds: float

    async def run_now(self, staged: list[tuple[Staged, DomainEvent]]) -> None: ...

    async def run_due(self, limit: int = 100, *, org_id: int | None = None, whenever: bool = False) -> int: ...


@dataclass(frozen=True)
class Staged:
    """An event's row as the write's transaction stored it."""

    id: int
    name: str
    created_at: datetime | None = None
    actor: str | None = None


async def stage(session: AsyncSession, events: list[DomainEvent], *, quiet: bool, head_start: float = 0.0) -> list[Staged]:
    """INSERT the events' rows in the write's transaction; quiet ones are stored as handled already.

    One INSERT … RETURNING through Core, not the ORM's unit of work: it is on every write's path.
    """
    now = utcnow()
    due = now + timedelta(seconds=head_start)
    provenance = current_provenance()
    actor = provenance.stored() if provenance is not None else None
    values = [
        {"org_id": e.org_id, "name": e.name, "payload": e.payload(), "created_at": now, "next_at": due, "attempts": 0,
         "handled": "", "done_at": now if quiet else None, "actor": actor}
        for e in events
    ]
    inserted = await session.execute(insert(EventRow).returning(EventRow.id, sort_by_parameter_order=True), values)
    return [Staged(int(i), e.name, now, actor) for i, e in zip(inserted.scalars().all(), events, strict=True)]


@dataclass
class Tx:
    session: AsyncSession
    events: list[DomainEvent] = field(default_factory=list)

    def record(self, event: DomainEvent) -> None:
        """Store `event` with this transaction's change; its handlers run once it is committed."""
        self.events.append(event)


@asynccontextmanager
async def transaction(db: async_sessionmaker[AsyncSession]) -> AsyncIterator[Tx]:
    """Commit the change and its events together, then run the events' handlers in this process.

    A handler that fails never undoes the write: the event stays in the table and is retried.
    """
    quiet = is_quiet()
    async with db() as session:
        # Marks the transaction as a write before it begins (SQLite then takes its write lock at once).
        await session.connection(execution_options={WRITE_OPTION: True})
        tx = Tx(session)
        yield tx
        outbox: Dispatcher | None = session.info.get(OUTBOX_KEY)
        head_start = outbox.head_start_seconds if outbox is not None else 0.0
        staged = await stage(session, tx.events, quiet=quiet, head_start=head_start) if tx.events else []
        await session.commit()
    # Without an outbox (a command-line tool), the events wait in the table for a running instance.
    if staged and not quiet and outbox is not None:
        await outbox.run_now(list(zip(staged, tx.events, strict=True)))


async def catch_up(db: async_sessionmaker[AsyncSession], org_id: int) -> None:
    """A replayed write: whatever consequences of the org's committed writes are still pending happen now.

    The phone retries when it got no answer, which is also what a crash between the commit and the
    handlers looks like from outside; handlers are idempotent, so running them early is harmless.
    """
    async with db() as session:
        outbox: Dispatcher | None = session.info.get(OUTBOX_KEY)
    if outbox is not None:
        try:
            await outbox.run_due(org_id=org_id, whenever=True)
        except Exception:  # the answer is the stored write; the dispatchers still have the events
            log.exception("catching up on pending events failed")
