"""The migrations build exactly the tables the models describe (a column added to one but not the other fails here)."""

from __future__ import annotations

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
