// /customers: the customers in my reach. A desktop gets a table with filters, sortable columns,
// multi-select and the bulk actions (reassign, merge); a phone the same rows as cards.
// One state, one draw (ui/view.ts), the shared table (ui/table.ts) in server mode: the server filters, sorts and pages (customerList).
import '@/features/customers/customers.css';
import { html, nothing, type TemplateResult } from 'lit-html';
import type { Screen } from '@/app/screen';
import {
  CLAIM_CUSTOMER_MUTATION,
  CUSTOMER_CHOICES_QUERY,
  CUSTOMER_LIST_QUERY,
  POOL_RULES_QUERY,
  SET_POOL_RULES_MUTATION,
  type PoolRules,
  MERGE_CUSTOMERS_MUTATION,
  REASSIGN_CUSTOMERS_MUTATION,
  type CustomerResult,
  type CustomerRow,
  type CustomerSort,
  type MergeResult,
  type ReassignResult,
  type TreeNode,
} from '@/features/customers/documents';
import { EMPTY_LIST, filterOf, PAGE_SIZE, people, teams, type ListState } from '@/features/customers/logic';
import { request } from '@/graphql/client';
import { failureMessage } from '@/graphql/errors';
import type { Me } from '@/graphql/types';
import { getLocale, t, type MessageKey } from '@/i18n';
import { formatMoney } from '@/ui/money';
import { dataTable, exportHref, tableState, type Column, type ExportParams, type TableChange, type TableState } from '@/ui/table';
import { mount, type View } from '@/ui/view';
import { ownHost } from '@/features/customers/host';

interface State extends ListState {
  rows: CustomerRow[];
  total: number;
  loading: boolean;
  error: string;
  notice: string;
  table: TableState;
  owners: Array<{ id: string; name: string }>;
  teamChoices: Array<{ id: string; name: string; depth: number }>;
  cities: string[];
  industries: string[];
  reassignTo: string;
  survivor: string;
  // Admins: the open pool's rules, as loaded and as being edited (the limit as typed).
  rules: PoolRules | null;
  limit: string;
}

const DAY: Intl.DateTimeFormatOptions = { year: 'numeric', month: 'short', day: 'numeric' };

export function lastVisitText(at: string | null): string {
  return at ? new Intl.DateTimeFormat(getLocale(), DAY).format(new Date(at)) : t('customers.never');
}

export const customersScreen: Screen = (root, { me: maybeMe }) => {
  const me = maybeMe as Me;
  const manager = me.user.role === 'MANAGER' || me.user.role === 'ADMIN';
  const admin = me.user.role === 'ADMIN';
  const currency = me.org.currency;
  let alive = true;
  let searchTimer: ReturnType<typeof setTimeout> | undefined;
  let asked = 0;

  const load = async (view: View<State>) => {
    const mine = ++asked;
    view.update({ loading: true, error: '' });
    const s = view.state;
    try {
      const { customerList } = await request<{ customerList: { total: number; items: CustomerRow[] } }>(CUSTOMER_LIST_QUERY, {
        filter: filterOf(s, new Date()), sort: s.sort, descending: s.descending, offset: s.offset, first: PAGE_SIZE,
      });
      if (!alive || mine !== asked) return;
      const ids = new Set(customerList.items.map((c) => c.id));
      view.update((st) => ({ rows: customerList.items, total: customerList.total, loading: false, table: { ...st.table, selected: new Set([...st.table.selected].filter((i) => ids.has(i))) } }));
    } catch (failure) {
      if (alive && mine === asked) view.update({ loading: false, error: failureMessage(failure) });
    }
  };

  const change_ = (patch: Partial<State>) => {
    view.update({ ...patch, offset: patch.offset ?? 0 });
    void load(view);
  };

  const reassign = async () => {
    const s = view.state;
    if (!s.reassignTo || !s.table.selected.size) return;
    try {
      const { reassignCustomers } = await request<{ reassignCustomers: ReassignResult }>(REASSIGN_CUSTOMERS_MUTATION, { ids: selectedIds(s), owner: s.reassignTo });
      if (reassignCustomers.__typename === 'OperationError') {
        view.update({ error: reassignCustomers.errors.map((e) => e.message).join(' ') });
        return;
      }
      view.update((st) => ({ notice: t('customers.reassigned', { count: reassignCustomers.customers.length }), table: { ...st.table, selected: new Set<string>() }, reassignTo: '' }));
      void load(view);
    } catch (failure) {
      view.update({ error: failureMessage(failure) });
    }
  };

  const claim = async (row: CustomerRow) => {
    try {
      const { claimCustomer } = await request<{ claimCustomer: CustomerResult }>(CLAIM_CUSTOMER_MUTATION, { id: row.id });
      if (claimCustomer.__typename === 'OperationError') {
        view.update({ error: claimCustomer.errors.map((e) => e.message).join(' '), notice: '' });
      } else {
        view.update({ notice: t('customers.pool.claimed', { name: row.name }), error: '' });
      }
      void load(view);
    } catch (failure) {
      view.update({ error: failureMessage(failure) });
    }
  };

  const loadRules = async () => {
    try {
      const { poolRules } = await request<{ poolRules: PoolRules }>(POOL_RULES_QUERY);
      if (alive) view.update({ rules: poolRules, limit: poolRules.maxOwned === null ? '' : String(poolRules.maxOwned) });
    } catch (failure) {
      if (alive) view.update({ error: failureMessage(failure) });
    }
  };

  const saveRules = async (claimsAllowed: boolean) => {
    const limit = view.state.limit.trim();
    try {
      const { setPoolRules } = await request<{ setPoolRules: PoolRules | { __typename: 'OperationError'; errors: Array<{ message: string }> } }>(
        SET_POOL_RULES_MUTATION, { claimsAllowed, maxOwned: limit ? Number(limit) : null });
      if ('errors' in setPoolRules) {
        view.update({ error: setPoolRules.errors.map((e) => e.message).join(' '), notice: '' });
        return;
      }
      view.update({ rules: setPoolRules, notice: t('customers.pool.rulesSaved'), error: '' });
    } catch (failure) {
      view.update({ error: failureMessage(failure) });
    }
  };

  const rulesPanel = (s: State) => {
    if (!admin || !s.pool || !s.rules) return nothing;
    const rules = s.rules;
    return html`<div class="cust-pool-rules" data-testid="pool-rules">
      <label class="cust-inline"><input type="checkbox" data-testid="pool-claims-allowed" .checked=${rules.claimsAllowed}
        @change=${(e: Event) => void saveRules((e.target as HTMLInputElement).checked)}><span>${t('customers.pool.claimsAllowed')}</span></label>
      <label class="cust-inline"><span>${t('customers.pool.maxOwned')}</span>
        <input class="input cust-pool-limit" type="number" min="1" inputmode="numeric" data-testid="pool-max-owned" placeholder=${t('customers.pool.noLimit')}
          .value=${s.limit} @input=${(e: Event) => view.update({ limit: (e.target as HTMLInputElement).value })}></label>
      <button type="button" class="btn btn-small" data-testid="pool-rules-save" @click=${() => void saveRules(rules.claimsAllowed)}>${t('customers.pool.saveRules')}</button>
    </div>`;
  };

  const merge = async () => {
    const s = view.state;
    const survivor = s.rows.find((r) => r.id === s.survivor);
    const merged = selectedIds(s).filter((i) => i !== s.survivor);
    if (!survivor || !merged.length) return;
    if (!window.confirm(t('customers.mergeConfirm', { count: merged.length, name: survivor.name }))) return;
    try {
      const { mergeCustomers } = await request<{ mergeCustomers: MergeResult }>(MERGE_CUSTOMERS_MUTATION, { survivor: survivor.id, merged });
      if (mergeCustomers.__typename === 'OperationError') {
        view.update({ error: mergeCustomers.errors.map((e) => e.message).join(' ') });
        return;
      }
      view.update((st) => ({ notice: t('customers.merged', { name: survivor.name }), table: { ...st.table, selected: new Set<string>() }, survivor: '' }));
      void load(view);
    } catch (failure) {
      view.update({ error: failureMessage(failure) });
    }
  };

  const money = (amount: string) => formatMoney(amount, currency, getLocale(), true);

  const columns: Array<Column<CustomerRow>> = [
    { key: 'NAME', header: 'customers.col.name', primary: true, sort: (c) => c.name,
      cell: (c) => html`<span class="cust-name">${c.name}</span>${c.atRisk ? html` <span class="cust-risk" data-testid="at-risk">${t('customers.atRisk')}</span>` : nothing}
        <div class="cust-sub">${c.address}</div>` },
    { key: 'CITY', header: 'customers.col.city', cell: (c) => html`${c.city}${c.latitude === null ? html` <span class="cust-unplaced" data-testid="no-position">${t('customers.noPosition')}</span>` : nothing}` },
    { key: 'TIER', header: 'customers.col.tier', sort: (c) => c.tier, width: '5rem', cell: (c) => html`<span class="cust-tier tier-${c.tier}">${c.tier}</span>` },
    { key: 'OWNER', header: 'customers.col.owner', cell: (c) => (view.state.pool
      ? html`<button type="button" class="btn btn-small" data-testid="claim" @click=${() => void claim(c)}>${t('customers.pool.claim')}</button>`
      : (c.ownerName ?? t('customers.noOwner'))) },
    { key: 'LAST_VISIT', header: 'customers.col.lastVisit', sort: (c) => c.lastVisitAt ?? '', firstDir: 'desc', cell: (c) => lastVisitText(c.lastVisitAt) },
    { key: 'OPEN_PIPELINE', header: 'customers.col.openPipeline', numeric: true, firstDir: 'desc', sort: (c) => Number(c.openPipeline), cell: (c) => money(c.openPipeline) },
    { key: 'LIFETIME_REVENUE', header: 'customers.col.lifetime', numeric: true, firstDir: 'desc', phoneHidden: true, sort: (c) => Number(c.lifetimeRevenue), cell: (c) => money(c.lifetimeRevenue) },
  ];

  const onTable = (table: TableState, change: TableChange) => {
    if (change === 'selection') {
      const selected = [...table.selected];
      view.update((s) => ({ table, survivor: selected.includes(s.survivor) ? s.survivor : (selected[0] ?? '') }));
      return;
    }
    if (change === 'sort' && table.sort) {
      change_({ table, sort: table.sort.key as CustomerSort, descending: table.sort.dir === 'desc' });
      return;
    }
    view.update({ table, search: table.query });
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => change_({}), 250);
  };

  const selectedIds = (s: State) => [...s.table.selected];

  const bulkControls = (s: State) => {
    if (!manager || !s.table.selected.size) return nothing;
    const chosen = s.rows.filter((r) => s.table.selected.has(r.id));
    return html`<div class="cust-bulk-controls" data-testid="bulk-bar">
      <label class="cust-inline"><span>${t('customers.reassignTo')}</span>
        <select class="input" data-testid="reassign-owner" .value=${s.reassignTo} @change=${(e: Event) => view.update({ reassignTo: (e.target as HTMLSelectElement).value })}>
          <option value="">—</option>
          ${s.owners.map((o) => html`<option value=${o.id}>${o.name}</option>`)}
        </select></label>
      ${chosen.length > 1 ? html`<label class="cust-inline"><span>${t('customers.mergeSurvivor')}</span>
        <select class="input" data-testid="merge-survivor" .value=${s.survivor} @change=${(e: Event) => view.update({ survivor: (e.target as HTMLSelectElement).value })}>
          ${chosen.map((c) => html`<option value=${c.id} ?selected=${c.id === s.survivor}>${c.name}</option>`)}
        </select></label>` : nothing}
    </div>`;
  };

  const select = (label: MessageKey, value: string, choices: Array<{ id: string; name: string }>, onChange: (v: string) => void, testId: string) => html`
    <label class="cust-filter">
      <span class="label">${t(label)}</span>
      <select class="input" data-testid=${testId} .value=${value} @change=${(e: Event) => onChange((e.target as HTMLSelectElement).value)}>
        <option value="">${t('customers.filter.any')}</option>
        ${choices.map((c) => html`<option value=${c.id} ?selected=${c.id === value}>${c.name}</option>`)}
      </select>
    </label>`;

  const toggleChip = (label: MessageKey, on: boolean, flip: () => void, testId: string) => html`
    <button type="button" class="chip cust-chip ${on ? 'is-on' : ''}" aria-pressed=${on ? 'true' : 'false'} data-testid=${testId} @click=${flip}>${t(label)}</button>`;

  const pager = (s: State) => {
    if (s.total <= PAGE_SIZE) return nothing;
    return html`<nav class="cust-pager">
      <button type="button" class="btn" ?disabled=${s.offset === 0} @click=${() => change_({ offset: Math.max(0, s.offset - PAGE_SIZE) })}>${t('customers.prev')}</button>
      <span>${t('customers.pageOf', { from: s.offset + 1, to: Math.min(s.total, s.offset + PAGE_SIZE), total: s.total })}</span>
      <button type="button" class="btn" ?disabled=${s.offset + PAGE_SIZE >= s.total} @click=${() => change_({ offset: s.offset + PAGE_SIZE })}>${t('customers.next')}</button>
    </nav>`;
  };

  const draw = (s: State): TemplateResult => html`<section class="page cust-page" data-testid="customers-screen">
    <header class="cust-head">
      <h1>${t('customers.title')}</h1>
      <span class="cust-count" data-testid="customer-count">${t('customers.count', { count: s.total })}</span>
      <a class="btn btn-primary" href="/customers/new" data-testid="new-customer">${t('customers.new')}</a>
    </header>
    <div class="cust-modes" role="tablist" data-testid="customer-scope">
      ${([false, true] as const).map((pool) => html`<button type="button" role="tab" aria-selected=${s.pool === pool ? 'true' : 'false'} class="chip ${s.pool === pool ? 'is-on' : ''}"
        data-testid=${pool ? 'scope-pool' : 'scope-mine'} @click=${() => { change_({ pool, ownerId: '', teamId: '', table: { ...s.table, selected: new Set<string>() } }); if (pool && admin && !s.rules) void loadRules(); }}>${t(pool ? 'customers.pool.tab' : (manager ? 'customers.scope.reach' : 'customers.scope.mine'))}</button>`)}
    </div>
    ${s.pool ? html`<p class="hint" data-testid="pool-hint">${t(manager ? 'customers.pool.hintManager' : 'customers.pool.hintRep')}</p>` : nothing}
    ${rulesPanel(s)}
    <div class="cust-filters">
      ${manager && !s.pool ? select('customers.filter.owner', s.ownerId, s.owners, (v) => change_({ ownerId: v }), 'filter-owner') : nothing}
      ${manager && !s.pool && s.teamChoices.length ? select('customers.filter.team', s.teamId, s.teamChoices.map((x) => ({ id: x.id, name: `${'· '.repeat(x.depth)}${x.name}` })), (v) => change_({ teamId: v }), 'filter-team') : nothing}
      ${select('customers.filter.tier', s.tier, ['A', 'B', 'C'].map((x) => ({ id: x, name: x })), (v) => change_({ tier: v }), 'filter-tier')}
      ${select('customers.filter.city', s.city, s.cities.map((x) => ({ id: x, name: x })), (v) => change_({ city: v }), 'filter-city')}
      ${select('customers.filter.industry', s.industry, s.industries.map((x) => ({ id: x, name: x })), (v) => change_({ industry: v }), 'filter-industry')}
      <div class="cust-chips">
        ${toggleChip('customers.filter.atRisk', s.atRisk, () => change_({ atRisk: !s.atRisk }), 'filter-at-risk')}
        ${toggleChip('customers.filter.openPipeline', s.openPipeline, () => change_({ openPipeline: !s.openPipeline }), 'filter-open-pipeline')}
        ${toggleChip('customers.filter.notVisited30', s.notVisited30, () => change_({ notVisited30: !s.notVisited30 }), 'filter-not-visited')}
        ${toggleChip('customers.filter.noPosition', s.noPosition, () => change_({ noPosition: !s.noPosition }), 'filter-no-position')}
      </div>
    </div>
    ${s.error ? html`<p class="form-error" role="alert">${s.error}</p>` : nothing}
    ${s.notice ? html`<p class="form-ok" role="status" data-testid="customers-notice">${s.notice}</p>` : nothing}
    ${dataTable<CustomerRow>({
      rows: s.rows, columns, rowId: (c) => c.id, label: t('customers.title'), state: s.table, onChange: onTable, mode: 'server',
      total: s.total, searchable: true, searchPlaceholder: t('customers.search'), selectable: manager,
      // A rep reads the pool without opening its customers: claiming one makes it theirs to open.
      rowHref: (c) => (s.pool && !manager ? undefined : `/customers/${c.id}`), testId: 'customer-table', rowTestId: 'customer-row', toolbar: bulkControls(s),
      // Managers and admins take their list away as a file: every match of the filters, in this order.
      exportUrl: manager
        ? (format) => exportHref('/api/customers/export', { ...(filterOf(s, new Date()) as ExportParams), sort: s.sort, descending: s.descending }, format)
        : undefined,
      empty: s.loading ? '' : t('customers.empty'),
      actions: [
        { id: 'reassign', label: t('customers.reassign'), primary: true, disabled: !s.reassignTo, run: () => void reassign() },
        ...(s.table.selected.size > 1 ? [{ id: 'merge', label: t('customers.merge'), run: () => void merge() }] : []),
      ],
    })}
    ${pager(s)}
  </section>`;

  const view = mount<State>(ownHost(root), {
    ...EMPTY_LIST, rows: [], total: 0, loading: true, error: '', notice: '', table: tableState({ key: 'NAME', dir: 'asc' }), owners: [], teamChoices: [],
    cities: [], industries: [], reassignTo: '', survivor: '', rules: null, limit: '',
  }, draw);
  void load(view);
  void request<{ customerFacets: { cities: string[]; industries: string[] }; orgTree: TreeNode[] }>(CUSTOMER_CHOICES_QUERY)
    .then(({ customerFacets, orgTree }) => {
      if (alive) view.update({ cities: customerFacets.cities, industries: customerFacets.industries, owners: people(orgTree), teamChoices: teams(orgTree) });
    })
    .catch(() => undefined);
  return () => {
    alive = false;
    clearTimeout(searchTimer);
    view.stop();
  };
};
