// /analytics/customers, the cockpit's customers section: who and what make the node's revenue
// (Pareto, ABC; by customer, product, product line or region), customers' value (ABC tiers, RFM), the
// customers at risk of churning and why, saturation per unit against its potential, and each rep's
// visiting behaviour. The same node, period and pickers as the pipeline section (frame.ts), the same
// lazily loaded ECharts (charts.ts) and tables (ui/table.ts) with their exports. Live: a push of
// analyticsChanged (a win, an order, a payment) re-reads the figures, debounced.
import '@/features/analytics/analytics.css';
import '@/features/analytics/customers.css';
import { html, nothing, type TemplateResult } from 'lit-html';
import { replaceParams } from '@/app/router';
import type { Screen } from '@/app/screen';
import { paretoHeight, paretoOption } from '@/features/analytics/chart-options';
import {
  BEHAVIOUR_QUERY,
  CHURN_QUERY,
  CONTRIBUTION_QUERY,
  CUSTOMERS_OVERVIEW_QUERY,
  type AtRisk,
  type Behaviour,
  type BehaviourRow,
  type ChurnRisk,
  type Contribution,
  type ContributionBy,
  type ContributionItem,
  type CustomersOverview,
  type CustomerValue,
  type RfmCustomer,
  type SaturationItem,
} from '@/features/analytics/customers-documents';
import {
  BYS,
  byParam,
  contributionTarget,
  DIMENSIONS,
  paretoSeries,
  ratio,
  readBy,
  reasonMessage,
  rfmGrid,
  SCORES,
  share,
  TIERS,
} from '@/features/analytics/customers-logic';
import type { AnalyticsNode, AnalyticsPeriod, NodeRef } from '@/features/analytics/documents';
import { cockpit, drill, errorCard, pageHead, readFiscalStart, type ChartSpec } from '@/features/analytics/frame';
import {
  delta,
  formatDelta,
  formatRate,
  grainOf,
  keptFirst,
  nodeParam,
  readParams,
  sectionHref,
  writeParams,
  type FigureKind,
  type Grain,
  type Place,
} from '@/features/analytics/logic';
import { request } from '@/graphql/client';
import { failureMessage } from '@/graphql/errors';
import type { Me } from '@/graphql/types';
import { formatNumber, formatTime, getLocale, t, type MessageKey } from '@/i18n';
import { formatMoney } from '@/ui/money';
import { dataTable, exportHref, tableState, type Column, type ExportFormat, type TableState } from '@/ui/table';
import { mount, type View } from '@/ui/view';

const PAGE = 50;
// The churn list opens with its most valuable ten (a long list buries the sections below); more on request.
const CHURN_FIRST = 10;
// Customers' value lists its ten best (the grid above counts them all; the export lists every one).
const VALUE_FIRST = 10;
const DETAIL_DELAY_MS = 1500;
const NARROW = '(max-width: 767px)';

interface Periods {
  period: AnalyticsPeriod;
  previousPeriod: AnalyticsPeriod;
  lastYearPeriod: AnalyticsPeriod;
}

type TableKey = 'contribution' | 'value' | 'churn' | 'saturation' | 'behaviour';

interface State {
  place: Place;
  grain: Grain;
  by: ContributionBy;
  fiscalStart: number;
  node: AnalyticsNode | null;
  periods: Periods | null;
  value: CustomerValue | null;
  churn: ChurnRisk | null;
  churnLoading: boolean;
  saturation: SaturationItem[] | null;
  behaviour: Behaviour | null;
  behaviourLoading: boolean;
  contribution: Contribution | null;
  contributionLoading: boolean;
  loading: boolean;
  error: string | null;
  detailError: string | null;
  updatedAt: Date | null;
  chartsFailed: boolean;
  narrow: boolean;
  tables: Record<TableKey, TableState>;
}

const placeParams = (place: Place, by: ContributionBy) => {
  const p = writeParams(place);
  if (by !== 'CUSTOMER') p.set('by', byParam(by));
  return p;
};

export const customersAnalyticsScreen: Screen = (root, { location, me: maybeMe }) => {
  const me = maybeMe as Me;
  const currency = me.org.currency;
  const start = readParams(location.params);
  const media = window.matchMedia(NARROW);
  let generation = 0;
  let contributionGeneration = 0;

  const money = (amount: string | number | null, compact = false) =>
    amount === null ? '—' : formatMoney(amount, currency, getLocale(), compact);
  const whole = (amount: string | null) => (amount === null ? '—' : money(Math.round(Number(amount))));
  const rate = (value: number | null, digits = 0) => formatRate(value, getLocale(), digits);
  const day = (iso: string | null) => (iso ? formatTime(iso, { year: 'numeric', month: 'short', day: 'numeric' }) : '—');
  const periodLabel = (s: State) => s.periods?.period.label ?? s.place.period ?? '';
  const nodeHref = (s: State) => (n: NodeRef) => sectionHref('customers', n, s.place.period, s.place.basis);
  const exportLink = (s: State, path: string, format: ExportFormat, extra: Record<string, string> = {}) => {
    const node = s.node ?? s.place.node;
    return exportHref(path, { nodeKind: node?.kind ?? null, nodeId: node?.id ?? null, period: s.place.period, ...extra }, format);
  };

  // ------------------------------------------------------------ loading

  const load = async (view: View<State>) => {
    const mine = ++generation;
    const s = view.state;
    view.update({ loading: !s.periods, error: null });
    try {
      // The churn list as long as the reader opened it: a live refresh does not close it.
      const churnFirst = keptFirst(CHURN_FIRST, s.churn?.items.length);
      const data = await request<CustomersOverview>(CUSTOMERS_OVERVIEW_QUERY, { node: s.place.node, period: s.place.period, first: keptFirst(PAGE, s.behaviour?.items.length), churnFirst, valueFirst: VALUE_FIRST });
      if (!live.alive || mine !== generation) return;
      const key = data.analyticsResults.period.key;
      const place = { ...view.state.place, period: key };
      live.set({
        node: data.analyticsNode, periods: data.analyticsResults, value: data.analyticsCustomers, churn: data.analyticsChurnRisk,
        saturation: data.analyticsSaturation.items, behaviour: data.analyticsBehaviour, place, grain: grainOf(key) ?? view.state.grain,
        loading: false, detailError: null, updatedAt: new Date(),
      });
      replaceParams(placeParams(place, view.state.by));
      live.watch();
      void loadContribution(view, false);
      void live.loadCharts();
    } catch (failure) {
      if (live.alive && mine === generation) view.update({ error: failureMessage(failure), loading: false });
    }
  };

  const loadContribution = async (view: View<State>, more: boolean) => {
    const mine = ++contributionGeneration;
    const s = view.state;
    const offset = more ? s.contribution?.items.length ?? 0 : 0;
    // Read again, as many as are shown (a new period or dimension starts from null: one page).
    const first = more ? PAGE : keptFirst(PAGE, s.contribution?.items.length);
    view.update({ contributionLoading: true });
    try {
      const { analyticsContribution } = await request<{ analyticsContribution: Contribution }>(CONTRIBUTION_QUERY, {
        by: s.by, node: s.place.node, period: s.place.period, first, offset,
      });
      if (!live.alive || mine !== contributionGeneration) return;
      const before = view.state.contribution;
      live.set({
        contributionLoading: false,
        contribution: more && before ? { ...analyticsContribution, items: [...before.items, ...analyticsContribution.items] } : analyticsContribution,
      });
    } catch (failure) {
      if (live.alive && mine === contributionGeneration) view.update({ contributionLoading: false, detailError: failureMessage(failure) });
    }
  };

  // The next reps after those shown; the total row stays the first page's (it is the node's, whatever the page).
  const loadMoreBehaviour = async (view: View<State>) => {
    const s = view.state;
    if (!s.behaviour) return;
    view.update({ behaviourLoading: true });
    try {
      const { analyticsBehaviour } = await request<{ analyticsBehaviour: Behaviour }>(BEHAVIOUR_QUERY, {
        node: s.place.node, period: s.place.period, first: PAGE, offset: s.behaviour.items.length,
      });
      if (!live.alive) return;
      view.update((st) => ({
        behaviourLoading: false,
        behaviour: st.behaviour ? { ...analyticsBehaviour, items: [...st.behaviour.items, ...analyticsBehaviour.items] } : analyticsBehaviour,
      }));
    } catch (failure) {
      if (live.alive) view.update({ behaviourLoading: false, detailError: failureMessage(failure) });
    }
  };

  const loadMoreChurn = async (view: View<State>) => {
    const s = view.state;
    if (!s.churn) return;
    view.update({ churnLoading: true });
    try {
      const { analyticsChurnRisk } = await request<{ analyticsChurnRisk: ChurnRisk }>(CHURN_QUERY, { node: s.place.node, first: PAGE, offset: s.churn.items.length });
      if (!live.alive) return;
      view.update((st) => ({ churnLoading: false, churn: st.churn ? { ...analyticsChurnRisk, items: [...st.churn.items, ...analyticsChurnRisk.items] } : analyticsChurnRisk }));
    } catch (failure) {
      if (live.alive) view.update({ churnLoading: false, detailError: failureMessage(failure) });
    }
  };

  const goTo = (view: View<State>, period: string) => {
    const place = { ...view.state.place, period };
    view.update({ place, grain: grainOf(period) ?? view.state.grain, contribution: null });
    replaceParams(placeParams(place, view.state.by));
    void load(view);
  };

  const setBy = (view: View<State>, by: ContributionBy) => {
    if (by === view.state.by) return;
    view.update({ by, contribution: null, tables: { ...view.state.tables, contribution: tableState({ key: 'revenue', dir: 'desc' }) } });
    replaceParams(placeParams(view.state.place, by));
    void loadContribution(view, false);
  };

  // ------------------------------------------------------------ the chart

  const chartLimit = (narrow: boolean) => (narrow ? 10 : 20);

  const chartInputs = (s: State): Partial<Record<'pareto', ChartSpec>> => {
    const c = s.contribution;
    if (!c || !c.items.length) return {};
    const series = () => paretoSeries(c.items, chartLimit(s.narrow), t('an.cu.noLine'));
    return {
      pareto: {
        input: [c, s.narrow],
        build: () => {
          const p = series();
          return {
            option: paretoOption(p, { revenue: t('an.col.revenue'), cumulative: t('an.cu.cumulative') }, (n) => money(n, true), (r) => rate(r), undefined, s.narrow),
            height: paretoHeight(p.labels.length, s.narrow),
          };
        },
      },
    };
  };

  // ------------------------------------------------------------ pieces

  const tableOf = <R>(
    s: State, view: View<State>, key: TableKey, rows: readonly R[], columns: Array<Column<R>>, rowId: (r: R) => string,
    extra: { label: string; testId: string; rowTestId?: string; rowHref?: (r: R) => string | undefined; empty: unknown; exportUrl?: (f: ExportFormat) => string; toolbar?: unknown },
  ) => dataTable({
    rows, columns, rowId, state: s.tables[key], ...extra,
    onChange: (next) => view.update((st) => ({ tables: { ...st.tables, [key]: next } })),
  });

  const skeleton = html`<div class="skeleton-list"><div class="skeleton-row"></div><div class="skeleton-row"></div></div>`;

  const deltaChip = (kind: FigureKind, now: string | number, then: string | number, label: string, periodName: string, shown: string) => {
    const d = delta(now, then, kind);
    const cls = d ? (d.good === null ? 'is-flat' : d.good ? 'is-good' : 'is-bad') : 'is-none';
    return html`<span class="an-delta ${cls}" title=${`${periodName}: ${shown}`}>
      <span class="an-delta-value">${d ? html`<span aria-hidden="true">${d.direction === 'up' ? '▲' : d.direction === 'down' ? '▼' : '■'}</span> ${formatDelta(d, getLocale())}` : '—'}</span>
      <small>${label}</small>
    </span>`;
  };

  const tile = (id: string, value: string, testValue: string, foot: unknown, deltas: unknown = nothing, title = '') =>
    html`<article class="an-tile" data-testid=${`an-cu-tile-${id}`} data-value=${testValue}>
      <h2 class="an-tile-label">${t(`an.cu.tile.${id}` as MessageKey)}</h2>
      <p class="an-tile-value" title=${title}>${value}</p>
      ${foot}
      ${deltas}
    </article>`;

  const tiles = (s: State) => {
    const v = s.value;
    const p = s.periods;
    if (!v || !p) return html`<div class="an-tiles an-cu-tiles">${[1, 2, 3, 4].map(() => html`<div class="an-tile is-skeleton"><div class="skeleton-row"></div></div>`)}</div>`;
    const churn = s.churn;
    const deltas = (kind: FigureKind, now: string | number, prev: string | number, ly: string | number, fmt: (x: string | number) => string) => html`<p class="an-deltas">
      ${deltaChip(kind, now, prev, t('an.vsPrevious'), p.previousPeriod.label, fmt(prev))}
      ${deltaChip(kind, now, ly, t('an.vsLastYear'), p.lastYearPeriod.label, fmt(ly))}
    </p>`;
    const count = (x: string | number) => formatNumber(Number(x));
    return html`<div class="an-tiles an-cu-tiles" data-testid="an-cu-tiles" aria-live="polite">
      ${tile('revenue', s.narrow ? money(v.revenue, true) : whole(v.revenue), v.revenue, nothing,
        deltas('money', v.revenue, v.previousRevenue, v.lastYearRevenue, (x) => whole(String(x))), money(v.revenue))}
      ${tile('buying', formatNumber(v.buying), String(v.buying),
        html`<p class="an-tile-foot">${t('an.cu.buyingShare', { share: rate(ratio(v.buying, v.customers)), count: formatNumber(v.customers) })}</p>`,
        deltas('count', v.buying, v.previousBuying, v.lastYearBuying, count))}
      ${tile('customers', formatNumber(v.customers), String(v.customers), nothing)}
      ${tile('atRisk', churn ? formatNumber(churn.total) : '—', churn ? String(churn.total) : '',
        churn ? html`<p class="an-tile-foot">${t('an.cu.buyingShare', { share: rate(ratio(churn.total, v.customers)), count: formatNumber(v.customers) })}</p>` : nothing)}
    </div>`;
  };

  const tierChips = (tiers: Contribution['tiers'], testId: string) => html`<ul class="an-cu-tiers" data-testid=${testId}>
    ${TIERS.map((tier) => {
      const sum = tiers.find((x) => x.tier === tier);
      return html`<li class="an-cu-tier is-${tier.toLowerCase()}" data-tier=${tier}>
        <strong>${t('an.cu.tier', { tier })}</strong>
        <span>${t('an.cu.tierSum', { items: formatNumber(sum?.items ?? 0), share: rate(share(sum?.share ?? null)) })}</span>
        <small>${money(sum?.revenue ?? '0', true)}</small>
      </li>`;
    })}
  </ul>`;

  const tierBadge = (tier: string) => html`<span class="an-cu-badge is-${tier.toLowerCase()}">${tier}</span>`;

  const contributionHref = (s: State) => (x: ContributionItem) => {
    const to = contributionTarget(x);
    if (!to) return undefined;
    return 'customer' in to ? `/customers/${to.customer}` : sectionHref('customers', to.node, s.place.period, s.place.basis);
  };

  const contributionSection = (s: State, view: View<State>) => {
    const c = s.contribution;
    const byMoney = s.by === 'PRODUCT' || s.by === 'PRODUCT_LINE';
    const columns: Array<Column<ContributionItem>> = [
      { key: 'rank', header: 'an.cu.col.rank', numeric: true, width: '3.5rem', phoneHidden: true, sort: (x) => x.rank, firstDir: 'asc', cell: (x) => formatNumber(x.rank) },
      { key: 'name', header: 'an.cu.col.name', primary: true, sort: (x) => x.label, firstDir: 'asc', cell: (x) => x.label || t('an.cu.noLine') },
      { key: 'tier', header: 'an.cu.col.tier', sort: (x) => x.tier, firstDir: 'asc', cell: (x) => tierBadge(x.tier) },
      { key: 'revenue', header: 'an.col.revenue', numeric: true, sort: (x) => Number(x.revenue), firstDir: 'desc', cell: (x) => money(x.revenue) },
      { key: 'share', header: 'an.cu.col.share', numeric: true, sort: (x) => share(x.share), firstDir: 'desc', cell: (x) => rate(share(x.share), 1) },
      { key: 'cumulative', header: 'an.cu.col.cumulative', numeric: true, phoneHidden: true, sort: (x) => x.rank, firstDir: 'asc', cell: (x) => rate(share(x.cumulativeShare), 1) },
      { key: 'previous', header: 'an.cu.col.previous', numeric: true, phoneHidden: true, sort: (x) => Number(x.previous), firstDir: 'desc', cell: (x) => money(x.previous) },
      { key: 'lastYear', header: 'an.cu.col.lastYear', numeric: true, phoneHidden: true, sort: (x) => Number(x.lastYear), firstDir: 'desc', cell: (x) => money(x.lastYear) },
      ...(byMoney ? [{ key: 'quantity', header: 'an.cu.col.quantity' as MessageKey, numeric: true, phoneHidden: true, sort: (x: ContributionItem) => Number(x.quantity ?? 0), firstDir: 'desc' as const,
        cell: (x: ContributionItem) => (x.quantity === null ? '—' : formatNumber(Number(x.quantity))) }] : []),
    ];
    const switcher = html`<div class="segmented an-cu-by" role="tablist" aria-label=${t('an.cu.by')}>
      ${BYS.map((b) => html`<button type="button" role="tab" class="seg-option" aria-selected=${s.by === b ? 'true' : 'false'}
        data-testid=${`an-cu-by-${byParam(b)}`} @click=${() => setBy(view, b)}>${t(`an.cu.by.${b}` as MessageKey)}</button>`)}
    </div>`;
    const items = t(`an.cu.items.${s.by}` as MessageKey);
    const limit = chartLimit(s.narrow);
    return html`<section class="card an-card an-cu-contribution" data-testid="an-cu-contribution" data-by=${s.by} aria-busy=${s.contributionLoading ? 'true' : 'false'}>
      <header class="an-card-head">
        <div>
          <h2 class="card-title">${t('an.cu.contribution')}</h2>
          ${c && c.paretoItemShare !== null && c.items.length
            ? html`<p class="an-card-sub">${t('an.cu.contributionSub', { share: rate(share(c.paretoItemShare)), items })} · ${money(c.total)}</p>`
            : nothing}
        </div>
        ${switcher}
      </header>
      ${c === null
        ? skeleton
        : !c.items.length
          ? html`<p class="empty" data-testid="an-cu-contribution-empty">${t('an.cu.contributionEmpty', { period: periodLabel(s) })}</p>`
          : html`${tierChips(c.tiers, 'an-cu-contribution-tiers')}
            ${s.chartsFailed ? nothing : html`<div class="an-chart an-cu-pareto" data-chart="pareto" data-testid="an-chart-pareto" aria-hidden="true"></div>`}
            ${c.itemCount > limit ? html`<p class="an-card-foot">${t('an.cu.chartRest', { count: formatNumber(limit) })}</p>` : nothing}
            ${tableOf(s, view, 'contribution', c.items, columns, (x) => x.key, {
              label: t('an.cu.contribution'), testId: 'an-cu-contribution-table', rowTestId: 'an-cu-contribution-row', rowHref: contributionHref(s),
              empty: nothing, exportUrl: (f) => exportLink(s, '/api/analytics/contribution/export', f, { by: s.by }),
            })}
            ${c.hasMore
              ? html`<button type="button" class="btn btn-ghost btn-small an-more" data-testid="an-cu-contribution-more" ?disabled=${s.contributionLoading}
                  @click=${() => void loadContribution(view, true)}>${t('an.more', { count: formatNumber(Math.min(PAGE, c.itemCount - c.items.length)) })}</button>`
              : nothing}`}
    </section>`;
  };

  const valueSection = (s: State, view: View<State>) => {
    const v = s.value;
    const columns: Array<Column<RfmCustomer>> = [
      { key: 'name', header: 'an.cu.col.customer', primary: true, sort: (x) => x.name, firstDir: 'asc', cell: (x) => x.name },
      { key: 'tier', header: 'an.cu.col.tier', sort: (x) => x.tier, firstDir: 'asc', cell: (x) => tierBadge(x.tier) },
      { key: 'rfm', header: 'an.cu.col.rfm', sort: (x) => x.recency + x.frequency + x.monetary, firstDir: 'desc',
        cell: (x) => html`<span class="an-cu-rfm" title=${`${t('an.cu.dim.RECENCY')} ${x.recency} · ${t('an.cu.dim.FREQUENCY')} ${x.frequency} · ${t('an.cu.dim.MONETARY')} ${x.monetary}`}>${x.recency}·${x.frequency}·${x.monetary}</span>` },
      { key: 'revenue', header: 'an.col.revenue', numeric: true, sort: (x) => Number(x.revenue), firstDir: 'desc', cell: (x) => money(x.revenue) },
      { key: 'deals', header: 'an.cu.col.deals', numeric: true, phoneHidden: true, sort: (x) => x.deals, firstDir: 'desc', cell: (x) => formatNumber(x.deals) },
      { key: 'lastWon', header: 'an.cu.col.lastWon', phoneHidden: true, sort: (x) => x.lastWonAt ?? '', firstDir: 'desc', cell: (x) => day(x.lastWonAt) },
    ];
    const grid = v ? rfmGrid(v.scores) : null;
    const most = grid ? Math.max(1, ...DIMENSIONS.flatMap((d) => grid[d])) : 1;
    return html`<section class="card an-card an-cu-value" data-testid="an-cu-value">
      <header class="an-card-head"><div>
        <h2 class="card-title">${t('an.cu.value')}</h2>
        <p class="an-card-sub">${t('an.cu.valueSub')}</p>
      </div></header>
      ${v === null || grid === null
        ? skeleton
        : !v.buying
          ? html`<p class="empty">${t('an.cu.valueEmpty', { period: periodLabel(s) })}</p>`
          : html`${tierChips(v.tiers, 'an-cu-value-tiers')}
            <div class="an-mini-wrap"><table class="an-mini an-cu-rfm-grid" aria-label=${t('an.cu.rfmGrid')} data-testid="an-cu-rfm">
              <thead><tr><th scope="col">${t('an.cu.score')}</th>${SCORES.map((n) => html`<th scope="col" class="is-num">${n}</th>`)}</tr></thead>
              <tbody>${DIMENSIONS.map((d) => html`<tr data-dimension=${d}>
                <th scope="row">${t(`an.cu.dim.${d}` as MessageKey)}</th>
                ${grid[d].map((n) => html`<td class="is-num"><span class="an-cu-heat" style=${`--heat:${(n / most).toFixed(2)}`}>${formatNumber(n)}</span></td>`)}
              </tr>`)}</tbody>
            </table></div>
            <h3 class="an-cu-subhead">${t('an.cu.topCustomers')}</h3>
            ${tableOf(s, view, 'value', v.items, columns, (x) => x.customerId, {
              label: t('an.cu.topCustomers'), testId: 'an-cu-value-table', rowTestId: 'an-cu-value-row', rowHref: (x) => `/customers/${x.customerId}`,
              empty: nothing, exportUrl: (f) => exportLink(s, '/api/analytics/contribution/export', f, { by: 'customer' }),
            })}
            ${v.hasMore ? html`<p class="an-card-foot">${t('an.cu.firstShown', { shown: formatNumber(v.items.length), total: formatNumber(v.buying) })}</p>` : nothing}`}
    </section>`;
  };

  const reasonLine = (r: AtRisk['reasons'][number]) => {
    const m = reasonMessage(r);
    return t(m.key as MessageKey, {
      days: m.days === undefined ? '' : formatNumber(m.days), usual: m.usual === undefined ? '' : formatNumber(m.usual),
      recent: m.recent === undefined ? '' : money(m.recent, true), earlier: m.earlier === undefined ? '' : money(m.earlier, true),
    });
  };

  const churnSection = (s: State, view: View<State>) => {
    const c = s.churn;
    const columns: Array<Column<AtRisk>> = [
      { key: 'name', header: 'an.cu.col.customer', primary: true, sort: (x) => x.name, firstDir: 'asc',
        cell: (x) => html`<span class="an-node"><strong>${x.name}</strong>${x.ownerName ? html`<small>${x.ownerName}</small>` : nothing}</span>` },
      { key: 'reasons', header: 'an.cu.col.reasons',
        cell: (x) => html`<ul class="an-cu-reasons">${x.reasons.map((r) => html`<li class="an-cu-reason is-${r.code.toLowerCase()}" data-testid="an-cu-reason" data-code=${r.code}>${reasonLine(r)}</li>`)}</ul>` },
      { key: 'lifetime', header: 'an.cu.col.lifetime', numeric: true, sort: (x) => Number(x.lifetimeRevenue), firstDir: 'desc', cell: (x) => money(x.lifetimeRevenue, s.narrow) },
      { key: 'lastOrder', header: 'an.cu.col.lastOrder', phoneHidden: true, sort: (x) => x.lastOrderAt ?? '', firstDir: 'desc', cell: (x) => day(x.lastOrderAt) },
    ];
    return html`<section class="card an-card an-cu-churn" data-testid="an-cu-churn" data-total=${c?.total ?? ''}>
      <header class="an-card-head"><div>
        <h2 class="card-title">${t('an.cu.churn')}${c ? html` <span class="an-count">${formatNumber(c.total)}</span>` : nothing}</h2>
        <p class="an-card-sub">${t('an.cu.churnSub')}</p>
      </div></header>
      ${c === null
        ? skeleton
        : html`${tableOf(s, view, 'churn', c.items, columns, (x) => x.customerId, {
            label: t('an.cu.churn'), testId: 'an-cu-churn-table', rowTestId: 'an-cu-churn-row', rowHref: (x) => `/customers/${x.customerId}`,
            empty: html`<p>${t('an.cu.churnEmpty')}</p>`, exportUrl: (f) => exportLink(s, '/api/analytics/churn/export', f),
          })}
          ${c.hasMore
            ? html`<button type="button" class="btn btn-ghost btn-small an-more" data-testid="an-cu-churn-more" ?disabled=${s.churnLoading}
                @click=${() => void loadMoreChurn(view)}>${t('an.more', { count: formatNumber(Math.min(PAGE, c.total - c.items.length)) })}</button>`
            : nothing}`}
    </section>`;
  };

  const meter = (value: number | null) => value === null
    ? html`<span class="an-cu-muted">${t('an.cu.noPotential')}</span>`
    : html`<span class="an-cu-meter"><span class="an-bar"><span class="an-bar-fill ${value >= 1 ? 'is-ahead' : ''}" style=${`width:${Math.round(Math.min(1, value) * 100)}%`}></span></span>${rate(value)}</span>`;

  const saturationSection = (s: State, view: View<State>) => {
    const rows = s.saturation;
    const columns: Array<Column<SaturationItem>> = [
      { key: 'unit', header: 'an.cu.col.unit', primary: true, sort: (x) => x.node.name, firstDir: 'asc', cell: (x) => x.node.name },
      { key: 'customers', header: 'an.cu.col.customers', numeric: true, sort: (x) => x.customers, firstDir: 'desc', cell: (x) => formatNumber(x.customers) },
      { key: 'buying', header: 'an.cu.col.buying', numeric: true, sort: (x) => x.buying, firstDir: 'desc',
        cell: (x) => html`${formatNumber(x.buying)} <small class="an-cu-muted">${rate(ratio(x.buying, x.customers))}</small>` },
      { key: 'revenue', header: 'an.col.revenue', numeric: true, sort: (x) => Number(x.revenue), firstDir: 'desc', cell: (x) => money(x.revenue, s.narrow) },
      { key: 'potential', header: 'an.cu.col.potential', numeric: true, phoneHidden: true, sort: (x) => share(x.periodPotential), firstDir: 'desc', cell: (x) => (x.periodPotential === null ? '—' : money(x.periodPotential)) },
      { key: 'customersPotential', header: 'an.cu.col.customersPotential', numeric: true, phoneHidden: true, sort: (x) => Number(x.customersPotential), firstDir: 'desc', cell: (x) => money(x.customersPotential) },
      { key: 'penetration', header: 'an.cu.col.penetration', sort: (x) => share(x.penetration), firstDir: 'desc', cell: (x) => meter(share(x.penetration)) },
    ];
    return html`<section class="card an-card an-cu-saturation" data-testid="an-cu-saturation">
      <header class="an-card-head"><div>
        <h2 class="card-title">${t('an.cu.saturation')}</h2>
        <p class="an-card-sub">${t('an.cu.saturationSub')}</p>
      </div></header>
      ${rows === null
        ? skeleton
        : tableOf(s, view, 'saturation', rows, columns, (x) => x.node.key, {
            label: t('an.cu.saturation'), testId: 'an-cu-saturation-table', rowTestId: 'an-cu-saturation-row',
            rowHref: (x) => sectionHref('customers', { kind: x.node.kind, id: x.node.id }, s.place.period, s.place.basis),
            empty: html`<p>${t('an.cu.saturationEmpty')}</p>`,
          })}
    </section>`;
  };

  const activityMix = (row: BehaviourRow) => {
    const total = row.figures.activityTotal;
    if (!total) return html`<span class="an-cu-muted">—</span>`;
    const parts = [...row.figures.activities].sort((a, b) => b.count - a.count);
    const label = parts.map((a) => `${t(`an.cu.activity.${a.kind}` as MessageKey)} ${formatNumber(a.count)}`).join(' · ');
    return html`<span class="an-cu-mix" title=${label} aria-label=${label}>
      <span class="an-cu-mix-bar">${parts.map((a) => html`<span class="an-cu-mix-part is-${a.kind}" style=${`flex:${a.count}`}></span>`)}</span>
      <small>${formatNumber(total)}</small>
    </span>`;
  };

  const behaviourSection = (s: State, view: View<State>) => {
    const b = s.behaviour;
    const columns: Array<Column<BehaviourRow>> = [
      { key: 'rep', header: 'an.cu.col.rep', primary: true, sort: (x) => x.node.name, firstDir: 'asc', cell: (x) => x.node.name },
      { key: 'visits', header: 'an.cu.col.visits', numeric: true, sort: (x) => x.figures.visits, firstDir: 'desc', cell: (x) => formatNumber(x.figures.visits) },
      { key: 'converted', header: 'an.cu.col.converted', numeric: true, phoneHidden: true, sort: (x) => x.figures.converted, firstDir: 'desc', cell: (x) => formatNumber(x.figures.converted) },
      { key: 'conversion', header: 'an.cu.col.conversion', numeric: true, sort: (x) => share(x.conversion), firstDir: 'desc', cell: (x) => rate(share(x.conversion)) },
      { key: 'perDay', header: 'an.cu.col.perDay', numeric: true, sort: (x) => share(x.visitsPerWorkingDay), firstDir: 'desc',
        cell: (x) => (x.visitsPerWorkingDay === null ? '—' : new Intl.NumberFormat(getLocale(), { maximumFractionDigits: 1 }).format(Number(x.visitsPerWorkingDay))) },
      { key: 'verified', header: 'an.cu.col.verified', numeric: true, phoneHidden: true, sort: (x) => share(x.verifiedShare), firstDir: 'desc', cell: (x) => rate(share(x.verifiedShare)) },
      { key: 'activities', header: 'an.cu.col.activities', phoneHidden: true, sort: (x) => x.figures.activityTotal, firstDir: 'desc', cell: (x) => activityMix(x) },
    ];
    const legend = html`<ul class="an-cu-legend" aria-hidden="true">${['call', 'demo', 'proposal', 'meeting', 'email'].map((k) =>
      html`<li><span class="an-cu-mix-part is-${k}"></span>${t(`an.cu.activity.${k}` as MessageKey)}</li>`)}</ul>`;
    return html`<section class="card an-card an-cu-behaviour" data-testid="an-cu-behaviour">
      <header class="an-card-head"><div>
        <h2 class="card-title">${t('an.cu.behaviour')}</h2>
        ${b ? html`<p class="an-card-sub">${t('an.cu.behaviourSub', { days: formatNumber(b.workingDays) })}</p>` : nothing}
      </div>${s.narrow ? nothing : legend}</header>
      ${b === null
        ? skeleton
        : html`${b.items.length
            ? html`<p class="an-cu-total" data-testid="an-cu-behaviour-total">
                <strong>${t('an.cu.total')}</strong>
                <span>${t('an.cu.col.visits')} ${formatNumber(b.total.figures.visits)}</span>
                <span>${t('an.cu.col.conversion')} ${rate(share(b.total.conversion))}</span>
                <span>${t('an.cu.col.perDay')} ${b.total.visitsPerWorkingDay === null ? '—' : new Intl.NumberFormat(getLocale(), { maximumFractionDigits: 1 }).format(Number(b.total.visitsPerWorkingDay))}</span>
                <span>${t('an.cu.col.verified')} ${rate(share(b.total.verifiedShare))}</span>
              </p>`
            : nothing}
          ${tableOf(s, view, 'behaviour', b.items, columns, (x) => x.node.key, {
            label: t('an.cu.behaviour'), testId: 'an-cu-behaviour-table', rowTestId: 'an-cu-behaviour-row',
            rowHref: (x) => sectionHref('customers', { kind: x.node.kind, id: x.node.id }, s.place.period, s.place.basis),
            empty: html`<p>${t('an.cu.behaviourEmpty', { period: periodLabel(s) })}</p>`, exportUrl: (f) => exportLink(s, '/api/analytics/behaviour/export', f),
          })}
          ${b.hasMore
            ? html`<p class="an-card-foot">${t('an.cu.firstShown', { shown: formatNumber(b.items.length), total: formatNumber(b.people) })}</p>
              <button type="button" class="btn btn-ghost btn-small an-more" data-testid="an-cu-behaviour-more" ?disabled=${s.behaviourLoading}
                @click=${() => void loadMoreBehaviour(view)}>${t('an.more', { count: formatNumber(Math.min(PAGE, b.people - b.items.length)) })}</button>`
            : nothing}`}
    </section>`;
  };

  // ------------------------------------------------------------ page

  const draw = (s: State, view: View<State>): TemplateResult => html`<section class="page an-page an-cu-page" data-testid="analytics-customers"
      aria-busy=${s.loading ? 'true' : 'false'} data-node=${s.node ? nodeParam(s.node) : ''} data-period=${s.place.period ?? ''}>
      ${pageHead({
        section: 'customers', place: s.place, node: s.node, updatedAt: s.updatedAt, href: nodeHref(s),
        compared: s.periods ? { previous: s.periods.previousPeriod.label, lastYear: s.periods.lastYearPeriod.label } : null,
        picker: {
          key: s.place.period, grain: s.grain, label: periodLabel(s), fiscalStart: s.fiscalStart, goTo: (p) => goTo(view, p),
          future: s.periods ? new Date(s.periods.period.end).getTime() > Date.now() : false,
        },
      })}
      ${s.error
        ? errorCard(s.error, 'customers', s.place, () => void load(view))
        : html`
          ${drill(s.node, nodeHref(s))}
          ${tiles(s)}
          ${s.detailError ? html`<p class="form-error" role="alert">${s.detailError}</p>` : nothing}
          ${s.chartsFailed ? html`<p class="form-error" role="status">${t('an.chartsFailed')}</p>` : nothing}
          ${contributionSection(s, view)}
          <div class="an-grid">
            ${churnSection(s, view)}
            ${valueSection(s, view)}
          </div>
          ${behaviourSection(s, view)}
          ${saturationSection(s, view)}`}
    </section>`;

  const view = mount<State>(root, {
    place: start, grain: (start.period && grainOf(start.period)) || 'MONTH', by: readBy(location.params.get('by')), fiscalStart: 1,
    node: null, periods: null, value: null, churn: null, churnLoading: false, saturation: null, behaviour: null, behaviourLoading: false,
    contribution: null, contributionLoading: false, loading: true, error: null, detailError: null, updatedAt: null,
    chartsFailed: false, narrow: media.matches,
    tables: {
      contribution: tableState({ key: 'revenue', dir: 'desc' }), value: tableState({ key: 'revenue', dir: 'desc' }),
      churn: tableState(null), saturation: tableState({ key: 'revenue', dir: 'desc' }), behaviour: tableState({ key: 'visits', dir: 'desc' }),
    },
  }, draw);

  const live = cockpit(root, view, media, {
    charts: chartInputs, delayMs: DETAIL_DELAY_MS,
    reload: () => void load(view),
    // Everything again, keeping the rows the reader opened (load and loadContribution read as many as are shown).
    refresh: () => void load(view),
  });
  void load(view);
  readFiscalStart((fiscalStart) => live.alive && view.update({ fiscalStart }));
  return live.stop;
};
