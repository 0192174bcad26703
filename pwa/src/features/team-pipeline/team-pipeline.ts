// /deals/team: every deal in a manager's or admin's reach, as the stage board or as a table.
// Filters sit in a bar on desktop and in a sheet on phones; they live in the URL, so a filtered
// view can be shared and survives a reload. The table is server-sorted and paged; selected
// rows are reassigned in one step (all or none).
import '@/features/team-pipeline/team-pipeline.css';
import { html, nothing, type TemplateResult } from 'lit-html';
import { repeat } from 'lit-html/directives/repeat.js';
import type { Screen } from '@/app/screen';
import { replaceParams } from '@/app/router';
import {
  REASSIGN_DEALS_MUTATION,
  TEAM_BOARD_QUERY,
  TEAM_DEALS_QUERY,
  TEAM_OPTIONS_QUERY,
  type BoardColumn,
  type DealStatus,
  type LeadSource,
  type ReassignResult,
  type TeamDeal,
  type TeamDealsPage,
  type TeamPipelineOptions,
} from '@/features/team-pipeline/documents';
import {
  activeCount,
  emptyFilters,
  filterVariable,
  LEAD_SOURCES,
  pageRange,
  PAGE_SIZE,
  PER_STAGE,
  readParams,
  SORT_OF,
  toggled,
  writeParams,
  type Filters,
  type Mode,
} from '@/features/team-pipeline/logic';
import { whenLocaleSaved } from '@/app/session';
import { request } from '@/graphql/client';
import { failureMessage, fieldErrorMessage } from '@/graphql/errors';
import type { Me } from '@/graphql/types';
import { formatNumber, getLocale, onLocaleChange, t, type MessageKey } from '@/i18n';
import { formatDay } from '@/ui/dates';
import { formatMoney } from '@/ui/money';
import { dataTable, exportHref, exportMenu, tableState, type Column, type ExportFormat, type ExportParams, type TableState } from '@/ui/table';
import { mount, type View } from '@/ui/view';

const SEARCH_DELAY_MS = 300;
const STATUSES: readonly DealStatus[] = ['OPEN', 'WON', 'LOST', 'REVERSED'];

interface State {
  mode: Mode;
  filters: Filters;
  options: TeamPipelineOptions | null;
  page: TeamDealsPage | null;
  board: BoardColumn[] | null;
  table: TableState;
  offset: number;
  loading: boolean;
  error: string | null;
  sheet: boolean;
  reassignTo: string;
  reassigning: boolean;
  notice: string | null;
  reassignError: string | null;
}

export const teamPipelineScreen: Screen = (root, { location, me: maybeMe }) => {
  const me = maybeMe as Me;
  if (me.user.role === 'REP') {
    root.append(Object.assign(document.createElement('p'), { className: 'page empty', textContent: t('error.FORBIDDEN') }));
    return;
  }
  const start = readParams(location.params);
  const currency = me.org.currency;
  let alive = true;
  let generation = 0;
  let searchTimer: ReturnType<typeof setTimeout> | undefined;

  const money = (amount: string, compact = false) => formatMoney(amount, currency, getLocale(), compact);

  const load = async (view: View<State>) => {
    const s = view.state;
    const mine = ++generation;
    view.update({ loading: true, error: null });
    replaceParams(writeParams(s.filters, s.mode, s.table.sort));
    const filter = filterVariable(s.filters);
    try {
      if (s.mode === 'board') {
        const { teamBoard } = await request<{ teamBoard: BoardColumn[] }>(TEAM_BOARD_QUERY, { filter, perStage: PER_STAGE });
        if (alive && mine === generation) view.update({ board: teamBoard, loading: false });
      } else {
        const sort = s.table.sort ?? { key: 'amount', dir: 'desc' };
        const { teamDeals } = await request<{ teamDeals: TeamDealsPage }>(TEAM_DEALS_QUERY, {
          filter, sort: SORT_OF[sort.key] ?? 'AMOUNT', descending: sort.dir === 'desc', offset: s.offset, first: PAGE_SIZE,
        });
        if (alive && mine === generation) view.update({ page: teamDeals, loading: false });
      }
    } catch (failure) {
      if (alive && mine === generation) view.update({ error: failureMessage(failure), loading: false });
    }
  };

  // The export follows the filters and the table's sort in either mode (the board has no order of its own).
  const exportLink = (s: State, format: ExportFormat) => {
    const sort = s.table.sort ?? { key: 'amount', dir: 'desc' };
    return exportHref('/api/deals/team/export', {
      ...(filterVariable(s.filters) as ExportParams), sort: SORT_OF[sort.key] ?? 'AMOUNT', descending: sort.dir === 'desc',
    }, format);
  };

  const setFilters = (view: View<State>, patch: Partial<Filters>, debounce = false) => {
    view.update((s) => ({ filters: { ...s.filters, ...patch }, offset: 0, table: { ...s.table, selected: new Set(), anchor: null } }));
    clearTimeout(searchTimer);
    if (debounce) searchTimer = setTimeout(() => void load(view), SEARCH_DELAY_MS);
    else void load(view);
  };

  const reassign = async (view: View<State>, ids: string[]) => {
    const owner = view.state.options?.owners.find((o) => o.id === view.state.reassignTo);
    if (!owner || !ids.length) return;
    view.update({ reassigning: true, notice: null, reassignError: null });
    try {
      const { reassignDeals } = await request<{ reassignDeals: ReassignResult }>(REASSIGN_DEALS_MUTATION, { ids, owner: owner.id });
      if (!alive) return;
      if (reassignDeals.__typename === 'OperationError') {
        view.update({ reassigning: false, reassignError: reassignDeals.errors.map(fieldErrorMessage).join(' ') });
        return;
      }
      view.update((s) => ({
        reassigning: false,
        notice: t('tp.reassigned', { count: formatNumber(reassignDeals.moved.length), name: owner.name }),
        table: { ...s.table, selected: new Set(), anchor: null },
      }));
      void load(view);
    } catch (failure) {
      if (alive) view.update({ reassigning: false, reassignError: failureMessage(failure) });
    }
  };

  // ---------------------------------------------------------------- filters

  const checklist = <T extends string>(
    label: string, testId: string, items: ReadonlyArray<{ value: T; label: string; indent?: number }>, chosen: readonly T[], onToggle: (value: T, on: boolean) => void,
  ) => html`<details class="tp-multi" data-testid=${testId}>
      <summary class="tp-multi-summary">${label}${chosen.length ? html` <span class="tp-count">${formatNumber(chosen.length)}</span>` : nothing}</summary>
      <div class="tp-multi-list" role="group" aria-label=${label}>
        ${items.map((item) => html`<label class="tp-check" style=${item.indent ? `padding-inline-start:${item.indent}rem` : ''}>
          <input type="checkbox" .checked=${chosen.includes(item.value)} data-value=${item.value}
            @change=${(e: Event) => onToggle(item.value, (e.currentTarget as HTMLInputElement).checked)} />
          <span>${item.label}</span></label>`)}
      </div>
    </details>`;

  const filterFields = (s: State, view: View<State>) => {
    const o = s.options;
    const f = s.filters;
    return html`
      <label class="tp-field tp-search-field">
        <span class="tp-label">${t('tp.search')}</span>
        <input type="search" class="input" data-testid="tp-search" .value=${f.search} placeholder=${t('tp.searchHint')}
          @input=${(e: Event) => setFilters(view, { search: (e.currentTarget as HTMLInputElement).value }, true)} />
      </label>
      <label class="tp-field">
        <span class="tp-label">${t('tp.team')}</span>
        <select class="input" data-testid="tp-team" @change=${(e: Event) => setFilters(view, { teamId: (e.currentTarget as HTMLSelectElement).value })}>
          <option value="" ?selected=${!f.teamId}>${t('tp.allTeams')}</option>
          ${(o?.teams ?? []).map((u) => html`<option value=${u.id} ?selected=${f.teamId === u.id}>${'\u00a0\u00a0'.repeat(u.depth)}${u.name}</option>`)}
        </select>
      </label>
      ${checklist(t('tp.owner'), 'tp-owners', (o?.owners ?? []).map((p) => ({ value: p.id, label: p.name })), f.ownerIds,
        (v, on) => setFilters(view, { ownerIds: toggled(f.ownerIds, v, on) }))}
      ${checklist(t('tp.stage'), 'tp-stages', (o?.stages ?? []).map((st) => ({ value: st.id, label: st.name })), f.stageIds,
        (v, on) => setFilters(view, { stageIds: toggled(f.stageIds, v, on) }))}
      ${checklist(t('tp.source'), 'tp-sources', LEAD_SOURCES.map((src) => ({ value: src, label: t(`pipeline.source.${src}` as MessageKey) })), f.leadSources,
        (v: LeadSource, on) => setFilters(view, { leadSources: toggled(f.leadSources, v, on) }))}
      ${checklist(t('tp.status'), 'tp-statuses', STATUSES.map((st) => ({ value: st, label: t(`tp.status.${st}` as MessageKey) })), f.statuses,
        (v: DealStatus, on) => setFilters(view, { statuses: toggled(f.statuses, v, on) }))}
      <fieldset class="tp-field tp-range">
        <legend class="tp-label">${t('tp.closeMonth')}</legend>
        <input type="month" class="input" data-testid="tp-close-from" aria-label=${t('tp.from')} .value=${f.closeFrom}
          @change=${(e: Event) => setFilters(view, { closeFrom: (e.currentTarget as HTMLInputElement).value })} />
        <span aria-hidden="true">–</span>
        <input type="month" class="input" data-testid="tp-close-to" aria-label=${t('tp.to')} .value=${f.closeTo}
          @change=${(e: Event) => setFilters(view, { closeTo: (e.currentTarget as HTMLInputElement).value })} />
      </fieldset>
      <fieldset class="tp-field tp-range">
        <legend class="tp-label">${t('tp.amount', { currency })}</legend>
        <input type="text" inputmode="decimal" class="input tp-amount" data-testid="tp-amount-min" placeholder=${t('tp.min')} aria-label=${t('tp.min')}
          .value=${f.amountMin} @change=${(e: Event) => setFilters(view, { amountMin: (e.currentTarget as HTMLInputElement).value.trim() })} />
        <span aria-hidden="true">–</span>
        <input type="text" inputmode="decimal" class="input tp-amount" data-testid="tp-amount-max" placeholder=${t('tp.max')} aria-label=${t('tp.max')}
          .value=${f.amountMax} @change=${(e: Event) => setFilters(view, { amountMax: (e.currentTarget as HTMLInputElement).value.trim() })} />
      </fieldset>
      ${activeCount(f)
        ? html`<button type="button" class="btn btn-ghost btn-small tp-clear" data-testid="tp-clear" @click=${() => setFilters(view, emptyFilters())}>${t('tp.clearFilters')}</button>`
        : nothing}`;
  };

  // ---------------------------------------------------------------- board

  const card = (d: TeamDeal) => html`<a class="tp-card" href=${`/deals/${d.id}`} data-testid="tp-card" data-deal-id=${d.id}>
      <span class="tp-card-title">${d.title}</span>
      <span class="tp-card-customer">${d.customerName}</span>
      <span class="tp-card-foot">
        <strong class="tp-card-amount">${money(d.amount)}</strong>
        <span class="tp-card-owner">${d.owner.name}</span>
      </span>
      <span class="tp-card-meta">${t('tp.closes', { day: formatDay(d.expectedClose, getLocale()) })} · ${t('tp.days', { count: formatNumber(d.daysInStage) })}</span>
    </a>`;

  // Won and lost columns only when the status filter asks for them (or they still hold deals).
  const shownColumns = (s: State) => (s.board ?? []).filter((c) => c.count > 0 || s.filters.statuses.includes(c.stage.outcome));

  const board = (s: State, view: View<State>) => html`<div class="tp-board" data-testid="tp-board">
      ${repeat(shownColumns(s), (c) => c.stage.id, (c) => html`<section class="tp-column" data-testid="tp-column" data-stage=${c.stage.key} data-count=${c.count}>
        <header class="tp-column-head">
          <h2 class="tp-column-title">${c.stage.name}</h2>
          <span class="tp-column-count">${formatNumber(c.count)}</span>
          <span class="tp-column-amount">${money(c.amount, true)}</span>
        </header>
        <div class="tp-column-body">
          ${c.deals.length ? c.deals.map(card) : html`<p class="tp-empty-col">${t('tp.noDeals')}</p>`}
          ${c.count > c.deals.length
            ? html`<button type="button" class="btn btn-ghost btn-small tp-more" @click=${() => {
                view.update((st) => ({ mode: 'table', filters: { ...st.filters, stageIds: [c.stage.id] }, offset: 0 }));
                void load(view);
              }}>${t('tp.more', { count: formatNumber(c.count - c.deals.length) })}</button>`
            : nothing}
        </div>
      </section>`)}
    </div>`;

  // ---------------------------------------------------------------- table

  const columns: Array<Column<TeamDeal>> = [
    { key: 'title', header: 'tp.col.deal', primary: true, cell: (d) => html`<span class="tp-deal"><strong>${d.title}</strong><small>${d.customerName}</small></span>` },
    { key: 'owner', header: 'tp.col.owner', sort: (d) => d.owner.name, firstDir: 'asc',
      cell: (d) => html`<span class="tp-owner">${d.owner.name}${d.owner.teamName ? html`<small>${d.owner.teamName}</small>` : nothing}${d.owner.active ? nothing : html`<small class="tp-left">${t('tp.left')}</small>`}</span>` },
    { key: 'stage', header: 'tp.col.stage', sort: (d) => d.stage.position, firstDir: 'asc', cell: (d) => html`<span class="tp-stage is-${d.status.toLowerCase()}">${d.stage.name}</span>` },
    { key: 'amount', header: 'tp.col.amount', numeric: true, sort: (d) => d.amount, firstDir: 'desc', cell: (d) => money(d.amount) },
    { key: 'close', header: 'tp.col.close', sort: (d) => d.expectedClose, firstDir: 'asc', cell: (d) => formatDay(d.expectedClose, getLocale(), { year: 'numeric', month: 'short', day: 'numeric' }) },
    { key: 'days', header: 'tp.col.days', numeric: true, sort: (d) => d.daysInStage, firstDir: 'desc', phoneHidden: true, cell: (d) => formatNumber(d.daysInStage) },
    { key: 'source', header: 'tp.col.source', phoneHidden: true, cell: (d) => t(`pipeline.source.${d.leadSource}` as MessageKey) },
    { key: 'updated', header: 'tp.col.updated', sort: (d) => d.updatedAt, firstDir: 'desc', phoneHidden: true, cell: (d) => formatDay(d.updatedAt.slice(0, 10), getLocale()) },
  ];

  const table = (s: State, view: View<State>) => {
    const page = s.page;
    const rows = page?.deals ?? [];
    const range = pageRange(s.offset, rows.length);
    const total = page?.total ?? 0;
    const chosen = s.table.selected.size;
    const target = s.options?.owners.find((o) => o.id === s.reassignTo);
    const reassignBox = html`<label class="tp-reassign" ?hidden=${chosen === 0}>
        <span class="visually-hidden">${t('tp.reassignTo')}</span>
        <select class="input" data-testid="tp-reassign-owner" @change=${(e: Event) => view.update({ reassignTo: (e.currentTarget as HTMLSelectElement).value })}>
          <option value="" ?selected=${!s.reassignTo}>${t('tp.reassignTo')}</option>
          ${(s.options?.owners ?? []).map((o) => html`<option value=${o.id} ?selected=${s.reassignTo === o.id}>${o.name}${o.teamName ? ` · ${o.teamName}` : ''}</option>`)}
        </select>
      </label>`;
    return html`
      ${dataTable({
        rows, columns, rowId: (d) => d.id, label: t('tp.title'), state: s.table, mode: 'server', total,
        selectable: true, testId: 'tp-table', rowTestId: 'tp-row', rowHref: (d) => `/deals/${d.id}`,
        rowData: (d) => ({ status: d.status.toLowerCase() }),
        toolbar: reassignBox,
        actions: [{
          id: 'reassign', primary: true, disabled: !target || s.reassigning,
          label: target ? t('tp.reassignN', { count: formatNumber(chosen), name: target.name }) : t('tp.chooseOwner'),
          run: (ids) => void reassign(view, ids),
        }],
        empty: html`<p>${t('tp.noMatch')}</p>`,
        onChange: (next, change) => {
          view.update({ table: next, ...(change === 'sort' ? { offset: 0 } : {}) });
          if (change === 'sort') void load(view);
        },
      })}
      <nav class="tp-pager" aria-label=${t('tp.pages')}>
        <button type="button" class="btn btn-ghost btn-small" data-testid="tp-prev" ?disabled=${s.offset === 0 || s.loading}
          @click=${() => { view.update({ offset: Math.max(0, s.offset - PAGE_SIZE) }); void load(view); }}>${t('tp.prev')}</button>
        <span class="tp-page-range" data-testid="tp-range">${t('tp.range', { from: formatNumber(range.from), to: formatNumber(range.to), total: formatNumber(total) })}</span>
        <button type="button" class="btn btn-ghost btn-small" data-testid="tp-next" ?disabled=${s.offset + rows.length >= total || s.loading}
          @click=${() => { view.update({ offset: s.offset + PAGE_SIZE }); void load(view); }}>${t('tp.next')}</button>
      </nav>`;
  };

  // ---------------------------------------------------------------- page

  const summary = (s: State) => {
    const stages = s.mode === 'board' ? s.board ?? [] : s.page?.stages ?? [];
    const count = stages.reduce((n, c) => n + c.count, 0);
    const amount = s.mode === 'table' && s.page ? s.page.amount : stages.reduce((sum, c) => sum + Number(c.amount), 0).toFixed(2);
    return html`<p class="page-sub tp-summary" data-testid="tp-summary" data-count=${count}>
      ${t('tp.summary', { count: formatNumber(count), amount: money(amount) })}</p>`;
  };

  const draw = (s: State, view: View<State>): TemplateResult => {
    const active = activeCount(s.filters);
    return html`<section class="page tp-page" data-testid="team-pipeline" data-mode=${s.mode} aria-busy=${s.loading ? 'true' : 'false'}>
      <header class="page-head tp-head">
        <div>
          <h1 class="page-title">${t('tp.title')}</h1>
          ${summary(s)}
        </div>
        <div class="tp-head-tools">
          <div class="tp-toggle" role="group" aria-label=${t('tp.viewAs')}>
            ${(['board', 'table'] as const).map((m) => html`<button type="button" class="btn btn-small ${s.mode === m ? 'is-on' : 'btn-ghost'}"
              aria-pressed=${s.mode === m ? 'true' : 'false'} data-testid=${`tp-mode-${m}`}
              @click=${() => { if (s.mode !== m) { view.update({ mode: m, offset: 0 }); void load(view); } }}>${t(`tp.mode.${m}` as MessageKey)}</button>`)}
          </div>
          <button type="button" class="btn btn-ghost btn-small tp-filter-button" data-testid="tp-filter-button" aria-expanded=${s.sheet ? 'true' : 'false'}
            @click=${() => view.update({ sheet: !s.sheet })}>${active ? t('tp.filtersN', { count: formatNumber(active) }) : t('tp.filters')}</button>
          ${exportMenu((format) => exportLink(s, format), 'tp-export')}
          <a class="btn btn-ghost btn-small" href="/deals/new">${t('tp.newDeal')}</a>
        </div>
      </header>
      <div class="tp-filters ${s.sheet ? 'is-open' : ''}" data-testid="tp-filters" role="search">
        <div class="tp-sheet-head">
          <strong>${t('tp.filters')}</strong>
          <button type="button" class="btn btn-primary btn-small" data-testid="tp-sheet-done" @click=${() => view.update({ sheet: false })}>${t('tp.done')}</button>
        </div>
        ${filterFields(s, view)}
      </div>
      ${s.sheet ? html`<div class="tp-scrim" @click=${() => view.update({ sheet: false })}></div>` : nothing}
      ${s.notice ? html`<p class="form-ok" role="status" data-testid="tp-notice">${s.notice}</p>` : nothing}
      ${s.reassignError ? html`<p class="form-error" role="alert" data-testid="tp-reassign-error">${s.reassignError}</p>` : nothing}
      ${s.error
        ? html`<div class="card" role="alert"><p>${s.error}</p><button type="button" class="btn btn-primary" @click=${() => void load(view)}>${t('app.retry')}</button></div>`
        : s.mode === 'board'
          ? s.board ? board(s, view) : html`<div class="skeleton-list"><div class="skeleton-row"></div><div class="skeleton-row"></div></div>`
          : table(s, view)}
    </section>`;
  };

  const view = mount<State>(root, {
    mode: start.mode, filters: start.filters, options: null, page: null, board: null, table: tableState(start.sort), offset: 0,
    loading: true, error: null, sheet: false, reassignTo: '', reassigning: false, notice: null, reassignError: null,
  }, draw);

  const loadOptions = () =>
    request<{ teamPipelineOptions: TeamPipelineOptions }>(TEAM_OPTIONS_QUERY)
      .then(({ teamPipelineOptions }) => alive && view.update({ options: teamPipelineOptions }))
      .catch((failure) => alive && view.update({ error: failureMessage(failure) }));
  void loadOptions();
  void load(view);
  // Stage names come in the reader's language: read again after a switch.
  const stopLocale = onLocaleChange(() =>
    void whenLocaleSaved().then(() => {
      void loadOptions();
      void load(view);
    }),
  );

  return () => {
    alive = false;
    stopLocale();
    clearTimeout(searchTimer);
    view.stop();
  };
};
