// /customers: the customers in my reach. A desktop gets a table with filters, sortable columns,
// multi-select and the bulk actions (reassign, merge); a phone a searchable list of cards.
// One state, one draw (ui/view.ts); the server filters, sorts and pages (customerList).
import '@/features/customers/customers.css';
import { html, nothing, type TemplateResult } from 'lit-html';
import type { Screen } from '@/app/screen';
import {
  CUSTOMER_CHOICES_QUERY,
  CUSTOMER_LIST_QUERY,
  MERGE_CUSTOMERS_MUTATION,
  REASSIGN_CUSTOMERS_MUTATION,
  type CustomerRow,
  type CustomerSort,
  type MergeResult,
  type ReassignResult,
  type TreeNode,
} from '@/features/customers/documents';
import { EMPTY_LIST, filterOf, PAGE_SIZE, people, teams, toggleSort, type ListState } from '@/features/customers/logic';
import { request } from '@/graphql/client';
import { failureMessage } from '@/graphql/errors';
import type { Me } from '@/graphql/types';
import { getLocale, t, type MessageKey } from '@/i18n';
import { formatMoney } from '@/ui/money';
import { mount, type View } from '@/ui/view';
import { ownHost } from '@/features/customers/host';

interface State extends ListState {
  rows: CustomerRow[];
  total: number;
  loading: boolean;
  error: string;
  notice: string;
  selected: string[];
  owners: Array<{ id: string; name: string }>;
  teamChoices: Array<{ id: string; name: string; depth: number }>;
  cities: string[];
  industries: string[];
  reassignTo: string;
  survivor: string;
}

const DAY: Intl.DateTimeFormatOptions = { year: 'numeric', month: 'short', day: 'numeric' };

export function lastVisitText(at: string | null): string {
  return at ? new Intl.DateTimeFormat(getLocale(), DAY).format(new Date(at)) : t('customers.never');
}

export const customersScreen: Screen = (root, { me: maybeMe }) => {
  const me = maybeMe as Me;
  const manager = me.user.role === 'MANAGER' || me.user.role === 'ADMIN';
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
      view.update((st) => ({ rows: customerList.items, total: customerList.total, loading: false, selected: st.selected.filter((i) => ids.has(i)) }));
    } catch (failure) {
      if (alive && mine === asked) view.update({ loading: false, error: failureMessage(failure) });
    }
  };

  const change = (patch: Partial<State>) => {
    view.update({ ...patch, offset: patch.offset ?? 0 });
    void load(view);
  };

  const reassign = async () => {
    const s = view.state;
    if (!s.reassignTo || !s.selected.length) return;
    try {
      const { reassignCustomers } = await request<{ reassignCustomers: ReassignResult }>(REASSIGN_CUSTOMERS_MUTATION, { ids: s.selected, owner: s.reassignTo });
      if (reassignCustomers.__typename === 'OperationError') {
        view.update({ error: reassignCustomers.errors.map((e) => e.message).join(' ') });
        return;
      }
      view.update({ notice: t('customers.reassigned', { count: reassignCustomers.customers.length }), selected: [], reassignTo: '' });
      void load(view);
    } catch (failure) {
      view.update({ error: failureMessage(failure) });
    }
  };

  const merge = async () => {
    const s = view.state;
    const survivor = s.rows.find((r) => r.id === s.survivor);
    const merged = s.selected.filter((i) => i !== s.survivor);
    if (!survivor || !merged.length) return;
    if (!window.confirm(t('customers.mergeConfirm', { count: merged.length, name: survivor.name }))) return;
    try {
      const { mergeCustomers } = await request<{ mergeCustomers: MergeResult }>(MERGE_CUSTOMERS_MUTATION, { survivor: survivor.id, merged });
      if (mergeCustomers.__typename === 'OperationError') {
        view.update({ error: mergeCustomers.errors.map((e) => e.message).join(' ') });
        return;
      }
      view.update({ notice: t('customers.merged', { name: survivor.name }), selected: [], survivor: '' });
      void load(view);
    } catch (failure) {
      view.update({ error: failureMessage(failure) });
    }
  };

  const toggle = (id: string, on: boolean) =>
    view.update((s) => {
      const selected = on ? [...new Set([...s.selected, id])] : s.selected.filter((i) => i !== id);
      return { selected, survivor: selected.includes(s.survivor) ? s.survivor : (selected[0] ?? '') };
    });

  const sortHead = (s: State, sort: CustomerSort, label: MessageKey, cls = ''): TemplateResult => {
    const active = s.sort === sort;
    const aria = active ? (s.descending ? 'descending' : 'ascending') : 'none';
    return html`<th class=${cls} aria-sort=${aria}>
      <button type="button" class="cust-sort ${active ? 'is-active' : ''}" data-testid="sort-${sort}" @click=${() => change(toggleSort(s, sort))}>
        ${t(label)}<span class="cust-sort-mark" aria-hidden="true">${active ? (s.descending ? '▼' : '▲') : ''}</span>
      </button>
    </th>`;
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

  const badges = (c: CustomerRow) => html`
    <span class="cust-tier tier-${c.tier}" title=${t('customers.tier', { tier: c.tier })}>${c.tier}</span>
    ${c.atRisk ? html`<span class="cust-risk" data-testid="at-risk">${t('customers.atRisk')}</span>` : nothing}`;

  const money = (amount: string) => formatMoney(amount, currency, getLocale(), true);

  const table = (s: State) => {
    const allOn = s.rows.length > 0 && s.rows.every((r) => s.selected.includes(r.id));
    return html`<table class="cust-table" data-testid="customer-table">
      <thead><tr>
        ${manager ? html`<th class="cust-check"><input type="checkbox" aria-label=${t('customers.selectAll')} .checked=${allOn}
          @change=${(e: Event) => view.update({ selected: (e.target as HTMLInputElement).checked ? s.rows.map((r) => r.id) : [], survivor: (e.target as HTMLInputElement).checked ? (s.rows[0]?.id ?? '') : '' })}></th>` : nothing}
        ${sortHead(s, 'NAME', 'customers.col.name')}
        <th>${t('customers.col.city')}</th>
        ${sortHead(s, 'TIER', 'customers.col.tier')}
        <th>${t('customers.col.owner')}</th>
        ${sortHead(s, 'LAST_VISIT', 'customers.col.lastVisit')}
        ${sortHead(s, 'OPEN_PIPELINE', 'customers.col.openPipeline', 'num')}
        ${sortHead(s, 'LIFETIME_REVENUE', 'customers.col.lifetime', 'num')}
      </tr></thead>
      <tbody>
        ${s.rows.map((c) => html`<tr class=${s.selected.includes(c.id) ? 'is-selected' : ''} data-testid="customer-row">
          ${manager ? html`<td class="cust-check"><input type="checkbox" aria-label=${t('customers.select', { name: c.name })} .checked=${s.selected.includes(c.id)}
            @change=${(e: Event) => toggle(c.id, (e.target as HTMLInputElement).checked)}></td>` : nothing}
          <td><a class="cust-name" href="/customers/${c.id}">${c.name}</a>${c.atRisk ? html` <span class="cust-risk">${t('customers.atRisk')}</span>` : nothing}
            <div class="cust-sub">${c.address}</div></td>
          <td>${c.city}</td>
          <td><span class="cust-tier tier-${c.tier}">${c.tier}</span></td>
          <td>${c.ownerName ?? t('customers.noOwner')}</td>
          <td>${lastVisitText(c.lastVisitAt)}</td>
          <td class="num">${money(c.openPipeline)}</td>
          <td class="num">${money(c.lifetimeRevenue)}</td>
        </tr>`)}
      </tbody>
    </table>`;
  };

  const cards = (s: State) => html`<ul class="cust-cards" data-testid="customer-cards">
    ${s.rows.map((c) => html`<li><a class="cust-card" href="/customers/${c.id}">
      <div class="cust-card-head"><strong class="cust-name">${c.name}</strong>${badges(c)}</div>
      <div class="cust-sub">${c.city ? `${c.city} · ` : ''}${c.address}</div>
      <div class="cust-card-foot"><span>${t('customers.col.lastVisit')}: ${lastVisitText(c.lastVisitAt)}</span>
        <span>${money(c.openPipeline)}</span></div>
    </a></li>`)}
  </ul>`;

  const bulk = (s: State) => {
    if (!manager || !s.selected.length) return nothing;
    const chosen = s.rows.filter((r) => s.selected.includes(r.id));
    return html`<div class="cust-bulk" role="region" aria-label=${t('customers.selected', { count: s.selected.length })} data-testid="bulk-bar">
      <strong>${t('customers.selected', { count: s.selected.length })}</strong>
      <label class="cust-inline"><span>${t('customers.reassignTo')}</span>
        <select class="input" data-testid="reassign-owner" .value=${s.reassignTo} @change=${(e: Event) => view.update({ reassignTo: (e.target as HTMLSelectElement).value })}>
          <option value="">—</option>
          ${s.owners.map((o) => html`<option value=${o.id}>${o.name}</option>`)}
        </select></label>
      <button type="button" class="btn btn-primary" data-testid="reassign" ?disabled=${!s.reassignTo} @click=${reassign}>${t('customers.reassign')}</button>
      ${chosen.length > 1 ? html`<label class="cust-inline"><span>${t('customers.mergeSurvivor')}</span>
        <select class="input" data-testid="merge-survivor" .value=${s.survivor} @change=${(e: Event) => view.update({ survivor: (e.target as HTMLSelectElement).value })}>
          ${chosen.map((c) => html`<option value=${c.id} ?selected=${c.id === s.survivor}>${c.name}</option>`)}
        </select></label>
        <button type="button" class="btn" data-testid="merge" @click=${merge}>${t('customers.merge')}</button>` : nothing}
    </div>`;
  };

  const pager = (s: State) => {
    if (s.total <= PAGE_SIZE) return nothing;
    return html`<nav class="cust-pager">
      <button type="button" class="btn" ?disabled=${s.offset === 0} @click=${() => change({ offset: Math.max(0, s.offset - PAGE_SIZE) })}>${t('customers.prev')}</button>
      <span>${t('customers.pageOf', { from: s.offset + 1, to: Math.min(s.total, s.offset + PAGE_SIZE), total: s.total })}</span>
      <button type="button" class="btn" ?disabled=${s.offset + PAGE_SIZE >= s.total} @click=${() => change({ offset: s.offset + PAGE_SIZE })}>${t('customers.next')}</button>
    </nav>`;
  };

  const draw = (s: State): TemplateResult => html`<section class="page cust-page" data-testid="customers-screen">
    <header class="cust-head">
      <h1>${t('customers.title')}</h1>
      <span class="cust-count" data-testid="customer-count">${t('customers.count', { count: s.total })}</span>
      <a class="btn btn-primary" href="/customers/new" data-testid="new-customer">${t('customers.new')}</a>
    </header>
    <div class="cust-filters">
      <input class="input cust-search" type="search" placeholder=${t('customers.search')} aria-label=${t('customers.search')} data-testid="customer-search"
        .value=${s.search} @input=${(e: Event) => {
          view.update({ search: (e.target as HTMLInputElement).value });
          clearTimeout(searchTimer);
          searchTimer = setTimeout(() => change({}), 250);
        }}>
      ${manager ? select('customers.filter.owner', s.ownerId, s.owners, (v) => change({ ownerId: v }), 'filter-owner') : nothing}
      ${manager && s.teamChoices.length ? select('customers.filter.team', s.teamId, s.teamChoices.map((x) => ({ id: x.id, name: `${'· '.repeat(x.depth)}${x.name}` })), (v) => change({ teamId: v }), 'filter-team') : nothing}
      ${select('customers.filter.tier', s.tier, ['A', 'B', 'C'].map((x) => ({ id: x, name: x })), (v) => change({ tier: v }), 'filter-tier')}
      ${select('customers.filter.city', s.city, s.cities.map((x) => ({ id: x, name: x })), (v) => change({ city: v }), 'filter-city')}
      ${select('customers.filter.industry', s.industry, s.industries.map((x) => ({ id: x, name: x })), (v) => change({ industry: v }), 'filter-industry')}
      <div class="cust-chips">
        ${toggleChip('customers.filter.atRisk', s.atRisk, () => change({ atRisk: !s.atRisk }), 'filter-at-risk')}
        ${toggleChip('customers.filter.openPipeline', s.openPipeline, () => change({ openPipeline: !s.openPipeline }), 'filter-open-pipeline')}
        ${toggleChip('customers.filter.notVisited30', s.notVisited30, () => change({ notVisited30: !s.notVisited30 }), 'filter-not-visited')}
      </div>
    </div>
    ${s.error ? html`<p class="form-error" role="alert">${s.error}</p>` : nothing}
    ${s.notice ? html`<p class="form-ok" role="status" data-testid="customers-notice">${s.notice}</p>` : nothing}
    ${bulk(s)}
    ${!s.loading && !s.rows.length && !s.error ? html`<p class="empty-state">${t('customers.empty')}</p>` : nothing}
    <div class="cust-desktop">${table(s)}</div>
    <div class="cust-phone">${cards(s)}</div>
    ${pager(s)}
  </section>`;

  const view = mount<State>(ownHost(root), {
    ...EMPTY_LIST, rows: [], total: 0, loading: true, error: '', notice: '', selected: [], owners: [], teamChoices: [],
    cities: [], industries: [], reassignTo: '', survivor: '',
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
