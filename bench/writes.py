"""checkIn through the transactional outbox against the previous after-commit path, in one process.

Both modes run `visits.service.check_in` (the mutation's whole service path: lock, plausibility,
visit, points entry, events) on PostgreSQL + Redis, with the same handlers after the commit
(boards, milestones, badges, the live publish through the Redis bus):

- **outbox**: the events are INSERTed in the write's transaction and marked done after the handlers;
- **after-commit**: the events are kept in memory only and the handlers run after the commit, as
  before the outbox (nothing survives a crash).

Rounds alternate the modes. Reported per mode: check-ins/s with --concurrency in flight, p50/p99 of
one check-in, and p50/p99 from the call to the "points" message arriving on the bus (commit to
subscriber). Target: the outbox costs at most 15 % throughput and adds at most 5 ms to p50.

    PODIUM_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/podium_bench PODIUM_REDIS_URL=redis://127.0.0.1:6379/14 \\
        .venv/bin/python bench/writes.py [--reps 60] [--visits 4] [--concurrency 8] [--rounds 2] [--without-analytics]

--without-analytics leaves out the analytics rollups' handlers (a check-in's VisitVerified recomputes the rep's
visit days): run with and without it, one after the other, for what the rollups add to the write path.

--history-days N gives every rep N days of history before the timing (--history-per-day visits and as many
activities a day, inserted in bulk, then the rollups rebuilt), so a handler whose work grows with a person's history
shows it: an empty org cannot.

Writes bench/results/writes.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy import insert, select

from podium.analytics import customers_rollup
from podium.app import build_runtime
from podium.core import events as events_module
from podium.core.events import transaction
from podium.core.outbox import Outbox
from podium.core.policies import Role
from podium.customers.models import Customer
from podium.db.migrate import upgrade
from podium.orgs import service as orgs
from podium.pipeline.models import Activity
from podium.settings import load_settings
from podium.visits import service as visits
from podium.visits.events import VisitVerified
from podium.visits.models import Visit

RESULTS = Path(__file__).resolve().parent / "results"
DEFAULT_DB = "postgresql://postgres@127.0.0.1:5432/podium_bench"


async def fresh_database(url: str) -> None:
    base, _, name = url.rpartition("/")
    conn = await asyncpg.connect(f"{base}/postgres")
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    await asyncio.to_thread(upgrade, url.replace("postgresql://", "postgresql+asyncpg://"))


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


class InMemoryOnly:
    """The previous path: events never reach the table; handlers run after the commit all the same."""

    def __enter__(self) -> None:
        self._stage, self._finish = events_module.stage, Outbox._finish

        async def stage(session: Any, events: list[Any], *, quiet: bool, head_start: float = 0.0) -> list[Any]:
            for e in events:
                e.payload()  # the old path encoded its messages too: only the INSERT is left out
            return [events_module.Staged(0, e.name) for e in events]

        async def finish(self: Outbox, outcomes: list[Any], *, claimed: bool) -> None:
            return None

        events_module.stage = stage  # type: ignore[assignment]
        Outbox._finish = finish  # type: ignore[method-assign]

    def __exit__(self, *exc: object) -> None:
        events_module.stage = self._stage  # type: ignore[assignment]
        Outbox._finish = self._finish  # type: ignore[method-assign]


async def seed_history(env: Any, org_id: int, people: list[int], customer_id: int, days: int, per_day: int) -> None:
    """Past visits and activities of every rep (before today's check-ins), and the rollups rebuilt from them."""
    started = time.perf_counter()
    today = datetime.now(UTC).replace(hour=2, minute=0, second=0, microsecond=0)
    visits_rows: list[dict[str, Any]] = []
    activity_rows: list[dict[str, Any]] = []
    for user_id in people:
        for day in range(1, days + 1):
            for n in range(per_day):
                at = today - timedelta(days=day) + timedelta(hours=n)
                visits_rows.append(dict(
                    org_id=org_id, user_id=user_id, customer_id=customer_id, client_id=str(uuid.uuid4()), latitude=31.23, longitude=121.47,
                    accuracy_m=10, occurred_at=at, checked_out_at=at + timedelta(minutes=30), note="", distance_m=5, within_geofence=True,
                    status="verified" if n % 5 else "flagged", flags="", points_awarded=0, auto_closed=False, review_note="", created_at=at,
                ))
                activity_rows.append(dict(
                    org_id=org_id, user_id=user_id, client_id=str(uuid.uuid4()), customer_id=customer_id, kind=("call", "meeting", "email")[n % 3],
                    outcome="neutral", note="", occurred_at=at, created_at=at,
                ))
    async with transaction(env.db) as tx:
        for table, rows in ((Visit, visits_rows), (Activity, activity_rows)):
            for start in range(0, len(rows), 5000):
                await tx.session.execute(insert(table), rows[start:start + 5000])
    await customers_rollup.rebuild_org(env, org_id)
    # The rollups' visit handler alone, on reps with that history (what each check-in adds after its commit).
    async with env.db() as session:
        latest = list((await session.execute(
            select(Visit.id, Visit.user_id, Visit.occurred_at).where(Visit.org_id == org_id).order_by(Visit.occurred_at.desc()).limit(20)
        )).all())
    runs, cpu = [], time.process_time()
    for visit_id, user_id, at in latest:
        t0 = time.perf_counter()
        await customers_rollup.on_person_event(env, VisitVerified(org_id=org_id, user=user_id, team=None, visit=visit_id, occurred_at=at))
        runs.append((time.perf_counter() - t0) * 1000)
    print(f"rollups' VisitVerified handler on a rep with {days} days of history: p50 {statistics.median(runs):.1f} ms wall, "
          f"{(time.process_time() - cpu) * 1000 / len(runs):.1f} ms CPU (this process) per call, {len(runs)} calls", flush=True)
    print(f"history: {len(visits_rows)} visits and {len(activity_rows)} activities over {days} days for {len(people)} reps, "
          f"seeded and rolled up in {time.perf_counter() - started:.0f} s", flush=True)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=60)
    parser.add_argument("--visits", type=int, default=4, help="per rep and round (the daily cap pays 5)")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--without-analytics", action="store_true",
                        help="unregister the analytics rollups' handlers (podium.analytics.*), to measure what keeping them costs")
    parser.add_argument("--history-days", type=int, default=0, help="days of visits and activities every rep has before the timing")
    parser.add_argument("--history-per-day", type=int, default=3, help="visits (and activities) a rep has on each day of that history")
    args = parser.parse_args()
    os.environ.setdefault("PODIUM_DATABASE_URL", DEFAULT_DB)
    os.environ.setdefault("PODIUM_REDIS_URL", "redis://127.0.0.1:6379/14")
    os.environ.setdefault("PODIUM_REDIS_PREFIX", f"bench-{uuid.uuid4().hex[:8]}")
    os.environ.setdefault("PODIUM_SECRET_KEY", "bench")
    await fresh_database(os.environ["PODIUM_DATABASE_URL"])
    runtime = build_runtime(load_settings())
    env = runtime.env
    if args.without_analytics:
        for name, handlers in runtime.outbox._handlers.items():
            runtime.outbox._handlers[name] = [(n, h) for n, h in handlers if not h.__module__.startswith("podium.analytics.")]
    await runtime.bus.start()
    arrivals: dict[int, list[float]] = {}
    channel_seen: asyncio.Queue[tuple[int, float]] = asyncio.Queue()
    original_dispatch = runtime.bus._dispatch

    def dispatch(channel: str, message: str) -> None:
        data = json.loads(message)
        if data.get("kind") == "points":
            channel_seen.put_nowait((int(data["entry"]), time.perf_counter()))
        original_dispatch(channel, message)

    runtime.bus._dispatch = dispatch
    try:
        async with transaction(env.db) as tx:
            org = await orgs.create_org(tx.session, env, name="Bench", slug="bench", time_zone="Asia/Shanghai")
            team = await orgs.create_team(tx.session, org_id=org.id, name="Bench team")
            people = [
                await orgs.create_user(
                    tx.session, env, org_id=org.id, email=f"r{i}@bench.test", name=f"Rep {i}", password="x" * 12, role=Role.REP,
                    team_id=team.id, password_hash="x",
                )
                for i in range(args.reps * args.rounds * 2)
            ]
            customer = Customer(org_id=org.id, name="Bench customer", name_key="bench customer", address="", latitude=31.23, longitude=121.47)
            tx.session.add(customer)
            await tx.session.flush()
            customer_id = customer.id
        if args.history_days:
            await seed_history(env, org.id, [p.id for p in people], customer_id, args.history_days, args.history_per_day)
        await runtime.bus.watch(f"org.{org.id}")
        viewers = [orgs.viewer_of(p) for p in people]
        results: dict[str, dict[str, list[float]]] = {"outbox": {"call": [], "live": [], "rate": []}, "after-commit": {"call": [], "live": [], "rate": []}}
        cursor = 0
        for round_ in range(args.rounds):
            for mode in ("after-commit", "outbox") if round_ % 2 == 0 else ("outbox", "after-commit"):
                batch = viewers[cursor : cursor + args.reps]
                cursor += args.reps
                jobs = [(v, n) for n in range(args.visits) for v in batch]
                started: dict[str, float] = {}
                calls: list[float] = []
                queue: asyncio.Queue[tuple[Any, int]] = asyncio.Queue()
                for job in jobs:
                    queue.put_nowait(job)
                base = datetime.now(UTC) - timedelta(hours=6)

                async def worker() -> None:
                    while not queue.empty():
                        viewer, n = queue.get_nowait()
                        data = visits.VisitInput(
                            client_id=str(uuid.uuid4()), customer_id=customer_id, latitude=31.2301, longitude=121.4701,
                            accuracy_m=10, occurred_at=base + timedelta(minutes=40 * n),
                        )
                        t0 = time.perf_counter()
                        logged = await visits.check_in(env, viewer, data)
                        calls.append(time.perf_counter() - t0)
                        started[str(logged.view.visit.id)] = t0

                context = InMemoryOnly() if mode == "after-commit" else None
                if context:
                    context.__enter__()
                t_start = time.perf_counter()
                await asyncio.gather(*(worker() for _ in range(args.concurrency)))
                elapsed = time.perf_counter() - t_start
                if context:
                    context.__exit__(None, None, None)
                await asyncio.sleep(0.5)
                seen = []
                while not channel_seen.empty():
                    seen.append(channel_seen.get_nowait())
                # Commit-to-subscriber: from the call's start to its points message, matched by order of arrival.
                starts = sorted(started.values())
                live = [arrived - start for (_, arrived), start in zip(sorted(seen, key=lambda s: s[0]), starts, strict=False)]
                results[mode]["call"] += calls
                results[mode]["live"] += live
                results[mode]["rate"].append(len(jobs) / elapsed)
        report: dict[str, Any] = {"machine": platform.processor() or platform.machine(), "args": vars(args)}
        for mode, r in results.items():
            report[mode] = {
                "checkins_per_s": round(statistics.mean(r["rate"]), 1),
                "p50_ms": round(percentile(r["call"], 50) * 1000, 2),
                "p99_ms": round(percentile(r["call"], 99) * 1000, 2),
                "live_p50_ms": round(percentile(r["live"], 50) * 1000, 2) if r["live"] else None,
                "live_p99_ms": round(percentile(r["live"], 99) * 1000, 2) if r["live"] else None,
            }
            print(f"{mode:>13}: {report[mode]}")
        o, a = report["outbox"], report["after-commit"]
        report["throughput_ratio"] = round(o["checkins_per_s"] / a["checkins_per_s"], 3)
        report["p50_added_ms"] = round(o["p50_ms"] - a["p50_ms"], 2)
        print(f"outbox/after-commit throughput: {report['throughput_ratio']:.3f}  (target ≥ 0.85); p50 added: {report['p50_added_ms']} ms (target ≤ 5)")
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / ("writes-without-analytics.json" if args.without_analytics else "writes.json")).write_text(json.dumps(report, indent=2) + "\n")
    finally:
        await runtime.bus.stop()
        if runtime.redis is not None:
            await runtime.redis.aclose()
        await env.db.kw["bind"].dispose()


if __name__ == "__main__":
    asyncio.run(main())
