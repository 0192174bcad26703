// /statements: a month's statements for managers and admins to review (?period=2026-10),
// and one person's statement (&user=<id>) with its lines in words, its disputes and Approve.
import { html, nothing } from 'lit-html';
import type { Screen } from '@/app/screen';
import { navigate } from '@/app/router';
import {
  APPROVE_STATEMENT_MUTATION,
  APPROVE_STATEMENTS_MUTATION,
  type ApproveStatementsResult,
  RESOLVE_DISPUTE_MUTATION,
  STATEMENT_QUERY,
  STATEMENTS_QUERY,
  type CompStatement,
  type Dispute,
  type DisputeResult,
  type StatementDetail,
  type StatementResult,
} from '@/features/compensation/documents';
import {
  approveRefusal,
  explainLine,
  formatMonth,
  formatPercent,
  isMonthKey,
  lineKindLabel,
  monthIn,
  shiftMonth,
  statementTotals,
} from '@/features/compensation/logic';
import { figure, money, monthPicker, sendDisputeReply, statusChip } from '@/features/compensation/ui';
import { chipChoice } from '@/ui/form';
import { RetryIds } from '@/ui/ids';
import { createToasts } from '@/ui/toast';
import { request } from '@/graphql/client';
import { failureMessage, fieldErrorMessage } from '@/graphql/errors';
import type { Me } from '@/graphql/types';
import { formatNumber, formatTime, getLocale, onLocaleChange, t } from '@/i18n';
import { h, replace } from '@/ui/dom';
import { dataTable, tableState, type Column, type TableState } from '@/ui/table';
import { mount, type View } from '@/ui/view';
import { icon } from '@/ui/icons';

const WHEN: Intl.DateTimeFormatOptions = { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' };
const DAY: Intl.DateTimeFormatOptions = { month: 'short', day: 'numeric' };
const TEXT_MAX = 2000;

function statementsPath(period: string, userId?: string): string {
  const params = new URLSearchParams({ period });
  if (userId) params.set('user', userId);
  return `/statements?${params}`;
}

function disputeCount(count: number): string {
  if (count === 0) return t('comp.noOpenDisputes');
  return count === 1 ? t('comp.openDispute') : t('comp.openDisputes', { count });
}

function exportHref(period: string, format: 'csv' | 'xlsx'): string {
  return `/api/compensation/export?${new URLSearchParams({ period, format })}`;
}

export const statementsScreen: Screen = (root, { location, me: maybeMe }) => {
  const me = maybeMe as Me;
  const current = monthIn(new Date(), me.org.timeZone);
  const asked = location.params.get('period');
  const period = isMonthKey(asked) && asked <= current ? asked : shiftMonth(current, -1);
  const userId = location.params.get('user');
  if (me.user.role === 'REP') {
    root.append(h('section', { class: 'page page-narrow empty-page' }, h('p', null, t('error.FORBIDDEN')), h('a', { class: 'btn btn-primary', href: '/' }, t('app.backHome'))));
    return;
  }
  return userId ? statementPage(root, me, period, current, userId) : statementList(root, period, current);
};

// ---------------------------------------------------------------- the month's list

interface ListState {
  rows: CompStatement[] | null;
  failed: string | null;
  table: TableState;
  approving: boolean;
  notice: string | null;
  refused: string | null;
}

/** The month's statements as a table: sort, filter, select, and approve the open ones at once. */
function statementList(root: HTMLElement, period: string, current: string): () => void {
  let alive = true;
  const ended = period < current;

  const columns: Array<Column<CompStatement>> = [
    { key: 'person', header: 'stmt.colPerson', primary: true, sort: (r) => r.userName, firstDir: 'asc',
      cell: (r) => html`<span class="comp-who"><strong>${r.userName}</strong><small>${t('comp.planVersion', { plan: r.planName, version: r.planVersion })}</small></span>` },
    { key: 'revenue', header: 'stmt.colRevenue', numeric: true, sort: (r) => r.revenue, firstDir: 'desc', cell: (r) => money(r.revenue, r.currency) },
    { key: 'attainment', header: 'stmt.colAttainment', numeric: true, sort: (r) => r.attainment ?? '-1', firstDir: 'desc', phoneHidden: true,
      cell: (r) => (r.attainment === null ? '—' : formatPercent(r.attainment, getLocale())) },
    { key: 'earned', header: 'stmt.colEarned', numeric: true, sort: (r) => r.earned, firstDir: 'desc', phoneHidden: true, cell: (r) => money(r.earned, r.currency) },
    { key: 'payable', header: 'stmt.colPayable', numeric: true, sort: (r) => r.payable, firstDir: 'desc',
      cell: (r) => html`<span data-testid="statement-payable" data-value=${r.payable}>${money(r.payable, r.currency)}</span>` },
    { key: 'status', header: 'stmt.colStatus', sort: (r) => `${r.status}${r.openDisputes ? 0 : 1}`,
      cell: (r) => html`<span class="comp-state">${statusChip(r.status)}${r.openDisputes
        ? html`<span class="comp-chip is-disputed" data-testid="statement-disputes" data-count=${r.openDisputes}>${disputeCount(r.openDisputes)}</span>`
        : nothing}</span>` },
  ];

  const approve = async (view: View<ListState>, ids: string[]) => {
    const rows = (view.state.rows ?? []).filter((r) => ids.includes(r.userId) && r.status === 'OPEN');
    if (!rows.length) return;
    view.update({ approving: true, notice: null, refused: null });
    try {
      const items = rows.map((r) => ({ userId: r.userId, expectedPayable: r.payable }));
      const { approveStatements } = await request<{ approveStatements: ApproveStatementsResult }>(APPROVE_STATEMENTS_MUTATION, { period, items });
      if (!alive) return;
      if (approveStatements.__typename === 'OperationError') {
        view.update({ approving: false, refused: approveStatements.errors.map(fieldErrorMessage).join(' ') });
        return;
      }
      const names = new Map(rows.map((r) => [r.userId, r.userName]));
      const refused = approveStatements.approvals.filter((a) => a.errors.length);
      view.update((st) => ({
        approving: false,
        notice: t('stmt.approvedN', { count: formatNumber(approveStatements.approved) }),
        refused: refused.length
          ? t('stmt.refusedN', { count: formatNumber(refused.length), reasons: refused.map((a) => `${names.get(a.userId) ?? a.userId}: ${fieldErrorMessage(a.errors[0]!)}`).join('; ') })
          : null,
        table: { ...st.table, selected: new Set(refused.map((a) => a.userId)), anchor: null },
      }));
      await load(view);
    } catch (failure) {
      if (alive) view.update({ approving: false, refused: failureMessage(failure) });
    }
  };

  const draw = (s: ListState, view: View<ListState>) => {
    const rows = s.rows ?? [];
    const openChosen = rows.filter((r) => s.table.selected.has(r.userId) && r.status === 'OPEN').length;
    const totals = statementTotals(rows);
    const cur = rows[0]?.currency ?? '';
    return html`<section class="page comp-page statements-page" data-testid="statements-page" data-period=${period}>
      <a class="back-link" href="/team">${icon('chevron', 'icon flip')}${t('comp.backTeam')}</a>
      <header class="page-head comp-head">
        <div>
          <h1 class="page-title">${t('comp.statements')}</h1>
          <p class="page-sub">${formatMonth(period, getLocale())}${s.rows ? ` · ${t('comp.people', { count: formatNumber(rows.length) })}` : ''}</p>
        </div>
        <div class="comp-head-tools">
          ${monthPicker({ value: period, max: current, testId: 'statements-month', onChange: (month) => navigate(statementsPath(month)) })}
          <div class="comp-export">
            <a class="btn btn-ghost btn-small" href=${exportHref(period, 'csv')} download=${`statements-${period}.csv`} data-testid="export-csv">${t('comp.exportCsv')}</a>
            <a class="btn btn-ghost btn-small" href=${exportHref(period, 'xlsx')} download=${`statements-${period}.xlsx`} data-testid="export-xlsx">${t('comp.exportXlsx')}</a>
          </div>
        </div>
      </header>
      ${s.notice ? html`<p class="form-ok" role="status" data-testid="statements-notice">${s.notice}</p>` : nothing}
      ${s.refused ? html`<p class="form-error" role="alert" data-testid="statements-refused">${s.refused}</p>` : nothing}
      ${s.failed
        ? html`<div class="card comp-failed" role="alert"><p>${s.failed}</p><button type="button" class="btn btn-primary" @click=${() => void load(view)}>${t('app.retry')}</button></div>`
        : !s.rows
          ? html`<div class="card comp-loading" aria-busy="true"><div class="skeleton-row"></div><div class="skeleton-row"></div><div class="skeleton-row"></div></div>`
          : !rows.length
            ? html`<div class="card comp-empty" data-testid="statements-empty"><p>${t('comp.noStatements')}</p><a href="/settings/plans">${t('comp.plans')}</a></div>`
            : html`<div data-testid="statements-list">
                ${dataTable({
                  rows, columns, rowId: (r) => r.userId, label: t('comp.statements'), state: s.table, searchable: true, searchPlaceholder: t('stmt.search'),
                  filterText: (r) => `${r.userName} ${r.planName}`, selectable: true, testId: 'statements-table', rowTestId: 'statement-row',
                  rowHref: (r) => statementsPath(period, r.userId), rowData: (r) => ({ status: r.status }),
                  toolbar: ended ? nothing : html`<span class="comp-note">${t('stmt.notPast')}</span>`,
                  actions: [{
                    id: 'approve', primary: true, disabled: !ended || openChosen === 0 || s.approving,
                    label: t('stmt.approveN', { count: formatNumber(openChosen) }), run: (ids) => void approve(view, ids),
                  }],
                  onChange: (table) => view.update({ table }),
                })}
                <p class="comp-totals" data-testid="statements-totals" data-payable=${totals.payable}>
                  <strong>${t('comp.total')}</strong> · ${t('comp.totalsApproved', { approved: totals.approved, count: rows.length })}
                  · ${t('comp.revenue')} ${money(totals.revenue, cur)} · ${t('comp.earned')} ${money(totals.earned, cur)}
                  · ${t('comp.payable')} <strong>${money(totals.payable, cur)}</strong>
                  ${totals.disputes ? html` · <span class="comp-chip is-disputed">${disputeCount(totals.disputes)}</span>` : nothing}
                </p>
              </div>`}
    </section>`;
  };

  async function load(view: View<ListState>): Promise<void> {
    try {
      const data = await request<{ statements: CompStatement[] }>(STATEMENTS_QUERY, { period });
      if (alive) view.update({ rows: data.statements, failed: null });
    } catch (failure) {
      if (alive) view.update({ failed: failureMessage(failure) });
    }
  }

  const view = mount<ListState>(root, { rows: null, failed: null, table: tableState({ key: 'person', dir: 'asc' }), approving: false, notice: null, refused: null }, draw);
  void load(view);
  return () => {
    alive = false;
    view.stop();
  };
}

// ---------------------------------------------------------------- one statement

function statementPage(root: HTMLElement, me: Me, period: string, current: string, userId: string): () => void {
  const page = h('section', { class: 'page comp-page statement-page', 'data-testid': 'statement-page' });
  const toasts = createToasts({ error: 'statement-error', notice: 'statement-notice' });
  const retryIds = new RetryIds();
  const drafts = new Map<string, string>();
  const resolutions = new Map<string, string>();
  let statement: StatementDetail | null = null;
  let disputes: Dispute[] = [];
  let missing = false;
  let failed: string | null = null;
  let confirming = false;
  let approving = false;
  let approveMessage: string | null = null;
  let disposed = false;
  const self = userId === me.user.id;

  const head = (s: StatementDetail) => {
    const cur = s.currency;
    const approved = s.status === 'APPROVED';
    const action = () => {
      if (approved) {
        return h('p', { class: 'comp-approved', 'data-testid': 'statement-approved' }, icon('check'),
          t('comp.approvedBy', { name: s.approvedBy ?? '—', when: s.approvedAt ? formatTime(s.approvedAt, WHEN) : '—' }));
      }
      if (self) return h('p', { class: 'form-hint' }, t('comp.notYourOwn'));
      const error = approveMessage ? h('p', { class: 'form-error', role: 'alert', 'data-testid': 'approve-error' }, approveMessage) : null;
      if (!confirming) {
        return h('div', { class: 'comp-approve' },
          period >= current ? h('p', { class: 'form-hint' }, t('comp.notEndedHint')) : null,
          s.openDisputes ? h('p', { class: 'form-hint' }, t('comp.disputesFirst')) : null,
          h('button', { type: 'button', class: 'btn btn-primary btn-block', 'data-testid': 'approve-statement', onclick: () => { confirming = true; approveMessage = null; render(); } },
            icon('check'), t('comp.approveFor', { payable: money(s.payable, cur) })),
          error);
      }
      return h('div', { class: 'comp-approve is-confirming', 'data-testid': 'approve-confirm' },
        h('p', null, t('comp.approveConfirm', { name: s.userName, month: formatMonth(period, getLocale()), payable: money(s.payable, cur) })),
        h('div', { class: 'form-actions' },
          h('button', { type: 'button', class: 'btn btn-ghost', 'data-testid': 'cancel-approve', onclick: () => { confirming = false; render(); } }, t('comp.cancel')),
          h('button', { type: 'button', class: 'btn btn-primary', disabled: approving, 'data-testid': 'confirm-approve', onclick: () => void approve() },
            t(approving ? 'comp.approving' : 'comp.approve'))),
        error);
    };
    return h(
      'header',
      { class: 'card comp-statement-head', 'data-testid': 'statement-head', 'data-status': s.status, 'data-payable': s.payable },
      h('div', { class: 'comp-statement-title' },
        h('div', null,
          h('h1', { class: 'page-title' }, s.userName),
          h('p', { class: 'page-sub' }, formatMonth(period, getLocale()), ' · ', t('comp.planVersion', { plan: s.planName, version: s.planVersion })),
        ),
        statusChip(s.status),
      ),
      h('dl', { class: 'comp-figures' },
        figure(t('comp.revenue'), money(s.revenue, cur), { raw: s.revenue }),
        figure(t('comp.quota'), s.quota === null ? '—' : money(s.quota, cur)),
        figure(t('comp.attainment'), s.attainment === null ? '—' : formatPercent(s.attainment, getLocale())),
        figure(t('comp.earned'), money(s.earned, cur), { testId: 'statement-earned', raw: s.earned }),
        figure(t('comp.held'), money(s.held, cur)),
        Number(s.drawBalance) !== 0 ? figure(t('comp.drawBalance'), money(s.drawBalance, cur)) : null,
        figure(t('comp.payable'), money(s.payable, cur), { testId: 'statement-payable', raw: s.payable, big: true }),
      ),
      action(),
    );
  };

  const linesCard = (s: StatementDetail) => {
    const disputed = new Set(disputes.filter((d) => d.status === 'OPEN').map((d) => d.lineKey));
    return h(
      'section',
      { class: 'card comp-section', 'data-testid': 'statement-lines' },
      h('div', { class: 'section-head' }, h('h2', { class: 'card-title' }, t('comp.lines')), h('span', { class: 'section-figure' }, formatNumber(s.lines.length))),
      s.lines.length
        ? h('ol', { class: `comp-lines${s.lines.length > 2 ? ' is-many' : ''}` }, s.lines.map((line) => {
            // Held commission earns now and pays later; a release pays now what was earned before.
            const held = Number(line.payable) === 0 && Number(line.amount) !== 0;
            const headline = Number(line.amount) !== 0 ? line.amount : line.payable;
            return h(
              'li',
              { class: `comp-line kind-${line.kind.toLowerCase()}${disputed.has(line.key) ? ' is-disputed' : ''}`, 'data-testid': 'statement-line', 'data-kind': line.kind, 'data-key': line.key },
              h('div', { class: 'comp-line-top' },
                h('span', { class: 'comp-kind' }, lineKindLabel(line.kind, getLocale())),
                line.componentName ? h('span', { class: 'comp-line-component' }, line.componentName) : null,
                disputed.has(line.key) ? h('a', { class: 'comp-chip is-disputed', href: '#disputes' }, t('comp.disputed')) : null,
                h('strong', { class: 'comp-line-amount', 'data-testid': 'line-amount', 'data-value': headline }, money(headline, s.currency)),
              ),
              line.dealId || line.label
                ? h('p', { class: 'comp-line-subject' },
                    line.dealId
                      ? h('a', { href: `/deals/${encodeURIComponent(line.dealId)}`, 'data-testid': 'line-deal' }, line.label || t('comp.deal', { id: line.dealId }))
                      : h('span', null, line.label),
                    line.at ? h('time', { datetime: line.at }, formatTime(line.at, DAY)) : null)
                : null,
              explainLine(line, s.currency, getLocale()).map((text) => h('p', { class: 'comp-line-explain', 'data-testid': 'line-explain' }, text)),
              h('p', { class: `comp-line-foot${held ? ' is-held' : ''}` },
                t('comp.earnedPayable', { earned: money(line.amount, s.currency), payable: money(line.payable, s.currency) })),
            );
          }))
        : h('p', { class: 'empty-inline' }, t('comp.noLines')),
    );
  };

  // --- disputes ----------------------------------------------------------------
  const disputeCard = (d: Dispute) => {
    const open = d.status === 'OPEN';
    const reply = h('textarea', {
      class: 'input textarea', rows: 2, maxlength: TEXT_MAX, 'data-testid': 'dispute-reply', placeholder: t('comp.replyHint'), 'aria-label': t('comp.reply'),
      oninput: () => drafts.set(d.id, reply.value),
    });
    reply.value = drafts.get(d.id) ?? '';
    const replyError = h('p', { class: 'field-error', hidden: true, 'data-testid': 'field-error', 'data-field': 'message' });
    const sendReply = async (button: HTMLButtonElement) => {
      const message = reply.value.trim();
      if (!message) {
        replyError.textContent = t('error.REQUIRED');
        replyError.hidden = false;
        return;
      }
      button.disabled = true;
      const sent = await sendDisputeReply(d.id, message, retryIds);
      button.disabled = false;
      if ('problem' in sent) {
        replyError.textContent = sent.problem;
        replyError.hidden = false;
      } else if ('failure' in sent) {
        toasts.error(sent.failure);
      } else {
        drafts.delete(d.id);
        disputes = disputes.map((x) => (x.id === d.id ? sent.dispute : x));
        render();
      }
    };

    const canResolve = !self;
    const decision = chipChoice<'ACCEPTED' | 'REJECTED'>(`resolve-${d.id}`, 'comp.decision', ['ACCEPTED', 'REJECTED'], (v) => t(`comp.dispute.${v}`), 'ACCEPTED', 'dispute-decision');
    const resolution = h('textarea', {
      class: 'input textarea', rows: 2, maxlength: TEXT_MAX, 'data-testid': 'dispute-resolution', placeholder: t('comp.resolutionHint'), 'aria-label': t('comp.resolution'),
      oninput: () => resolutions.set(d.id, resolution.value),
    });
    resolution.value = resolutions.get(d.id) ?? '';
    const resolveError = h('p', { class: 'field-error', hidden: true, 'data-testid': 'field-error', 'data-field': 'resolution' });
    const resolve = async (button: HTMLButtonElement) => {
      const text = resolution.value.trim();
      if (!text) {
        resolveError.textContent = t('comp.resolutionRequired');
        resolveError.hidden = false;
        resolution.focus();
        return;
      }
      button.disabled = true;
      try {
        const { resolveDispute } = await request<{ resolveDispute: DisputeResult }>(RESOLVE_DISPUTE_MUTATION, { disputeId: d.id, status: decision.value(), resolution: text });
        if (resolveDispute.__typename === 'OperationError') {
          resolveError.textContent = resolveDispute.errors.map(fieldErrorMessage).join(' ');
          resolveError.hidden = false;
          return;
        }
        resolutions.delete(d.id);
        toasts.notice(t('comp.resolved'));
        await load();
      } catch (failure) {
        toasts.error(failureMessage(failure));
      } finally {
        button.disabled = false;
      }
    };

    return h(
      'article',
      { class: `comp-dispute status-${d.status.toLowerCase()}`, 'data-testid': 'dispute', 'data-dispute-id': d.id, 'data-status': d.status },
      h('div', { class: 'comp-dispute-head' },
        h('strong', null, d.lineLabel || d.lineKey),
        h('span', { class: `comp-chip dispute-${d.status.toLowerCase()}`, 'data-testid': 'dispute-status' }, t(`comp.dispute.${d.status}`)),
      ),
      h('ol', { class: 'comp-thread' }, d.messages.map((m) =>
        h('li', { class: 'comp-message', 'data-testid': 'dispute-message' },
          h('div', { class: 'comp-message-head' }, h('strong', null, m.authorName), h('time', { datetime: m.createdAt }, formatTime(m.createdAt, WHEN))),
          h('p', null, m.body)))),
      !open
        ? h('p', { class: 'comp-resolution', 'data-testid': 'dispute-resolution-text' },
            h('strong', null, t(`comp.dispute.${d.status}`)), ' · ', d.resolution,
            d.resolvedAt ? h('time', { datetime: d.resolvedAt }, ` · ${formatTime(d.resolvedAt, WHEN)}`) : null)
        : h('div', { class: 'comp-dispute-actions' },
            h('div', { class: 'comp-reply' },
              reply, replyError,
              h('button', { type: 'button', class: 'btn btn-ghost btn-small', 'data-testid': 'dispute-reply-send', onclick: (e: Event) => void sendReply(e.currentTarget as HTMLButtonElement) }, t('comp.send'))),
            canResolve
              ? h('div', { class: 'comp-resolve' },
                  h('h3', { class: 'form-title' }, t('comp.resolveTitle')),
                  decision.el, resolution, resolveError,
                  h('button', { type: 'button', class: 'btn btn-primary btn-small', 'data-testid': 'dispute-resolve', onclick: (e: Event) => void resolve(e.currentTarget as HTMLButtonElement) }, t('comp.resolve')))
              : null),
    );
  };

  const disputesCard = () =>
    h(
      'section',
      { class: 'card comp-section', id: 'disputes', 'data-testid': 'statement-disputes' },
      h('div', { class: 'section-head' }, h('h2', { class: 'card-title' }, t('comp.disputes')),
        h('span', { class: 'section-figure' }, disputeCount(disputes.filter((d) => d.status === 'OPEN').length))),
      disputes.length ? disputes.map(disputeCard) : h('p', { class: 'empty-inline' }, t('comp.noDisputes')),
    );

  // --- approving ---------------------------------------------------------------
  async function approve(): Promise<void> {
    if (!statement || approving) return;
    approving = true;
    render();
    try {
      const { approveStatement } = await request<{ approveStatement: StatementResult }>(APPROVE_STATEMENT_MUTATION, {
        userId, period, expectedPayable: statement.payable,
      });
      approving = false;
      if (approveStatement.__typename === 'OperationError') {
        const refusal = approveRefusal(approveStatement.errors);
        if (refusal.reload) {
          // The figure moved since it was shown: show the new one and let the reviewer look again.
          confirming = false;
          await load();
          approveMessage = t('comp.approveMoved', { payable: statement ? money(statement.payable, statement.currency) : '' });
        } else {
          approveMessage = approveStatement.errors.map(fieldErrorMessage).join(' ');
        }
        render();
        return;
      }
      statement = approveStatement.statement;
      confirming = false;
      approveMessage = null;
      toasts.notice(t('comp.approvedOk'));
      render();
    } catch (failure) {
      approving = false;
      approveMessage = failureMessage(failure);
      render();
    }
  }

  function render(): void {
    const back = h('a', { class: 'back-link', href: statementsPath(period), 'data-testid': 'statement-back' }, icon('chevron', 'icon flip'), t('comp.backStatements', { month: formatMonth(period, getLocale()) }));
    if (!statement) {
      replace(
        page,
        back,
        failed
          ? h('div', { class: 'card comp-failed', role: 'alert' }, h('p', null, failed), h('button', { type: 'button', class: 'btn btn-primary', onclick: () => void load() }, t('app.retry')))
          : missing
            ? h('div', { class: 'card comp-empty', 'data-testid': 'statement-missing' }, h('p', null, t('comp.noPlan')))
            : h('div', { class: 'card comp-loading', 'aria-busy': 'true' }, h('div', { class: 'skeleton-row' }), h('div', { class: 'skeleton-row' })),
        toasts.el,
      );
      return;
    }
    page.dataset.status = statement.status;
    replace(
      page,
      back,
      h('div', { class: 'comp-statement-layout' },
        h('div', { class: 'comp-statement-side' }, head(statement), disputesCard()),
        h('div', { class: 'comp-statement-main' }, linesCard(statement)),
      ),
      toasts.el,
    );
  }

  async function load(): Promise<void> {
    try {
      const data = await request<{ statement: StatementDetail | null; disputes: Dispute[] }>(STATEMENT_QUERY, { userId, period });
      if (disposed) return;
      statement = data.statement;
      missing = data.statement === null;
      disputes = data.disputes;
      failed = null;
    } catch (failure) {
      if (disposed) return;
      failed = failureMessage(failure);
      if (statement) toasts.error(failed);
    }
    render();
  }

  const stop = onLocaleChange(render);
  root.append(page);
  render();
  void load();
  return () => {
    disposed = true;
    stop();
    toasts.dispose();
  };
}
