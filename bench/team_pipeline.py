"""The team pipeline on 100,000 deals (PostgreSQL): a manager's and an admin's first page, board and stall count.

    PYTHONPATH=backend .venv/bin/python bench/team_pipeline.py [postgresql+asyncpg://postgres@127.0.0.1:5432/podium_bench_team]

Creates the database's tables by migration, one org with 20 teams of 25 reps, 100,000 deals with
stage history, then times each read (median of 5 after a warm-up). The baseline, run in the same
process on the same data, is the obvious way: load every deal in the viewer's reach, then total,
sort and page in Python; each line prints the ratio baseline / ours.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import insert, select, text

from podium.core.env import Env
from podium.core.policies import Role, Viewer
from podium.core.i18n import Locale
from podium.db.migrate import upgrade
from podium.db.session import create_engine, create_sessionmaker
from podium.settings import DatabaseSettings
from podium.orgs.models import Org, Team, User
from podium.customers.models import Customer
from podium.pipeline import team
from podium.pipeline.models import Deal, StageChange
from podium.pipeline.service import ensure_stages

DEALS = 100_000


async def fresh_database(url: str) -> None:
    """Drop and create the bench's database, so every run starts from the same 100,000 deals."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.ext.asyncio import create_async_engine

    target = make_url(url)
    admin = create_async_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
        await conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    await admin.dispose()


async def main(url: str) -> None:
    await fresh_database(url)
    await asyncio.to_thread(upgrade, url)
    engine = create_engine(DatabaseSettings(url=url))
    db = create_sessionmaker(engine)
    rng = random.Random(1)
    now = datetime.now(UTC)
    async with db() as s, s.begin():
        org = Org(name="Bench", slug=f"bench-{rng.random()}", time_zone="Asia/Shanghai", currency="CNY", created_at=now)
        s.add(org)
        await s.flush()
        region = Team(org_id=org.id, name="Region")
        s.add(region)
        await s.flush()
        teams = [Team(org_id=org.id, name=f"Team {i}", parent_id=region.id) for i in range(20)]
        s.add_all(teams)
        await s.flush()
        manager = User(org_id=org.id, team_id=teams[0].id, email=f"m{org.id}@b.test", name="Manager", role="manager", password_hash="x", created_at=now)
        admin = User(org_id=org.id, team_id=None, email=f"a{org.id}@b.test", name="Admin", role="admin", password_hash="x", created_at=now)
        s.add_all([manager, admin])
        reps = [User(org_id=org.id, team_id=teams[i % 20].id, email=f"r{i}-{org.id}@b.test", name=f"Rep {i:03d}", role="rep", password_hash="x", created_at=now) for i in range(500)]
        s.add_all(reps)
        customers = [Customer(org_id=org.id, name=f"Customer {i}", name_key=f"customer {i}", latitude=31.0, longitude=121.0) for i in range(5000)]
        s.add_all(customers)
        await s.flush()
        stages = [st for st in await ensure_stages(s, org.id) if st.outcome == "open"]
        rows = []
        for i in range(DEALS):
            rep = reps[rng.randrange(len(reps))]
            entered = now - timedelta(days=rng.randint(0, 120))
            rows.append(dict(
                org_id=org.id, client_id=f"c{i}", created_by=rep.id, owner_id=rep.id, team_id=rep.team_id,
                customer_id=customers[rng.randrange(len(customers))].id, title=f"Deal {i}", amount=Decimal(rng.randrange(1000, 1_000_000)),
                currency="CNY", lead_source="web", expected_close=date.today() + timedelta(days=rng.randint(-30, 300)),
                stage_id=stages[rng.randrange(len(stages))].id, status=rng.choice(["open", "open", "open", "won", "lost"]), probability=50,
                version=1, stage_entered_at=entered, created_at=entered, updated_at=entered, close_reason="", reversal_reason="",
            ))
        for chunk in range(0, DEALS, 5000):
            await s.execute(insert(Deal), rows[chunk:chunk + 5000])
        ids = list(await s.scalars(select(Deal.id).where(Deal.org_id == org.id)))
        changes = [dict(org_id=org.id, deal_id=d, from_stage_id=None, to_stage_id=stages[0].id, changed_at=now - timedelta(days=130)) for d in ids]
        for chunk in range(0, len(changes), 5000):
            await s.execute(insert(StageChange), changes[chunk:chunk + 5000])
        mv = Viewer(manager.id, org.id, teams[0].id, Role.MANAGER, Locale.EN, "Manager")
        av = Viewer(admin.id, org.id, None, Role.ADMIN, Locale.EN, "Admin")
    async with engine.connect() as conn:  # fresh statistics, as autovacuum would have them after a load
        await conn.execute(text("ANALYZE"))
    env = Env.__new__(Env)
    env.db = db  # type: ignore[misc]
    env.clock = lambda: datetime.now(UTC)  # type: ignore[misc]

    async def median_ms(call) -> float:  # type: ignore[no-untyped-def]
        await call()
        runs = []
        for _ in range(5):
            start = time.perf_counter()
            await call()
            runs.append((time.perf_counter() - start) * 1000)
        return statistics.median(runs)

    async def naive(owner_ids: set[int], key, descending: bool, offset: int = 0) -> list[Deal]:  # type: ignore[no-untyped-def]
        """The baseline: every deal of the reach into memory, totals per stage and the page in Python."""
        async with db() as s:
            deals = list(await s.scalars(select(Deal).where(Deal.org_id == org.id, Deal.owner_id.in_(owner_ids))))
        totals: dict[int, Decimal] = {}
        for d in deals:
            totals[d.stage_id] = totals.get(d.stage_id, Decimal(0)) + d.amount
        deals.sort(key=key, reverse=descending)
        return deals[offset:offset + 50]

    admin_reach = {r.id for r in reps} | {manager.id, admin.id}
    manager_reach = {r.id for r in reps if r.team_id == teams[0].id} | {manager.id}

    async def timed(name: str, call, baseline=None) -> None:  # type: ignore[no-untyped-def]
        ours = await median_ms(call)
        if baseline is None:
            print(f"{name:55s} {ours:7.1f} ms")
            return
        base = await median_ms(baseline)
        print(f"{name:55s} {ours:7.1f} ms   baseline {base:7.1f} ms   ×{base / ours:5.1f}")

    f = team.TeamFilter()
    by_amount = lambda d: d.amount  # noqa: E731
    await timed("admin: first page by amount (100k deals)", lambda: team.team_deals(env, av, f, team.TeamSort.AMOUNT, True),
                lambda: naive(admin_reach, by_amount, True))
    await timed("admin: first page by expected close", lambda: team.team_deals(env, av, f, team.TeamSort.EXPECTED_CLOSE),
                lambda: naive(admin_reach, lambda d: d.expected_close, False))
    await timed("admin: page 100 by owner", lambda: team.team_deals(env, av, f, team.TeamSort.OWNER, offset=5000))
    await timed("admin: board, 20 per stage", lambda: team.team_board(env, av, f))
    await timed("admin: search 'deal 123' (title or customer)", lambda: team.team_deals(env, av, team.TeamFilter(search="deal 123")))
    await timed("manager (one team, 25 reps): first page", lambda: team.team_deals(env, mv, f, team.TeamSort.AMOUNT, True),
                lambda: naive(manager_reach, by_amount, True))
    await timed("manager: board", lambda: team.team_board(env, mv, f))
    team._STALL_LIMITS.clear()
    await timed("admin: stalling (limits cached after the first)", lambda: team.stalling(env, av))
    await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else "postgresql+asyncpg://postgres@127.0.0.1:5432/podium_bench_team"))
