"""Backup and restore as an operator runs them: every row comes back, and the app answers as before.

One org per stack, seeded once through the API (visits with a photo, a won deal with an order and a payment,
a review, a customer without a position, a claim from the pool); then its own backup into a new database of the
same kind, the portable one across to the other kind, and the refusals.
"""

from __future__ import annotations

import asyncio
import dataclasses
import gzip
import json
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest
import pytest_asyncio
from sqlalchemy import func, select

from tests.conftest import PG_URL, Server, _admin_dsn, open_stack, start_server, stop_server
from tests.pipeline.test_deals import CREATE as CREATE_DEAL
from tests.pipeline.test_deals import ORDER, PAYMENT, deal_input, move, order_input, payment_input, stage_ids
from tests.support import BOARD, LOG_VISIT, GraphQLClient, World, make_world, visit_input
from tests.visits.test_photos import jpeg_with_gps, upload

from podium.backup.portable import BackupError
from podium.backup.service import backup, restore, restore_and_rebuild
from podium.core.models import EventRow
from podium.db.migrate import upgrade
from podium.db.session import create_engine
from podium.models import metadata
from podium.settings import DatabaseSettings, RedisSettings, Settings

pytestmark = pytest.mark.asyncio(loop_scope="module")

CLAIM = "mutation Claim($id: ID!) { claimCustomer(id: $id) { __typename } }"
NO_POSITION = 'mutation { createCustomer(input: {name: "无坐标客户"}) { __typename } }'
REVIEW = "mutation Review($id: ID!) { reviewVisit(input: {visitId: $id, decision: APPROVE, note: \"ok\"}) { __typename } }"
NEW_CUSTOMER = 'mutation { createCustomer(input: {name: "After Restore"}) { __typename ... on CustomerSuccess { customer { id } } } }'
# What each person asks; the restored database must give the same answers.
ANSWERS: list[tuple[str, str, dict[str, Any]]] = [
    ("admin", "{ customerList(first: 200) { total items { id name latitude longitude ownerId openPipeline lifetimeRevenue atRisk } } }", {}),
    ("manager", "{ visitsToReviewCount customerFacets { cities industries } }", {}),
    ("rep", "{ myPoints { today week month total } myVisits(first: 50) { id clientId status flags photos { id width height bytes } } }", {}),
    ("rep", BOARD, {"period": "MONTH", "scope": "ORG"}),
]


@dataclasses.dataclass
class Source:
    kind: str
    settings: Settings
    server: Server
    world: World
    answers: list[Any]
    tmp: Path


async def _settle(settings: Settings) -> None:
    """Wait until every handler of the seeding has run: a backup taken then holds all their rows too."""
    engine = create_engine(settings.database)
    try:
        for _ in range(200):
            async with engine.connect() as conn:
                pending = await conn.scalar(select(func.count()).select_from(EventRow).where(EventRow.done_at.is_(None), EventRow.failed_at.is_(None)))
            if not pending:
                return
            await asyncio.sleep(0.05)
    finally:
        await engine.dispose()


async def _seed(server: Server, world: World) -> None:
    async with GraphQLClient(server.url) as rep, GraphQLClient(server.url) as manager, GraphQLClient(server.url) as admin:
        await rep.login(world.rep.email)
        await manager.login(world.manager.email)
        await admin.login(world.admin.email)
        verified = visit_input(world)
        await rep.data(LOG_VISIT, {"input": verified})
        assert (await upload(rep, verified["clientId"], jpeg_with_gps((640, 480)))).status_code in (200, 201)
        far = (await rep.data(LOG_VISIT, {"input": visit_input(world, customerId=str(world.far_customer_id))}))["checkIn"]
        await manager.data(REVIEW, {"id": far["visit"]["id"]})
        stages = await stage_ids(rep)
        deal = (await rep.data(CREATE_DEAL, {"input": deal_input(world, amount="1000.50")}))["createDeal"]["deal"]
        await move(rep, deal, stages["won"], reason="Signed")
        order = (await rep.data(ORDER, {"input": order_input(deal, "1000.50")}))["recordOrder"]
        await rep.data(PAYMENT, {"input": payment_input(order["order"]["id"], "333.33")})
        await manager.data(NO_POSITION)
        await rep.data(CLAIM, {"id": str(world.far_customer_id)})
        await admin.data("mutation { setPoolRules(claimsAllowed: true, maxOwned: 50) { __typename } }")


async def _answers(server: Server, world: World) -> list[Any]:
    people = {"admin": world.admin, "manager": world.manager, "rep": world.rep}
    found = []
    for who, query, variables in ANSWERS:
        async with GraphQLClient(server.url) as client:
            await client.login(people[who].email)
            found.append(await client.data(query, variables))
    return found


@pytest_asyncio.fixture(scope="module", loop_scope="module", params=["embedded", "production"])
async def source(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Source]:
    tmp = tmp_path_factory.mktemp("backup")
    with pytest.MonkeyPatch.context() as monkeypatch:
        async with open_stack(request.param, tmp, tmp_path_factory.getbasetemp(), monkeypatch) as stack:
            server, uvicorn_server, task = await start_server(stack.settings)
            try:
                world = await make_world(server.runtime.env)
                await _seed(server, world)
                await _settle(stack.settings)
                yield Source(request.param, stack.settings, server, world, await _answers(server, world), tmp)
            finally:
                await stop_server(uvicorn_server, task)


async def _rows(settings: Settings) -> dict[str, list[tuple[Any, ...]]]:
    """Every table of the app, every row, in primary-key order."""
    engine = create_engine(settings.database)
    try:
        async with engine.connect() as conn:
            return {
                t.name: [tuple(r) for r in await conn.execute(select(*t.columns).order_by(*(list(t.primary_key.columns) or list(t.columns))))]
                for t in metadata.sorted_tables
            }
    finally:
        await engine.dispose()


class _Target:
    """A new, empty database of one kind: a SQLite file, or a PostgreSQL database created here and dropped after."""

    def __init__(self, source: Source, kind: str) -> None:
        self.source, self.kind, self.name = source, kind, f"podium_restore_{uuid.uuid4().hex[:8]}"

    async def __aenter__(self) -> Settings:
        if self.kind == "embedded":
            url = f"sqlite:///{self.source.tmp / (self.name + '.sqlite3')}"
        else:
            conn = await asyncpg.connect(_admin_dsn(PG_URL))
            try:
                await conn.execute(f'CREATE DATABASE "{self.name}"')
            finally:
                await conn.close()
            url = f"{PG_URL.rpartition('/')[0]}/{self.name}"
        # Its own Redis keys: the restored app's boards are rebuilt from its own rows, not read from the source's.
        redis = dataclasses.replace(self.source.settings.redis, prefix=f"podiumtest-{self.name}")
        return dataclasses.replace(self.source.settings, database=DatabaseSettings(url=url), redis=redis if redis.url else RedisSettings())

    async def __aexit__(self, *_: object) -> None:
        if self.kind != "embedded":
            conn = await asyncpg.connect(_admin_dsn(PG_URL))
            try:
                await conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            finally:
                await conn.close()


async def _same_answers(source: Source, target: Settings) -> None:
    server, uvicorn_server, task = await start_server(target)
    try:
        assert await _answers(server, source.world) == source.answers
        # New rows still get fresh ids (PostgreSQL's sequences were moved past the restored ones).
        async with GraphQLClient(server.url) as admin:
            await admin.login(source.world.admin.email)
            assert (await admin.data(NEW_CUSTOMER))["createCustomer"]["__typename"] == "CustomerSuccess"
    finally:
        await stop_server(uvicorn_server, task)


async def test_the_databases_own_backup_restores_every_row_and_every_answer(source: Source) -> None:
    file = source.tmp / "native.backup"
    made = await backup(source.settings, file)
    async with _Target(source, source.kind) as target:
        done, orgs = await restore_and_rebuild(target, file)
        assert (made.kind, done.kind) == (("sqlite", "sqlite") if source.kind == "embedded" else ("pg_dump", "pg_dump"))
        assert orgs == 2
        before, after = await _rows(source.settings), await _rows(target)
        # The seed reached the tables with every kind of value: photos' bytes, money, times, pool settings.
        assert all(before[name] for name in ("visit_photos", "visits", "deals", "orders", "payments", "customer_pool_settings", "domain_events"))
        for name in before:
            assert after[name] == before[name], name
        await _same_answers(source, target)


async def test_the_portable_backup_crosses_to_the_other_database(source: Source) -> None:
    file = source.tmp / "portable.backup"
    made = await backup(source.settings, file, force_portable=True)
    other = "production" if source.kind == "embedded" else "embedded"
    async with _Target(source, other) as target:
        done, _ = await restore_and_rebuild(target, file)
        assert made.kind == done.kind == "portable" and done.rows == made.rows
        before, after = await _rows(source.settings), await _rows(target)
        for name in before:
            assert after[name] == before[name], name
        await _same_answers(source, target)


async def test_refusals_are_clear_and_an_older_backup_is_migrated(source: Source) -> None:
    if source.kind != "embedded":
        pytest.skip("the refusals are the same on both stacks: checked once")
    tmp = source.tmp
    good = tmp / "refusals.backup"
    await backup(source.settings, good, force_portable=True)
    with gzip.open(good, "rb") as f:
        lines = f.read().splitlines(keepends=True)
    newer, cut, junk = tmp / "newer.backup", tmp / "cut.backup", tmp / "junk.backup"
    head = json.loads(lines[0])
    with gzip.open(newer, "wb") as f:
        f.writelines([json.dumps({**head, "revision": "9999"}).encode() + b"\n", *lines[1:]])
    with gzip.open(cut, "wb") as f:
        f.writelines(lines[: len(lines) // 2])
    junk.write_bytes(b"not a backup at all")

    async with _Target(source, "embedded") as target:
        with pytest.raises(BackupError, match="not empty"):
            await restore(source.settings, good)
        with pytest.raises(BackupError, match="no such file"):
            await restore(target, tmp / "missing.backup")
        with pytest.raises(BackupError, match="not a Podium backup"):
            await restore(target, junk)
        with pytest.raises(BackupError, match="newer Podium"):
            await restore(target, newer)
        with pytest.raises(BackupError, match="cut off"):
            await restore(target, cut)
    # A SQLite backup of an older schema is restored, then brought up to this Podium's.
    older = tmp / "older.sqlite3"
    await asyncio.to_thread(upgrade, f"sqlite+aiosqlite:///{older}", "0019")
    async with _Target(source, "embedded") as target:
        done = await restore(target, older)
        engine = create_engine(target.database)
        try:
            async with engine.connect() as conn:
                assert (await conn.exec_driver_sql("SELECT version_num FROM alembic_version")).scalar() != "0019"
        finally:
            await engine.dispose()
        assert done.revision == "0019"
