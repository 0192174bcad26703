"""Writing many rows in few statements, with each database's fast path.

On PostgreSQL (asyncpg) a batch goes as one statement instead of one per row in an executemany: rows added with
COPY, rows updated by id from arrays (`UPDATE … FROM unnest(…)`), and new ids taken from the batched
`INSERT … RETURNING` in parameter order. SQLite gets the plain Core executemany (its statements cost no round
trip), and new ids are read back by a key the caller knows: RETURNING in parameter order makes SQLite insert
row by row (no sentinel to sort by), 10-40× slower.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from sqlalchemy import Table, bindparam, insert, select
from sqlalchemy.ext.asyncio import AsyncSession


async def _asyncpg(session: AsyncSession) -> Any:
    """The asyncpg connection under the session, in the session's transaction; None on another driver."""
    connection = await session.connection()
    if connection.dialect.driver != "asyncpg":
        return None
    driver = (await connection.get_raw_connection()).driver_connection
    assert driver is not None
    if not driver.is_in_transaction():  # SQLAlchemy BEGINs with its first statement: make it so
        await session.execute(select(1))
    return driver


async def add_rows(session: AsyncSession, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert rows (each with the same keys, values as the driver takes them) in the session's transaction."""
    if not rows:
        return
    driver = await _asyncpg(session)
    if driver is None:
        await session.execute(insert(table), list(rows))
        return
    columns = list(rows[0])
    await driver.copy_records_to_table(table.name, records=[tuple(r[c] for c in columns) for r in rows], columns=columns)


_UPDATES: dict[tuple[str, tuple[str, ...]], str] = {}


def _update_sql(table: Table, columns: tuple[str, ...], session: AsyncSession) -> str:
    sql = _UPDATES.get((table.name, columns))
    if sql is None:
        dialect = session.get_bind().dialect
        names = ("id", *columns)
        arrays = ", ".join(f"${n}::{table.c[c].type.compile(dialect)}[]" for n, c in enumerate(names, start=1))
        sets = ", ".join(f"{c} = v.{c}" for c in columns)
        sql = _UPDATES[(table.name, columns)] = (
            f"UPDATE {table.name} AS t SET {sets} FROM unnest({arrays}) AS v({', '.join(names)}) WHERE t.id = v.id")
    return sql


async def update_by_id(session: AsyncSession, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Set columns of rows by id: each row an `id` and the same other keys."""
    if not rows:
        return
    columns = tuple(k for k in rows[0] if k != "id")
    driver = await _asyncpg(session)
    if driver is None:
        statement = table.update().where(table.c.id == bindparam("row_id"))
        await session.execute(statement, [{**{k: r[k] for k in columns}, "row_id": r["id"]} for r in rows])
        return
    await driver.execute(_update_sql(table, columns, session), [r["id"] for r in rows], *([r[c] for r in rows] for c in columns))


async def insert_ids(session: AsyncSession, table: Table, rows: list[dict[str, Any]], read_back: Callable[[], Awaitable[list[int]]]) -> list[int]:
    """Insert rows in one executemany; their new ids in the rows' order. On PostgreSQL from the INSERT itself;
    elsewhere `read_back()` reads them after the insert, by a key unique to each row.

    Reading back on PostgreSQL planned on the table's statistics from before the import (a few rows, never
    analysed yet), so each batch scanned all the org's rows: the 100,000-row customers commit took 168 s."""
    if not rows:
        return []
    if session.get_bind().dialect.name == "postgresql":
        inserted = await session.execute(insert(table).returning(table.c.id, sort_by_parameter_order=True), rows)
        return [int(i) for i in inserted.scalars()]
    await session.execute(insert(table), rows)
    return await read_back()
