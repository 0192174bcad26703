"""The phases of a run: the dry run (plan every row), near-match decisions, the commit (carry out exactly the plan,
in batches) and the undo (the whole run at once). Then the derived state is rebuilt quietly for the org."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Table, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from podium.core.env import Env
from podium.core.errors import DomainError, ErrorCode
from podium.core.events import transaction
from podium.core.policies import Viewer
from podium.db import bulk
from podium.imports import cells as cell_codec
from podium.imports import engine
from podium.imports.engine import BATCH, COMMITTED, COMMITTING, FAILED, PLANNED, PLANNING, UNDONE, UPLOADED
from podium.imports.events import ImportCommitted, ImportUndone
from podium.imports.kinds.base import ApplyState, Blocked, Candidate, Context, Item, Kind, Outcome, Plan, PlanState, Row, RowError
from podium.imports.messages import reason
from podium.imports.models import ImportRow, ImportRun
from podium.imports.values import Refused, shown
from podium.orgs import service as orgs

log = logging.getLogger(__name__)


async def _context(session: AsyncSession, env: Env, org_id: int) -> Context:
    zone = ZoneInfo(await orgs.org_time_zone(session, org_id))
    now = env.clock()
    return Context(zone=zone, now=now, today=now.astimezone(zone).date())


def plan_token(run: ImportRun, decisions: str) -> str:
    return hashlib.sha256(f"{run.file_hash}|{run.mapping}|{decisions}".encode()).hexdigest()


async def _decisions(session: AsyncSession, run_id: int) -> str:
    query = select(ImportRow.line, ImportRow.decision).where(ImportRow.run_id == run_id, ImportRow.decision.is_not(None)).order_by(ImportRow.line)
    return ";".join(f"{line}={d}" for line, d in await session.execute(query))


class _Reader:
    """A run's mapped columns, looked up once: each row's cells parsed into the kind's values (or the row's errors)."""

    def __init__(self, kind: Kind, mapping: dict[int, str]) -> None:
        self.mapped = [(index, key, kind.column(key)) for index, key in mapping.items()]
        self.blank = {c.key: None for c in kind.columns}
        self.unmapped = [RowError("REQUIRED", c.key, "") for c in kind.columns if c.required and c.key not in mapping.values()]

    def parse(self, line: int, stored: str, decision: str | None, context: Context) -> Row | Plan:
        cells = cell_codec.load(stored)
        count = len(cells)
        values: dict[str, Any] = {}
        seen: dict[str, str] = {}
        errors: list[RowError] = []
        for index, key, column in self.mapped:
            cell = cells[index] if index < count else None
            seen[key] = shown(cell)
            try:
                value = values[key] = column.parse(cell, context)
            except Refused as refused:
                errors.append(RowError(refused.code, key, seen[key], refused.params))
                continue
            if value is None and column.required:
                errors.append(RowError("REQUIRED", key, ""))
        for key, none in self.blank.items():
            values.setdefault(key, none)
        errors += self.unmapped
        return Plan.error(*errors) if errors else Row(line, values, seen, decision)


def _stored(plan: Plan) -> dict[str, Any]:
    return {
        "outcome": plan.outcome.value, "target_id": plan.target, "version": plan.version,
        "changes": json.dumps(plan.changes, ensure_ascii=False) if plan.changes else None,
        "problems": json.dumps([e.dump() for e in plan.errors], ensure_ascii=False) if plan.errors else None,
        "candidates": json.dumps([[c.id, c.label] for c in plan.candidates], ensure_ascii=False) if plan.candidates else None,
    }


def plan_of(row: Any) -> Plan:
    """The stored plan of an ImportRow (or of a row of its plan's columns)."""
    return Plan(
        Outcome(row.outcome), row.target_id, row.version, json.loads(row.changes) if row.changes else {},
        [RowError.load(e) for e in json.loads(row.problems)] if row.problems else [],
        [Candidate(int(i), str(label)) for i, label in json.loads(row.candidates)] if row.candidates else [],
    )


async def _plan_rows(session: AsyncSession, kind: Kind, reader: _Reader, rows: Sequence[Any], state: PlanState) -> list[Plan]:
    """Plans of rows that have `line`, `cells` (as stored) and `decision`, in order."""
    parsed = [reader.parse(r.line, r.cells, r.decision, state.context) for r in rows]
    clean = [p for p in parsed if isinstance(p, Row)]
    planned = iter(await kind.plan(session, clean, state) if clean else [])
    return [p if isinstance(p, Plan) else next(planned) for p in parsed]


_ROWS: Table = ImportRow.__table__  # type: ignore[assignment]
# Plans and results are written a batch at a time (db/bulk.update_by_id: one statement on PostgreSQL, one Core
# executemany on SQLite; the ORM's bulk UPDATE by primary key cost several times the statement itself).
_PLANNED = (ImportRow.id, ImportRow.line, ImportRow.outcome, ImportRow.target_id, ImportRow.version, ImportRow.changes,
            ImportRow.problems, ImportRow.candidates)


# ---------------------------------------------------------------- dry run


async def dry_run(env: Env, viewer: Viewer, run_id: int) -> ImportRun:
    """Plan every row (small files now, large ones in the background with progress)."""
    async with transaction(env.db) as tx:
        run = await engine.run_of(tx.session, viewer, run_id, lock=True)
        engine.require_state(run, UPLOADED, PLANNED, FAILED)
        await engine.require_unapplied(tx.session, run)
        run.state, run.done_rows, run.failure, run.plan_token = PLANNING, 0, "", ""
        run.lease_until = env.clock() + engine.LEASE
    return await engine.start(env, viewer, run, _planning)


async def _planning(env: Env, run_id: int) -> None:
    async with env.db() as session:
        run = await session.get(ImportRun, run_id)
        assert run is not None
        kind = engine.kind_of(run.kind)
        reader = _Reader(kind, engine.mapping_of(run))
        state = PlanState(run.org_id, await _context(session, env, run.org_id))
    after, done, tally = 0, 0, {o.value: 0 for o in Outcome}
    # On PostgreSQL a batch's plans are written while the next batch is read and planned, on another connection:
    # the server works on one while this process works on the other. SQLite has one writer, and planning is a
    # write transaction (a deals import may create the org's default stages): there each batch waits for the last.
    overlap = env.db.kw["bind"].dialect.name == "postgresql"
    writing: asyncio.Task[None] | None = None
    try:
        while True:
            async with transaction(env.db) as tx:
                s = tx.session
                rows = (await s.execute(select(ImportRow.id, ImportRow.line, ImportRow.cells, ImportRow.decision)
                                        .where(ImportRow.run_id == run_id, ImportRow.line > after).order_by(ImportRow.line).limit(BATCH))).all()
                if not rows:
                    break
                plans = await _plan_rows(s, kind, reader, rows, state)
            for p in plans:
                tally[p.outcome.value] += 1
            done += len(rows)
            after = rows[-1].line
            if writing is not None:
                await writing
            writing = asyncio.create_task(_write_plans(env, run, [{"id": r.id, **_stored(p)} for r, p in zip(rows, plans, strict=True)], done))
            if not overlap:
                await writing
                writing = None
            await asyncio.sleep(0)  # the rest of the app gets its turn between batches
        if writing is not None:
            await writing
    except BaseException:
        if writing is not None:
            writing.cancel()
            await asyncio.gather(writing, return_exceptions=True)
        raise
    async with transaction(env.db) as tx:
        run = await tx.session.get(ImportRun, run_id)
        assert run is not None
        run.created, run.updated = tally["created"], tally["updated"]
        run.unchanged, run.errors = tally["unchanged"], tally["error"]
        run.state, run.planned_at, run.lease_until = PLANNED, env.clock(), None
        run.plan_token = plan_token(run, await _decisions(tx.session, run_id))
    await engine.progress(env, run)


async def _write_plans(env: Env, run: ImportRun, plans: list[dict[str, Any]], done: int) -> None:
    async with transaction(env.db) as tx:
        await bulk.update_by_id(tx.session, _ROWS, plans)
        await tx.session.execute(update(ImportRun).where(ImportRun.id == run.id).values(done_rows=done, lease_until=env.clock() + engine.LEASE))
    await engine.progress(env, run)


async def decide(env: Env, viewer: Viewer, run_id: int, line: int, decision: str) -> ImportRow:
    """A person's answer to a near match ("new", or the id of the candidate it is): the row is planned again."""
    async with transaction(env.db) as tx:
        s = tx.session
        run = await engine.run_of(s, viewer, run_id, lock=True)
        engine.require_state(run, PLANNED)
        row = await s.scalar(select(ImportRow).where(ImportRow.run_id == run.id, ImportRow.line == line))
        if row is None:
            raise DomainError.one(ErrorCode.NOT_FOUND, "line")
        candidates = plan_of(row).candidates if row.outcome == Outcome.ERROR.value else []
        if not candidates or (decision != "new" and decision not in {str(c.id) for c in candidates}):
            raise DomainError.one(ErrorCode.INVALID, "decision")
        row.decision = decision
        previous = row.outcome
        state = PlanState(run.org_id, await _context(s, env, run.org_id))
        kind = engine.kind_of(run.kind)
        (plan,) = await _plan_rows(s, kind, _Reader(kind, engine.mapping_of(run)), [row], state)
        for attr, value in _stored(plan).items():
            setattr(row, attr, value)
        if plan.outcome is Outcome.ERROR and plan.candidates:
            row.candidates = json.dumps([[c.id, c.label] for c in candidates], ensure_ascii=False)  # still decidable
        _count(run, previous, -1)
        _count(run, plan.outcome.value, +1)
        await s.flush()
        run.plan_token = plan_token(run, await _decisions(s, run.id))
    return row


def _count(run: ImportRun, outcome: str | None, delta: int) -> None:
    attr = {"created": "created", "updated": "updated", "unchanged": "unchanged", "error": "errors"}.get(outcome or "")
    if attr:
        setattr(run, attr, getattr(run, attr) + delta)


# ---------------------------------------------------------------- commit


async def _stale(session: AsyncSession, kind: Kind, org_id: int, rows: Sequence[Any]) -> Any:
    """The first planned row whose matched record moved since the dry run (or is gone)."""
    matched = [r for r in rows if r.target_id is not None and r.outcome in (Outcome.UPDATED.value, Outcome.UNCHANGED.value)]
    now = await kind.versions(session, org_id, [r.target_id for r in matched if r.target_id is not None])
    return next((r for r in matched if now.get(r.target_id or 0) != (r.version or "")), None)


async def commit(env: Env, viewer: Viewer, run_id: int, token: str) -> ImportRun:
    """Carry out the stored plan, exactly: refused (PLAN_STALE) when the file, mapping or decisions differ from what
    the dry run planned (`token`), or a matched record changed since."""
    async with transaction(env.db) as tx:
        s = tx.session
        run = await engine.run_of(s, viewer, run_id, lock=True)
        engine.require_state(run, PLANNED)
        if not token or token != run.plan_token or token != plan_token(run, await _decisions(s, run.id)):
            raise DomainError.one(ErrorCode.PLAN_STALE, "planToken")
        kind, after = engine.kind_of(run.kind), 0
        while True:
            rows = (await s.execute(select(*_PLANNED).where(ImportRow.run_id == run.id, ImportRow.line > after,
                                                            ImportRow.target_id.is_not(None)).order_by(ImportRow.line).limit(BATCH))).all()
            if not rows:
                break
            if await _stale(s, kind, run.org_id, rows) is not None:
                raise DomainError.one(ErrorCode.PLAN_STALE, "planToken")
            after = rows[-1].line
        run.state, run.done_rows, run.failure = COMMITTING, 0, ""
        run.lease_until = env.clock() + engine.LEASE
    return await engine.start(env, viewer, run, _committing)


async def _committing(env: Env, run_id: int) -> None:
    async with env.db() as session:
        run = await session.get(ImportRun, run_id)
        assert run is not None and run.created_by is not None
        kind = engine.kind_of(run.kind)
        state = ApplyState(run.org_id, run.created_by, run.id, env.clock(), await _context(session, env, run.org_id), env.settings)
        done = await session.scalar(select(ImportRun.done_rows).where(ImportRun.id == run_id)) or 0
    work = (Outcome.CREATED.value, Outcome.UPDATED.value)
    after = 0
    while True:
        async with transaction(env.db) as tx:
            s = tx.session
            # From the last line read on, along (run_id, line): filtering on outcome alone made the database sort every
            # row still to apply for each batch (quadratic in the file's size).
            rows = (await s.execute(select(*_PLANNED).where(ImportRow.run_id == run_id, ImportRow.line > after, ImportRow.applied.is_(False),
                                                            ImportRow.outcome.in_(work)).order_by(ImportRow.line).limit(BATCH))).all()
            if not rows:
                break
            after = rows[-1].line
            if await _stale(s, kind, run.org_id, rows) is not None:
                # Someone changed a matched record mid-commit: what is applied stays (and can be undone).
                raise engine.Stopped("PLAN_STALE")
            items = [Item(r.line, plan_of(r)) for r in rows]
            results = await kind.apply(s, items, state)
            await bulk.update_by_id(s, _ROWS, [
                {"id": r.id, "applied": True, "result": json.dumps(res, ensure_ascii=False)} for r, res in zip(rows, results, strict=True)
            ])
            done += len(rows)
            await s.execute(update(ImportRun).where(ImportRun.id == run_id).values(done_rows=done, lease_until=env.clock() + engine.LEASE))
        await engine.progress(env, run)
        await asyncio.sleep(0)
    async with transaction(env.db) as tx:
        run = await tx.session.get(ImportRun, run_id)
        assert run is not None
        run.state, run.committed_at, run.lease_until, run.done_rows = COMMITTED, env.clock(), None, run.total_rows
        tx.record(ImportCommitted(org_id=run.org_id, user=state.user_id, run=run.id, import_kind=run.kind, file_name=run.file_name,
                                  created=run.created, updated=run.updated, unchanged=run.unchanged, errors=run.errors))
    await rebuild_org(env, run.org_id)
    await engine.progress(env, run)


# ---------------------------------------------------------------- undo


async def undo(env: Env, viewer: Viewer, run_id: int) -> ImportRun:
    """Undo a committed (or part-committed) run as a whole, in one transaction; UNDO_BLOCKED when something newer
    depends on it, and then nothing changes."""
    async with transaction(env.db) as tx:
        s = tx.session
        run = await engine.run_of(s, viewer, run_id, lock=True)
        engine.require_state(run, COMMITTED, FAILED)
        kind = engine.kind_of(run.kind)
        state = ApplyState(run.org_id, viewer.user_id, run.id, env.clock(), await _context(s, env, run.org_id), env.settings)
        after, created, updated = 0, 0, 0
        while True:
            rows = list(await s.scalars(select(ImportRow).where(ImportRow.run_id == run.id, ImportRow.applied.is_(True), ImportRow.line > after)
                                        .order_by(ImportRow.line).limit(BATCH)))
            if not rows:
                break
            items = [Item(r.line, plan_of(r), json.loads(r.result or "{}")) for r in rows]
            try:
                await kind.undo(s, items, state)
            except Blocked as blocked:
                raise DomainError.one(ErrorCode.UNDO_BLOCKED, "runId", line=blocked.line, reason=reason(blocked.code, viewer.locale, blocked.params)) from None
            await s.execute(update(ImportRow), [{"id": r.id, "applied": False, "result": None} for r in rows])
            created += sum(1 for r in rows if r.outcome == Outcome.CREATED.value)
            updated += sum(1 for r in rows if r.outcome == Outcome.UPDATED.value)
            after = rows[-1].line
        if after == 0 and run.state != COMMITTED:
            raise DomainError.one(ErrorCode.IMPORT_STATE, "runId", state=run.state)
        run.state, run.undone_at = UNDONE, env.clock()
        tx.record(ImportUndone(org_id=run.org_id, user=viewer.user_id, run=run.id, import_kind=run.kind, created=created, updated=updated))
    await rebuild_org(env, run.org_id)
    await engine.progress(env, run)
    return run


# ---------------------------------------------------------------- after: derived state, and lapsed runs


async def rebuild_org(env: Env, org_id: int) -> None:
    """What `podium rebuild` does, for this org: imported history is stored, never celebrated or pushed."""
    from podium.rebuild import rebuild

    try:
        await rebuild(env, only_org=org_id)
    except Exception:  # the import stands; `podium rebuild` repairs the figures
        log.exception("rebuilding org %s after an import failed", org_id)


async def resume_lapsed(env: Env) -> int:
    """Carry on the phases whose instance stopped: a dry run starts over, a commit continues where it stopped."""
    claimed = await engine.lapsed(env)
    for run_id, state in claimed:
        if state == PLANNING:
            engine.launch(env, run_id, _planning)
        else:
            engine.launch(env, run_id, _committing)
    return len(claimed)

