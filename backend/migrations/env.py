"""Alembic environment: runs migrations over the async engine of the configured URL."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection

from podium.models import metadata
from podium.db.session import create_engine
from podium.settings import DatabaseSettings

config = context.config


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _foreign_keys(connection: Connection, on: bool) -> None:
    """SQLite only. Batch migrations rebuild a table (copy, drop, rename): with foreign keys on, dropping the old
    table would cascade-delete every row that refers to it. Set on the driver's connection, outside any transaction,
    which is the only place SQLite honours the pragma."""
    cursor = connection.connection.cursor()
    cursor.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")
    cursor.close()


def _check_foreign_keys(connection: Connection) -> None:
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise RuntimeError(f"the migration left rows pointing nowhere: {broken[:5]}")


async def _run_async() -> None:
    engine = create_engine(DatabaseSettings(url=config.get_main_option("sqlalchemy.url") or ""))
    async with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            await connection.run_sync(_foreign_keys, False)
        await connection.run_sync(_run)
        if sqlite:
            await connection.run_sync(_check_foreign_keys)
        await connection.commit()
        if sqlite:
            await connection.run_sync(_foreign_keys, True)
    await engine.dispose()


def run_migrations_online() -> None:
    asyncio.run(_run_async())


if context.is_offline_mode():
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()
