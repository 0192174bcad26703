"""A deals CSV of two years of history (1,000,000 rows by default) accepted and completed as background jobs.

    PYTHONPATH=backend .venv/bin/python bench/import_deals.py [--rows 1000000] [--url postgresql+asyncpg://…]

Migrates a fresh database (SQLite in a temporary folder unless --url is given; a PostgreSQL URL's database is
dropped and recreated), seeds one org of 10 teams × 20 reps, 2,000 customers and 20 products, writes the CSV
(Chinese headers, stage history, won and lost dates, one product line on a third of the rows), then drives the
import as the app does: upload (rows stored), dry run and commit as background tasks (polled until done, the
event loop free between batches), then the org's rebuild. Prints the wall and CPU time of each phase, rows per
second and the peak memory of the process, and checks that the deals table holds exactly the rows the plan created.

--baseline also times the rebuild as it was before it checked only the days a badge can be earned on (every day
of every person's history, `rebuild(every_day=True)`) on the same data, checks that both award the same badges,
and prints the ratio. It takes minutes per 1,000 won deals: use it with a few thousand rows.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import random
import resource
import tempfile
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import asyncpg
from sqlalchemy import delete, func, insert, select

from podium.app import build_runtime
from podium.celebrations.models import Celebration
from podium.core.events import transaction
from podium.core.policies import Role
from podium.customers.models import Customer
from podium.customers.names import name_key
from podium.db.migrate import upgrade
from podium.imports import engine, phases
from podium.orgs import service as orgs
from podium.pipeline.models import Deal, Product
from podium.rebuild import rebuild
from podium.settings import load_settings

STAGES = ["初步接触", "需求评估", "方案提供", "谈判签约"]
HEADERS = ["商机编号", "商机名称", "客户名称", "商机金额", "阶段", "预计成交日期", "负责人", "线索来源", "创建日期", "赢单日期",
           "输单日期", "输单原因", "阶段历史", "产品", "数量"]


def write_csv(path: Path, rows: int, reps: list[str], customers: int) -> None:
    """Deals over the last two years: about 45 % won, 25 % lost, the rest open, each with its stage history."""
    rng = random.Random(7)
    now = datetime.now(UTC)
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(HEADERS)
        for i in range(rows):
            created = now - timedelta(days=rng.randint(40, 730), hours=rng.randint(0, 23))
            steps, at = [], created
            for stage in STAGES[: rng.randint(1, 4)]:
                steps.append(f"{stage} {at:%Y-%m-%d %H:%M}")
                at += timedelta(days=rng.randint(1, 9))
            fate = rng.random()
            won, lost = (f"{at:%Y-%m-%d %H:%M}", "") if fate < 0.45 else ("", f"{at:%Y-%m-%d %H:%M}") if fate < 0.7 else ("", "")
            stage = "赢单" if won else "输单" if lost else steps[-1].split(" ")[0]
            line = i % 3 == 0
            out.writerow([
                f"CRM-{i:07d}", f"商机 {i}", f"客户 {rng.randrange(customers):05d}", "" if line else f"{rng.randint(1, 500) * 100}", stage,
                f"{at:%Y-%m-%d}", reps[i % len(reps)], rng.choice(["转介绍", "官网", "展会", "老客户"]), f"{created:%Y-%m-%d %H:%M}",
                won, lost, "预算取消" if lost else "", "; ".join(steps), f"SKU-{i % 20:02d}" if line else "", rng.randint(1, 9) if line else "",
            ])


async def prepare(url: str | None, folder: Path) -> str:
    if url is None:
        url = f"sqlite+aiosqlite:///{folder / 'bench.sqlite3'}"
    else:
        base, _, name = url.rpartition("/")
        conn = await asyncpg.connect(base.replace("postgresql+asyncpg", "postgresql") + "/postgres")
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
        await conn.close()
    await asyncio.to_thread(upgrade, url)
    return url


async def wait(env, viewer, run_id: int, state: str) -> None:  # type: ignore[no-untyped-def]
    while (run := await engine.get_run(env, viewer, run_id)).state != state:
        if run.state == "failed":
            raise SystemExit(f"the run failed: {run.failure}")
        await asyncio.sleep(0.5)


def _cpu() -> float:
    """CPU seconds of the process, every thread (aiosqlite runs SQLite in its own)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def _badges(env, org_id: int) -> set[tuple[str, datetime, int | None]]:  # type: ignore[no-untyped-def]
    async with env.db() as session:
        rows = await session.execute(select(Celebration.dedupe_key, Celebration.created_at, Celebration.threshold).where(Celebration.org_id == org_id))
        return {(key, at, value) for key, at, value in rows}


async def main(rows: int, url: str | None, baseline: bool = False) -> None:
    folder = Path(tempfile.mkdtemp(prefix="podium-import-bench-"))
    url = await prepare(url, folder)
    import os

    os.environ["PODIUM_DATABASE_URL"] = url.replace("sqlite+aiosqlite:///", "sqlite:///")
    os.environ.setdefault("PODIUM_SECRET_KEY", "bench-secret-key-bench-secret-key")
    runtime = build_runtime(load_settings())
    env = runtime.env
    await runtime.bus.start()  # progress is published as the app does
    async with transaction(env.db) as tx:
        org = await orgs.create_org(tx.session, env, name="Bench", slug="bench", time_zone="Asia/Shanghai")
        admin = await orgs.create_user(tx.session, env, org_id=org.id, email="admin@bench.test", name="Admin", password="x" * 12,
                                       role=Role.ADMIN, team_id=None, password_hash="-")
        reps = []
        for t in range(10):
            team = await orgs.create_team(tx.session, org_id=org.id, name=f"Team {t}")
            for r in range(20):
                rep = await orgs.create_user(tx.session, env, org_id=org.id, email=f"rep{t}-{r}@bench.test", name=f"Rep {t}-{r}",
                                             password="x" * 12, role=Role.REP, team_id=team.id, password_hash="-")
                reps.append(rep.email)
        await tx.session.execute(insert(Customer), [
            {"org_id": org.id, "name": f"客户 {i:05d}", "name_key": name_key(f"客户 {i:05d}"), "latitude": 31.2, "longitude": 121.4} for i in range(2000)
        ])
        await tx.session.execute(insert(Product), [
            {"org_id": org.id, "sku": f"SKU-{i:02d}", "name": f"产品 {i}", "list_price": Decimal(100 + i), "unit_cost": Decimal(60 + i)} for i in range(20)
        ])
        org_id, admin_id = org.id, admin.id
    path = folder / "deals.csv"
    started = time.perf_counter()
    write_csv(path, rows, reps, 2000)
    print(f"file: {rows:,} rows, {path.stat().st_size / 2**20:.0f} MiB written in {time.perf_counter() - started:.1f} s")
    async with env.db() as session:
        viewer = await orgs.viewer_for(session, admin_id)
    assert viewer is not None
    timings: dict[str, tuple[float, float]] = {}
    rebuilt = asyncio.Event()
    engine_rebuild = phases.rebuild_org

    async def rebuild_org(env, org_id):  # type: ignore[no-untyped-def]
        await engine_rebuild(env, org_id)
        rebuilt.set()

    phases.rebuild_org = rebuild_org  # the commit ends with it, after the run reads "committed"
    started, cpu = time.perf_counter(), _cpu()
    run = await engine.upload(env, viewer, "deals", path, "deals.csv")
    timings["upload"] = time.perf_counter() - started, _cpu() - cpu
    started, cpu = time.perf_counter(), _cpu()
    await phases.dry_run(env, viewer, run.id)
    await wait(env, viewer, run.id, "planned")
    timings["dry run"] = time.perf_counter() - started, _cpu() - cpu
    planned = await engine.get_run(env, viewer, run.id)
    started, cpu = time.perf_counter(), _cpu()
    await phases.commit(env, viewer, run.id, planned.plan_token)
    await wait(env, viewer, run.id, "committed")
    timings["commit"] = time.perf_counter() - started, _cpu() - cpu
    async with env.db() as session:
        deals = await session.scalar(select(func.count()).select_from(Deal).where(Deal.org_id == org_id))
    assert deals == planned.created, (deals, planned.created)
    started, cpu = time.perf_counter(), _cpu()
    await rebuilt.wait()
    timings["org rebuild after"] = time.perf_counter() - started, _cpu() - cpu
    if baseline:
        found = await _badges(env, org_id)
        async with transaction(env.db) as tx:
            await tx.session.execute(delete(Celebration).where(Celebration.org_id == org_id))
        started, cpu = time.perf_counter(), _cpu()
        await rebuild(env, org_id, every_day=True)
        timings["rebuild, every day"] = time.perf_counter() - started, _cpu() - cpu
        assert await _badges(env, org_id) == found, "the every-day rebuild awarded other badges"
    for name, (seconds, cpu_seconds) in timings.items():
        print(f"{name:>18}: {seconds:8.1f} s wall, {cpu_seconds:8.1f} s CPU  ({rows / seconds:,.0f} rows/s)")
    if baseline:
        (fast, _), (slow, _) = timings["org rebuild after"], timings["rebuild, every day"]
        print(f"the rebuild checking every day took {slow / fast:.1f}× as long (the same {len(found):,} badges)")
    print(f"plan: created {planned.created:,}, errors {planned.errors:,}; peak memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--url", default=None, help="a PostgreSQL URL (postgresql+asyncpg://…); SQLite when omitted")
    parser.add_argument("--baseline", action="store_true", help="also time the rebuild that checks every day (slow)")
    args = parser.parse_args()
    asyncio.run(main(args.rows, args.url, args.baseline))
