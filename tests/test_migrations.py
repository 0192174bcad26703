"""The migrations build exactly the tables the models describe (a column added to one but not the other fails here)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from podium.db.migrate import upgrade
from podium.db.registry import metadata


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
