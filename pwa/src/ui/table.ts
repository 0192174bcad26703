// The shared data table for manager and admin screens: sortable headers, a filter box,
// row selection with a bulk-action bar, and a card per row on phones (< 768 px, in CSS).
// It is a lit-html template function: the screen keeps a `TableState` in its own state and
// passes it in; every change comes back through `onChange` (one state, one draw).
//
//   dataTable({ rows, columns, rowId: (r) => r.id, label: t('x.title'),
//               state: s.table, onChange: (table) => view.update({ table }) })
//
// Client mode (the default) filters and sorts `rows` itself. Server mode renders `rows`
// as given: the screen reads `state.sort` / `state.query` in `onChange` and refetches.
import '@/ui/table.css';
import { html, nothing, render, type TemplateResult } from 'lit-html';
import { ifDefined } from 'lit-html/directives/if-defined.js';
import { repeat } from 'lit-html/directives/repeat.js';
import { navigate } from '@/app/router';
import { formatNumber, t, type MessageKey } from '@/i18n';
import {
  filterRows,
  nextSort,
  selectAllState,
  sortRows,
  toggleAllVisible,
  toggleRow,
  visibleSelection,
  type SortDir,
  type ExportFormat,
  type SortValue,
  type TableState,
} from '@/ui/table-logic';

export { exportHref, tableState, type ExportFormat, type ExportParams, type SortState, type TableState } from '@/ui/table-logic';

export interface Column<R> {
  /** Unique within the table; the sort state names it. */
  key: string;
  /** Message key of the header (also the label before the value on a phone card). */
  header: MessageKey;
  /** The cell: a string, a number or a lit-html template. */
  cell: (row: R) => unknown;
  /** What the column sorts by; without it the header is not a sort button. */
  sort?: (row: R) => SortValue;
  /** The direction of a first click (amounts and dates usually start descending). */
  firstDir?: SortDir;
  /** Right-aligned, tabular figures. */
  numeric?: boolean;
  /** Left out of the phone card (kept in the desktop table). */
  phoneHidden?: boolean;
  /** The phone card's title (default: the first column). */
  primary?: boolean;
  /** A CSS width for the desktop column (e.g. '8rem'). */
  width?: string;
}

/** The Export menu drawn into a plain DOM screen's element (screens built with ui/dom.ts); call again when the filters change. */
export function renderExportMenu(host: HTMLElement, url: (format: ExportFormat) => string, testId: string, hint?: string): void {
  render(exportMenu(url, testId, hint), host);
}

export interface BulkAction {
  id: string;
  /** Already translated (it often carries a count or a name). */
  label: string;
  /** Receives the ids of the selected rows that are shown. */
  run: (ids: string[]) => void;
  danger?: boolean;
  primary?: boolean;
  disabled?: boolean;
}

export type TableChange = 'sort' | 'query' | 'selection';

export interface TableOptions<R> {
  rows: readonly R[];
  columns: ReadonlyArray<Column<R>>;
  rowId: (row: R) => string;
  /** The table's accessible name. */
  label: string;
  state: TableState;
  onChange: (next: TableState, change: TableChange) => void;
  /** 'server': rows are already filtered and sorted by the caller (large lists). */
  mode?: 'client' | 'server';
  /** Shows a filter box; client mode matches it against `filterText` (default: the sort values). */
  searchable?: boolean;
  searchPlaceholder?: string;
  filterText?: (row: R) => string;
  /** Checkboxes, "select all shown", shift-click ranges and the bulk-action bar. */
  selectable?: boolean;
  actions?: ReadonlyArray<BulkAction>;
  /** A link for the whole row (the primary cell becomes an <a>). */
  rowHref?: (row: R) => string | undefined;
  onRowClick?: (row: R) => void;
  /** Shown when there are no rows at all (not when the filter hides them all). */
  empty?: unknown;
  /** Extra controls at the start of the toolbar (filters of the screen's own). */
  toolbar?: unknown;
  /** Total in server mode ("20 of 340"); client mode counts itself. */
  total?: number;
  testId?: string;
  rowTestId?: string;
  /** data-status / data-kind on each row (for CSS and tests; every row has data-row-id). */
  rowData?: (row: R) => { status?: string; kind?: string };
  /** The list's export link with its current filters (`exportHref`): an Export menu (CSV / Excel) in the toolbar. */
  exportUrl?: (format: ExportFormat) => string;
}

/** The Export menu: downloads of everything the list's filters match, as CSV or Excel (the server streams them). */
export function exportMenu(url: (format: ExportFormat) => string, testId = 'dt-export', hint = t('table.exportHint')): TemplateResult {
  const close = (event: Event) => (event.currentTarget as HTMLElement).closest('details')?.removeAttribute('open');
  // The menu opens towards the right unless that would leave the screen (a button at the end of a header).
  const place = (event: Event) => {
    const details = event.currentTarget as HTMLDetailsElement;
    if (!details.open) return;
    details.classList.remove('is-end');
    const menu = details.querySelector('.dt-export-menu');
    if (menu && menu.getBoundingClientRect().right > document.documentElement.clientWidth - 8) details.classList.add('is-end');
  };
  return html`<details class="dt-export" data-testid=${testId} @toggle=${place}>
    <summary class="btn btn-ghost btn-small" title=${hint}>${t('table.export')}<span aria-hidden="true"> ▾</span></summary>
    <div class="dt-export-menu" role="menu">
      <a role="menuitem" href=${url('csv')} download data-testid=${`${testId}-csv`} @click=${close}>${t('table.exportCsv')}</a>
      <a role="menuitem" href=${url('xlsx')} download data-testid=${`${testId}-xlsx`} @click=${close}>${t('table.exportXlsx')}</a>
      <p class="dt-export-hint">${hint}</p>
    </div>
  </details>`;
}

const INTERACTIVE = 'a, button, input, select, textarea, label, [role="button"]';

function primaryIndex<R>(columns: ReadonlyArray<Column<R>>): number {
  const i = columns.findIndex((c) => c.primary);
  return i >= 0 ? i : 0;
}

function defaultText<R>(columns: ReadonlyArray<Column<R>>): (row: R) => string {
  return (row) => columns.map((c) => (c.sort ? String(c.sort(row) ?? '') : '')).join(' ');
}

/** The rows as shown: filtered and sorted in client mode, untouched in server mode. */
export function shownRows<R>(options: Pick<TableOptions<R>, 'rows' | 'columns' | 'state' | 'mode' | 'filterText'>): R[] {
  const { rows, columns, state } = options;
  if (options.mode === 'server') return [...rows];
  const filtered = filterRows(rows, state.query, options.filterText ?? defaultText(columns));
  const column = state.sort ? columns.find((c) => c.key === state.sort?.key) : undefined;
  return column?.sort && state.sort ? sortRows(filtered, column.sort, state.sort.dir) : filtered;
}

export function dataTable<R>(options: TableOptions<R>): TemplateResult {
  const { columns, state, onChange, rowId } = options;
  const rows = shownRows(options);
  const ids = rows.map(rowId);
  const selectable = Boolean(options.selectable);
  const chosen = selectable ? visibleSelection(state.selected, ids) : [];
  const all = selectAllState(state.selected, ids);
  const primary = primaryIndex(columns);
  const total = options.total ?? options.rows.length;
  const sortable = columns.filter((c) => c.sort);

  const setSort = (key: string, dir?: SortDir) => {
    const column = columns.find((c) => c.key === key);
    const sort = dir ? { key, dir } : nextSort(state.sort, key, column?.firstDir);
    onChange({ ...state, sort }, 'sort');
  };
  const onRowCheck = (event: MouseEvent, id: string) => {
    const box = event.currentTarget as HTMLInputElement;
    onChange({ ...state, ...toggleRow(state, ids, id, box.checked, event.shiftKey) }, 'selection');
  };
  const onAll = () => onChange({ ...state, selected: toggleAllVisible(state.selected, ids), anchor: null }, 'selection');
  const clear = () => onChange({ ...state, selected: new Set(), anchor: null }, 'selection');
  const onRow = (event: MouseEvent, row: R) => {
    if ((event.target as Element).closest(INTERACTIVE)) return;
    // Selecting text in a row is not a click on it.
    if (window.getSelection()?.toString()) return;
    const href = options.rowHref?.(row);
    if (options.onRowClick) options.onRowClick(row);
    else if (href) navigate(href);
  };
  const clickable = Boolean(options.onRowClick || options.rowHref);

  const ariaSort = (key: string): 'ascending' | 'descending' | 'none' =>
    state.sort?.key === key ? (state.sort.dir === 'asc' ? 'ascending' : 'descending') : 'none';

  const header = (column: Column<R>) => {
    const label = t(column.header);
    const cls = `dt-th${column.numeric ? ' is-num' : ''}${column.phoneHidden ? ' phone-hidden' : ''}`;
    const style = column.width ? `width:${column.width}` : undefined;
    if (!column.sort) return html`<th scope="col" class=${cls} style=${ifDefined(style)}>${label}</th>`;
    const current = ariaSort(column.key);
    return html`<th scope="col" class=${cls} style=${ifDefined(style)} aria-sort=${current}>
      <button type="button" class="dt-sort" data-sort-key=${column.key}
        @click=${() => setSort(column.key)}>
        <span>${label}</span><span class="dt-sort-mark" aria-hidden="true">${current === 'ascending' ? '▲' : current === 'descending' ? '▼' : '↕'}</span>
      </button>
    </th>`;
  };

  const cell = (row: R, column: Column<R>, index: number) => {
    const isPrimary = index === primary;
    const cls = `dt-td${column.numeric ? ' is-num' : ''}${column.phoneHidden ? ' phone-hidden' : ''}${isPrimary ? ' is-primary' : ''}`;
    const content = column.cell(row);
    const href = isPrimary ? options.rowHref?.(row) : undefined;
    return html`<td class=${cls} data-label=${t(column.header)} data-key=${column.key}>${href ? html`<a class="dt-link" href=${href}>${content}</a>` : content}</td>`;
  };

  const body = repeat(
    rows,
    rowId,
    (row) => {
      const id = rowId(row);
      const on = state.selected.has(id);
      const data = options.rowData?.(row) ?? {};
      return html`<tr class="dt-row${on ? ' is-selected' : ''}${clickable ? ' is-clickable' : ''}" data-row-id=${id}
        data-testid=${ifDefined(options.rowTestId)} data-status=${ifDefined(data.status)} data-kind=${ifDefined(data.kind)}
        @click=${(e: MouseEvent) => onRow(e, row)}>
        ${selectable
          ? html`<td class="dt-check"><input type="checkbox" class="dt-box" .checked=${on} aria-label=${t('table.selectRow')}
              data-testid="dt-select" @click=${(e: MouseEvent) => onRowCheck(e, id)} /></td>`
          : nothing}
        ${columns.map((column, index) => cell(row, column, index))}
      </tr>`;
    },
  );

  const shownCount = rows.length;
  const filtered = state.query.trim() !== '';
  const showToolbar = options.searchable || options.toolbar || selectable || sortable.length > 0 || options.exportUrl;
  const sortSelect = sortable.length
    ? html`<label class="dt-phone-sort">
        <span class="visually-hidden">${t('table.sortBy')}</span>
        <select data-testid="dt-sort-select" @change=${(e: Event) => {
          const [key, dir] = (e.currentTarget as HTMLSelectElement).value.split(':');
          if (key && (dir === 'asc' || dir === 'desc')) setSort(key, dir);
        }}>
          ${state.sort ? nothing : html`<option value="" selected>${t('table.sortBy')}</option>`}
          ${sortable.map((c) =>
            (['asc', 'desc'] as const).map(
              (dir) => html`<option value=${`${c.key}:${dir}`} ?selected=${state.sort?.key === c.key && state.sort.dir === dir}>
                ${t(c.header)} ${dir === 'asc' ? '▲' : '▼'}</option>`,
            ),
          )}
        </select>
      </label>`
    : nothing;

  return html`<div class="dt" data-testid=${ifDefined(options.testId)} data-count=${shownCount} data-selected=${chosen.length}>
    ${showToolbar
      ? html`<div class="dt-toolbar">
          ${options.toolbar ?? nothing}
          ${options.searchable
            ? html`<input type="search" class="dt-search" data-testid="dt-search" .value=${state.query}
                placeholder=${options.searchPlaceholder ?? t('table.search')} aria-label=${options.searchPlaceholder ?? t('table.search')}
                @input=${(e: Event) => onChange({ ...state, query: (e.currentTarget as HTMLInputElement).value }, 'query')} />`
            : nothing}
          ${selectable && rows.length
            ? html`<label class="dt-phone-all"><input type="checkbox" class="dt-box" .checked=${all === 'all'} .indeterminate=${all === 'some'}
                @change=${onAll} /><span>${t('table.selectAll')}</span></label>`
            : nothing}
          ${sortSelect}
          ${options.exportUrl ? exportMenu(options.exportUrl) : nothing}
          <span class="dt-count" aria-live="polite">${filtered || options.mode === 'server'
            ? t('table.countOf', { shown: formatNumber(shownCount), total: formatNumber(total) })
            : shownCount === 1 ? t('table.countOne') : t('table.count', { count: formatNumber(shownCount) })}</span>
        </div>`
      : nothing}
    ${chosen.length
      ? html`<div class="dt-bulk" role="region" aria-label=${t('table.bulk')} data-testid="dt-bulk">
          <strong class="dt-bulk-count" data-testid="dt-selected-count">${t('table.selected', { count: formatNumber(chosen.length) })}</strong>
          <div class="dt-bulk-actions">
            ${(options.actions ?? []).map(
              (a) => html`<button type="button" class="btn btn-small ${a.primary ? 'btn-primary' : a.danger ? 'dt-danger' : ''}"
                data-testid=${`dt-action-${a.id}`} ?disabled=${a.disabled} @click=${() => a.run(chosen)}>${a.label}</button>`,
            )}
            <button type="button" class="btn btn-small btn-ghost" data-testid="dt-clear" @click=${clear}>${t('table.clear')}</button>
          </div>
        </div>`
      : nothing}
    ${options.rows.length === 0 && options.mode !== 'server' && !filtered
      ? html`<div class="dt-empty" data-testid="dt-empty">${options.empty ?? t('table.empty')}</div>`
      : rows.length === 0
        ? html`<div class="dt-empty" data-testid="dt-empty">${filtered ? t('table.noMatch', { query: state.query.trim() }) : options.empty ?? t('table.empty')}</div>`
        : html`<table class="dt-table" aria-label=${options.label}>
            <thead>
              <tr>
                ${selectable
                  ? html`<th scope="col" class="dt-check"><input type="checkbox" class="dt-box" data-testid="dt-select-all"
                      .checked=${all === 'all'} .indeterminate=${all === 'some'} aria-label=${t('table.selectAll')} @change=${onAll} /></th>`
                  : nothing}
                ${columns.map(header)}
              </tr>
            </thead>
            <tbody>${body}</tbody>
          </table>`}
  </div>`;
}
