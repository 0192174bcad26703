"""The portable backup: gzip'd JSON lines, one table after another in foreign-key order, any database to any other.

Line 1 is the header (format, alembic revision, source dialect, tables); then per table a `{"table", "columns"}` line,
its rows as JSON arrays and an `{"end", "rows"}` line; last a `{"done"}` line, so a cut-off file is told from a whole one.
Values JSON cannot carry are tagged: {"$d": "1.50"} Decimal, {"$t": ISO} datetime, {"$date": ISO} date,
{"$b": base64} bytes (visit photos live in the database). Rows stream both ways: memory stays flat whatever the size.
"""

from __future__ import annotations

import base64
import gzip
import json
import zlib
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from sqlalchemy import MetaData, Table, func, select, text, update
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

FORMAT = "podium-portable"
VERSION = 1
BATCH = 1000
MAGIC = b"\x1f\x8b"


class BackupError(Exception):
    """A backup that cannot be written or restored, with a message for the operator."""


def _encode(value: Any) -> Any:
    if isinstance(value, Decimal):
        return {"$d": str(value)}
    if isinstance(value, datetime):
        return {"$t": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, bytes | bytearray | memoryview):
        return {"$b": base64.b64encode(bytes(value)).decode("ascii")}
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict) and len(value) == 1:
        (tag, raw), = value.items()
        if tag == "$d":
            return Decimal(raw)
        if tag == "$t":
            return datetime.fromisoformat(raw)
        if tag == "$date":
            return date.fromisoformat(raw)
        if tag == "$b":
            return base64.b64decode(raw)
    return value


def _line(out: IO[bytes], obj: Any) -> None:
    out.write(json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    out.write(b"\n")


async def write(engine: AsyncEngine, metadata: MetaData, path: Path, revision: str) -> dict[str, int]:
    """Every table of `metadata` into `path`; returns the rows written per table."""
    tables = [t for t in metadata.sorted_tables]
    counts: dict[str, int] = {}
    with gzip.open(path, "wb", compresslevel=6) as out:
        _line(out, {"format": FORMAT, "version": VERSION, "revision": revision, "dialect": engine.dialect.name,
                    "tables": [t.name for t in tables]})
        async with engine.connect() as conn:
            for table in tables:
                columns = [c.name for c in table.columns]
                _line(out, {"table": table.name, "columns": columns})
                order = [c for c in table.primary_key.columns] or list(table.columns)[:1]
                result = await conn.stream(select(*table.columns).order_by(*order).execution_options(yield_per=BATCH))
                n = 0
                async for row in result:
                    _line(out, [_encode(v) for v in row])
                    n += 1
                _line(out, {"end": table.name, "rows": n})
                counts[table.name] = n
        _line(out, {"done": True, "rows": counts})
    return counts


def is_portable(path: Path) -> bool:
    with path.open("rb") as f:
        return f.read(2) == MAGIC


def _lines(path: Path) -> Iterator[Any]:
    try:
        with gzip.open(path, "rb") as f:
            for raw in f:
                yield json.loads(raw)
    except (OSError, EOFError, zlib.error, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BackupError(f"{path} is damaged or cut off ({exc.__class__.__name__}); nothing more can be read from it.") from exc


def header(path: Path) -> dict[str, Any]:
    first = next(_lines(path), None)
    if not isinstance(first, dict) or first.get("format") != FORMAT:
        raise BackupError(f"{path} is not a Podium backup.")
    if first.get("version") != VERSION:
        raise BackupError(f"{path} is a Podium backup of format version {first.get('version')}, which this Podium cannot read.")
    return first


def _reflected(conn: Connection, wanted: MetaData) -> dict[str, Table]:
    """The target's own tables, with the app's column types where the columns agree (UTC times, exact decimals)."""
    found = MetaData()
    found.reflect(conn)
    tables: dict[str, Table] = {}
    for name, table in found.tables.items():
        ours = wanted.tables.get(name)
        same = ours is not None and {c.name for c in ours.columns} == {c.name for c in table.columns}
        tables[name] = ours if same and ours is not None else table
    return tables


async def restore(engine: AsyncEngine, metadata: MetaData, path: Path) -> dict[str, int]:
    """Insert every row of the backup into the (empty, migrated to the backup's revision) target, in one transaction.

    Foreign keys to a row not inserted yet (a team's manager, a customer merged into a later one) are set to NULL
    first and filled in once every table is in, so cycles and self-references need no deferred constraints.
    """
    lines = _lines(path)
    head = next(lines)
    counts: dict[str, int] = {}
    async with engine.begin() as conn:
        tables = await conn.run_sync(lambda sync: _reflected(sync, metadata))
        order = head["tables"]
        position = {name: i for i, name in enumerate(order)}
        later: list[tuple[Table, str, list[str], list[tuple[Any, ...]]]] = []
        done = False
        for item in lines:
            if isinstance(item, dict) and item.get("done"):
                done = True
                break
            if not (isinstance(item, dict) and "table" in item):
                raise BackupError(f"{path} is damaged: a table's rows came without the table's name.")
            name, columns = item["table"], list(item["columns"])
            table = tables.get(name)
            if table is None:
                raise BackupError(f"The backup has a table {name!r} this database does not have.")
            keep = [c for c in columns if c in table.columns]
            # Columns pointing at this table itself or at a table restored later: NULL now, the value afterwards.
            deferred = {
                fk.parent.name for fk in table.foreign_keys
                if fk.parent.name in keep and fk.parent.nullable
                and position.get(fk.column.table.name, -1) >= position.get(name, 0)
            }
            pk = [c.name for c in table.primary_key.columns]
            fixes: list[tuple[Any, ...]] = []
            batch: list[dict[str, Any]] = []
            n = 0
            for row in lines:
                if isinstance(row, dict):
                    if row.get("end") != name or row.get("rows") != n:
                        raise BackupError(f"{path} is damaged: table {name} ends after {n} rows, not as recorded.")
                    break
                values = dict(zip(columns, (_decode(v) for v in row), strict=True))
                record = {c: values[c] for c in keep}
                if deferred:
                    if any(record[c] is not None for c in deferred):
                        fixes.append(tuple(record[c] for c in pk) + tuple(record[c] for c in sorted(deferred)))
                    record.update({c: None for c in deferred})
                batch.append(record)
                n += 1
                if len(batch) >= BATCH:
                    await conn.execute(table.insert(), batch)
                    batch = []
            else:
                raise BackupError(f"{path} is cut off in table {name}.")
            if batch:
                await conn.execute(table.insert(), batch)
            if fixes:
                later.append((table, name, sorted(deferred), fixes))
            counts[name] = n
        if not done:
            raise BackupError(f"{path} is cut off: it ends before its last table.")
        for table, _name, columns, fixes in later:
            pk = [c for c in table.primary_key.columns]
            for fix in fixes:
                keys, values = fix[: len(pk)], fix[len(pk):]
                await conn.execute(
                    update(table).where(*(c == k for c, k in zip(pk, keys, strict=True))).values(dict(zip(columns, values, strict=True)))
                )
    return counts


async def count_rows(engine: AsyncEngine, skip: frozenset[str] = frozenset({"alembic_version"})) -> int:
    """Rows in every table of the database (an empty database: 0)."""
    async with engine.connect() as conn:
        found = MetaData()
        await conn.run_sync(found.reflect)
        total = 0
        for name, table in found.tables.items():
            if name not in skip:
                total += int(await conn.scalar(select(func.count()).select_from(table)) or 0)
        return total


async def reset_sequences(engine: AsyncEngine) -> None:
    """PostgreSQL: every identity or serial sequence set past its table's largest id (inserts gave ids explicitly)."""
    if engine.dialect.name != "postgresql":
        return
    async with engine.begin() as conn:
        found = MetaData()
        await conn.run_sync(found.reflect)
        for name, table in found.tables.items():
            if "id" not in table.columns or len(table.primary_key.columns) != 1:
                continue
            sequence = await conn.scalar(text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": name})
            if sequence:
                await conn.execute(
                    text(f'SELECT setval(:s, COALESCE((SELECT MAX(id) FROM "{name}"), 1), (SELECT MAX(id) FROM "{name}") IS NOT NULL)'),
                    {"s": sequence},
                )
