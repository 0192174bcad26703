"""The migrations build exactly the tables the models describe (a column added to one but not the other fails here)."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, text
from sqlalchemy.ext.asyncio import create_async_engine

from podium.db.migrate import upgrade
from podium.models import metadata
from tests.conftest import IN_CI, PG_TEST_DB, PG_URL, _admin_dsn


def test_the_migrated_sqlite_schema_matches_the_models(tmp_path: Path) -> None:
    path = tmp_path / "migrated.sqlite3"
    upgrade(f"sqlite+aiosqlite:///{path}")
    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        differences = compare_metadata(context, metadata)
    engine.dispose()
    assert differences == []


def test_upgrading_an_embedded_database_keeps_every_row(tmp_path: Path) -> None:
    """SQLite rebuilds a table to alter it; with foreign keys on, the old table's drop would cascade-delete
    the rows that refer to it (a customer's visits and deals). One row in every table must survive."""
    path = tmp_path / "old.sqlite3"
    upgrade(f"sqlite+aiosqlite:///{path}", "0011")
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA foreign_keys=OFF")
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' AND name <> 'alembic_version'")]
        for table in tables:
            columns = db.execute(f'PRAGMA table_info("{table}")').fetchall()
            names = [c[1] for c in columns]
            values = [_filler(c[2], c[1]) for c in columns]
            db.execute(f'INSERT INTO "{table}" ({", ".join(names)}) VALUES ({", ".join("?" * len(names))})', values)
        db.commit()
        before = {t: db.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}

    upgrade(f"sqlite+aiosqlite:///{path}")

    with sqlite3.connect(path) as db:
        after = {t: db.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
    assert after == before and set(before.values()) == {1}


def _filler(sql_type: str, name: str) -> object:
    """A value of the column's type; every id is 1, so every foreign key points at the one row of its table."""
    kind = sql_type.upper()
    if name == "id" or name.endswith("_id") or kind.startswith(("INTEGER", "BIGINT", "SMALLINT")):
        return 1
    if kind.startswith(("FLOAT", "REAL", "NUMERIC", "DECIMAL")):
        return 1
    if kind.startswith(("DATETIME", "TIMESTAMP")):
        return "2026-01-01 00:00:00"
    if kind.startswith("DATE"):
        return "2026-01-01"
    if kind.startswith("BOOLEAN"):
        return 1
    if kind.startswith(("BLOB", "BYTEA")):
        return b"x"
    return "x"


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
async def test_names_that_only_now_count_as_one_keep_every_customer(backend: str, tmp_path: Path) -> None:
    """Customers stored before names were normalised may share a key: the upgrade keeps them all, the oldest
    with the plain key, the later ones with their id appended."""
    url = await _empty_database(backend, tmp_path)
    await asyncio.to_thread(upgrade, url, "0015-1")
    engine = create_async_engine(url)
    async with engine.begin() as db:
        orgs = [
            (await db.execute(text("INSERT INTO orgs (name, slug, time_zone, currency, fiscal_year_start_month, created_at) "
                                   "VALUES (:n, :n, 'Asia/Shanghai', 'CNY', 1, :t) RETURNING id"), {"n": n, "t": datetime.now(UTC)})).scalar_one()
            for n in ("a", "b")
        ]
        for org, name in [(orgs[0], "Acme Trading"), (orgs[0], "ACME  trading"), (orgs[1], "acme trading"), (orgs[0], "Ac\u200bme Trading"), (orgs[0], "澎湃")]:
            await db.execute(text("INSERT INTO customers (org_id, name, address, latitude, longitude, geofence_radius_m, tier, potential) "
                                  "VALUES (:o, :n, '', 31.2, 121.4, 300, 'A', 0)"), {"o": org, "n": name})

    await asyncio.to_thread(upgrade, url)

    async with engine.connect() as db:
        rows = (await db.execute(text("SELECT id, org_id, name, name_key FROM customers ORDER BY id"))).all()
    await engine.dispose()
    assert [(r.name, r.name_key) for r in rows] == [
        ("Acme Trading", "acme trading"),
        ("ACME  trading", "acme trading＃2"),
        ("acme trading", "acme trading"),  # another org
        ("Ac\u200bme Trading", "acme trading＃4"),
        ("澎湃", "澎湃"),
    ]


async def _empty_database(backend: str, tmp_path: Path) -> str:
    if backend == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'old.sqlite3'}"
    name = f"{PG_TEST_DB}_migrations"
    try:
        conn = await asyncio.wait_for(asyncpg.connect(_admin_dsn(PG_URL)), 3)
    except Exception as exc:
        if IN_CI:
            pytest.fail(f"CI=true needs PostgreSQL: {exc}")
        pytest.skip(f"PostgreSQL at {PG_URL}: {exc}")
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    base, _, _ = PG_URL.rpartition("/")
    return f"{base}/{name}".replace("postgresql://", "postgresql+asyncpg://")
