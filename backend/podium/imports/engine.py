"""Import runs: upload a file, map its columns, then the phases (phases.py) run as background tasks with progress.

Admins import (policies: `require_admin`); every read and write is scoped to the caller's org. A run lives in its
rows, so an instance that dies mid-phase leaves nothing lost: its lease lapses and `phases.resume_lapsed` (at
every instance's housekeeping sweep) carries the phase on — a dry run starts over (it only reads), a commit continues with the
rows not yet applied (each batch marks its rows applied in the transaction that writes them).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from podium.core.env import Env
from podium.core.errors import DomainError, ErrorCode
from podium.core.events import org_channel, transaction
from podium.core.policies import Viewer
from podium.db import bulk
from podium.imports import cells as cell_codec
from podium.imports.files import open_table
from podium.imports.kinds import KINDS
from podium.imports.kinds.base import Kind
from podium.imports.mapping import from_saved, suggest
from podium.imports.models import ImportRow, ImportRun, ImportSource

log = logging.getLogger(__name__)

BATCH = 1_000
SOURCE_MAX = 80
# Files this small are planned and committed within the request that asks, so the answer shows the result.
INLINE_ROWS = 2_000
PROGRESS = "import_progress"
# An instance holds a running phase this long past its last batch; then another instance may take it over.
LEASE = timedelta(seconds=60)

UPLOADED, PLANNING, PLANNED, COMMITTING, COMMITTED, UNDONE, FAILED = (
    "uploaded", "planning", "planned", "committing", "committed", "undone", "failed")


def require_admin(viewer: Viewer) -> None:
    if not viewer.is_admin:
        raise DomainError.one(ErrorCode.FORBIDDEN)


def kind_of(name: str) -> Kind:
    kind = KINDS.get(name)
    if kind is None:
        raise DomainError.one(ErrorCode.INVALID, "kind")
    return kind


async def run_of(session: AsyncSession, viewer: Viewer, run_id: int, *, lock: bool = False) -> ImportRun:
    require_admin(viewer)
    query = select(ImportRun).where(ImportRun.id == run_id, ImportRun.org_id == viewer.org_id)
    run = await session.scalar(query.with_for_update() if lock else query)
    if run is None:
        raise DomainError.one(ErrorCode.NOT_FOUND, "runId")
    return run


def require_state(run: ImportRun, *states: str) -> None:
    if run.state not in states:
        raise DomainError.one(ErrorCode.IMPORT_STATE, "runId", state=run.state)


async def require_unapplied(session: AsyncSession, run: ImportRun) -> None:
    """A run that wrote anything (a commit that stopped part way) is only undone, never planned again."""
    applied = await session.scalar(select(ImportRow.id).where(ImportRow.run_id == run.id, ImportRow.applied.is_(True)).limit(1))
    if run.committed_at is not None or run.lease_until is not None and run.state == UPLOADED or applied is not None:
        raise DomainError.one(ErrorCode.IMPORT_STATE, "runId", state=run.state)


def mapping_of(run: ImportRun) -> dict[int, str]:
    return {int(i): k for i, k in json.loads(run.mapping).items()}


def headers_of(run: ImportRun) -> list[str]:
    return list(json.loads(run.headers))


async def progress(env: Env, run: ImportRun) -> None:
    """Live pages following the run re-read it (importProgress); a lost message only delays the bar."""
    try:
        await env.publisher.publish(org_channel(run.org_id), json.dumps({"kind": PROGRESS, "run": run.id}))
    except Exception:
        log.warning("import progress of run %s not published", run.id, exc_info=True)


# ---------------------------------------------------------------- upload and mapping


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


async def upload(env: Env, viewer: Viewer, kind_name: str, path: Path, file_name: str, source: str = "") -> ImportRun:
    """Read the file into a new run's rows, with its headers mapped (the saved source's mapping, else suggested)."""
    require_admin(viewer)
    kind = kind_of(kind_name)
    table = await asyncio.to_thread(open_table, path)
    digest = await asyncio.to_thread(file_hash, path)
    async with env.db() as session:
        saved = await _saved(session, viewer.org_id, kind.name, source.strip()) if source.strip() else None
    mapping = from_saved(table.headers, saved, kind) if saved is not None else suggest(kind, table.headers)
    now = env.clock()
    async with transaction(env.db) as tx:
        run = ImportRun(
            org_id=viewer.org_id, kind=kind.name, state=UPLOADED, created_by=viewer.user_id, file_name=file_name[:255] or "import",
            file_format=table.format, file_hash=digest, headers=json.dumps(table.headers, ensure_ascii=False),
            mapping=json.dumps({str(i): k for i, k in mapping.items()}), source_name=source.strip()[:SOURCE_MAX],
            total_rows=0, done_rows=0, created=0, updated=0, unchanged=0, errors=0, plan_token="", failure="", created_at=now,
            # Held while the rows are stored: a run read only part way (the instance died) is never planned.
            lease_until=now + LEASE,
        )
        tx.session.add(run)
    rows, total = table.rows(), 0
    # The next batch is read and encoded (in a thread) while this one is stored: the database's work overlaps ours.
    reading = asyncio.ensure_future(asyncio.to_thread(_take, rows, BATCH, run.id))
    try:
        while batch := await reading:
            reading = asyncio.ensure_future(asyncio.to_thread(_take, rows, BATCH, run.id))
            # One transaction per batch: SQLite's writers wait for none of them long.
            async with transaction(env.db) as tx:
                await bulk.add_rows(tx.session, ImportRow.__table__, batch)  # type: ignore[arg-type]
            total += len(batch)
    except BaseException:
        await asyncio.gather(reading, return_exceptions=True)  # the file is done with before the run goes
        async with transaction(env.db) as tx:
            await tx.session.execute(delete(ImportRun).where(ImportRun.id == run.id))
        raise
    async with transaction(env.db) as tx:
        await tx.session.execute(update(ImportRun).where(ImportRun.id == run.id).values(total_rows=total, lease_until=None))
    run.total_rows, run.lease_until = total, None
    return run


def _take(rows: Any, n: int, run_id: int) -> list[dict[str, Any]]:
    """The next `n` rows of the file as import_rows values."""
    batch = []
    for line, cells in rows:
        batch.append({"run_id": run_id, "line": line, "cells": cell_codec.dump(cells), "applied": False})
        if len(batch) >= n:
            break
    return batch


async def _saved(session: AsyncSession, org_id: int, kind: str, name: str) -> dict[str, str] | None:
    row = await session.scalar(select(ImportSource).where(ImportSource.org_id == org_id, ImportSource.kind == kind, ImportSource.name == name))
    return json.loads(row.mapping) if row is not None else None


async def sources(env: Env, viewer: Viewer, kind: str) -> list[str]:
    require_admin(viewer)
    async with env.db() as session:
        query = select(ImportSource.name).where(ImportSource.org_id == viewer.org_id, ImportSource.kind == kind).order_by(ImportSource.name)
        return list(await session.scalars(query))


async def set_mapping(env: Env, viewer: Viewer, run_id: int, mapping: dict[int, str], save_as: str = "") -> ImportRun:
    """Map the file's columns (index → column key; unmapped columns are not imported); optionally saved as a source.
    A new mapping makes any earlier dry run void."""
    async with transaction(env.db) as tx:
        run = await run_of(tx.session, viewer, run_id, lock=True)
        require_state(run, UPLOADED, PLANNED, FAILED)
        await require_unapplied(tx.session, run)
        kind, headers = kind_of(run.kind), headers_of(run)
        known = {c.key for c in kind.columns}
        if any(i < 0 or i >= len(headers) for i in mapping) or any(k not in known for k in mapping.values()):
            raise DomainError.one(ErrorCode.INVALID, "mapping")
        if len(set(mapping.values())) != len(mapping):
            raise DomainError.one(ErrorCode.DUPLICATE, "mapping")
        missing = [c.key for c in kind.columns if c.required and c.key not in mapping.values()]
        if missing:
            raise DomainError.one(ErrorCode.REQUIRED, "mapping", column=missing[0])
        run.mapping = json.dumps({str(i): k for i, k in sorted(mapping.items())})
        run.state, run.plan_token = UPLOADED, ""
        name = save_as.strip()
        if len(name) > SOURCE_MAX:
            raise DomainError.one(ErrorCode.TOO_LONG, "saveAs", max=SOURCE_MAX)
        if name:
            saved = json.dumps({headers[i]: mapping.get(i, "") for i in range(len(headers)) if headers[i]}, ensure_ascii=False)
            source = await tx.session.scalar(select(ImportSource).where(
                ImportSource.org_id == viewer.org_id, ImportSource.kind == run.kind, ImportSource.name == name))
            if source is None:
                tx.session.add(ImportSource(org_id=viewer.org_id, kind=run.kind, name=name, mapping=saved, updated_at=env.clock()))
            else:
                source.mapping, source.updated_at = saved, env.clock()
            run.source_name = name
    return run


async def runs(env: Env, viewer: Viewer, first: int = 20) -> list[ImportRun]:
    require_admin(viewer)
    async with env.db() as session:
        query = select(ImportRun).where(ImportRun.org_id == viewer.org_id).order_by(ImportRun.created_at.desc(), ImportRun.id.desc())
        return list(await session.scalars(query.limit(max(1, min(first, 100)))))


async def get_run(env: Env, viewer: Viewer, run_id: int) -> ImportRun:
    async with env.db() as session:
        return await run_of(session, viewer, run_id)


async def rows_of(env: Env, viewer: Viewer, run_id: int, *, outcome: str | None = None, after: int = 0, first: int = 100) -> list[ImportRow]:
    async with env.db() as session:
        await run_of(session, viewer, run_id)
        query = select(ImportRow).where(ImportRow.run_id == run_id, ImportRow.line > after)
        if outcome:
            query = query.where(ImportRow.outcome == outcome)
        return list(await session.scalars(query.order_by(ImportRow.line).limit(max(1, min(first, 500)))))


async def counts(session: AsyncSession, run_id: int) -> dict[str, int]:
    query = select(ImportRow.outcome, func.count()).where(ImportRow.run_id == run_id).group_by(ImportRow.outcome)
    return {str(o): int(n) for o, n in await session.execute(query) if o}


# ---------------------------------------------------------------- background phases


@dataclass
class Tasks:
    """This instance's running phases, so shutdown can cancel them (their leases then lapse and another resumes)."""

    running: dict[int, asyncio.Task[None]]


_TASKS: dict[int, Tasks] = {}


class Stopped(Exception):
    """A phase cannot go on for a reason the admin is told (the run fails with it)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


Phase = Callable[[Env, int], Awaitable[None]]


async def guarded(env: Env, run_id: int, phase: Phase) -> None:
    """Run a phase; if it stops or breaks, the run says failed (and why) instead of staying busy."""
    try:
        await phase(env, run_id)
    except Stopped as stop:
        await fail(env, run_id, stop.reason)
    except Exception:
        log.exception("import run %s failed", run_id)
        await fail(env, run_id, "INTERNAL")


async def start(env: Env, viewer: Viewer, run: ImportRun, phase: Phase) -> ImportRun:
    """Run a phase within the request for a small file, in the background for a large one; the run as it stands then."""
    if run.total_rows <= INLINE_ROWS:
        await guarded(env, run.id, phase)
    else:
        launch(env, run.id, phase)
    return await get_run(env, viewer, run.id)


def launch(env: Env, run_id: int, phase: Phase) -> asyncio.Task[None]:
    tasks = _TASKS.setdefault(id(env), Tasks({}))
    task = asyncio.create_task(guarded(env, run_id, phase))
    tasks.running[run_id] = task
    task.add_done_callback(lambda _t: tasks.running.pop(run_id, None))
    return task


async def fail(env: Env, run_id: int, reason: str) -> None:
    async with transaction(env.db) as tx:
        run = await tx.session.get(ImportRun, run_id)
        if run is not None and run.state in (PLANNING, COMMITTING):
            # A dry run that failed can be run again; a commit that failed part way keeps its applied rows (undo them).
            run.state, run.failure, run.lease_until = FAILED, reason[:40], None
    if run is not None:
        await progress(env, run)


async def wait(env: Env, run_id: int) -> None:
    """Until this instance's phase of the run (if any) has ended: for tests and benchmarks."""
    task = _TASKS.get(id(env), Tasks({})).running.get(run_id)
    if task is not None:
        await asyncio.shield(task)


async def stop_all(env: Env) -> None:
    tasks = _TASKS.pop(id(env), None)
    for task in list(tasks.running.values()) if tasks else []:
        task.cancel()
        try:
            await task
        except BaseException:  # noqa: BLE001 - cancelled or already failed: its lease will lapse
            pass


async def lapsed(env: Env) -> list[tuple[int, str]]:
    """Runs whose instance stopped mid-phase, claimed for this one (a fresh lease)."""
    now = env.clock()
    claimed: list[tuple[int, str]] = []
    async with transaction(env.db) as tx:
        query = select(ImportRun).where(ImportRun.state.in_((PLANNING, COMMITTING)), ImportRun.lease_until < now).limit(5)
        if tx.session.bind.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        for run in await tx.session.scalars(query):
            run.lease_until = now + LEASE
            claimed.append((run.id, run.state))
    return claimed


async def lease(session: AsyncSession, env: Env, run_id: int) -> None:
    await session.execute(update(ImportRun).where(ImportRun.id == run_id).values(lease_until=env.clock() + LEASE))

