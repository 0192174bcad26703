"""The job runner every outbound queue shares (push, robots, webhooks): claim due jobs, deliver, record, retry, prune.

A kind of job is a table and a `JobRunner` subclass saying what differs: `name`, `model`, its settings
(`max_attempts`, `retry_base_seconds`, `poll_seconds`) and `deliver()`; `load()`, `group()` and
`recorded()` when a job needs more than its own row. Every instance runs one runner per kind; the jobs
are shared through the table, whose rows go pending (due at next_attempt_at, which is also the lease
while a runner holds them) → sent | failed, or a state of the kind's own (push's `gone`).
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from podium.core.env import Env
from podium.core.events import transaction
from podium.core.outbound import backoff_seconds

log = logging.getLogger(__name__)

PENDING = "pending"
SENT = "sent"
FAILED = "failed"  # refused for good, or out of attempts: kept for people to see why
ERROR_MAX = 300
PRUNE_EVERY = timedelta(hours=1)

T = TypeVar("T")


class JobSettings(Protocol):
    @property
    def max_attempts(self) -> int: ...
    @property
    def retry_base_seconds(self) -> float: ...
    @property
    def poll_seconds(self) -> float: ...


@dataclass(frozen=True)
class Delivery:
    """What one attempt came to, in terms of what to do next."""

    delivered: bool = False
    retryable: bool = False
    status: int | None = None  # the other server's HTTP status; None when nothing answered
    # None when nothing was attempted (the target vanished meanwhile): the previous attempt's status and error stand.
    error: str | None = ""
    retry_after: float | None = None
    end_as: str | None = None  # ends the job now in a state of the kind's own (push's `gone`)


@dataclass(frozen=True)
class Claimed(Generic[T]):
    job_id: int
    attempts: int  # including this one
    work: T  # what `load()` made of the row


# The runner of each kind in each running app, woken when a job is queued on the same instance.
_WAKE: dict[tuple[int, str], asyncio.Event] = {}


def kick(env: Env, name: str) -> None:
    """A job of this kind was queued: this instance's runner takes it now rather than at its next poll."""
    wake = _WAKE.get((id(env), name))
    if wake is not None:
        wake.set()


class JobRunner(Generic[T]):
    """Delivers due jobs of one kind from its table."""

    name: ClassVar[str]  # in logs, and what `kick()` names
    # The job table: id, state, attempts, next_attempt_at, last_status, last_error, finished_at.
    model: ClassVar[Any]
    batch: ClassVar[int] = 100
    # A runner holds the jobs it claimed this long; if its instance dies, another one takes them after.
    lease: ClassVar[timedelta] = timedelta(minutes=2)
    # Finished jobs in these states are kept this long for inspection; the others (failed) are kept.
    keep_finished: ClassVar[timedelta] = timedelta(days=7)
    pruned_states: ClassVar[tuple[str, ...]] = (SENT,)

    def __init__(self, env: Env, settings: JobSettings) -> None:
        self.env = env
        self.settings = settings
        self.wake = asyncio.Event()
        self._last_prune: datetime | None = None

    # --- what differs per kind ---------------------------------------------------------------

    async def load(self, session: AsyncSession, jobs: Sequence[Any]) -> list[T]:
        """What `deliver()` needs of each claimed row, in order; by default the row itself (read, never written)."""
        return list(jobs)

    async def deliver(self, job: Claimed[T]) -> Delivery:
        raise NotImplementedError

    def group(self, work: T) -> Hashable | None:
        """Jobs of the same group are delivered one after the other (a robot's rate limit); None: on their own."""
        return None

    async def recorded(self, session: AsyncSession, results: list[tuple[Claimed[T], Delivery]], now: datetime) -> None:
        """Side effects of the outcomes, in the transaction that records them (push drops expired subscriptions)."""

    def retry_delay(self, attempts: int, retry_after: float | None) -> float:
        """Seconds until the next attempt after `attempts` failed ones; by default doubling from the kind's base."""
        return backoff_seconds(self.settings.retry_base_seconds, attempts, retry_after)

    # --- the loop ------------------------------------------------------------------------------

    async def claim(self) -> list[Claimed[T]]:
        """Take due jobs under a lease; on PostgreSQL concurrent runners skip each other's rows."""
        model, now = self.model, self.env.clock()
        async with transaction(self.env.db) as tx:
            s = tx.session
            query = (
                select(model)
                .where(model.state == PENDING, model.next_attempt_at <= now)
                .order_by(model.next_attempt_at, model.id)
                .limit(self.batch)
            )
            if s.bind.dialect.name == "postgresql":
                query = query.with_for_update(skip_locked=True)
            jobs = (await s.scalars(query)).all()
            if not jobs:
                return []
            for job in jobs:
                job.attempts += 1
                job.next_attempt_at = now + self.lease
            works = await self.load(s, jobs)
            return [Claimed(job.id, job.attempts, work) for job, work in zip(jobs, works, strict=True)]

    async def _deliver(self, job: Claimed[T]) -> Delivery:
        try:
            return await self.deliver(job)
        except Exception as exc:  # a bug or bad stored data: counts as an attempt, retried
            log.exception("%s job %s could not be sent", self.name, job.job_id)
            return Delivery(retryable=True, error=f"{type(exc).__name__}: {exc}"[:ERROR_MAX])

    async def _deliver_in_turn(self, jobs: list[Claimed[T]]) -> list[tuple[Claimed[T], Delivery]]:
        return [(job, await self._deliver(job)) for job in jobs]

    async def record(self, results: list[tuple[Claimed[T], Delivery]]) -> None:
        model, settings, now = self.model, self.settings, self.env.clock()
        async with transaction(self.env.db) as tx:
            for job, outcome in results:
                values: dict[str, object] = {}
                if outcome.error is not None:
                    values = {"last_status": outcome.status, "last_error": "" if outcome.delivered else outcome.error[:ERROR_MAX]}
                if outcome.delivered:
                    values |= {"state": SENT, "finished_at": now}
                elif outcome.end_as is not None:
                    values |= {"state": outcome.end_as, "finished_at": now}
                elif outcome.retryable and job.attempts < settings.max_attempts:
                    delay = self.retry_delay(job.attempts, outcome.retry_after)
                    values["next_attempt_at"] = now + timedelta(seconds=delay)
                else:
                    values |= {"state": FAILED, "finished_at": now}
                    error = (outcome.error or "")[:100]
                    log.warning("%s job %s failed after %s attempts: %s %s", self.name, job.job_id, job.attempts, outcome.status, error)
                await tx.session.execute(update(model).where(model.id == job.job_id).values(**values))
            await self.recorded(tx.session, results, now)

    async def prune(self) -> None:
        model, cutoff = self.model, self.env.clock() - self.keep_finished
        async with transaction(self.env.db) as tx:
            await tx.session.execute(delete(model).where(model.state.in_(self.pruned_states), model.finished_at < cutoff))

    async def run_once(self) -> int:
        """Deliver one batch of due jobs, concurrently but in turn within a group; returns how many were taken."""
        claimed = await self.claim()
        if not claimed:
            return 0
        groups: dict[Hashable, list[Claimed[T]]] = defaultdict(list)
        alone: list[Claimed[T]] = []
        for job in claimed:
            key = self.group(job.work)
            (alone if key is None else groups[key]).append(job)
        singles = [self._deliver_in_turn([job]) for job in alone]
        done = await asyncio.gather(*singles, *(self._deliver_in_turn(jobs) for jobs in groups.values()))
        await self.record([pair for pairs in done for pair in pairs])
        return len(claimed)

    async def run(self) -> None:
        """Deliver until cancelled: woken by `kick()`, else every `poll_seconds`; a failed round is retried at the next."""
        key = (id(self.env), self.name)
        _WAKE[key] = self.wake
        try:
            while True:
                self.wake.clear()
                taken = 0
                try:
                    taken = await self.run_once()
                    now = self.env.clock()
                    if self._last_prune is None or now - self._last_prune > PRUNE_EVERY:
                        self._last_prune = now
                        await self.prune()
                except Exception:  # the database may be briefly away: the next round retries
                    log.exception("%s runner round failed", self.name)
                if taken >= self.batch:
                    continue  # more are due: no wait
                try:
                    await asyncio.wait_for(self.wake.wait(), self.settings.poll_seconds)
                except TimeoutError:
                    pass
        finally:
            if _WAKE.get(key) is self.wake:
                del _WAKE[key]
