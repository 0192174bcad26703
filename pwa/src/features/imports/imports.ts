// /settings/import (admins): choose what to import, drop a CSV or XLSX file, fix the column mapping (saved per
// source), dry-run it, read every row's outcome and decide near matches, commit with a live progress bar
// (importProgress), download the report, and undo a past run.
import '@/features/imports/imports.css';
import { html, nothing, type TemplateResult } from 'lit-html';
import type { Screen } from '@/app/screen';
import {
  COMMIT_MUTATION, DECIDE_MUTATION, DRY_RUN_MUTATION, IMPORT_HOME_QUERY, IMPORT_ROWS_QUERY, IMPORT_RUNS_QUERY, IMPORT_SOURCES_QUERY, PROGRESS_SUBSCRIPTION,
  SET_MAPPING_MUTATION, UNDO_MUTATION,
  type ImportKind, type ImportRowView, type ImportRun, type RunResult,
} from '@/features/imports/documents';
import { duplicates, initialChoice, mappingInput, percent, stepOf } from '@/features/imports/logic';
import { request, subscribe } from '@/graphql/client';
import { failureMessage } from '@/graphql/errors';
import { formatNumber, formatTime, t, type MessageKey } from '@/i18n';
import { dataTable, tableState, type Column, type TableState } from '@/ui/table';
import { mount, type View } from '@/ui/view';

interface State {
  kinds: ImportKind[];
  kind: string;
  sources: string[];
  source: string;
  runs: ImportRun[];
  run: ImportRun | null;
  choice: Record<number, string>;
  saveAs: string;
  samples: ImportRowView[];
  problems: ImportRowView[];
  busy: boolean;
  dragging: boolean;
  error: string | null;
  notice: (() => string) | null;
  problemsTable: TableState;
  runsTable: TableState;
}

const FINISHED = new Set(['planned', 'committed', 'undone', 'failed', 'uploaded']);

export const importScreen: Screen = (root) => {
  const host = document.createElement('div');
  root.append(host);
  let alive = true;
  let stopProgress: (() => void) | null = null;

  const view = mount<State>(host, {
    kinds: [], kind: 'customers', sources: [], source: '', runs: [], run: null, choice: {}, saveAs: '', samples: [], problems: [],
    busy: false, dragging: false, error: null, notice: null,
    problemsTable: tableState({ key: 'line', dir: 'asc' }), runsTable: tableState({ key: 'createdAt', dir: 'desc' }),
  }, draw);

  async function loadHome(): Promise<void> {
    try {
      const data = await request<{ importKinds: ImportKind[]; importRuns: ImportRun[] }>(IMPORT_HOME_QUERY);
      if (alive) view.update({ kinds: data.importKinds, runs: data.importRuns });
      await loadSources(view.state.kind);
    } catch (failure) {
      if (alive) view.update({ error: failureMessage(failure) });
    }
  }

  async function loadSources(kind: string): Promise<void> {
    const data = await request<{ importSources: string[] }>(IMPORT_SOURCES_QUERY, { kind });
    if (alive) view.update({ sources: data.importSources });
  }

  async function loadRows(run: ImportRun): Promise<void> {
    const [samples, problems] = await Promise.all([
      request<{ importRows: ImportRowView[] }>(IMPORT_ROWS_QUERY, { id: run.id, first: 3 }),
      run.state === 'planned' || run.state === 'committed'
        ? request<{ importRows: ImportRowView[] }>(IMPORT_ROWS_QUERY, { id: run.id, outcome: 'error', first: 500 })
        : Promise.resolve({ importRows: [] as ImportRowView[] }),
    ]);
    if (alive) view.update({ samples: samples.importRows, problems: problems.importRows });
  }

  /** Show a run: its mapping to edit, its plan to review, or its progress to follow. */
  function open(run: ImportRun): void {
    const same = view.state.run?.id === run.id;
    view.update({ run, choice: same && run.state === 'uploaded' ? view.state.choice : initialChoice(run), kind: run.kind });
    void loadRows(run);
    if (!FINISHED.has(run.state)) follow(run.id);
  }

  function follow(id: string): void {
    stopProgress?.();
    stopProgress = subscribe<{ importProgress: ImportRun }>(PROGRESS_SUBSCRIPTION, { id }, {
      next: ({ importProgress }) => {
        if (!alive) return;
        view.update({ run: importProgress });
        if (FINISHED.has(importProgress.state)) {
          stopProgress?.();
          stopProgress = null;
          void loadRows(importProgress);
          void loadHome();
        }
      },
    });
  }

  async function upload(file: File): Promise<void> {
    if (view.state.busy) return;
    view.update({ busy: true, error: null, notice: null });
    try {
      const params = new URLSearchParams({ kind: view.state.kind, name: file.name, source: view.state.source });
      const response = await fetch(`/api/imports/file?${params}`, { method: 'POST', body: file, credentials: 'same-origin' });
      const body = (await response.json()) as { runId?: string; errors?: Array<{ message: string }> };
      if (!response.ok || !body.runId) {
        view.update({ busy: false, error: body.errors?.map((e) => e.message).join(' ') ?? t('imports.uploadFailed') });
        return;
      }
      const { importRuns } = await request<{ importRuns: ImportRun[] }>(IMPORT_RUNS_QUERY);
      const run = importRuns.find((r) => r.id === body.runId);
      view.update({ busy: false, runs: importRuns, saveAs: view.state.source });
      if (run) open(run);
    } catch (failure) {
      view.update({ busy: false, error: failureMessage(failure) });
    }
  }

  async function act(mutation: string, variables: Record<string, unknown>, field: string): Promise<ImportRun | null> {
    view.update({ busy: true, error: null, notice: null });
    try {
      const data = await request<Record<string, RunResult>>(mutation, variables);
      const result = data[field];
      if (!result) throw new Error(field);
      if (result.__typename === 'OperationError') {
        view.update({ busy: false, error: result.errors.map((e) => e.message).join(' ') });
        return null;
      }
      view.update({ busy: false });
      open(result.run);
      return result.run;
    } catch (failure) {
      view.update({ busy: false, error: failureMessage(failure) });
      return null;
    }
  }

  async function dryRun(): Promise<void> {
    const run = view.state.run;
    if (!run) return;
    const mapped = await act(SET_MAPPING_MUTATION, { id: run.id, mapping: mappingInput(view.state.choice), saveAs: view.state.saveAs.trim() }, 'setImportMapping');
    if (mapped) await act(DRY_RUN_MUTATION, { id: run.id }, 'dryRunImport');
  }

  async function commit(): Promise<void> {
    const run = view.state.run;
    if (!run) return;
    const done = await act(COMMIT_MUTATION, { id: run.id, token: run.planToken }, 'commitImport');
    if (done?.state === 'committed') view.update({ notice: () => t('imports.committed', { created: done.created, updated: done.updated }) });
    void loadHome();
  }

  async function undo(run: ImportRun): Promise<void> {
    if (!window.confirm(t('imports.undoConfirm', { file: run.fileName }))) return;
    const done = await act(UNDO_MUTATION, { id: run.id }, 'undoImport');
    if (done) view.update({ notice: () => t('imports.undone', { file: done.fileName }) });
    void loadHome();
  }

  async function decide(line: number, decision: string): Promise<void> {
    const run = view.state.run;
    if (!run) return;
    view.update({ busy: true, error: null });
    try {
      const data = await request<{ decideImportRow: { __typename: string; run?: ImportRun; errors?: Array<{ message: string }> } }>(
        DECIDE_MUTATION, { id: run.id, line, decision });
      const result = data.decideImportRow;
      if (result.run) {
        view.update({ busy: false, run: result.run });
        await loadRows(result.run);
      } else view.update({ busy: false, error: result.errors?.map((e) => e.message).join(' ') ?? null });
    } catch (failure) {
      view.update({ busy: false, error: failureMessage(failure) });
    }
  }

  function reset(): void {
    stopProgress?.();
    stopProgress = null;
    view.update({ run: null, samples: [], problems: [], choice: {}, error: null });
  }

  function draw(state: State, v: View<State>): TemplateResult {
    const step = stepOf(state.run);
    return html`
      <section class="page imports-page" data-testid="imports-page">
        <header class="page-head">
          <h1 class="page-title">${t('imports.title')}</h1>
          <p class="page-sub">${t('imports.lead')}</p>
        </header>
        <ol class="imports-steps" aria-label=${t('imports.steps')}>
          ${(['upload', 'mapping', 'review', 'done'] as const).map((s, i) => html`
            <li class="imports-step ${stepRank(step) >= i ? 'is-reached' : ''} ${stepRank(step) === i ? 'is-current' : ''}">
              <span class="imports-step-no">${i + 1}</span>${t(`imports.step.${s}` as MessageKey)}</li>`)}
        </ol>
        ${state.notice ? html`<p class="form-ok" role="status" data-testid="imports-notice">${state.notice()}</p>` : nothing}
        ${state.error ? html`<p class="form-error" role="alert" data-testid="imports-error">${state.error}</p>` : nothing}
        ${step === 'upload' ? uploadCard(state, v) : nothing}
        ${step === 'mapping' && state.run ? mappingCard(state, state.run, v) : nothing}
        ${(step === 'planning' || step === 'committing') && state.run ? progressCard(state.run) : nothing}
        ${(step === 'review' || step === 'done') && state.run ? reviewCard(state, state.run, step) : nothing}
        ${runsCard(state)}
      </section>`;
  }

  function uploadCard(state: State, v: View<State>): TemplateResult {
    const onFile = (file: File | undefined) => { if (file) void upload(file); };
    return html`<div class="card imports-card">
      <div class="imports-row">
        <label class="field"><span class="label">${t('imports.kind')}</span>
          <select class="input" data-testid="imports-kind" @change=${(e: Event) => {
            const kind = (e.target as HTMLSelectElement).value;
            v.update({ kind });
            void loadSources(kind);
          }}>${state.kinds.map((k) => html`<option value=${k.name} ?selected=${k.name === state.kind}>${k.label}</option>`)}</select></label>
        <label class="field"><span class="label">${t('imports.source')}</span>
          <input class="input" data-testid="imports-source" list="imports-sources" placeholder=${t('imports.sourcePlaceholder')} maxlength="80"
            .value=${state.source} @input=${(e: Event) => v.update({ source: (e.target as HTMLInputElement).value })} />
          <datalist id="imports-sources">${state.sources.map((s) => html`<option value=${s}></option>`)}</datalist></label>
      </div>
      <label class="imports-drop ${state.dragging ? 'is-dragging' : ''}" data-testid="imports-drop"
        @dragover=${(e: DragEvent) => { e.preventDefault(); if (!state.dragging) v.update({ dragging: true }); }}
        @dragleave=${() => v.update({ dragging: false })}
        @drop=${(e: DragEvent) => { e.preventDefault(); v.update({ dragging: false }); onFile(e.dataTransfer?.files[0]); }}>
        <input type="file" class="imports-file" data-testid="imports-file" accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
          @change=${(e: Event) => onFile((e.target as HTMLInputElement).files?.[0])} />
        <strong>${state.busy ? t('imports.uploading') : t('imports.drop')}</strong>
        <span class="imports-hint">${t('imports.dropHint')}</span>
      </label>
    </div>`;
  }

  function mappingCard(state: State, run: ImportRun, v: View<State>): TemplateResult {
    const kind = state.kinds.find((k) => k.name === run.kind);
    const twice = duplicates(state.choice);
    const chosen = new Set(Object.values(state.choice));
    const missing = (kind?.columns ?? []).filter((c) => c.required && !chosen.has(c.key));
    return html`<div class="card imports-card" data-testid="imports-mapping">
      <h2 class="imports-h2">${t('imports.mappingTitle', { file: run.fileName, rows: formatNumber(run.totalRows) })}</h2>
      <p class="imports-hint">${t('imports.mappingLead')}</p>
      ${run.failure ? html`<p class="form-error" role="alert">${t('imports.failed', { reason: run.failure })}</p>` : nothing}
      <div class="imports-mapping">
        ${run.mapping.map((m) => html`<div class="imports-map-row" data-testid="imports-map-row" data-header=${m.header}>
          <div class="imports-map-header"><strong>${m.header || '—'}</strong>
            <span class="imports-sample">${state.samples.map((r) => r.cells[m.index] ?? '').filter((c) => c).slice(0, 2).join(' · ')}</span></div>
          <select class="input ${twice.has(state.choice[m.index] ?? '') ? 'is-invalid' : ''}" data-testid="imports-map-select"
            aria-label=${m.header} @change=${(e: Event) => v.update({ choice: { ...state.choice, [m.index]: (e.target as HTMLSelectElement).value } })}>
            <option value="" ?selected=${!state.choice[m.index]}>${t('imports.notImported')}</option>
            ${(kind?.columns ?? []).map((c) => html`<option value=${c.key} ?selected=${state.choice[m.index] === c.key}>${c.label}${c.required ? ' *' : ''}</option>`)}
          </select></div>`)}
      </div>
      ${missing.length ? html`<p class="form-error" data-testid="imports-missing">${t('imports.missing', { columns: missing.map((c) => c.label).join(', ') })}</p>` : nothing}
      <div class="imports-actions">
        <label class="field imports-save"><span class="label">${t('imports.saveAs')}</span>
          <input class="input" data-testid="imports-save-as" maxlength="80" placeholder=${t('imports.sourcePlaceholder')} .value=${state.saveAs}
            @input=${(e: Event) => v.update({ saveAs: (e.target as HTMLInputElement).value })} /></label>
        <button type="button" class="btn btn-primary" data-testid="imports-dry-run" ?disabled=${state.busy || twice.size > 0 || missing.length > 0}
          @click=${() => void dryRun()}>${t('imports.dryRun')}</button>
        <button type="button" class="btn btn-ghost" @click=${reset}>${t('imports.cancel')}</button>
      </div>
    </div>`;
  }

  function progressCard(run: ImportRun): TemplateResult {
    const share = percent(run);
    return html`<div class="card imports-card" data-testid="imports-progress">
      <h2 class="imports-h2">${t(run.state === 'planning' ? 'imports.planning' : 'imports.committing', { file: run.fileName })}</h2>
      <div class="imports-bar" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow=${share}>
        <span style="width: ${share}%"></span></div>
      <p class="imports-hint">${t('imports.progress', { done: formatNumber(run.doneRows), total: formatNumber(run.totalRows), percent: share })}</p>
    </div>`;
  }

  function reviewCard(state: State, run: ImportRun, step: 'review' | 'done'): TemplateResult {
    const counts = [['created', run.created], ['updated', run.updated], ['unchanged', run.unchanged], ['error', run.errors]] as const;
    const nothingToDo = run.created + run.updated === 0;
    return html`<div class="card imports-card" data-testid="imports-review" data-state=${run.state}>
      <h2 class="imports-h2">${t(step === 'done' ? 'imports.doneTitle' : 'imports.reviewTitle', { file: run.fileName })}</h2>
      <div class="imports-counts">${counts.map(([k, n]) => html`<div class="imports-count imports-${k}" data-testid="imports-count-${k}">
        <span class="imports-count-n">${formatNumber(n)}</span><span>${t(`imports.outcome.${k}` as MessageKey)}</span></div>`)}</div>
      ${step === 'review' && run.errors ? html`<p class="imports-hint">${t('imports.errorsLead')}</p>` : nothing}
      ${state.problems.length ? problemsTable(state, step) : nothing}
      <div class="imports-actions">
        ${step === 'review' ? html`
          <button type="button" class="btn btn-primary" data-testid="imports-commit" ?disabled=${state.busy || nothingToDo} @click=${() => void commit()}>
            ${t('imports.commit', { count: formatNumber(run.created + run.updated) })}</button>
          <button type="button" class="btn btn-ghost" data-testid="imports-remap" @click=${() => view.update({ run: { ...run, state: 'uploaded' } })}>
            ${t('imports.remap')}</button>` : nothing}
        <a class="btn btn-ghost" data-testid="imports-report" href="/api/imports/${run.id}/report" download>${t('imports.report')}</a>
        <button type="button" class="btn btn-ghost" data-testid="imports-new" @click=${reset}>${t('imports.another')}</button>
      </div>
    </div>`;
  }

  function problemsTable(state: State, step: 'review' | 'done'): TemplateResult {
    const columns: Array<Column<ImportRowView>> = [
      { key: 'line', header: 'imports.col.line', numeric: true, sort: (r) => r.line, cell: (r) => r.line, width: '5rem' },
      { key: 'column', header: 'imports.col.column', sort: (r) => r.errors[0]?.columnLabel ?? '', cell: (r) => r.errors.map((e) => e.columnLabel || '—').join(', ') },
      { key: 'value', header: 'imports.col.value', cell: (r) => html`<code class="imports-value">${r.errors.map((e) => e.value).filter((x) => x).join(', ')}</code>` },
      {
        key: 'reason', header: 'imports.col.reason', primary: true, sort: (r) => r.errors[0]?.code ?? '',
        cell: (r) => html`${r.errors.map((e) => html`<span class="imports-reason">${e.reason}</span>`)}
          ${step === 'review' && r.candidates.length ? html`<span class="imports-decide" data-testid="imports-decide">
            ${r.candidates.map((c) => html`<button type="button" class="btn btn-small" data-testid="imports-same"
              @click=${() => void decide(r.line, c.id)}>${t('imports.sameAs', { name: c.label })}</button>`)}
            <button type="button" class="btn btn-small btn-ghost" data-testid="imports-new-record" @click=${() => void decide(r.line, 'new')}>${t('imports.asNew')}</button>
          </span>` : nothing}`,
      },
    ];
    return dataTable<ImportRowView>({
      rows: state.problems, columns, rowId: (r) => String(r.line), label: t('imports.errorsTitle'), state: state.problemsTable,
      onChange: (problemsTable) => view.update({ problemsTable }), searchable: state.problems.length > 10,
      filterText: (r) => `${r.line} ${r.errors.map((e) => `${e.columnLabel} ${e.value} ${e.reason}`).join(' ')}`,
      testId: 'imports-errors', rowTestId: 'imports-error-row',
    });
  }

  function runsCard(state: State): TemplateResult {
    const columns: Array<Column<ImportRun>> = [
      { key: 'fileName', header: 'imports.col.file', primary: true, sort: (r) => r.fileName, cell: (r) => html`<strong>${r.fileName}</strong>
        ${r.sourceName ? html`<span class="imports-hint"> · ${r.sourceName}</span>` : nothing}` },
      { key: 'createdAt', header: 'imports.col.when', firstDir: 'desc', sort: (r) => r.createdAt, cell: (r) => formatTime(r.createdAt, { dateStyle: 'medium', timeStyle: 'short' }) },
      { key: 'state', header: 'imports.col.state', sort: (r) => r.state, cell: (r) => html`<span class="chip imports-state-${r.state}">${t(`imports.state.${r.state}` as MessageKey)}</span>` },
      { key: 'counts', header: 'imports.col.counts', cell: (r) => t('imports.countsShort', { created: r.created, updated: r.updated, errors: r.errors }) },
      {
        key: 'actions', header: 'imports.col.actions',
        cell: (r) => html`<span class="imports-row-actions">
          ${r.state !== 'committed' && r.state !== 'undone' ? html`<button type="button" class="btn btn-ghost btn-small" data-testid="imports-open" @click=${() => open(r)}>${t('imports.open')}</button>` : nothing}
          <a class="btn btn-ghost btn-small" href="/api/imports/${r.id}/report" download>${t('imports.report')}</a>
          ${r.state === 'committed' ? html`<button type="button" class="btn btn-ghost btn-small" data-testid="imports-undo" @click=${() => void undo(r)}>${t('imports.undo')}</button>` : nothing}
        </span>`,
      },
    ];
    return html`<div class="card imports-card">
      <h2 class="imports-h2">${t('imports.pastTitle')}</h2>
      ${dataTable<ImportRun>({
        rows: state.runs, columns, rowId: (r) => r.id, label: t('imports.pastTitle'), state: state.runsTable,
        onChange: (runsTable) => view.update({ runsTable }), testId: 'imports-runs', rowTestId: 'imports-run-row',
        rowData: (r) => ({ status: r.state }), empty: html`<p class="empty-inline">${t('imports.noRuns')}</p>`,
      })}</div>`;
  }

  void loadHome();
  return () => {
    alive = false;
    stopProgress?.();
    view.stop();
  };
};

function stepRank(step: string): number {
  return { upload: 0, mapping: 1, planning: 2, review: 2, committing: 3, done: 3 }[step] ?? 0;
}
