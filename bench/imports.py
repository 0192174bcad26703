"""A 100,000-row customers XLSX through the import (read and stored, dry run, commit) against a row-by-row ORM
insert of the same rows, in one process per database, on SQLite and on PostgreSQL.

Wall and CPU seconds of this process are both reported: on a shared machine the wall time also counts the
other processes' turns. On PostgreSQL the server's CPU seconds for the phase are reported beside them: those of the
bench database's backends (read from /proc: the server must run on this machine), which the pool keeps open.
The process's collector is tuned as the server's start-up tunes it (core/memory.tune_for_serving, on by default:
PODIUM_GC_TUNING); `--no-gc-tuning` leaves Python's defaults.

Targets (issue 14): parsed, validated and dry-run in under 15 s; committed in under 60 s; peak memory under
300 MiB. The commit's time includes the org's rebuild (customers' figures) that follows it.

    .venv/bin/python bench/imports.py [--rows 100000] [--baseline-rows 100000] [--stacks sqlite,postgres] [--no-gc-tuning]

PostgreSQL: PODIUM_BENCH_PG (default postgresql://postgres@127.0.0.1:5432/podium_bench_imports), dropped and made
anew. Writes bench/results/imports.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from decimal import Decimal
from pathlib import Path

import asyncpg
import python_calamine
import xlsxwriter

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "backend"))

from podium.app import build_runtime  # noqa: E402
from podium.core.events import transaction  # noqa: E402
from podium.core.memory import tune_for_serving  # noqa: E402
from podium.core.policies import Role  # noqa: E402
from podium.customers.models import Customer  # noqa: E402
from podium.customers.names import name_key  # noqa: E402
from podium.db.migrate import upgrade  # noqa: E402
from podium.imports import engine, phases  # noqa: E402
from podium.imports.kinds.base import Outcome  # noqa: E402
from podium.orgs import service as orgs  # noqa: E402
from podium.settings import load_settings  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
PG = os.environ.get("PODIUM_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/podium_bench_imports")
HEADERS = ["外部编号", "客户名称", "负责人", "地址", "城市", "行业", "等级", "纬度", "经度", "坐标系", "市场潜力", "联系人", "电话"]


def make_file(path: Path, rows: int) -> None:
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, HEADERS)
    for i in range(1, rows + 1):
        sheet.write_row(i, 0, [f"CRM-{i:07d}", f"测试客户{i:07d}有限公司", "rep@bench.test" if i % 3 else "",
                               f"上海市浦东新区{i}号", "上海", "制造", "ABC"[i % 3], 31.0 + (i % 1000) / 10_000, 121.0 + (i % 997) / 10_000,
                               "GCJ-02", f"{i % 500}万", f"联系人{i}", f"139{i:08d}"])
    book.close()


def server_cpu(pids: list[int]) -> float:
    """CPU seconds (user and system) the server's backend processes have used so far."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


class Server:
    """The PostgreSQL backends serving the bench database (None on SQLite), their CPU since the last read."""

    def __init__(self, stack: str) -> None:
        self.stack, self.pids, self.last = stack, set[int](), 0.0

    async def used(self) -> float | None:
        if self.stack != "postgres":
            return None
        base, _, name = PG.rpartition("/")
        conn = await asyncpg.connect(f"{base}/postgres")
        try:
            self.pids |= {r[0] for r in await conn.fetch("SELECT pid FROM pg_stat_activity WHERE datname = $1", name)}
        finally:
            await conn.close()
        now = server_cpu(sorted(self.pids))
        used, self.last = now - self.last, now
        return round(used, 2)


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def database(stack: str, tmp: Path) -> str:
    if stack == "sqlite":
        path = tmp / "bench.sqlite3"
        await asyncio.to_thread(upgrade, f"sqlite+aiosqlite:///{path}")
        return f"sqlite:///{path}"
    base, _, name = PG.rpartition("/")
    conn = await asyncpg.connect(f"{base}/postgres")
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    await asyncio.to_thread(upgrade, PG.replace("postgresql://", "postgresql+asyncpg://"))
    return PG


async def baseline(env, org_id: int, owner: int, path: Path, rows: int) -> float:  # type: ignore[no-untyped-def]
    """Row by row, as a hand-written importer would: read a row, add a Customer, flush; commit every 1,000."""
    started = time.perf_counter()
    workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    reader = workbook.get_sheet_by_index(0).iter_rows()
    next(reader)
    session = env.db()
    try:
        for n, row in enumerate(reader, start=1):
            if n > rows:
                break
            name = f"{row[1]} (baseline)"
            session.add(Customer(org_id=org_id, name=name, name_key=name_key(name), address=str(row[3]), city=str(row[4]), industry=str(row[5]),
                                 tier=str(row[6]), owner_id=owner if row[2] else None, latitude=float(row[7]), longitude=float(row[8]),
                                 potential=Decimal(0), open_pipeline=Decimal(0), lifetime_revenue=Decimal(0)))
            await session.flush()
            if n % 1_000 == 0:
                await session.commit()
        await session.commit()
    finally:
        await session.close()
        workbook.close()
    return time.perf_counter() - started


async def child(stack: str, rows: int, baseline_rows: int, gc_tuning: bool) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        url = await database(stack, tmp)
        os.environ["PODIUM_DATABASE_URL"] = url
        os.environ.setdefault("PODIUM_SECRET_KEY", f"bench-{uuid.uuid4().hex}")
        runtime = build_runtime(load_settings())
        env = runtime.env
        server = Server(stack)
        async with transaction(env.db) as tx:
            org = await orgs.create_org(tx.session, env, name="Bench", slug=f"bench-{uuid.uuid4().hex[:6]}", time_zone="Asia/Shanghai")
            other = await orgs.create_org(tx.session, env, name="Baseline", slug=f"base-{uuid.uuid4().hex[:6]}", time_zone="Asia/Shanghai")
            admin = await orgs.create_user(tx.session, env, org_id=org.id, email="admin@bench.test", name="Admin", password="x" * 12, role=Role.ADMIN, team_id=None)
            await orgs.create_user(tx.session, env, org_id=org.id, email="rep@bench.test", name="Rep", password="x" * 12, role=Role.REP, team_id=None)
            rep2 = await orgs.create_user(tx.session, env, org_id=other.id, email="rep2@bench.test", name="Rep", password="x" * 12, role=Role.REP, team_id=None)
        viewer = await orgs.viewer_by_id(env, admin.id)
        assert viewer is not None
        path = tmp / "customers.xlsx"
        make_file(path, rows)
        before = peak_mib()
        if gc_tuning:
            tune_for_serving()  # as the app's start-up does
        await server.used()

        started, cpu = time.perf_counter(), time.process_time()
        run = await engine.upload(env, viewer, "customers", path, "customers.xlsx")
        read = time.perf_counter() - started
        run = await phases.dry_run(env, viewer, run.id)
        await engine.wait(env, run.id)
        run = await engine.get_run(env, viewer, run.id)
        planned, planned_cpu = time.perf_counter() - started, time.process_time() - cpu
        assert run.state == "planned" and run.created == rows, (run.state, run.created, run.errors)
        planned_server = await server.used()

        started, cpu = time.perf_counter(), time.process_time()
        await phases.commit(env, viewer, run.id, run.plan_token)
        await engine.wait(env, run.id)
        committed, committed_cpu = time.perf_counter() - started, time.process_time() - cpu
        run = await engine.get_run(env, viewer, run.id)
        assert run.state == "committed", run.state
        committed_server = await server.used()
        peak = peak_mib()

        cpu = time.process_time()
        orm = await baseline(env, other.id, rep2.id, path, baseline_rows)
        orm_cpu = time.process_time() - cpu
        await env.db.kw["bind"].dispose()
        return {
            "stack": stack, "rows": rows, "read_and_stored_s": round(read, 2), "dry_run_total_s": round(planned, 2),
            "commit_s": round(committed, 2), "dry_run_cpu_s": round(planned_cpu, 2), "commit_cpu_s": round(committed_cpu, 2),
            "baseline_cpu_s": round(orm_cpu, 2),
            "dry_run_server_cpu_s": planned_server, "commit_server_cpu_s": committed_server, "gc_tuning": gc_tuning,
            "peak_rss_mib": round(peak, 1), "rss_before_mib": round(before, 1),
            "baseline_rows": baseline_rows, "baseline_orm_insert_s": round(orm, 2),
            "baseline_projected_s": round(orm * rows / max(1, baseline_rows), 1), "outcome": Outcome.CREATED.value,
        }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--baseline-rows", type=int, default=100_000)
    parser.add_argument("--stacks", default="sqlite,postgres")
    parser.add_argument("--no-gc-tuning", action="store_true")
    parser.add_argument("--child", default="")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(asyncio.run(child(args.child, args.rows, args.baseline_rows, not args.no_gc_tuning))))
        return
    results = []
    for stack in args.stacks.split(","):
        # One process per database: the peak memory measured is that run's alone.
        out = subprocess.run([sys.executable, __file__, "--child", stack, "--rows", str(args.rows), "--baseline-rows", str(args.baseline_rows),
                              *(["--no-gc-tuning"] if args.no_gc_tuning else [])],
                             check=True, capture_output=True, text=True)
        result = json.loads(out.stdout.strip().splitlines()[-1])
        print(json.dumps(result))
        results.append(result)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "imports.json").write_text(json.dumps({"machine": platform.platform(), "cpus": os.cpu_count(), "results": results}, indent=2))


if __name__ == "__main__":
    main()
