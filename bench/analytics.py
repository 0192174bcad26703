"""The manager's cockpit on a million deals: the analytics rollups' rebuild, then every dashboard query.

A generated company — 2,000 reps in a tree (regions → teams), 100,000 customers, --deals deals (default
1,000,000) with their stage changes (~4 per deal) over three years, won / lost / open, lines on a third of
the won deals, an order per won deal and payments on most — written by Core bulk inserts (not through the
services). Then:

1. the analytics rebuild (`analytics.deals.rebuild_org`, `analytics.customers_rollup.rebuild_org`, what
   `podium rebuild` runs): the cost a company pays once after an import or an upgrade;
2. every dashboard query through the analytics services, as an admin at the org node, a region, a team and a
   rep, for a month, a quarter and a year: --repeat calls each (after one warm-up), p50 and p95;
3. the same figures computed straight from deals / stage_changes / payments (results, funnel, velocity) in the
   same run, for the ratio raw / ours.

Targets (issue 15): every dashboard query p95 < 300 ms and p50 < 50 ms; customer-level lists < 250 ms.
Wall and CPU seconds of this process are both printed (the machine is shared; the database server's work on
PostgreSQL is in neither).

    PYTHONPATH=backend .venv/bin/python bench/analytics.py [--deals 1000000] [--repeat 20] \\
        [--url postgresql://postgres@127.0.0.1:5432/podium_bench_analytics]

SQLite in a temporary file by default; --url names a PostgreSQL database, dropped and made anew.
Writes bench/results/analytics-<stack>.json.

The million is generated once: --keep PATH_OR_URL (a SQLite file, or a PostgreSQL URL) keeps the company between
runs. A kept database that records a finished generation of the same sizes is reused (generation skipped); any other
is made anew. --generate-only stops after generating; --reset-rollups empties the org's rollups first (the rebuild
timed from nothing); --skip-rebuild times the queries on the rollups already there; --rebuild-only deals stops after
the pipeline rollups' rebuild.

    nice -n 10 … bench/analytics.py --keep /work/benchdata/analytics-1m.sqlite --generate-only
    … bench/analytics.py --keep /work/benchdata/analytics-1m.sqlite --reset-rollups --rebuild-only deals
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "backend"))

from podium.analytics import behaviour as behaviour_service  # noqa: E402
from podium.analytics import contribution as contribution_service  # noqa: E402
from podium.analytics import customers_rollup, customers_service  # noqa: E402
from podium.analytics import deals as deals_rollup  # noqa: E402
from podium.analytics import funnel as funnel_service  # noqa: E402
from podium.analytics import results as results_service  # noqa: E402
from podium.analytics import sources as sources_service  # noqa: E402
from podium.analytics import velocity as velocity_service  # noqa: E402
from podium.app import build_runtime  # noqa: E402
from podium.core.events import transaction  # noqa: E402
from podium.core.i18n import Locale  # noqa: E402
from podium.core.policies import Role, Viewer  # noqa: E402
from podium.customers.models import Customer  # noqa: E402
from podium.db.migrate import upgrade  # noqa: E402
from podium.orgs import service as orgs  # noqa: E402
from podium.orgs.models import Team, User  # noqa: E402
from podium.pipeline.models import Deal, DealLine, Order, Payment, Product, StageChange  # noqa: E402
from podium.pipeline.service import LeadSource, ensure_stages  # noqa: E402
from podium.settings import load_settings  # noqa: E402
from podium.targets.calendar import Grain  # noqa: E402
from podium.targets.service import Node, NodeKind  # noqa: E402
from writes import fresh_database  # noqa: E402  (bench/ is on the path when run as a script)

RESULTS = Path(__file__).resolve().parent / "results"
YEARS = 3
CHUNK = 5_000
SOURCES = [s.value for s in LeadSource]


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


class Clock:
    """Wall and CPU seconds of a phase."""

    def __enter__(self) -> Clock:
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall, self.cpu = time.perf_counter() - self.wall, time.process_time() - self.cpu


async def database(url: str | None, tmp: Path) -> str:
    if url is None:
        path = tmp / "analytics.sqlite3"
        await asyncio.to_thread(upgrade, f"sqlite+aiosqlite:///{path}")
        return f"sqlite:///{path}"
    await fresh_database(url)  # bench/writes.py: dropped, made anew, migrated
    return url


# A kept database (--keep) remembers the company it holds in this table of its own, written once the generation
# has finished: a database without it (new, or a generation that died half way) is made anew.
KEPT = "bench_analytics_company"


def _kept_url(keep: str) -> str:
    return keep if "://" in keep else f"sqlite:///{Path(keep).resolve()}"


async def kept_company(url: str) -> dict[str, Any] | None:
    """What a kept database's finished generation recorded (org id and sizes), or None when it has none."""
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        return None
    from sqlalchemy.ext.asyncio import create_async_engine

    driver = url.replace("sqlite:///", "sqlite+aiosqlite:///").replace("postgresql://", "postgresql+asyncpg://")
    engine = create_async_engine(driver)
    try:
        async with engine.connect() as conn:
            row = (await conn.execute(text(f"SELECT org_id, deals, reps, customers, counts FROM {KEPT}"))).first()
    except Exception:  # noqa: BLE001 — no such database or no such table: nothing kept
        return None
    finally:
        await engine.dispose()
    if row is None:
        return None
    return {"org_id": row[0], "deals": row[1], "reps": row[2], "customers": row[3], "counts": json.loads(row[4])}


async def fresh_kept(url: str) -> None:
    """A kept database made anew: the SQLite file removed, the PostgreSQL database dropped; then migrated."""
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm"), path.with_name(path.name + "-journal")):
            leftover.unlink(missing_ok=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        await asyncio.to_thread(upgrade, url.replace("sqlite:///", "sqlite+aiosqlite:///"))
    else:
        await fresh_database(url)


async def remember_company(engine: Any, co: Company, args: argparse.Namespace, counts: dict[str, int]) -> None:
    async with engine.begin() as conn:
        await conn.execute(text(f"CREATE TABLE {KEPT} (org_id INTEGER, deals INTEGER, reps INTEGER, customers INTEGER, counts TEXT)"))
        await conn.execute(text(f"INSERT INTO {KEPT} VALUES (:o, :d, :r, :c, :n)"),
                           {"o": co.org_id, "d": args.deals, "r": args.reps, "c": args.customers, "n": json.dumps(counts)})


async def load_company(engine: Any, org_id: int) -> Company:
    """The company of a kept database read back: its tree and people (the timing picks from them)."""
    co = Company()
    co.org_id = org_id
    async with engine.connect() as conn:
        admin_id = await conn.scalar(select(User.id).where(User.org_id == org_id, User.role == "admin").order_by(User.id).limit(1))
        co.admin = Viewer(admin_id, org_id, None, Role.ADMIN, Locale.EN, "Admin")
        teams = list(await conn.execute(select(Team.id, Team.parent_id).where(Team.org_id == org_id).order_by(Team.id)))
        co.regions = [t for t, parent in teams if parent is None]
        co.teams = {r: [t for t, parent in teams if parent == r] for r in co.regions}
        co.reps, co.rep_customers = {}, {}
        for uid, team in await conn.execute(select(User.id, User.team_id).where(User.org_id == org_id, User.role == "rep").order_by(User.id)):
            co.reps.setdefault(team, []).append(uid)
    return co


async def reset_rollups(engine: Any, org_id: int) -> None:
    """The org's pipeline and customers rollups emptied, so the rebuild is timed from nothing (as after an import)."""
    async with engine.begin() as conn:
        for table in ("analytics_deal_facts", "analytics_stays", "analytics_results", "analytics_stages", "analytics_histograms",
                      "analytics_customer_months", "analytics_product_months", "analytics_customer_signals"):
            await conn.execute(text(f"DELETE FROM {table} WHERE org_id = :o"), {"o": org_id})


class Company:
    """The generated org: its tree, people and the ids the timing picks from."""

    org_id: int
    admin: Viewer
    regions: list[int]
    teams: dict[int, list[int]]  # region → teams
    reps: dict[int, list[int]]  # team → reps
    rep_customers: dict[int, list[int]]


async def generate(env: Any, engine: Any, deals: int, reps: int, customers: int, seed: int = 1) -> tuple[Company, dict[str, int]]:
    rng = random.Random(seed)
    now = datetime.now(UTC)
    start = now - timedelta(days=365 * YEARS)
    co = Company()
    async with transaction(env.db) as tx:
        org = await orgs.create_org(tx.session, env, name="Bench", slug=f"bench-{uuid.uuid4().hex[:6]}", time_zone="Asia/Shanghai")
        admin = await orgs.create_user(tx.session, env, org_id=org.id, email=f"admin-{org.id}@bench.test", name="Admin", password="x" * 12,
                                       role=Role.ADMIN, team_id=None)
        stages = await ensure_stages(tx.session, org.id)
        co.org_id = org.id
        co.admin = Viewer(admin.id, org.id, None, Role.ADMIN, Locale.EN, "Admin")
    open_stages = [s.id for s in stages if s.outcome == "open"]
    won_stage = next(s.id for s in stages if s.outcome == "won")
    lost_stage = next(s.id for s in stages if s.outcome == "lost")

    # The tree: 10 regions of 10 teams each, reps spread evenly over the teams (2,000 reps: 20 per team).
    async with engine.begin() as conn:
        max_id = lambda table: conn.scalar(text(f"SELECT coalesce(max(id), 0) FROM {table}"))  # noqa: E731
        region_ids = []
        for r in range(10):
            region_ids.append((await conn.execute(insert(Team).values(org_id=org.id, name=f"Region {r}").returning(Team.id))).scalar_one())
        co.regions, co.teams, co.reps, co.rep_customers = region_ids, {}, {}, {}
        team_ids = []
        for r, region in enumerate(region_ids):
            co.teams[region] = []
            for t in range(10):
                tid = (await conn.execute(insert(Team).values(org_id=org.id, name=f"Team {r}.{t}", parent_id=region).returning(Team.id))).scalar_one()
                co.teams[region].append(tid)
                team_ids.append(tid)
        first_user = await max_id("users") + 1
        user_rows = []
        rep_team: dict[int, int] = {}
        for i in range(reps):
            uid = first_user + i
            team = team_ids[i % len(team_ids)]
            rep_team[uid] = team
            co.reps.setdefault(team, []).append(uid)
            user_rows.append(dict(id=uid, org_id=org.id, team_id=team, email=f"r{i}-{org.id}@bench.test", name=f"Rep {i:04d}", role="rep",
                                  password_hash="x", is_active=True, created_at=start))
        await conn.execute(insert(User), user_rows)
        rep_ids = list(rep_team)
        first_customer = await max_id("customers") + 1
        customer_rows = []
        for i in range(customers):
            cid, owner = first_customer + i, rep_ids[i % len(rep_ids)]
            co.rep_customers.setdefault(owner, []).append(cid)
            customer_rows.append(dict(id=cid, org_id=org.id, name=f"Customer {i}", name_key=f"customer {i}", latitude=31.0, longitude=121.0,
                                      owner_id=owner, tier="ABC"[i % 3], created_at=start))
        for at in range(0, len(customer_rows), CHUNK):
            await conn.execute(insert(Customer), customer_rows[at:at + CHUNK])
        first_product = await max_id("products") + 1
        products = [dict(id=first_product + i, org_id=org.id, sku=f"P{i:03d}", name=f"Product {i}", line=f"Line {i % 8}",
                         list_price=Decimal(1000 * (1 + i % 20)), unit_cost=Decimal(600 * (1 + i % 20)), is_active=True) for i in range(200)]
        await conn.execute(insert(Product), products)
        ids = {t: await max_id(t) + 1 for t in ("deals", "stage_changes", "orders", "payments", "deal_lines")}

    counts = dict.fromkeys(("deals", "stage_changes", "orders", "payments", "deal_lines"), 0)
    span = (now - start).total_seconds()
    for first in range(0, deals, CHUNK):
        rows: dict[str, list[dict[str, Any]]] = {k: [] for k in counts}
        for _ in range(min(CHUNK, deals - first)):
            did = ids["deals"]
            ids["deals"] += 1
            owner = rep_ids[rng.randrange(len(rep_ids))]
            created = start + timedelta(seconds=rng.random() * span)
            age_days = (now - created).days
            roll = rng.random()
            if age_days > 180:
                status = "won" if roll < 0.45 else "lost"
            else:
                status = "open" if roll < 0.5 else "won" if roll < 0.72 else "lost"
            reach = len(open_stages) if status == "won" else rng.randrange(1, len(open_stages) + 1)
            at, path = created, []
            for k in range(reach):
                path.append((open_stages[k], at))
                at = at + timedelta(days=rng.expovariate(1 / 9), hours=rng.random() * 8)
            if status != "open":
                at = min(at, now - timedelta(minutes=1))
                path.append((won_stage if status == "won" else lost_stage, at))
            path = [(s, min(t, now - timedelta(minutes=1))) for s, t in path]
            amount = Decimal(rng.randrange(5_000, 500_000))
            product_lines = []
            if status == "won" and rng.random() < 0.33:
                amount = Decimal(0)
                for pos in range(rng.randint(1, 3)):
                    product = products[rng.randrange(len(products))]
                    qty = Decimal(rng.randint(1, 20))
                    amount += qty * product["list_price"]
                    product_lines.append(dict(id=ids["deal_lines"], deal_id=did, product_id=product["id"], position=pos, quantity=qty,
                                              unit_price=product["list_price"], unit_cost=product["unit_cost"]))
                    ids["deal_lines"] += 1
            stage_id, entered = path[-1]
            closed = entered if status != "open" else None
            rows["deal_lines"] += product_lines
            rows["deals"].append(dict(
                id=did, org_id=org.id, client_id=f"c{did}", created_by=owner, owner_id=owner, team_id=rep_team[owner],
                customer_id=rng.choice(co.rep_customers[owner]), title=f"Deal {did}", amount=amount, currency="CNY",
                margin=(amount * Decimal("0.3")).quantize(Decimal("0.01")), lead_source=SOURCES[rng.randrange(len(SOURCES))],
                expected_close=(created + timedelta(days=60)).date(), stage_id=stage_id, status=status, probability=50,
                closed_at=closed, close_reason="", reversal_reason="", version=len(path), stage_entered_at=entered,
                created_at=created, updated_at=entered, settled_elsewhere=False,
            ))
            previous = None
            for s, t in path:
                rows["stage_changes"].append(dict(id=ids["stage_changes"], org_id=org.id, deal_id=did, from_stage_id=previous, to_stage_id=s,
                                                  changed_at=t, changed_by=owner))
                ids["stage_changes"] += 1
                previous = s
            if status == "won":
                oid = ids["orders"]
                ids["orders"] += 1
                assert closed is not None
                rows["orders"].append(dict(id=oid, org_id=org.id, deal_id=did, client_id=f"o{oid}", created_by=owner, number=f"SO{oid}",
                                           amount=amount, ordered_at=closed, created_at=closed))
                paid_at = closed
                for part in (Decimal("0.5"), Decimal("0.5")):
                    paid_at = paid_at + timedelta(days=rng.randint(5, 60))
                    if paid_at >= now or rng.random() < 0.15:
                        break
                    pid = ids["payments"]
                    ids["payments"] += 1
                    rows["payments"].append(dict(id=pid, org_id=org.id, order_id=oid, deal_id=did, owner_id=owner, team_id=rep_team[owner],
                                                 client_id=f"p{pid}", created_by=owner, amount=(amount * part).quantize(Decimal("0.01")),
                                                 collected_at=paid_at, note="", created_at=paid_at, settled_elsewhere=False))
        async with engine.begin() as conn:
            for model in (Deal, StageChange, Order, Payment, DealLine):
                table = model.__tablename__
                if rows[table]:
                    await conn.execute(insert(model), rows[table])
                    counts[table] += len(rows[table])
    async with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            for table in ("users", "customers", "products", *counts):
                await conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"))
    return co, counts


async def analyze(engine: Any) -> None:
    async with engine.connect() as conn:  # fresh statistics, as autovacuum (or sqlite's optimize) would have them after a load
        await conn.execute(text("ANALYZE"))
        await conn.commit()


# ---------------------------------------------------------------- the baseline: straight from the source tables


def _epoch(dialect: str, column: str) -> str:
    return f"extract(epoch from {column})" if dialect == "postgresql" else f"(julianday({column}) * 86400.0)"


async def raw_results(conn: Any, org_id: int, owners: list[int] | None, first: datetime, end: datetime) -> tuple[Any, ...]:
    """Created, won, lost, revenue, collections of the owners in [first, end): what the results card shows."""
    who = "" if owners is None else f" AND owner_id IN ({','.join(map(str, owners))})"
    params = {"o": org_id, "a": first, "b": end}
    row = (await conn.execute(text(
        "SELECT sum(CASE WHEN created_at >= :a AND created_at < :b THEN 1 ELSE 0 END),"
        " sum(CASE WHEN status = 'won' AND closed_at >= :a AND closed_at < :b THEN 1 ELSE 0 END),"
        " sum(CASE WHEN status = 'lost' AND closed_at >= :a AND closed_at < :b THEN 1 ELSE 0 END),"
        " sum(CASE WHEN status = 'won' AND closed_at >= :a AND closed_at < :b THEN amount ELSE 0 END)"
        f" FROM deals WHERE org_id = :o{who}"), params)).one()
    paid = await conn.scalar(text(f"SELECT sum(amount) FROM payments WHERE org_id = :o AND collected_at >= :a AND collected_at < :b{who}"), params)
    return (*row, paid)


async def raw_funnel(conn: Any, org_id: int, owners: list[int] | None, first: datetime, end: datetime) -> list[Any]:
    """Deals that entered each stage in [first, end) (the flow funnel)."""
    who = "" if owners is None else f" AND d.owner_id IN ({','.join(map(str, owners))})"
    return list(await conn.execute(text(
        "SELECT sc.to_stage_id, count(DISTINCT sc.deal_id), sum(d.amount) FROM stage_changes sc JOIN deals d ON d.id = sc.deal_id"
        f" WHERE sc.org_id = :o AND sc.changed_at >= :a AND sc.changed_at < :b{who} GROUP BY sc.to_stage_id"),
        {"o": org_id, "a": first, "b": end}))


async def raw_velocity(conn: Any, dialect: str, org_id: int, owners: list[int] | None, first: datetime, end: datetime) -> list[Any]:
    """Per stage: stays that ended in [first, end) and their average length, from each change and the deal's next."""
    who = "" if owners is None else f" AND d.owner_id IN ({','.join(map(str, owners))})"
    return list(await conn.execute(text(
        "SELECT stage_id, count(*), avg(" + _epoch(dialect, "left_at") + " - " + _epoch(dialect, "entered_at") + ") FROM ("
        " SELECT sc.to_stage_id AS stage_id, sc.changed_at AS entered_at,"
        " lead(sc.changed_at) OVER (PARTITION BY sc.deal_id ORDER BY sc.changed_at, sc.id) AS left_at"
        f" FROM stage_changes sc JOIN deals d ON d.id = sc.deal_id WHERE sc.org_id = :o{who}) s"
        " WHERE left_at >= :a AND left_at < :b GROUP BY stage_id"), {"o": org_id, "a": first, "b": end}))


# ---------------------------------------------------------------- the timing


async def main_async(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp_name:
        kept = None
        if args.keep:
            url = _kept_url(args.keep)
            kept = await kept_company(url)
            if kept is not None and (kept["deals"], kept["reps"], kept["customers"]) != (args.deals, args.reps, args.customers):
                sys.exit(f"{args.keep} holds {kept['deals']} deals, {kept['reps']} reps, {kept['customers']} customers, not the ones asked;"
                         " pass the same sizes, or another --keep")
            if kept is None:
                await fresh_kept(url)
        else:
            url = await database(args.url, Path(tmp_name))
        os.environ["PODIUM_DATABASE_URL"] = url
        os.environ.setdefault("PODIUM_SECRET_KEY", f"bench-{uuid.uuid4().hex}")
        os.environ.pop("PODIUM_REDIS_URL", None)
        runtime = build_runtime(load_settings())
        env = runtime.env
        engine = env.db.kw["bind"]
        dialect = engine.dialect.name
        out: dict[str, Any] = {"stack": dialect, "deals": args.deals, "reps": args.reps, "customers": args.customers, "repeat": args.repeat,
                               "machine": platform.platform(), "cpus": os.cpu_count(), "load_before": os.getloadavg()}

        if kept is None:
            with Clock() as c:
                co, counts = await generate(env, engine, args.deals, args.reps, args.customers)
                await analyze(engine)
            out["generate"] = {"wall_s": round(c.wall, 1), "cpu_s": round(c.cpu, 1)}
            print(f"[{dialect}] generated {counts} in {c.wall:.1f} s wall, {c.cpu:.1f} s CPU", flush=True)
            if args.keep:
                await remember_company(engine, co, args, counts)
        else:
            co, counts = await load_company(engine, kept["org_id"]), kept["counts"]
            print(f"[{dialect}] reused {args.keep}: {counts}", flush=True)
        out["rows"] = counts
        if args.generate_only:
            await engine.dispose()
            return out

        if args.reset_rollups:
            with Clock() as c:
                await reset_rollups(engine, co.org_id)
            print(f"[{dialect}] rollups emptied in {c.wall:.1f} s wall", flush=True)
        if not args.skip_rebuild:
            with Clock() as c:
                await deals_rollup.rebuild_org(env, co.org_id)
            out["rebuild_deals"] = {"wall_s": round(c.wall, 1), "cpu_s": round(c.cpu, 1)}
            print(f"[{dialect}] rebuild, pipeline rollups (analytics.deals.rebuild_org): {c.wall:.1f} s wall, {c.cpu:.1f} s CPU", flush=True)
            if args.rebuild_only == "deals":
                await engine.dispose()
                return out
            with Clock() as c:
                await customers_rollup.rebuild_org(env, co.org_id)
            out["rebuild_customers"] = {"wall_s": round(c.wall, 1), "cpu_s": round(c.cpu, 1)}
            print(f"[{dialect}] rebuild, customers rollups (analytics.customers_rollup.rebuild_org): {c.wall:.1f} s wall, {c.cpu:.1f} s CPU", flush=True)
            await analyze(engine)
        async with engine.connect() as conn:
            out["rollup_rows"] = {t: await conn.scalar(text(f"SELECT count(*) FROM {t}")) for t in (
                "analytics_deal_facts", "analytics_stays", "analytics_results", "analytics_stages", "analytics_histograms",
                "analytics_customer_months", "analytics_product_months", "analytics_customer_signals")} if args.count_rollups else {}

        region = co.regions[0]
        team = co.teams[region][0]
        rep = co.reps[team][0]
        nodes = {"org": None, "region": Node(NodeKind.TEAM, region), "team": Node(NodeKind.TEAM, team), "rep": Node(NodeKind.USER, rep)}
        owners = {"org": None, "region": sorted(u for t in co.teams[region] for u in co.reps[t]), "team": sorted(co.reps[team]), "rep": [rep]}
        from podium.targets import service as targets

        async with env.db() as session:
            calendar = (await targets.scope_of(session, co.admin)).calendar
        now = datetime.now(UTC)
        periods = {"month": calendar.period(Grain.MONTH, now), "quarter": calendar.period(Grain.QUARTER, now), "year": calendar.period(Grain.YEAR, now)}
        bounds = {k: p.bounds("Asia/Shanghai") for k, p in periods.items()}
        v = co.admin
        P = Any
        queries: list[tuple[str, str, bool, Callable[[Node | None, P], Awaitable[object]]]] = [
            # (name, target kind, takes a period, call)
            ("results comparison", "dashboard", True, lambda n, p: results_service.comparison(env, v, n, p.key)),
            ("breakdown", "dashboard", True, lambda n, p: results_service.breakdown(env, v, n, p.key)),
            ("funnel (flow)", "dashboard", True, lambda n, p: funnel_service.funnel(env, v, n, p.key, funnel_service.FunnelBasis.FLOW)),
            ("funnel (cohort)", "dashboard", True, lambda n, p: funnel_service.funnel(env, v, n, p.key, funnel_service.FunnelBasis.COHORT)),
            ("velocity", "dashboard", True, lambda n, p: velocity_service.velocity(env, v, n, p.key)),
            ("stalled list (first 20)", "list", False, lambda n, p: velocity_service.stalled(env, v, n)),
            ("sources", "dashboard", True, lambda n, p: sources_service.sources(env, v, n, p.key)),
            ("contribution by customer", "list", True,
             lambda n, p: contribution_service.contribution(env, v, n, p.key, contribution_service.By.CUSTOMER)),
            ("contribution by product", "dashboard", True,
             lambda n, p: contribution_service.contribution(env, v, n, p.key, contribution_service.By.PRODUCT)),
            ("contribution by product line", "dashboard", True,
             lambda n, p: contribution_service.contribution(env, v, n, p.key, contribution_service.By.PRODUCT_LINE)),
            ("contribution by region", "dashboard", True,
             lambda n, p: contribution_service.contribution(env, v, n, p.key, contribution_service.By.REGION)),
            ("RFM / customers", "list", True, lambda n, p: customers_service.customer_value(env, v, n, p.key)),
            ("churn list", "list", False, lambda n, p: customers_service.churn_risk(env, v, n)),
            ("saturation", "dashboard", True, lambda n, p: customers_service.saturation(env, v, n, p.key)),
            ("behaviour", "dashboard", True, lambda n, p: behaviour_service.behaviour(env, v, n, p.key)),
        ]
        baselines: dict[str, Callable[[Any, str, str], Awaitable[object]]] = {
            "results comparison": lambda conn, o, k: raw_results(conn, co.org_id, owners[o], *bounds[k]),
            "funnel (flow)": lambda conn, o, k: raw_funnel(conn, co.org_id, owners[o], *bounds[k]),
            "velocity": lambda conn, o, k: raw_velocity(conn, dialect, co.org_id, owners[o], *bounds[k]),
        }
        out["queries"] = []
        limits = {"dashboard": (50.0, 300.0), "list": (None, 250.0)}
        print(f"\n[{dialect}] {args.repeat} calls per query × node × period (after one warm-up); ms")
        print(f"{'query':32s} {'node':7s} {'period':8s} {'p50':>7s} {'p95':>7s} {'raw p50':>9s} {'raw/ours':>9s}  target")
        with Clock() as all_queries:
            for name, kind, periodic, call in queries:
                for node_name, node in nodes.items():
                    for period_name, period in (periods.items() if periodic else [("-", periods["month"])]):
                        try:
                            await call(node, period)
                        except Exception as e:  # noqa: BLE001 — one failing query is reported, the rest still measured
                            print(f"{name:32s} {node_name:7s} {period_name:8s} FAILED {type(e).__name__}: {e}", flush=True)
                            out["queries"].append({"query": name, "node": node_name, "period": period_name, "error": f"{type(e).__name__}: {e}"})
                            continue
                        runs = []
                        for _ in range(args.repeat):
                            started = time.perf_counter()
                            await call(node, period)
                            runs.append((time.perf_counter() - started) * 1000)
                        p50, p95 = statistics.median(runs), pct(runs, 95)
                        raw50 = None
                        if name in baselines and periodic:
                            raws = []
                            async with engine.connect() as conn:
                                await baselines[name](conn, node_name, period_name)
                                for _ in range(args.baseline_repeat):
                                    started = time.perf_counter()
                                    await baselines[name](conn, node_name, period_name)
                                    raws.append((time.perf_counter() - started) * 1000)
                            raw50 = statistics.median(raws)
                        want50, want95 = limits[kind]
                        ok = p95 < want95 and (want50 is None or p50 < want50)
                        target = f"p95<{want95:.0f}" + (f", p50<{want50:.0f}" if want50 else "")
                        raw_text = f"{raw50:9.1f} {raw50 / p50:8.1f}×" if raw50 is not None else f"{'':9s} {'':9s}"
                        print(f"{name:32s} {node_name:7s} {period_name:8s} {p50:7.1f} {p95:7.1f} {raw_text}  {target} {'ok' if ok else 'MISSED'}",
                              flush=True)
                        out["queries"].append({"query": name, "node": node_name, "period": period_name, "p50_ms": round(p50, 1),
                                               "p95_ms": round(p95, 1), "raw_p50_ms": None if raw50 is None else round(raw50, 1), "ok": ok})
        out["queries_phase"] = {"wall_s": round(all_queries.wall, 1), "cpu_s": round(all_queries.cpu, 1)}
        out["load_after"] = os.getloadavg()
        missed = [f"{q['query']} / {q['node']} / {q['period']}" for q in out["queries"] if not q.get("ok")]
        print(f"\n[{dialect}] queries phase {all_queries.wall:.1f} s wall, {all_queries.cpu:.1f} s CPU; load {out['load_before']} → {out['load_after']}")
        print(f"[{dialect}] missed or failed: {len(missed)} of {len(out['queries'])}" + ("".join(f"\n  {m}" for m in missed)))
        await engine.dispose()
        return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--deals", type=int, default=1_000_000)
    parser.add_argument("--reps", type=int, default=2_000)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--baseline-repeat", type=int, default=3)
    parser.add_argument("--count-rollups", action="store_true", help="count the rollup tables' rows after the rebuild")
    parser.add_argument("--url", default=None, help="a PostgreSQL database (dropped and made anew); SQLite in a temporary file without")
    parser.add_argument("--keep", default=None, metavar="PATH_OR_URL",
                        help="a SQLite file or PostgreSQL URL kept between runs: generated once (same sizes), reused afterwards")
    parser.add_argument("--generate-only", action="store_true", help="stop once the company is generated (with --keep: for later runs)")
    parser.add_argument("--skip-rebuild", action="store_true", help="time the queries on the rollups the kept database already holds")
    parser.add_argument("--reset-rollups", action="store_true", help="empty the org's rollups first, so the rebuild starts from nothing")
    parser.add_argument("--rebuild-only", choices=("deals",), default=None, help="stop after the pipeline rollups' rebuild")
    args = parser.parse_args()
    if args.url and args.url.startswith("postgresql+asyncpg://"):
        args.url = args.url.replace("postgresql+asyncpg://", "postgresql://")
    if args.keep and args.keep.startswith("postgresql+asyncpg://"):
        args.keep = args.keep.replace("postgresql+asyncpg://", "postgresql://")
    with Clock() as c:
        out = asyncio.run(main_async(args))
    out["total"] = {"wall_s": round(c.wall, 1), "cpu_s": round(c.cpu, 1)}
    print(f"[{out['stack']}] total {c.wall:.1f} s wall, {c.cpu:.1f} s CPU")
    RESULTS.mkdir(exist_ok=True)
    if args.generate_only or args.rebuild_only:
        return
    (RESULTS / f"analytics-{out['stack']}.json").write_text(json.dumps(out, indent=2, default=str))


if __name__ == "__main__":
    main()
