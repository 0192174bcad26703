// /settings/audit (admins): who changed what, when and from where. Filters (free text, actor,
// action, dates), the log newest first in a server-paged table, an entry's before and after side
// by side, and the same selection exported as CSV or XLSX. Nothing here changes the log.
import '@/features/audit/audit.css';
import { html, nothing, type TemplateResult } from 'lit-html';
import type { Screen } from '@/app/screen';
import { AUDIT_ACTIONS_QUERY, AUDIT_QUERY, type AuditEntry, type AuditPage } from '@/features/audit/documents';
import { diffRows, emptyFilters, exportHref, filterInput, PAGE_SIZE, type Filters } from '@/features/audit/logic';
import { request } from '@/graphql/client';
import { failureMessage } from '@/graphql/errors';
import type { Me } from '@/graphql/types';
import { catalogs, formatNumber, formatTime, t, type MessageKey } from '@/i18n';
import { dataTable, tableState, type Column, type TableState } from '@/ui/table';
import { mount, type View } from '@/ui/view';

const SEARCH_DELAY_MS = 300;

interface State {
  filters: Filters;
  actions: string[];
  page: AuditPage | null;
  offset: number;
  loading: boolean;
  error: string;
  open: AuditEntry | null;
  table: TableState;
}

/** An action's name in the viewer's language; an action this version has no words for shows as stored. */
export function actionLabel(action: string): string {
  const key = `audit.action.${action}`;
  return key in catalogs.en ? t(key as MessageKey) : action;
}

const subjectLabel = (e: AuditEntry) => {
  const key = `audit.subject.${e.subjectType}`;
  const kind = key in catalogs.en ? t(key as MessageKey) : e.subjectType;
  return e.subjectId ? `${kind} #${e.subjectId}` : kind;
};

export const auditScreen: Screen = (root, { me: maybeMe }) => {
  const me = maybeMe as Me;
  if (me.user.role !== 'ADMIN') {
    const refused = Object.assign(document.createElement('p'), { className: 'page empty', role: 'alert', textContent: t('audit.adminsOnly') });
    refused.dataset.testid = 'audit-forbidden';
    root.append(refused);
    return;
  }
  let generation = 0;
  let searchTimer: ReturnType<typeof setTimeout> | undefined;

  const load = async (view: View<State>) => {
    const mine = ++generation;
    view.update({ loading: true, error: '' });
    try {
      const { auditEntries } = await request<{ auditEntries: AuditPage }>(AUDIT_QUERY, {
        filter: filterInput(view.state.filters), offset: view.state.offset, first: PAGE_SIZE,
      });
      if (mine === generation) view.update({ page: auditEntries, loading: false });
    } catch (failure) {
      if (mine === generation) view.update({ error: failureMessage(failure), loading: false });
    }
  };

  const setFilters = (view: View<State>, patch: Partial<Filters>, delay = 0) => {
    view.update((s) => ({ filters: { ...s.filters, ...patch }, offset: 0, open: null }));
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => void load(view), delay);
  };

  const input = (view: View<State>, key: keyof Filters, label: MessageKey, type = 'search') => html`<label class="audit-filter">
      <span class="label">${t(label)}</span>
      <input class="input" type=${type} .value=${view.state.filters[key]} data-testid=${`audit-${key}`} maxlength="200"
        @input=${(e: Event) => setFilters(view, { [key]: (e.currentTarget as HTMLInputElement).value }, type === 'search' ? SEARCH_DELAY_MS : 0)} />
    </label>`;

  const filters = (s: State, view: View<State>) => html`<div class="audit-filters" role="search" data-testid="audit-filters">
      ${input(view, 'text', 'audit.search')}
      ${input(view, 'actor', 'audit.actor')}
      <label class="audit-filter"><span class="label">${t('audit.action')}</span>
        <select class="input" data-testid="audit-action" @change=${(e: Event) => setFilters(view, { action: (e.currentTarget as HTMLSelectElement).value })}>
          <option value="" ?selected=${!s.filters.action}>${t('audit.anyAction')}</option>
          ${s.actions.map((a) => html`<option value=${a} ?selected=${s.filters.action === a}>${actionLabel(a)}</option>`)}
        </select>
      </label>
      ${input(view, 'from', 'audit.from', 'date')}
      ${input(view, 'to', 'audit.to', 'date')}
      <div class="audit-filter-tools">
        <button type="button" class="btn btn-ghost btn-small" data-testid="audit-clear" @click=${() => setFilters(view, emptyFilters())}>${t('audit.clear')}</button>
        <a class="btn btn-ghost btn-small" data-testid="audit-export-csv" href=${exportHref(s.filters, 'csv')} download>${t('audit.exportCsv')}</a>
        <a class="btn btn-ghost btn-small" data-testid="audit-export-xlsx" href=${exportHref(s.filters, 'xlsx')} download>${t('audit.exportXlsx')}</a>
      </div>
    </div>`;

  const openEntry = (view: View<State>, entry: AuditEntry) => {
    view.update({ open: entry });
    // Below 1280 px the entry opens under the list: bring it into sight.
    if (window.matchMedia('(max-width: 1279px)').matches) {
      requestAnimationFrame(() => root.querySelector('[data-testid="audit-detail"]')?.scrollIntoView({ block: 'start', behavior: 'smooth' }));
    }
  };

  const who = (e: AuditEntry) => html`<span class="audit-who">
      <strong>${e.actorName || t('audit.system')}${e.actorTokenId ? html` <span class="audit-token">${t('audit.token')}</span>` : nothing}</strong>
      ${e.actorEmail ? html`<small>${e.actorEmail}</small>` : nothing}
    </span>`;

  const columns: Array<Column<AuditEntry>> = [
    { key: 'at', header: 'audit.col.when', cell: (e) => formatTime(e.at, { dateStyle: 'medium', timeStyle: 'medium' }) },
    { key: 'who', header: 'audit.col.who', cell: who },
    { key: 'action', header: 'audit.col.action', primary: true, cell: (e) => html`<strong class="audit-action">${actionLabel(e.action)}</strong>` },
    { key: 'subject', header: 'audit.col.subject', cell: subjectLabel },
    { key: 'from', header: 'audit.col.from', phoneHidden: true, cell: (e) => e.ip || '—' },
  ];

  const detail = (e: AuditEntry, view: View<State>) => {
    const rows = diffRows(e.before, e.after);
    return html`<section class="card audit-detail" data-testid="audit-detail" aria-label=${t('audit.detail')}>
      <header class="audit-detail-head">
        <div>
          <h2 class="audit-detail-title">${actionLabel(e.action)}</h2>
          <p class="page-sub">${subjectLabel(e)} · ${formatTime(e.at, { dateStyle: 'full', timeStyle: 'medium' })}</p>
        </div>
        <button type="button" class="btn btn-ghost btn-small" data-testid="audit-detail-close" @click=${() => view.update({ open: null })}>${t('audit.close')}</button>
      </header>
      <dl class="audit-facts">
        <dt>${t('audit.col.who')}</dt><dd>${who(e)}</dd>
        <dt>${t('audit.col.from')}</dt><dd>${e.ip || '—'}</dd>
        <dt>${t('audit.userAgent')}</dt><dd class="audit-ua">${e.userAgent || '—'}</dd>
      </dl>
      ${rows.length
        ? html`<table class="audit-diff" data-testid="audit-diff">
            <thead><tr><th scope="col">${t('audit.field')}</th><th scope="col">${t('audit.before')}</th><th scope="col">${t('audit.after')}</th></tr></thead>
            <tbody>${rows.map((r) => html`<tr class=${r.changed ? 'is-changed' : ''} data-changed=${r.changed ? 'true' : 'false'}>
              <th scope="row">${r.key}</th><td class="audit-before">${r.before}</td><td class="audit-after">${r.after}</td></tr>`)}</tbody>
          </table>`
        : html`<p class="empty-inline">${t('audit.noDetail')}</p>`}
    </section>`;
  };

  const draw = (s: State, view: View<State>): TemplateResult => {
    const rows = s.page?.entries ?? [];
    const total = s.page?.total ?? 0;
    return html`<section class="page audit-page" data-testid="audit-page" aria-busy=${s.loading ? 'true' : 'false'}>
      <header class="page-head">
        <h1 class="page-title">${t('audit.title')}</h1>
        <p class="page-sub">${t('audit.sub')}</p>
      </header>
      ${filters(s, view)}
      ${s.error
        ? html`<div class="card" role="alert"><p>${s.error}</p><button type="button" class="btn btn-primary" @click=${() => void load(view)}>${t('app.retry')}</button></div>`
        : nothing}
      <div class="audit-body ${s.open ? 'has-detail' : ''}">
        <div class="audit-list">
          ${s.page === null && !s.error
            ? html`<div class="skeleton-list"><div class="skeleton-row"></div><div class="skeleton-row"></div></div>`
            : dataTable({
                rows, columns, rowId: (e) => e.id, label: t('audit.title'), state: s.table, mode: 'server', total,
                testId: 'audit-table', rowTestId: 'audit-row', onRowClick: (e) => openEntry(view, e),
                rowData: (e) => ({ kind: e.action }),
                empty: html`<p data-testid="audit-empty">${t('audit.empty')}</p>`,
                onChange: (next) => view.update({ table: next }),
              })}
          <nav class="audit-pager" aria-label=${t('audit.pages')}>
            <button type="button" class="btn btn-ghost btn-small" data-testid="audit-prev" ?disabled=${s.offset === 0 || s.loading}
              @click=${() => { view.update({ offset: Math.max(0, s.offset - PAGE_SIZE), open: null }); void load(view); }}>${t('audit.prev')}</button>
            <span data-testid="audit-range">${t('audit.range', {
              from: formatNumber(rows.length ? s.offset + 1 : 0), to: formatNumber(s.offset + rows.length), total: formatNumber(total),
            })}</span>
            <button type="button" class="btn btn-ghost btn-small" data-testid="audit-next" ?disabled=${s.offset + rows.length >= total || s.loading}
              @click=${() => { view.update({ offset: s.offset + PAGE_SIZE, open: null }); void load(view); }}>${t('audit.next')}</button>
          </nav>
        </div>
        ${s.open ? detail(s.open, view) : nothing}
      </div>
    </section>`;
  };

  const view = mount<State>(root, {
    filters: emptyFilters(), actions: [], page: null, offset: 0, loading: true, error: '', open: null, table: tableState(),
  }, draw);
  void load(view);
  void request<{ auditActions: string[] }>(AUDIT_ACTIONS_QUERY).then(({ auditActions }) => view.update({ actions: auditActions }), () => undefined);
  return () => {
    clearTimeout(searchTimer);
    view.stop();
  };
};
