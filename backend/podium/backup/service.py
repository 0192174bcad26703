"""`podium backup FILE` and `podium restore FILE`.

Three formats, told apart by their first bytes:
- SQLite: a copy of the database file taken with SQLite's online backup API (consistent while the app runs).
- PostgreSQL custom dump (`pg_dump -Fc`), when `pg_dump` is installed.
- Portable (portable.py): gzip'd JSON lines, written from the app's own metadata; what PostgreSQL gets without
  `pg_dump`, and what `--portable` asks for anywhere. It restores into either database: SQLite to PostgreSQL and back.

Restore refuses a database that has any row, and a backup from a newer schema than this Podium's; it migrates an
older one to the current schema afterwards, resets PostgreSQL's sequences and runs the rebuild of derived state.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from alembic.script import ScriptDirectory
from sqlalchemy.engine import make_url

from podium.backup import portable
from podium.backup.portable import BackupError
from podium.db.migrate import alembic_config, current_revision, head_revision, upgrade
from podium.db.session import create_engine
from podium.models import metadata
from podium.settings import Settings

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"


@dataclass(frozen=True)
class Done:
    kind: str
    revision: str
    rows: int | None = None


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database:
        raise BackupError("The SQLite database has no file (an in-memory database cannot be backed up).")
    return Path(database)


def _pg_env(url: str) -> tuple[str, dict[str, str]]:
    """A libpq connection URI without the password, and the environment that carries it (never on a command line)."""
    parsed = make_url(url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = unquote(str(parsed.password))
    plain = parsed.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{args[0]} failed: {done.stderr.strip()[-2000:]}")
    return done


def _kind(path: Path) -> str:
    if not path.is_file():
        raise BackupError(f"{path}: no such file.")
    with path.open("rb") as f:
        start = f.read(16)
    if start.startswith(SQLITE_MAGIC):
        return "sqlite"
    if start.startswith(PGDUMP_MAGIC):
        return "pg_dump"
    if start.startswith(portable.MAGIC):
        return "portable"
    raise BackupError(f"{path} is not a Podium backup (neither a SQLite file, a pg_dump archive nor a portable backup).")


async def _revision(settings: Settings) -> str:
    engine = create_engine(settings.database)
    try:
        found = await current_revision(engine)
    finally:
        await engine.dispose()
    url = settings.database.resolved_url
    if found is None or found != head_revision(url):
        raise BackupError(f"The database is at revision {found}, not {head_revision(url)}: run `podium migrate` before a backup.")
    return found


async def backup(settings: Settings, path: Path, *, force_portable: bool = False) -> Done:
    """Write a backup of the configured database to `path` (replacing it only once the backup is whole)."""
    revision = await _revision(settings)
    url = settings.database.resolved_url
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    try:
        if settings.database.is_sqlite and not force_portable:
            source = sqlite3.connect(_sqlite_path(url))
            target = sqlite3.connect(partial)
            try:
                with target:
                    source.backup(target)
            finally:
                target.close()
                source.close()
            done = Done("sqlite", revision)
        elif not settings.database.is_sqlite and not force_portable and shutil.which("pg_dump"):
            uri, env = _pg_env(url)
            _run(["pg_dump", "-Fc", "--no-owner", "--no-privileges", "-f", str(partial), "-d", uri], env)
            done = Done("pg_dump", revision)
        else:
            engine = create_engine(settings.database)
            try:
                counts = await portable.write(engine, metadata, partial, revision)
            finally:
                await engine.dispose()
            done = Done("portable", revision, sum(counts.values()))
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return done


def _known(url: str, revision: str) -> bool:
    """Whether this Podium's migrations know the revision (a newer backup's is unknown to them)."""
    script = ScriptDirectory.from_config(alembic_config(url))
    try:
        return script.get_revision(revision) is not None
    except Exception:  # alembic raises several kinds for an unknown id
        return False


def _backup_revision(kind: str, path: Path) -> str:
    if kind == "portable":
        return str(portable.header(path)["revision"])
    if kind == "sqlite":
        try:
            with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
                row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"{path} is a damaged SQLite file or not a Podium database ({exc}).") from exc
        if row is None:
            raise BackupError(f"{path} is a SQLite file without a Podium schema.")
        return str(row[0])
    listing = subprocess.run(["pg_restore", "-a", "-t", "alembic_version", "-f", "-", str(path)], capture_output=True, text=True, check=False)
    if listing.returncode != 0:
        raise BackupError(f"{path} is a damaged pg_dump archive: {listing.stderr.strip()[-500:]}")
    lines = listing.stdout.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("COPY ") and "alembic_version" in line and i + 1 < len(lines):
            return lines[i + 1].strip()
    raise BackupError(f"{path} is a pg_dump archive without a Podium schema.")


async def restore(settings: Settings, path: Path) -> Done:
    """Restore `path` into the configured database, which must hold no rows; then migrate, reset sequences, rebuild."""
    kind = _kind(path)
    url = settings.database.resolved_url
    revision = _backup_revision(kind, path)
    if not _known(url, revision):
        raise BackupError(f"{path} comes from a newer Podium (schema {revision}); upgrade Podium before restoring it.")
    engine = create_engine(settings.database)
    try:
        if await portable.count_rows(engine):
            raise BackupError("The database is not empty: restore only into an empty database (a new file or a new PostgreSQL database).")
        rows: int | None = None
        if kind == "portable":
            current = await current_revision(engine)
            await engine.dispose()
            if current not in (None, revision):
                raise BackupError(f"The empty database is at schema {current}, the backup at {revision}: restore into a new database.")
            await asyncio.to_thread(upgrade, url, revision)
            rows = sum((await portable.restore(engine, metadata, path)).values())
        elif kind == "sqlite":
            if not settings.database.is_sqlite:
                raise BackupError("A SQLite backup restores into SQLite only; make a portable one (`podium backup --portable`) for PostgreSQL.")
            await engine.dispose()
            _copy_sqlite(path, _sqlite_path(url))
        else:
            if settings.database.is_sqlite:
                raise BackupError("A pg_dump backup restores into PostgreSQL only; make a portable one (`podium backup --portable`) for SQLite.")
            if not shutil.which("pg_restore"):
                raise BackupError("pg_restore is not installed: install the PostgreSQL client tools to restore this backup.")
            await engine.dispose()
            uri, env = _pg_env(url)
            # --clean: an empty database already migrated has the tables the archive creates again.
            _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction", "-d", uri, str(path)], env)
        await engine.dispose()
        # Alembic's env runs its own event loop: a thread of its own.
        await asyncio.to_thread(upgrade, url)
        await portable.reset_sequences(engine)
    finally:
        await engine.dispose()
    return Done(kind, revision, rows)


async def restore_and_rebuild(settings: Settings, path: Path) -> tuple[Done, int]:
    """What `podium restore` does: the restore, then derived state rebuilt quietly (boards, milestones, badges,
    customers' figures). Returns the restore and how many orgs were rebuilt."""
    from podium.app import build_runtime
    from podium.rebuild import rebuild

    done = await restore(settings, path)
    runtime = build_runtime(settings)
    try:
        rebuilt = await rebuild(runtime.env)
    finally:
        if runtime.redis is not None:
            await runtime.redis.aclose()
        await runtime.env.db.kw["bind"].dispose()
    return done, rebuilt.orgs


def _copy_sqlite(source: Path, target: Path) -> None:
    """SQLite's backup API, the other way: the backup's pages become the (empty) target's."""
    with tempfile.TemporaryDirectory() as scratch:
        # Read from a private copy: opening the backup itself could leave WAL files beside it.
        copy = Path(scratch) / "backup.sqlite3"
        shutil.copyfile(source, copy)
        src = sqlite3.connect(copy)
        dst = sqlite3.connect(target)
        try:
            with dst:
                src.backup(dst)
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"{source} is a damaged SQLite file ({exc}).") from exc
        finally:
            dst.close()
            src.close()
