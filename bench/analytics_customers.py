"""The customers side of analytics on a big company: 2,000 reps, 100,000 customers, won deals over two years.

    PYTHONPATH=backend .venv/bin/python bench/analytics_customers.py [postgresql+asyncpg://postgres@127.0.0.1:5432/podium_bench_custanalytics]
    BENCH_SCALE=0.1 … (a tenth of every count, for a quick look)
    … bench/analytics_customers.py sqlite+aiosqlite:////tmp/bench_custanalytics.db   (the embedded stack: the file is replaced)

Creates the tables by migration, one org of 4 regions × 20 teams × 25 reps, 100,000 customers, 300,000 won deals
(a third with a product line), 150,000 orders and payments, 300,000 visits and 100,000 activities over 24
months; rebuilds the rollups from them (timed, wall and CPU); then times each read (median of 5 after a
warm-up). The baseline, in the same process on the same data, is the same figure from the raw tables: revenue
per customer summed from the deals, ranked in Python; each line prints the ratio baseline / ours.
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, insert, select, text

from podium.analytics import behaviour, contribution, customers_rollup, customers_service
from podium.core.env import Env
from podium.core.i18n import Locale
from podium.core.policies import Role, Viewer
from podium.customers.models import Customer
from podium.db.migrate import upgrade
from podium.db.session import create_engine, create_sessionmaker
from podium.orgs.models import Org, Team, User
from podium.pipeline.models import Activity, Deal, DealLine, Order, Payment, Product
from podium.pipeline.service import ensure_stages
from podium.settings import DatabaseSettings, load_settings
from podium.targets.service import Node, NodeKind
from podium.visits.models import Visit

SCALE = float(os.environ.get("BENCH_SCALE", "1"))
CUSTOMERS, DEALS, ORDERS, VISITS, ACTIVITIES = (int(n * SCALE) for n in (100_000, 300_000, 150_000, 300_000, 100_000))
REGIONS, TEAMS_PER_REGION, REPS_PER_TEAM = 4, 20, 25
BATCH = 5000


async def fresh_database(url: str) -> None:
    from sqlalchemy.engine import make_url
    from sqlalchemy.ext.asyncio import create_async_engine

    target = make_url(url)
    if target.get_backend_name() == "sqlite":
        if target.database:
            Path(target.database).unlink(missing_ok=True)
        return
    admin = create_async_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
        await conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    await admin.dispose()


async def bulk(s, table, rows) -> None:  # type: ignore[no-untyped-def]
    for start in range(0, len(rows), BATCH):
        await s.execute(insert(table), rows[start:start + BATCH])


async def main(url: str) -> None:
    await fresh_database(url)
    await asyncio.to_thread(upgrade, url)
    engine = create_engine(DatabaseSettings(url=url))
    db = create_sessionmaker(engine)
    rng = random.Random(1)
    now = datetime.now(UTC)
    first_day = now - timedelta(days=730)

    def moment() -> datetime:
        return first_day + timedelta(seconds=rng.randrange(730 * 86400))

    load = time.perf_counter()
    async with db() as s, s.begin():
        org = Org(name="Bench", slug=f"bench-{rng.random()}", time_zone="Asia/Shanghai", currency="CNY", created_at=now)
        s.add(org)
        await s.flush()
        regions = [Team(org_id=org.id, name=f"Region {r}", potential=Decimal(50_000_000)) for r in range(REGIONS)]
        s.add_all(regions)
        await s.flush()
        teams = [Team(org_id=org.id, name=f"Team {r}-{t}", parent_id=regions[r].id) for r in range(REGIONS) for t in range(TEAMS_PER_REGION)]
        s.add_all(teams)
        await s.flush()
        admin = User(org_id=org.id, team_id=None, email=f"a{org.id}@b.test", name="Admin", role="admin", password_hash="x", created_at=now)
        manager = User(org_id=org.id, team_id=teams[0].id, email=f"m{org.id}@b.test", name="Manager", role="manager", password_hash="x", created_at=now)
        s.add_all([admin, manager])
        await bulk(s, User, [dict(org_id=org.id, team_id=teams[i % len(teams)].id, email=f"r{i}@b.test", name=f"Rep {i:04d}", role="rep",
                                  password_hash="x", created_at=now) for i in range(len(teams) * REPS_PER_TEAM)])
        reps = list(await s.scalars(select(User.id).where(User.org_id == org.id, User.role == "rep").order_by(User.id)))
        await bulk(s, Customer, [dict(org_id=org.id, name=f"Customer {i}", name_key=f"customer {i}", owner_id=reps[i % len(reps)],
                                      lifetime_revenue=Decimal(rng.randrange(0, 100_000)), geofence_radius_m=300, tier="B", potential=Decimal(0),
                                      last_visit_at=moment()) for i in range(CUSTOMERS)])
        customers = list(await s.scalars(select(Customer.id, ).where(Customer.org_id == org.id).order_by(Customer.id)))
        owner_of = {c: reps[i % len(reps)] for i, c in enumerate(customers)}
        await bulk(s, Product, [dict(org_id=org.id, sku=f"P{i}", name=f"Product {i}", line=f"Line {i % 12}", list_price=Decimal(100), unit_cost=Decimal(60))
                                for i in range(200)])
        products = list(await s.scalars(select(Product.id).where(Product.org_id == org.id)))
        won = next(st for st in await ensure_stages(s, org.id) if st.outcome == "won")
        rows = []
        for i in range(DEALS):
            c = customers[int(rng.paretovariate(1.2) * 7) % len(customers)] if i % 2 else customers[rng.randrange(len(customers))]
            at = moment()
            rows.append(dict(org_id=org.id, client_id=f"d{i}", created_by=owner_of[c], owner_id=owner_of[c], customer_id=c, title=f"Deal {i}",
                             amount=Decimal(rng.randrange(1_000, 500_000)), currency="CNY", lead_source="web", expected_close=at.date(), stage_id=won.id,
                             status="won", probability=100, version=1, closed_at=at, stage_entered_at=at, created_at=at - timedelta(days=20), updated_at=at,
                             close_reason="", reversal_reason=""))
        await bulk(s, Deal, rows)
        deals = list((await s.execute(select(Deal.id, Deal.customer_id, Deal.owner_id, Deal.closed_at).where(Deal.org_id == org.id))).all())
        await bulk(s, DealLine, [dict(deal_id=d.id, product_id=products[rng.randrange(len(products))], position=1, quantity=Decimal(rng.randrange(1, 50)),
                                      unit_price=Decimal(100), unit_cost=Decimal(60)) for d in deals[::3]])
        order_rows = [dict(org_id=org.id, deal_id=d.id, client_id=f"o{i}", created_by=d.owner_id, number=f"O{i}", amount=Decimal(rng.randrange(100, 100_000)),
                           ordered_at=d.closed_at, created_at=d.closed_at) for i, d in enumerate(deals[:ORDERS])]
        await bulk(s, Order, order_rows)
        orders = list((await s.execute(select(Order.id, Order.deal_id, Order.created_by, Order.ordered_at).where(Order.org_id == org.id))).all())
        await bulk(s, Payment, [dict(org_id=org.id, order_id=o.id, deal_id=o.deal_id, owner_id=o.created_by, client_id=f"p{i}", created_by=o.created_by,
                                     amount=Decimal(rng.randrange(100, 50_000)), collected_at=o.ordered_at + timedelta(days=10), created_at=o.ordered_at, note="")
                                for i, o in enumerate(orders)])
        await bulk(s, Visit, [dict(org_id=org.id, user_id=owner_of[c], customer_id=c, client_id=f"v{i}", latitude=31.0, longitude=121.0, accuracy_m=10,
                                   occurred_at=moment(), note="", distance_m=5, within_geofence=True, status=rng.choice(["verified"] * 8 + ["flagged", "approved"]),
                                   flags="", points_awarded=0, auto_closed=False, review_note="", created_at=now)
                              for i, c in enumerate(customers[rng.randrange(len(customers))] for _ in range(VISITS))])
        await bulk(s, Activity, [dict(org_id=org.id, user_id=reps[rng.randrange(len(reps))], client_id=f"a{i}", customer_id=customers[rng.randrange(len(customers))],
                                      kind=rng.choice(["call", "demo", "proposal", "meeting", "email"]), outcome="neutral", note="", occurred_at=moment(),
                                      created_at=now) for i in range(ACTIVITIES)])
        av = Viewer(admin.id, org.id, None, Role.ADMIN, Locale.EN, "Admin")
        mv = Viewer(manager.id, org.id, teams[0].id, Role.MANAGER, Locale.EN, "Manager")
        org_id = org.id
    print(f"loaded {CUSTOMERS} customers, {DEALS} won deals, {len(orders)} orders and payments, {VISITS} visits, {ACTIVITIES} activities "
          f"in {time.perf_counter() - load:.0f} s")
    env = Env.__new__(Env)
    env.db = db  # type: ignore[misc]
    env.clock = lambda: datetime.now(UTC)  # type: ignore[misc]
    env.settings = load_settings()  # type: ignore[misc]

    wall, cpu = time.perf_counter(), time.process_time()
    await customers_rollup.rebuild_org(env, org_id)
    print(f"rebuild of the rollups: {time.perf_counter() - wall:.1f} s wall, {time.process_time() - cpu:.1f} s CPU (this process)")
    if engine.dialect.name == "postgresql":
        async with engine.begin() as conn:  # fresh statistics (committed), as autovacuum would have them after a load
            await conn.execute(text("ANALYZE"))

    async def median_ms(call) -> tuple[float, float]:  # type: ignore[no-untyped-def]
        await call()
        runs, cpu = [], time.process_time()
        for _ in range(5):
            start = time.perf_counter()
            await call()
            runs.append((time.perf_counter() - start) * 1000)
        return statistics.median(runs), (time.process_time() - cpu) * 1000 / 5

    async def raw_customer_revenue(start: datetime, end: datetime) -> list[tuple[int, Decimal]]:
        """The baseline: revenue per customer from the deals table, ranked in Python (one period)."""
        async with db() as s:
            rows = (await s.execute(select(Deal.customer_id, func.sum(Deal.amount)).where(
                Deal.org_id == org_id, Deal.status == "won", Deal.closed_at >= start, Deal.closed_at < end).group_by(Deal.customer_id))).all()
        return sorted(rows, key=lambda r: -r[1])[:50]

    async def timed(name: str, call, baseline=None) -> None:  # type: ignore[no-untyped-def]
        ours, ours_cpu = await median_ms(call)
        if baseline is None:
            print(f"{name:58s} {ours:7.1f} ms (CPU {ours_cpu:6.1f})")
            return
        base, _ = await median_ms(baseline)
        print(f"{name:58s} {ours:7.1f} ms (CPU {ours_cpu:6.1f})   baseline {base:7.1f} ms   ×{base / ours:5.1f}")

    year = f"FY{(now - timedelta(days=400)).year}"
    month = (now - timedelta(days=40)).strftime("%Y-%m")
    from podium.targets.calendar import FiscalCalendar
    y_start, y_end = FiscalCalendar(1, "Asia/Shanghai").parse(year).bounds("Asia/Shanghai")
    m_start, m_end = FiscalCalendar(1, "Asia/Shanghai").parse(month).bounds("Asia/Shanghai")
    region = Node(NodeKind.TEAM, teams[0].parent_id)  # type: ignore[arg-type]
    C = contribution.By
    await timed(f"admin: contribution by customer, {year} (+prev, last year)", lambda: contribution.contribution(env, av, None, year, C.CUSTOMER),
                lambda: raw_customer_revenue(y_start, y_end))
    await timed(f"admin: contribution by customer, {month}", lambda: contribution.contribution(env, av, None, month, C.CUSTOMER),
                lambda: raw_customer_revenue(m_start, m_end))
    await timed(f"admin: contribution by product, {year}", lambda: contribution.contribution(env, av, None, year, C.PRODUCT))
    await timed(f"admin: contribution by product line, {year}", lambda: contribution.contribution(env, av, None, year, C.PRODUCT_LINE))
    await timed(f"admin: contribution by region, {year}", lambda: contribution.contribution(env, av, None, year, C.REGION))
    await timed(f"admin: region (500 reps): by customer, {year}", lambda: contribution.contribution(env, av, region, year, C.CUSTOMER))
    await timed(f"manager (25 reps): by customer, {year}", lambda: contribution.contribution(env, mv, None, year, C.CUSTOMER))
    await timed(f"admin: customers, tiers and RFM, {year}", lambda: customers_service.customer_value(env, av, None, year))
    await timed(f"manager: customers, tiers and RFM, {month}", lambda: customers_service.customer_value(env, mv, None, month))
    await timed("admin: churn risk, first page", lambda: customers_service.churn_risk(env, av, None))
    await timed("manager: churn risk, first page", lambda: customers_service.churn_risk(env, mv, None))
    await timed(f"admin: saturation, {year}", lambda: customers_service.saturation(env, av, None, year))
    await timed(f"admin: behaviour, {month}", lambda: behaviour.behaviour(env, av, None, month))
    await timed(f"manager: behaviour, {month}", lambda: behaviour.behaviour(env, mv, None, month))
    await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else "postgresql+asyncpg://postgres@127.0.0.1:5432/podium_bench_custanalytics"))
