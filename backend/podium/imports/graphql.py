"""Imports in GraphQL: the kinds and their columns, runs and their rows, mapping, dry run, decisions, commit, undo,
and `importProgress` (the run now, then again after every batch). The file itself goes over HTTP (http.py)."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Hashable
from datetime import datetime
from typing import Annotated, Any

import strawberry

from podium.core.env import Env
from podium.core.events import org_channel
from podium.core.i18n import DEFAULT_LOCALE, Locale
from podium.core.policies import Role, Viewer
from podium.graphql.context import Info
from podium.graphql.errors import OperationError, attempt
from podium.graphql.ids import int_id
from podium.imports import engine, phases
from podium.imports.kinds import KINDS
from podium.imports.kinds.base import Kind
from podium.imports.messages import reason
from podium.imports.models import ImportRow, ImportRun
from podium.imports.values import shown
from podium.imports import cells as cell_codec


def _label(kind: Kind, key: str, locale: Locale) -> str:
    column = next((c for c in kind.columns if c.key == key), None)
    return "" if column is None else (column.zh if locale is Locale.ZH_CN else column.en)


@strawberry.type
class ImportColumn:
    key: str
    label: str
    required: bool


@strawberry.type
class ImportKind:
    name: str
    label: str
    columns: list[ImportColumn]


@strawberry.type
class ImportMapped:
    index: int
    header: str
    column: str | None = strawberry.field(description="The column key it fills; null: not imported.")


@strawberry.type
class ImportRunView:
    id: strawberry.ID
    kind: str
    state: str = strawberry.field(description="uploaded, planning, planned, committing, committed, undone or failed.")
    file_name: str
    file_format: str
    source_name: str
    mapping: list[ImportMapped]
    total_rows: int
    done_rows: int
    created: int
    updated: int
    unchanged: int
    errors: int
    plan_token: str = strawberry.field(description="Pass it to commitImport: the plan the commit carries out.")
    failure: str
    created_at: datetime
    planned_at: datetime | None
    committed_at: datetime | None
    undone_at: datetime | None

    @classmethod
    def of(cls, run: ImportRun) -> ImportRunView:
        headers, mapping = engine.headers_of(run), engine.mapping_of(run)
        return cls(
            id=strawberry.ID(str(run.id)), kind=run.kind, state=run.state, file_name=run.file_name, file_format=run.file_format,
            source_name=run.source_name, mapping=[ImportMapped(index=i, header=h, column=mapping.get(i)) for i, h in enumerate(headers)],
            total_rows=run.total_rows, done_rows=run.done_rows, created=run.created, updated=run.updated, unchanged=run.unchanged,
            errors=run.errors, plan_token=run.plan_token, failure=run.failure, created_at=run.created_at, planned_at=run.planned_at,
            committed_at=run.committed_at, undone_at=run.undone_at,
        )


@strawberry.type
class ImportRowError:
    column: str | None
    column_label: str
    value: str
    code: str
    reason: str


@strawberry.type
class ImportCandidate:
    id: strawberry.ID
    label: str


@strawberry.type
class ImportRowView:
    line: int
    outcome: str | None
    cells: list[str]
    errors: list[ImportRowError]
    candidates: list[ImportCandidate]
    decision: str | None

    @classmethod
    def of(cls, row: ImportRow, kind: Kind, locale: Locale) -> ImportRowView:
        plan = phases.plan_of(row) if row.outcome else None
        return cls(
            line=row.line, outcome=row.outcome, cells=[shown(c) for c in cell_codec.load(row.cells)],
            errors=[ImportRowError(column=e.column, column_label=_label(kind, e.column or "", locale), value=e.value, code=e.code,
                                   reason=reason(e.code, locale, e.params)) for e in (plan.errors if plan else [])],
            candidates=[ImportCandidate(id=strawberry.ID(str(c.id)), label=c.label) for c in (plan.candidates if plan else [])],
            decision=row.decision,
        )


@strawberry.input
class ImportMappingInput:
    index: int
    column: str


@strawberry.type
class ImportRunSuccess:
    run: ImportRunView


@strawberry.type
class ImportRowSuccess:
    row: ImportRowView
    run: ImportRunView


ImportRunResult = Annotated[ImportRunSuccess | OperationError, strawberry.union("ImportRunResult")]
ImportRowResult = Annotated[ImportRowSuccess | OperationError, strawberry.union("ImportRowResult")]


@strawberry.type
class Query:
    @strawberry.field(description="Admins: what can be imported, with each kind's columns.")
    def import_kinds(self, info: Info) -> list[ImportKind]:
        ctx = info.context
        engine.require_admin(ctx.require_viewer())
        zh = ctx.locale is Locale.ZH_CN
        return [ImportKind(name=k.name, label=k.zh if zh else k.en,
                           columns=[ImportColumn(key=c.key, label=c.zh if zh else c.en, required=c.required) for c in k.columns])
                for k in KINDS.values()]

    @strawberry.field(description="Admins: the org's import runs, newest first.")
    async def import_runs(self, info: Info, first: int = 20) -> list[ImportRunView]:
        ctx = info.context
        return [ImportRunView.of(r) for r in await engine.runs(ctx.env, ctx.require_viewer(), first)]

    @strawberry.field(description="Admins: one import run.")
    async def import_run(self, info: Info, id: strawberry.ID) -> ImportRunView:
        ctx = info.context
        return ImportRunView.of(await engine.get_run(ctx.env, ctx.require_viewer(), int_id(id)))

    @strawberry.field(description="Admins: a run's rows in file order, optionally of one outcome, after a line.")
    async def import_rows(self, info: Info, run_id: strawberry.ID, outcome: str | None = None, after: int = 0, first: int = 100) -> list[ImportRowView]:
        ctx = info.context
        viewer = ctx.require_viewer()
        run = await engine.get_run(ctx.env, viewer, int_id(run_id))
        kind = engine.kind_of(run.kind)
        return [ImportRowView.of(r, kind, ctx.locale) for r in await engine.rows_of(ctx.env, viewer, run.id, outcome=outcome, after=after, first=first)]

    @strawberry.field(description="Admins: the names of the mappings saved for a kind.")
    async def import_sources(self, info: Info, kind: str) -> list[str]:
        ctx = info.context
        return await engine.sources(ctx.env, ctx.require_viewer(), kind)


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Admins: map the file's columns (unlisted columns are not imported); `saveAs` saves the mapping as a source.")
    async def set_import_mapping(self, info: Info, run_id: strawberry.ID, mapping: list[ImportMappingInput], save_as: str = "") -> ImportRunResult:
        ctx = info.context

        async def action() -> ImportRunSuccess:
            wanted = {m.index: m.column for m in mapping[:500] if m.column}
            return ImportRunSuccess(run=ImportRunView.of(await engine.set_mapping(ctx.env, ctx.require_viewer(), int_id(run_id), wanted, save_as)))

        return await attempt(ctx.locale, action)

    @strawberry.mutation(description="Admins: plan every row (created, updated, unchanged or error); large files continue in the background.")
    async def dry_run_import(self, info: Info, run_id: strawberry.ID) -> ImportRunResult:
        ctx = info.context

        async def action() -> ImportRunSuccess:
            return ImportRunSuccess(run=ImportRunView.of(await phases.dry_run(ctx.env, ctx.require_viewer(), int_id(run_id))))

        return await attempt(ctx.locale, action)

    @strawberry.mutation(description="Admins: decide a near match: \"new\" or the id of the candidate it is; the row is planned again.")
    async def decide_import_row(self, info: Info, run_id: strawberry.ID, line: int, decision: str) -> ImportRowResult:
        ctx = info.context

        async def action() -> ImportRowSuccess:
            viewer = ctx.require_viewer()
            row = await phases.decide(ctx.env, viewer, int_id(run_id), line, decision)
            run = await engine.get_run(ctx.env, viewer, int_id(run_id))
            return ImportRowSuccess(row=ImportRowView.of(row, engine.kind_of(run.kind), ctx.locale), run=ImportRunView.of(run))

        return await attempt(ctx.locale, action)

    @strawberry.mutation(description="Admins: carry out the dry run's plan exactly; PLAN_STALE when anything changed since.")
    async def commit_import(self, info: Info, run_id: strawberry.ID, plan_token: str) -> ImportRunResult:
        ctx = info.context

        async def action() -> ImportRunSuccess:
            return ImportRunSuccess(run=ImportRunView.of(await phases.commit(ctx.env, ctx.require_viewer(), int_id(run_id), plan_token)))

        return await attempt(ctx.locale, action)

    @strawberry.mutation(description="Admins: undo a committed run as a whole; UNDO_BLOCKED while something newer depends on it.")
    async def undo_import(self, info: Info, run_id: strawberry.ID) -> ImportRunResult:
        ctx = info.context

        async def action() -> ImportRunSuccess:
            return ImportRunSuccess(run=ImportRunView.of(await phases.undo(ctx.env, ctx.require_viewer(), int_id(run_id))))

        return await attempt(ctx.locale, action)


class ImportProgressLive:
    """One run's state for everyone watching it: re-read after each batch's progress message."""

    stream = False

    def __init__(self, env: Env, org_id: int, run_id: int) -> None:
        self.env, self.org_id, self.run_id = env, org_id, run_id
        self._view = Viewer(user_id=0, org_id=org_id, team_id=None, role=Role.ADMIN, locale=DEFAULT_LOCALE, name="")

    @property
    def key(self) -> Hashable:
        return ("import", self.org_id, self.run_id)

    @property
    def channel(self) -> str:
        return org_channel(self.org_id)

    def relevant(self, event: dict[str, Any]) -> bool:
        return event.get("kind") == engine.PROGRESS and event.get("run") == self.run_id

    async def snapshot(self) -> ImportRunView:
        return ImportRunView.of(await engine.get_run(self.env, self._view, self.run_id))

    async def values_for(self, event: dict[str, Any]) -> list[Any]:
        return []

    def refresh_at(self, value: Any) -> datetime | None:
        return None


async def import_progress_live(info_context: Any, args: dict[str, Any]) -> ImportProgressLive:
    viewer = info_context.require_viewer()
    run = await engine.get_run(info_context.env, viewer, int_id(args["runId"]))  # admins of the run's org only
    return ImportProgressLive(info_context.env, viewer.org_id, run.id)


@strawberry.type
class Subscription:
    @strawberry.subscription(description="Admins: the run now, then again after every batch of its dry run or commit.")
    async def import_progress(self, info: Info, run_id: strawberry.ID) -> AsyncGenerator[ImportRunView, None]:
        spec = await import_progress_live(info.context, {"runId": run_id})
        async for value in info.context.hub.listen(spec):
            yield value


