"""One month of statements for 10,000 payees and 1,000,000 credited deals, on PostgreSQL.

Seeds (once, reused while the row counts match) an org of 100 teams × 100 reps on the demo's
field-sales plan shape: graduated tiers, accelerators at 120 % and 150 % of each rep's quota, a
product-line rate, a cap per deal, and a credit split on 2 % of the deals. Then, in this one process:

* **review**: `compensation.batch.month_totals()`, what the review queue calls: the payees are
  shared out to one worker process per core; each reads its share with a handful of set-based
  queries (deals, lines, splits, payments, customers, quotas), computes every line with the engine
  and sends back the totals.
* **every line**: `compensation.service.statements()`, the same in this one process keeping every
  line, what the payroll export reads.
* **baseline, row by row**: the straightforward computation: load every credited deal as an ORM
  object, then price each row on its own: look up its payee's plan and quota, walk the tier table
  and the accelerators for that row, round the row. Same rules, same data.

All three produce one line per credited deal (a split deal one per person); the bench checks that
they agree on every payee's total to the cent.

    .venv/bin/python bench/commissions.py [--payees 10000] [--deals 1000000] [--reseed]

PODIUM_BENCH_DATABASE_URL (default postgresql+asyncpg://postgres@127.0.0.1:5432/podium_bench) is
dropped and recreated when the seed is missing or of another size.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import platform
import random
import resource
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import asyncpg
from sqlalchemy import select

from podium.app import build_runtime
from podium.compensation import batch, service
from podium.compensation.demo import field_plan
from podium.compensation.plan import Plan
from podium.core.policies import Role, Viewer
from podium.core.i18n import Locale
from podium.db.migrate import upgrade
from podium.pipeline.models import Deal
from podium.settings import load_settings

URL = os.environ.get("PODIUM_BENCH_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/podium_bench")
RESULTS = Path(__file__).parent / "results"
PERIOD = "2026-10"
ZONE = "Asia/Shanghai"
MONTH_START = datetime(2026, 9, 30, 16, tzinfo=UTC)  # 2026-10-01 00:00 in Shanghai
MONTH_SECONDS = 31 * 24 * 3600
LINES = ("分析仪器 Analyzers", "传感器 Sensors", "服务 Service")


def _admin_dsn(url: str, database: str | None = None) -> str:
    dsn = url.replace("postgresql+asyncpg://", "postgresql://")
    return dsn.rsplit("/", 1)[0] + f"/{database}" if database else dsn


async def _seeded(payees: int, deals: int) -> bool:
    try:
        conn = await asyncpg.connect(_admin_dsn(URL))
    except asyncpg.InvalidCatalogNameError:
        return False
    try:
        marker = await conn.fetchval("select name from orgs where slug = 'bench'")
        return marker == f"bench {payees}x{deals}"
    except asyncpg.UndefinedTableError:
        return False
    finally:
        await conn.close()


async def seed(payees: int, deals: int) -> None:
    database = URL.rsplit("/", 1)[1]
    admin = await asyncpg.connect(_admin_dsn(URL, "postgres"))
    await admin.execute(f'drop database if exists "{database}"')
    await admin.execute(f'create database "{database}"')
    await admin.close()
    await asyncio.to_thread(upgrade, URL)
    rng = random.Random(4)
    now = datetime(2026, 11, 10, tzinfo=UTC)
    conn = await asyncpg.connect(_admin_dsn(URL))
    try:
        org_id = await conn.fetchval(
            "insert into orgs (name, slug, time_zone, currency, fiscal_year_start_month, created_at) values ($1, 'bench', $2, 'CNY', 1, $3) returning id",
            f"bench {payees}x{deals}", ZONE, now,
        )
        teams = payees // 100 or 1
        team_ids = [await conn.fetchval("insert into teams (org_id, name) values ($1, $2) returning id", org_id, f"Team {t}") for t in range(teams)]
        admin_id = await conn.fetchval(
            "insert into users (org_id, email, name, role, password_hash, locale, is_active, created_at) values ($1, 'admin@bench', 'Admin', 'admin', 'x', 'en', true, $2) returning id",
            org_id, now,
        )
        await conn.copy_records_to_table(
            "users", columns=["org_id", "team_id", "email", "name", "role", "password_hash", "locale", "is_active", "created_at"],
            records=[(org_id, team_ids[i % teams], f"rep{i}@bench", f"Rep {i:05d}", "rep", "x", "en", True, now) for i in range(payees)],
        )
        users = [r["id"] for r in await conn.fetch("select id, team_id from users where org_id = $1 and role = 'rep' order by id", org_id)]
        team_of = {r["id"]: r["team_id"] for r in await conn.fetch("select id, team_id from users where org_id = $1", org_id)}
        customer_id = await conn.fetchval(
            "insert into customers (org_id, name, name_key, address, latitude, longitude, geofence_radius_m, tier, potential) values ($1, 'Customer', 'customer', '', 31.2, 121.4, 300, 'A', 0) returning id",
            org_id,
        )
        stage_id = await conn.fetchval(
            "insert into stages (org_id, key, name_en, name_zh, position, probability, outcome, is_active) values ($1, 'won', 'Won', '赢单', 5, 100, 'won', true) returning id",
            org_id,
        )
        product_ids = [
            await conn.fetchval(
                "insert into products (org_id, sku, name, line, list_price, unit_cost, is_active) values ($1, $2, $3, $4, 1000, 600, true) returning id",
                org_id, f"P{i}", f"Product {i}", line,
            )
            for i, line in enumerate(LINES)
        ]
        records = []
        for i in range(deals):
            owner = users[rng.randrange(payees)]
            amount = Decimal(rng.randrange(1_000_00, 12_000_00)) / 100
            closed = MONTH_START + timedelta(seconds=rng.randrange(MONTH_SECONDS))
            records.append((
                org_id, f"c{i}", owner, owner, team_of[owner], customer_id, f"Deal {i}", amount, "CNY", (amount * Decimal("0.4")).quantize(Decimal("0.01")),
                "web", closed.date(), stage_id, "won", 100, closed, "", "", 2, closed, closed, closed,
            ))
        await conn.copy_records_to_table(
            "deals",
            columns=["org_id", "client_id", "created_by", "owner_id", "team_id", "customer_id", "title", "amount", "currency", "margin",
                     "lead_source", "expected_close", "stage_id", "status", "probability", "closed_at", "close_reason", "reversal_reason",
                     "version", "stage_entered_at", "created_at", "updated_at"],
            records=records,
        )
        deal_rows = await conn.fetch("select id, owner_id, amount from deals where org_id = $1 order by id", org_id)
        # One deal in ten is a service line item (its own rate); 2 % of the deals are split 60/40.
        await conn.copy_records_to_table(
            "deal_lines", columns=["deal_id", "product_id", "position", "quantity", "unit_price", "unit_cost"],
            records=[(r["id"], product_ids[2], 0, Decimal(1), r["amount"], (r["amount"] * Decimal("0.6")).quantize(Decimal("0.01"))) for r in deal_rows[::10]],
        )
        splits = []
        for r in deal_rows[3::50]:
            partner = users[(users.index(r["owner_id"]) + 1) % payees] if payees > 1 else r["owner_id"]
            splits += [(org_id, r["id"], r["owner_id"], Decimal(60)), (org_id, r["id"], partner, Decimal(40))]
        await conn.copy_records_to_table("comp_credit_splits", columns=["org_id", "deal_id", "user_id", "percent"], records=splits)
        per_rep = Decimal(deals) / payees * Decimal(6500)
        await conn.copy_records_to_table(
            "targets", columns=["org_id", "node_kind", "node_id", "grain", "period_key", "metric", "amount", "basis", "version", "updated_at"],
            records=[(org_id, "user", u, "month", PERIOD, "revenue", (per_rep * Decimal(rng.uniform(0.7, 1.3))).quantize(Decimal(1)), "manual", 1, now) for u in users],
        )
        plan = _plan()
        plan_id = await conn.fetchval("insert into comp_plans (org_id, name, created_at) values ($1, 'Field sales', $2) returning id", org_id, now)
        await conn.execute(
            "insert into comp_plan_versions (plan_id, version, effective_from, document, note, created_by, created_at) values ($1, 1, $2, $3, '', $4, $5)",
            plan_id, PERIOD, plan.to_json(), admin_id, now,
        )
        await conn.copy_records_to_table(
            "comp_assignments", columns=["org_id", "plan_id", "user_id", "starts", "ends", "created_at"],
            records=[(org_id, plan_id, u, PERIOD, None, now) for u in users],
        )
        await conn.execute("analyze")
    finally:
        await conn.close()


def _plan() -> Plan:
    from datetime import date

    plan = field_plan(Decimal("1.4"), (date(2026, 10, 1), date(2026, 12, 31)), (date(2026, 1, 1), date(2026, 12, 31)), None)
    return Plan(plan.components[:1])  # the commission component: SPIFFs need product quantities the bench does not vary


# ---------------------------------------------------------------- the two computations


async def review(env, admin: Viewer) -> tuple[dict[int, Decimal], int]:  # type: ignore[no-untyped-def]
    """The review queue: every line computed, totals returned, the payees shared out to one process per core."""
    found = await batch.month_totals(env, admin, PERIOD)
    return {t.user_id: t.earned for t in found}, sum(t.lines for t in found)


async def every_line(env, admin: Viewer) -> tuple[dict[int, Decimal], int]:  # type: ignore[no-untyped-def]
    """Every statement with all its lines in this process: what the payroll export reads."""
    views = await service.statements(env, admin, PERIOD)
    return {v.user_id: v.result.earned for v in views}, sum(len(v.result.lines) for v in views)


async def row_by_row(env, admin: Viewer) -> tuple[dict[int, Decimal], int]:  # type: ignore[no-untyped-def]
    """Every credited deal as an ORM object, each priced on its own with the running state of its payees."""
    from zoneinfo import ZoneInfo

    from podium.compensation.models import CompAssignment, CompPlanVersion, CreditSplit
    from podium.compensation.plan import from_json
    from podium.pipeline.models import DealLine, Product
    from podium.targets.models import Target

    start, end = service.month_bounds(PERIOD, ZONE)
    async with env.db() as session:
        deals = list(await session.scalars(
            select(Deal).where(Deal.org_id == admin.org_id, Deal.status == "won", Deal.closed_at >= start, Deal.closed_at < end).order_by(Deal.closed_at, Deal.id)
        ))
        lines = {d: line for d, line in await session.execute(
            select(DealLine.deal_id, Product.line).join(Product, Product.id == DealLine.product_id).join(Deal, Deal.id == DealLine.deal_id).where(Deal.org_id == admin.org_id)
        )}
        splits: dict[int, list[CreditSplit]] = defaultdict(list)
        for s in await session.scalars(select(CreditSplit).where(CreditSplit.org_id == admin.org_id)):
            splits[s.deal_id].append(s)
        quota = {t.node_id: t.amount for t in await session.scalars(select(Target).where(Target.org_id == admin.org_id, Target.period_key == PERIOD))}
        plan_of = {}
        versions = {v.plan_id: from_json(v.document) for v in await session.scalars(select(CompPlanVersion))}
        for a in await session.scalars(select(CompAssignment).where(CompAssignment.org_id == admin.org_id)):
            plan_of[a.user_id] = versions[a.plan_id]
    _ = ZoneInfo(ZONE)
    running: dict[int, tuple[Decimal, Decimal, Decimal]] = defaultdict(lambda: (Decimal(0), Decimal(0), Decimal(0)))  # revenue, exact, paid
    earned: dict[int, Decimal] = defaultdict(Decimal)
    per_deal: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    count = 0
    for deal in deals:
        parts = {s.user_id: s.percent for s in splits[deal.id]} or {deal.owner_id: Decimal(100)}
        from podium.compensation.loader import shares

        for user_id, revenue in shares(deal.amount, parts if len(parts) > 1 else None, deal.owner_id, 2).items():
            plan = plan_of[user_id]
            component = plan.components[0]
            revenue_at, exact, paid = running[user_id]
            line_rate = component.line_rates.get(lines.get(deal.id, ""))
            value = Decimal(0)
            cuts = [Decimal(0), revenue]
            for band in component.tiers:
                if line_rate is None and revenue_at < band.start < revenue_at + revenue:
                    cuts.append(band.start - revenue_at)
            q = quota.get(user_id)
            for step in component.accelerators:
                threshold = q * step.start / 100 if q else None
                if threshold is not None and revenue_at < threshold < revenue_at + revenue:
                    cuts.append(threshold - revenue_at)
            cuts.sort()
            for a, b in zip(cuts, cuts[1:], strict=False):
                middle = revenue_at + (a + b) / 2
                rate = line_rate if line_rate is not None else component.band_rate(middle)
                value += (b - a) * rate / 100 * component.multiplier(middle / q * 100 if q else None)
            if component.cap_per_deal is not None:
                allowed = max(Decimal(0), component.cap_per_deal - per_deal[(user_id, deal.id)])
                value = min(value, allowed)
                per_deal[(user_id, deal.id)] += value
            exact += value
            rounded = exact.quantize(Decimal("0.01"))
            earned[user_id] += rounded - paid
            running[user_id] = (revenue_at + revenue, exact, rounded)
            count += 1
    return dict(earned), count


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--payees", type=int, default=10_000)
    parser.add_argument("--deals", type=int, default=1_000_000)
    parser.add_argument("--reseed", action="store_true")
    args = parser.parse_args()

    t0 = time.perf_counter()
    if args.reseed or not await _seeded(args.payees, args.deals):
        print(f"seeding {args.payees:,} payees and {args.deals:,} deals into {URL.rsplit('@', 1)[-1]} …", flush=True)
        await seed(args.payees, args.deals)
        print(f"  seeded in {time.perf_counter() - t0:.1f} s", flush=True)

    os.environ["PODIUM_DATABASE_URL"] = URL
    os.environ.pop("PODIUM_REDIS_URL", None)
    runtime = build_runtime(load_settings())
    env = runtime.env
    env.clock = lambda: datetime(2026, 11, 10, tzinfo=UTC)
    conn = await asyncpg.connect(_admin_dsn(URL))
    org_id, admin_id = await conn.fetchrow("select o.id, u.id from orgs o join users u on u.org_id = o.id and u.role = 'admin' where o.slug = 'bench'")
    await conn.close()
    admin = Viewer(user_id=admin_id, org_id=org_id, team_id=None, role=Role.ADMIN, locale=Locale.EN, name="Admin")

    results = {}
    for name, run in (("review", review), ("every line", every_line), ("row by row", row_by_row)):
        gc.collect()
        cpu0, wall0 = time.process_time(), time.perf_counter()
        totals, lines = await run(env, admin)
        wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
        results[name] = {"seconds": round(wall, 2), "cpu_seconds": round(cpu, 2), "payees": len(totals), "lines": lines, "total": str(sum(totals.values()))}
        results[name]["_totals"] = totals
        print(f"{name:>11}: {wall:6.2f} s wall, {cpu:6.2f} s CPU in this process, {len(totals):,} payees, {lines:,} lines, total {sum(totals.values()):,}", flush=True)
    base = results["row by row"].pop("_totals")
    mismatched = set()
    for name in ("review", "every line"):
        found = results[name].pop("_totals")
        mismatched |= {u for u in set(found) | set(base) if found.get(u, Decimal(0)) != base.get(u, Decimal(0))}
    print(f"payees whose totals differ from the row-by-row computation: {len(mismatched)}")
    ratio = results["row by row"]["seconds"] / results["review"]["seconds"]
    print(f"row by row ÷ review: {ratio:.2f}×   row by row ÷ every line: {results['row by row']['seconds'] / results['every line']['seconds']:.2f}×   (target: under 10 s)")
    RESULTS.mkdir(exist_ok=True)
    out = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"), "python": platform.python_version(), "cpus": os.cpu_count(),
        "payees": args.payees, "deals": args.deals, "results": results, "ratio": round(ratio, 2), "mismatched": len(mismatched),
        "max_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
    }
    (RESULTS / "commissions.json").write_text(json.dumps(out, indent=2))
    await runtime.db_engine.dispose() if hasattr(runtime, "db_engine") else None
    if mismatched:
        raise SystemExit(f"{len(mismatched)} payees differ, e.g. {sorted(mismatched)[:5]}")


if __name__ == "__main__":
    asyncio.run(main())
