"""The job runner on its own: a fake kind of job over robot_jobs, delivered by a function the test controls."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from podium.app import build_runtime
from podium.core import jobs
from podium.core.clock import utcnow
from podium.core.env import Env
from podium.core.events import transaction
from podium.core.jobs import Claimed, Delivery, JobRunner
from podium.orgs import service as orgs
from podium.robots.models import Robot, RobotJob
from tests.conftest import Stack


@dataclass(frozen=True)
class Rules:
    max_attempts: int = 3
    retry_base_seconds: float = 10.0
    poll_seconds: float = 60.0


class Fake(JobRunner[RobotJob]):
    """Delivers nothing: records each attempt and answers what the test says."""

    name = "fake"
    model = RobotJob
    batch = 7  # several rounds for the jobs below

    def __init__(self, env: Env, answer: Delivery = Delivery(delivered=True, status=200), rules: Rules = Rules()) -> None:
        super().__init__(env, rules)
        self.answer = answer
        self.attempts: list[int] = []
        self.meet: asyncio.Barrier | None = None

    async def load(self, session: AsyncSession, rows: Sequence[RobotJob]) -> list[RobotJob]:
        if self.meet is not None:  # hold the first claim open until the other runner has claimed too
            meet, self.meet = self.meet, None
            await asyncio.wait_for(meet.wait(), 5)
        return list(rows)

    async def deliver(self, job: Claimed[RobotJob]) -> Delivery:
        self.attempts.append(job.job_id)
        await asyncio.sleep(0.01)  # the other runner polls meanwhile
        return self.answer


@dataclass
class Place:
    env: Env
    org_id: int
    robot_id: int


@pytest.fixture
async def place(stack: Stack) -> AsyncIterator[Place]:
    """A database with one org and one robot, and no app running: only the tests' runners take jobs."""
    runtime = build_runtime(stack.settings)
    env = runtime.env
    async with transaction(env.db) as tx:
        org = await orgs.create_org(tx.session, env, name="Jobs", slug=f"jobs-{uuid.uuid4().hex[:6]}", time_zone="Asia/Shanghai")
        robot = Robot(
            org_id=org.id, kind="slack", url="https://hooks.example/x", kinds="milestone", locale="en", created_at=env.clock(), updated_at=env.clock()
        )
        tx.session.add(robot)
        await tx.session.flush()
        found = Place(env, org.id, robot.id)
    yield found
    if runtime.redis is not None:
        await runtime.redis.aclose()
    await env.db.kw["bind"].dispose()


async def queue(place: Place, count: int, now: datetime | None = None) -> list[int]:
    now = now or place.env.clock()
    async with transaction(place.env.db) as tx:
        rows = [RobotJob(org_id=place.org_id, robot_id=place.robot_id, payload=f"{i}", next_attempt_at=now, created_at=now) for i in range(count)]
        tx.session.add_all(rows)
        await tx.session.flush()
        return [row.id for row in rows]


async def stored(env: Env) -> list[RobotJob]:
    async with env.db() as session:
        return list(await session.scalars(select(RobotJob).order_by(RobotJob.id)))


async def test_a_due_job_is_delivered_once_with_two_runners_polling_at_once(place: Place) -> None:
    ids = await queue(place, 40)
    runners = [Fake(place.env), Fake(place.env)]
    if place.env.db.kw["bind"].dialect.name == "postgresql":  # SQLite's write transactions take turns: they cannot overlap
        meet = asyncio.Barrier(2)
        for r in runners:
            r.meet = meet

    async def drain(runner: Fake) -> None:
        while await runner.run_once():
            pass

    await asyncio.gather(*(drain(r) for r in runners))

    delivered = Counter(job_id for r in runners for job_id in r.attempts)
    assert delivered == Counter(ids)  # each one, once
    assert all(r.attempts for r in runners)  # both took a share
    assert {(j.state, j.attempts, j.last_status) for j in await stored(place.env)} == {("sent", 1, 200)}


async def test_a_retryable_failure_is_retried_with_backoff_then_kept_as_failed(place: Place) -> None:
    now = [utcnow()]
    env = replace(place.env, clock=lambda: now[0])
    (job_id,) = await queue(place, 1, now[0])
    runner = Fake(env, Delivery(retryable=True, status=503, error="busy"))

    waits = []
    for attempt in (1, 2):
        assert await runner.run_once() == 1
        (job,) = await stored(env)
        waits.append((job.next_attempt_at - now[0]).total_seconds())
        assert (job.state, job.attempts, job.last_status, job.last_error) == ("pending", attempt, 503, "busy")
        assert await runner.run_once() == 0  # not due before its backoff
        now[0] = job.next_attempt_at
    assert await runner.run_once() == 1
    (job,) = await stored(env)

    assert 8 <= waits[0] <= 12 and 16 <= waits[1] <= 24  # 10 s, then 20 s, ±20 %
    assert (job.state, job.attempts, job.last_status, job.last_error, job.finished_at) == ("failed", 3, 503, "busy", now[0])
    assert runner.attempts == [job_id] * 3
    assert await runner.run_once() == 0


async def test_a_job_that_raises_counts_as_an_attempt_and_is_retried(place: Place) -> None:
    class Broken(Fake):
        async def deliver(self, job: Claimed[RobotJob]) -> Delivery:
            raise ValueError("bad stored data")

    await queue(place, 1)
    assert await Broken(place.env).run_once() == 1
    (job,) = await stored(place.env)

    assert (job.state, job.attempts, job.last_status, job.last_error) == ("pending", 1, None, "ValueError: bad stored data")


async def test_a_kick_wakes_the_runner_long_before_its_poll(place: Place) -> None:
    runner = Fake(place.env)  # polls every minute
    task = asyncio.create_task(runner.run())
    try:
        await asyncio.sleep(0.5)  # its first round found nothing: now it waits
        (job_id,) = await queue(place, 1)
        jobs.kick(place.env, Fake.name)
        async with asyncio.timeout(5):
            while not runner.attempts:
                await asyncio.sleep(0.02)
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    assert runner.attempts == [job_id]
    jobs.kick(place.env, Fake.name)  # a kick with no runner listening is nothing


async def test_a_failed_round_is_retried_at_the_next_poll(place: Place) -> None:
    runner = Fake(place.env, rules=Rules(poll_seconds=0.05))
    rounds = 0
    claim = runner.claim

    async def blip() -> list[Claimed[RobotJob]]:
        nonlocal rounds
        rounds += 1
        if rounds == 1:
            raise ConnectionError("database away")
        return await claim()

    runner.claim = blip  # type: ignore[method-assign]
    (job_id,) = await queue(place, 1)
    task = asyncio.create_task(runner.run())
    try:
        async with asyncio.timeout(5):
            while not runner.attempts:
                await asyncio.sleep(0.02)
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    assert rounds >= 2 and runner.attempts == [job_id]


async def test_finished_jobs_are_pruned_after_their_keep_and_failed_ones_kept(place: Place) -> None:
    old = place.env.clock() - timedelta(days=8)
    sent, failed, recent = await queue(place, 3)
    async with transaction(place.env.db) as tx:
        for job_id, state, at in ((sent, "sent", old), (failed, "failed", old), (recent, "sent", place.env.clock())):
            job = await tx.session.get(RobotJob, job_id)
            assert job is not None
            job.state, job.finished_at = state, at

    await Fake(place.env).prune()

    assert [j.id for j in await stored(place.env)] == [failed, recent]
