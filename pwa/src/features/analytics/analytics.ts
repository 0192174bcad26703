// /analytics, the manager's cockpit: any node of the org tree (company → unit → team → rep) for any
// fiscal period, against the previous period and the same period last year. Tiles come first and
// follow analyticsChanged live; each push re-reads the funnel, velocity, sources, children and stalled
// deals (debounced). Charts are ECharts, imported only here and only once the figures are drawn, so
// the numbers never wait for the chart library. Node, period and funnel basis live in the URL: a
// drill-down is a navigation, so Back climbs up again.
import '@/features/analytics/analytics.css';
import { html, nothing, type TemplateResult } from 'lit-html';
import { replaceParams } from '@/app/router';
import type { Screen } from '@/app/screen';
import {
  breakdownHeight,
  breakdownOption,
  funnelOption,
  velocityOption,
} from '@/features/analytics/chart-options';
import { cockpit, drill, errorCard, pageHead, readFiscalStart, type ChartSpec } from '@/features/analytics/frame';
import {
  ANALYTICS_DETAIL_QUERY,
  ANALYTICS_FUNNEL_QUERY,
  ANALYTICS_OVERVIEW_QUERY,
  ANALYTICS_STALLED_QUERY,
  type AnalyticsNode,
  type Funnel,
  type FunnelBasis,
  type FunnelStep,
  type NodeFigures,
  type NodeRef,
  type ResultsComparison,
  type SourceFigures,
  type StalledDeal,
  type StalledPage,
  type StageVelocity,
  type Velocity,
} from '@/features/analytics/documents';
import {
  analyticsHref,
  delta,
  formatDelta,
  formatRate,
  grainOf,
  keptFirst,
  nodeParam,
  paceClass,
  readParams,
  roundDays,
  targetShare,
  TILES,
  writeParams,
  type Grain,
  type Place,
  type TileSpec,
} from '@/features/analytics/logic';
import { request } from '@/graphql/client';
import { failureMessage } from '@/graphql/errors';
import type { Me } from '@/graphql/types';
import { formatNumber, getLocale, t, type MessageKey } from '@/i18n';
import { formatMoney } from '@/ui/money';
import { dataTable, exportHref, tableState, type Column, type ExportFormat, type TableState } from '@/ui/table';
import { mount, type View } from '@/ui/view';

// A burst of wins (an import, a busy afternoon) becomes one re-read of the detail.
const DETAIL_DELAY_MS = 1500;
const STALLED_PAGE = 20;
const NARROW = '(max-width: 767px)';

interface State {
  place: Place;
  grain: Grain;
  fiscalStart: number;
  node: AnalyticsNode | null;
  results: ResultsComparison | null;
  breakdown: NodeFigures[] | null;
  funnel: Funnel | null;
  velocity: Velocity | null;
  sources: SourceFigures[] | null;
  stalled: StalledPage | null;
  stalledStage: string;
  stalledLoading: boolean;
  loading: boolean;
  error: string | null;
  detailError: string | null;
  updatedAt: Date | null;
  chartsFailed: boolean;
  narrow: boolean;
  tables: { breakdown: TableState; sources: TableState; stalled: TableState };
}

type ChartKey = 'funnel' | 'velocity' | 'breakdown';

export const analyticsScreen: Screen = (root, { location, me: maybeMe }) => {
  const me = maybeMe as Me;
  const currency = me.org.currency;
  const start = readParams(location.params);
  const media = window.matchMedia(NARROW);
  let overviewGeneration = 0;
  let detailGeneration = 0;
  let stalledGeneration = 0;

  const money = (amount: string | number | null, compact = false) =>
    amount === null ? '—' : formatMoney(amount, currency, getLocale(), compact);
  // Tiles show whole units (the exact amount is in the tooltip); tables keep the cents.
  const wholeMoney = (amount: string | null) => (amount === null ? '—' : money(Math.round(Number(amount))));
  const days = (value: number | null) => {
    const d = roundDays(value);
    return d === null ? '—' : t('an.days', { days: formatNumber(d) });
  };
  const rate = (value: number | null, digits = 0) => formatRate(value, getLocale(), digits);
  const nodeVar = (s: State): NodeRef | null => s.place.node;
  const resolvedNode = (s: State): NodeRef | null => s.node ?? s.place.node;
  const nodeHref = (s: State) => (n: NodeRef) => analyticsHref(n, s.place.period, s.place.basis);
  const periodLabel = (s: State) => s.results?.period.label ?? s.place.period ?? '';

  // ------------------------------------------------------------ loading

  const loadOverview = async (view: View<State>) => {
    const mine = ++overviewGeneration;
    const s = view.state;
    view.update({ loading: true, error: null });
    try {
      const data = await request<{ analyticsNode: AnalyticsNode; analyticsResults: ResultsComparison; analyticsBreakdown: NodeFigures[] }>(
        ANALYTICS_OVERVIEW_QUERY, { node: nodeVar(s), period: s.place.period });
      if (!live.alive || mine !== overviewGeneration) return;
      const key = data.analyticsResults.period.key;
      const place = { ...view.state.place, period: key };
      live.set({
        node: data.analyticsNode, results: data.analyticsResults, breakdown: data.analyticsBreakdown,
        place, grain: grainOf(key) ?? view.state.grain, loading: false, updatedAt: new Date(),
      });
      replaceParams(writeParams(place));
      live.watch();
      void loadDetail(view);
      void loadStalled(view, false);
      void live.loadCharts();
    } catch (failure) {
      if (live.alive && mine === overviewGeneration) view.update({ error: failureMessage(failure), loading: false });
    }
  };

  const loadDetail = async (view: View<State>) => {
    const mine = ++detailGeneration;
    const s = view.state;
    try {
      const data = await request<{ analyticsFunnel: Funnel; analyticsVelocity: Velocity; analyticsSources: SourceFigures[]; analyticsBreakdown: NodeFigures[] }>(
        ANALYTICS_DETAIL_QUERY, { node: nodeVar(s), period: s.place.period, basis: s.place.basis });
      if (!live.alive || mine !== detailGeneration) return;
      live.set({
        funnel: data.analyticsFunnel, velocity: data.analyticsVelocity, sources: data.analyticsSources,
        breakdown: data.analyticsBreakdown, detailError: null,
      });
    } catch (failure) {
      if (live.alive && mine === detailGeneration) view.update({ detailError: failureMessage(failure) });
    }
  };

  const loadFunnel = async (view: View<State>) => {
    const mine = ++detailGeneration;
    const s = view.state;
    try {
      const { analyticsFunnel } = await request<{ analyticsFunnel: Funnel }>(ANALYTICS_FUNNEL_QUERY, { node: nodeVar(s), period: s.place.period, basis: s.place.basis });
      if (live.alive && mine === detailGeneration) live.set({ funnel: analyticsFunnel, detailError: null });
    } catch (failure) {
      if (live.alive && mine === detailGeneration) view.update({ detailError: failureMessage(failure) });
    }
  };

  /** The stalled deals again, as many as are shown (at least a page), or the next page appended (`more`). */
  const loadStalled = async (view: View<State>, more: boolean) => {
    const mine = ++stalledGeneration;
    const s = view.state;
    const offset = more ? s.stalled?.deals.length ?? 0 : 0;
    const first = more ? STALLED_PAGE : keptFirst(STALLED_PAGE, s.stalled?.deals.length);
    view.update({ stalledLoading: true });
    try {
      const { analyticsStalled } = await request<{ analyticsStalled: StalledPage }>(ANALYTICS_STALLED_QUERY, {
        node: nodeVar(s), stageId: s.stalledStage || null, first, offset,
      });
      if (!live.alive || mine !== stalledGeneration) return;
      view.update((st) => ({
        stalledLoading: false,
        stalled: more && st.stalled ? { total: analyticsStalled.total, deals: [...st.stalled.deals, ...analyticsStalled.deals] } : analyticsStalled,
      }));
    } catch (failure) {
      if (live.alive && mine === stalledGeneration) view.update({ stalledLoading: false, detailError: failureMessage(failure) });
    }
  };

  const goTo = (view: View<State>, period: string) => {
    const place = { ...view.state.place, period };
    view.update({ place, grain: grainOf(period) ?? view.state.grain, funnel: null, velocity: null, sources: null });
    replaceParams(writeParams(place));
    void loadOverview(view);
  };

  const setBasis = (view: View<State>, basis: FunnelBasis) => {
    if (basis === view.state.place.basis) return;
    const place = { ...view.state.place, basis };
    view.update({ place });
    replaceParams(writeParams(place));
    void loadFunnel(view);
  };

  // ------------------------------------------------------------ charts

  const words = () => ({
    current: t('an.series.current'), previous: t('an.series.previous'), lastYear: t('an.series.lastYear'), conversion: t('an.series.conversion'),
  });

  const chartInputs = (s: State): Partial<Record<ChartKey, ChartSpec>> => {
    const out: Partial<Record<ChartKey, ChartSpec>> = {};
    const f = s.funnel;
    if (f && f.steps.some((x) => x.entered > 0)) {
      out.funnel = { input: [f, s.narrow], build: () => ({ option: funnelOption(f.steps, f.previous, f.lastYear, words(), (r) => rate(r), undefined, s.narrow) }) };
    }
    const v = s.velocity;
    if (v && v.stages.some((x) => x.stays > 0)) {
      out.velocity = { input: [v, s.narrow], build: () => ({ option: velocityOption(v.stages, { p50: t('an.p50'), p90: t('an.p90') }, (n) => days(n), undefined, s.narrow) }) };
    }
    const b = s.breakdown;
    if (b && b.length) {
      out.breakdown = {
        input: [b, s.narrow],
        build: () => ({
          option: breakdownOption(b, { revenue: t('an.col.revenue'), target: t('an.col.target') }, (n) => money(n, true), undefined, s.narrow),
          height: breakdownHeight(b.length, s.narrow),
        }),
      };
    }
    return out;
  };

  // ------------------------------------------------------------ pieces

  const figure = (spec: TileSpec, value: string | number | null, compact = false): string => {
    if (value === null) return '—';
    if (spec.kind === 'money') return compact ? money(String(value), true) : wholeMoney(String(value));
    if (spec.kind === 'rate') return rate(Number(value));
    if (spec.kind === 'days') return days(Number(value));
    return formatNumber(Number(value));
  };

  const deltaChip = (spec: TileSpec, now: string | number | null, then: string | number | null, label: string, periodName: string) => {
    const d = delta(now, then, spec.kind);
    const cls = d ? (d.good === null ? 'is-flat' : d.good ? 'is-good' : 'is-bad') : 'is-none';
    const title = `${periodName}: ${figure(spec, then)}${d ? '' : ` (${t('an.noCompare')})`}`;
    return html`<span class="an-delta ${cls}" title=${title} data-direction=${d?.direction ?? ''}>
      <span class="an-delta-value">${d ? html`<span aria-hidden="true">${d.direction === 'up' ? '▲' : d.direction === 'down' ? '▼' : '■'}</span> ${formatDelta(d, getLocale())}` : '—'}</span>
      <small>${label}</small>
    </span>`;
  };

  // On a phone two tiles share a row: amounts other than revenue read compact ("¥46.6万"), exact in the tooltip.
  const tile = (spec: TileSpec, c: ResultsComparison, narrow: boolean) => {
    const now = spec.figure(c.current);
    const r = c.current;
    let extra: unknown = nothing;
    if (spec.id === 'revenue') {
      const share = targetShare(r.revenue, r.target);
      const pace = paceClass(r.pace);
      extra = r.target === null
        ? html`<p class="an-tile-foot">${t('an.noTarget')}</p>`
        : html`<div class="an-target" data-testid="an-target">
            <span class="an-bar"><span class="an-bar-fill is-${pace}" style=${`width:${Math.round((share ?? 0) * 100)}%`}></span></span>
            <p class="an-tile-foot">${t('an.ofTarget', { share: rate(Number(r.revenue) / Number(r.target)), target: wholeMoney(r.target) })}</p>
            ${r.pace === null ? nothing : html`<p class="an-pace is-${pace}" data-testid="an-pace">${t('an.pace', { pace: rate(r.pace) })} · ${t(`an.pace.${pace}` as MessageKey)}</p>`}
          </div>`;
    } else if (spec.id === 'won') {
      extra = html`<p class="an-tile-foot">${t('an.wonLost', { won: formatNumber(r.won), lost: formatNumber(r.lost) })} · ${t('an.created', { count: formatNumber(r.created) })}</p>`;
    } else if (spec.id === 'winRate' && r.winRateAmount !== null) {
      extra = html`<p class="an-tile-foot">${t('an.winRateAmount', { rate: rate(r.winRateAmount) })}</p>`;
    }
    return html`<article class="an-tile ${spec.id === 'revenue' ? 'is-lead' : ''}" data-testid=${`an-tile-${spec.id}`} data-value=${now === null ? '' : String(now)}>
      <h2 class="an-tile-label">${t(`an.tile.${spec.id}` as MessageKey)}</h2>
      <p class="an-tile-value" title=${spec.kind === 'money' && now !== null ? money(String(now)) : ''}>${figure(spec, now, narrow && spec.id !== 'revenue')}</p>
      ${extra}
      <p class="an-deltas">
        ${deltaChip(spec, now, spec.figure(c.previous), t('an.vsPrevious'), c.previousPeriod.label)}
        ${deltaChip(spec, now, spec.figure(c.lastYear), t('an.vsLastYear'), c.lastYearPeriod.label)}
      </p>
    </article>`;
  };

  const tiles = (s: State) => {
    const c = s.results;
    if (!c) return html`<div class="an-tiles">${TILES.map(() => html`<div class="an-tile is-skeleton"><div class="skeleton-row"></div></div>`)}</div>`;
    return html`<div class="an-tiles" data-testid="an-tiles" aria-live="polite">${TILES.map((spec) => tile(spec, c, s.narrow))}</div>`;
  };

  const chartHost = (key: ChartKey, s: State) =>
    s.chartsFailed ? nothing : html`<div class="an-chart an-chart-${key}" data-chart=${key} data-testid=${`an-chart-${key}`} aria-hidden="true"></div>`;

  const tableOf = <R>(
    s: State, view: View<State>, key: keyof State['tables'], rows: readonly R[], columns: Array<Column<R>>, rowId: (r: R) => string,
    extra: { label: string; testId: string; rowTestId?: string; rowHref?: (r: R) => string; empty: unknown; exportUrl?: (f: ExportFormat) => string; toolbar?: unknown },
  ) => dataTable({
    rows, columns, rowId, state: s.tables[key], ...extra,
    onChange: (next) => view.update((st) => ({ tables: { ...st.tables, [key]: next } })),
  });

  // A stage per row, as a table on phones too: a few short figures fit, and cards would be a screen each.
  const miniTable = <R>(label: string, testId: string, rowTestId: string, columns: Array<Column<R>>, rows: readonly R[]) =>
    html`<div class="an-mini-wrap"><table class="an-mini" aria-label=${label} data-testid=${testId}>
      <thead><tr>${columns.map((c) => html`<th scope="col" class="${c.numeric ? 'is-num' : ''} ${c.phoneHidden ? 'phone-hidden' : ''}">${t(c.header)}</th>`)}</tr></thead>
      <tbody>${rows.map((r) => html`<tr data-testid=${rowTestId}>${columns.map((c, i) => i === 0
        ? html`<th scope="row">${c.cell(r)}</th>`
        : html`<td class="${c.numeric ? 'is-num' : ''} ${c.phoneHidden ? 'phone-hidden' : ''}">${c.cell(r)}</td>`)}</tr>`)}</tbody>
    </table></div>`;

  const funnelSection = (s: State, view: View<State>) => {
    const f = s.funnel;
    const columns: Array<Column<FunnelStep>> = [
      { key: 'stage', header: 'an.col.stage', primary: true, cell: (x) => x.stage.name },
      { key: 'entered', header: 'an.col.entered', numeric: true, cell: (x) => formatNumber(x.entered) },
      { key: 'advanced', header: 'an.col.advanced', numeric: true, phoneHidden: true, cell: (x) => formatNumber(x.advanced) },
      { key: 'conversion', header: 'an.col.conversion', numeric: true, cell: (x) => rate(x.conversion) },
      { key: 'dropOff', header: 'an.col.dropOff', numeric: true, cell: (x) => formatNumber(x.dropOff) },
      { key: 'amount', header: 'an.col.amount', numeric: true, phoneHidden: true, cell: (x) => money(x.amount, true) },
    ];
    const empty = f !== null && !f.steps.some((x) => x.entered > 0);
    return html`<section class="card an-card an-funnel" data-testid="an-funnel" data-basis=${s.place.basis}>
      <header class="an-card-head">
        <div>
          <h2 class="card-title">${t('an.funnel')}</h2>
          <p class="an-card-sub">${t(`an.basisHint.${s.place.basis}` as MessageKey)}</p>
        </div>
        <div class="segmented an-basis" role="tablist" aria-label=${t('an.basis')}>
          ${(['FLOW', 'COHORT'] as const).map((b) => html`<button type="button" role="tab" class="seg-option"
            aria-selected=${s.place.basis === b ? 'true' : 'false'} data-testid=${`an-basis-${b.toLowerCase()}`}
            @click=${() => setBasis(view, b)}>${t(`an.basis.${b}` as MessageKey)}</button>`)}
        </div>
      </header>
      ${f === null
        ? html`<div class="skeleton-list"><div class="skeleton-row"></div><div class="skeleton-row"></div></div>`
        : empty
          ? html`<p class="empty" data-testid="an-funnel-empty">${t('an.funnelEmpty', { period: periodLabel(s) })}</p>`
          : html`${chartHost('funnel', s)}
            ${miniTable(t('an.funnel'), 'an-funnel-table', 'an-funnel-row', columns, f.steps)}
            <p class="an-card-foot">${t('an.funnelFoot', { won: formatNumber(f.won), lost: formatNumber(f.lost) })}</p>`}
    </section>`;
  };

  const velocitySection = (s: State, view: View<State>) => {
    const v = s.velocity;
    const columns: Array<Column<StageVelocity>> = [
      { key: 'stage', header: 'an.col.stage', primary: true, cell: (x) => x.stage.name },
      { key: 'p50', header: 'an.col.p50', numeric: true, cell: (x) => days(x.p50Days) },
      { key: 'p90', header: 'an.col.p90', numeric: true, cell: (x) => days(x.p90Days) },
      { key: 'stays', header: 'an.col.stays', numeric: true, phoneHidden: true, cell: (x) => formatNumber(x.stays) },
      { key: 'stalled', header: 'an.col.stalled', numeric: true,
        cell: (x) => x.stalled ? html`<button type="button" class="an-link" data-testid="an-velocity-stalled" data-stage=${x.stage.id}
          @click=${() => { view.update({ stalledStage: x.stage.id }); void loadStalled(view, false); root.querySelector('[data-testid="an-stalled"]')?.scrollIntoView({ behavior: 'smooth', block: 'start' }); }}>${formatNumber(x.stalled)}</button>` : '0' },
    ];
    const empty = v !== null && !v.stages.some((x) => x.stays > 0 || x.stalled > 0);
    return html`<section class="card an-card an-velocity" data-testid="an-velocity">
      <header class="an-card-head"><div>
        <h2 class="card-title">${t('an.velocity')}</h2>
        ${v ? html`<p class="an-card-sub">${t('an.cycle', { p50: days(v.cycleP50Days), p90: days(v.cycleP90Days) })}</p>` : nothing}
      </div></header>
      ${v === null
        ? html`<div class="skeleton-list"><div class="skeleton-row"></div><div class="skeleton-row"></div></div>`
        : empty
          ? html`<p class="empty">${t('an.velocityEmpty', { period: periodLabel(s) })}</p>`
          : html`${chartHost('velocity', s)}
            ${miniTable(t('an.velocity'), 'an-velocity-table', 'an-velocity-row', columns, v.stages)}`}
    </section>`;
  };

  const breakdownSection = (s: State, view: View<State>) => {
    const rows = s.breakdown;
    if (!s.node || s.node.kind === 'USER') return nothing;
    const columns: Array<Column<NodeFigures>> = [
      { key: 'node', header: 'an.col.node', primary: true, sort: (x) => x.node.label, firstDir: 'asc',
        cell: (x) => html`<span class="an-node"><strong>${x.node.label}</strong><small>${t(`an.kind.${x.node.kind}` as MessageKey)}</small></span>` },
      { key: 'revenue', header: 'an.col.revenue', numeric: true, sort: (x) => x.results.revenue, firstDir: 'desc', cell: (x) => money(x.results.revenue) },
      { key: 'target', header: 'an.col.target', numeric: true, phoneHidden: true, sort: (x) => x.results.target, firstDir: 'desc', cell: (x) => money(x.results.target) },
      { key: 'pace', header: 'an.col.pace', numeric: true, sort: (x) => x.results.pace, firstDir: 'desc',
        cell: (x) => html`<span class="an-pace is-${paceClass(x.results.pace)}">${rate(x.results.pace)}</span>` },
      { key: 'won', header: 'an.col.won', numeric: true, sort: (x) => x.results.won, firstDir: 'desc', cell: (x) => formatNumber(x.results.won) },
      { key: 'winRate', header: 'an.col.winRate', numeric: true, phoneHidden: true, sort: (x) => x.results.winRate, firstDir: 'desc', cell: (x) => rate(x.results.winRate) },
      { key: 'aov', header: 'an.col.aov', numeric: true, phoneHidden: true, sort: (x) => x.results.averageOrderValue, firstDir: 'desc', cell: (x) => money(x.results.averageOrderValue) },
      { key: 'margin', header: 'an.col.margin', numeric: true, phoneHidden: true, sort: (x) => x.results.grossMargin, firstDir: 'desc', cell: (x) => money(x.results.grossMargin) },
      { key: 'collections', header: 'an.col.collections', numeric: true, phoneHidden: true, sort: (x) => x.results.collections, firstDir: 'desc', cell: (x) => money(x.results.collections) },
      { key: 'cycle', header: 'an.col.cycle', numeric: true, phoneHidden: true, sort: (x) => x.results.cycleDaysP50, firstDir: 'asc', cell: (x) => days(x.results.cycleDaysP50) },
    ];
    const href = (x: NodeFigures) => analyticsHref({ kind: x.node.kind, id: x.node.id }, s.place.period, s.place.basis);
    return html`<section class="card an-card an-breakdown" data-testid="an-breakdown">
      <header class="an-card-head"><div>
        <h2 class="card-title">${t('an.breakdown')}</h2>
        <p class="an-card-sub">${t('an.breakdownHint')}</p>
      </div></header>
      ${rows === null
        ? html`<div class="skeleton-list"><div class="skeleton-row"></div></div>`
        : html`${rows.length ? chartHost('breakdown', s) : nothing}
          ${tableOf(s, view, 'breakdown', rows, columns, (x) => nodeParam(x.node), {
            label: t('an.breakdown'), testId: 'an-breakdown-table', rowTestId: 'an-breakdown-row', rowHref: href,
            empty: html`<p>${t('an.breakdownEmpty')}</p>`, exportUrl: (f) => exportLink(s, '/api/analytics/breakdown/export', f),
          })}`}
    </section>`;
  };

  const sourcesSection = (s: State, view: View<State>) => {
    const rows = s.sources;
    const columns: Array<Column<SourceFigures>> = [
      { key: 'source', header: 'an.col.source', primary: true, sort: (x) => t(`pipeline.source.${x.source}` as MessageKey), firstDir: 'asc', cell: (x) => t(`pipeline.source.${x.source}` as MessageKey) },
      { key: 'deals', header: 'an.col.deals', numeric: true, sort: (x) => x.deals, firstDir: 'desc', cell: (x) => formatNumber(x.deals) },
      { key: 'won', header: 'an.col.won', numeric: true, sort: (x) => x.won, firstDir: 'desc', cell: (x) => formatNumber(x.won) },
      { key: 'lost', header: 'an.col.lost', numeric: true, phoneHidden: true, sort: (x) => x.lost, firstDir: 'desc', cell: (x) => formatNumber(x.lost) },
      { key: 'winRate', header: 'an.col.winRate', numeric: true, sort: (x) => x.winRate, firstDir: 'desc', cell: (x) => rate(x.winRate) },
      { key: 'cycle', header: 'an.col.cycle', numeric: true, phoneHidden: true, sort: (x) => x.cycleDaysP50, firstDir: 'asc', cell: (x) => days(x.cycleDaysP50) },
      { key: 'aov', header: 'an.col.aov', numeric: true, phoneHidden: true, sort: (x) => x.averageOrderValue, firstDir: 'desc', cell: (x) => money(x.averageOrderValue) },
      { key: 'revenue', header: 'an.col.revenue', numeric: true, sort: (x) => x.revenue, firstDir: 'desc', cell: (x) => money(x.revenue) },
    ];
    return html`<section class="card an-card an-sources" data-testid="an-sources">
      <header class="an-card-head"><h2 class="card-title">${t('an.sources')}</h2></header>
      ${rows === null
        ? html`<div class="skeleton-list"><div class="skeleton-row"></div></div>`
        : tableOf(s, view, 'sources', rows, columns, (x) => x.source, {
            label: t('an.sources'), testId: 'an-sources-table', rowTestId: 'an-source-row',
            empty: html`<p>${t('an.sourcesEmpty', { period: periodLabel(s) })}</p>`, exportUrl: (f) => exportLink(s, '/api/analytics/sources/export', f),
          })}
    </section>`;
  };

  const stalledSection = (s: State, view: View<State>) => {
    const page = s.stalled;
    const stages = (s.velocity?.stages ?? []).map((x) => x.stage);
    const columns: Array<Column<StalledDeal>> = [
      { key: 'deal', header: 'an.col.deal', primary: true, sort: (x) => x.title, firstDir: 'asc',
        cell: (x) => html`<span class="an-deal"><strong>${x.title}</strong><small>${x.customerName}</small></span>` },
      { key: 'owner', header: 'an.col.owner', sort: (x) => x.ownerName, firstDir: 'asc', cell: (x) => x.ownerName },
      { key: 'stage', header: 'an.col.stage', sort: (x) => x.stage.position, firstDir: 'asc', cell: (x) => x.stage.name },
      { key: 'amount', header: 'an.col.amount', numeric: true, sort: (x) => x.amount, firstDir: 'desc', cell: (x) => money(x.amount) },
      { key: 'days', header: 'an.col.days', numeric: true, sort: (x) => x.daysInStage, firstDir: 'desc',
        cell: (x) => html`<span class="an-overdue">${t('an.daysOf', { days: formatNumber(x.daysInStage), limit: formatNumber(x.limitDays) })}</span>` },
    ];
    const stageFilter = html`<label class="an-stage-filter">
      <span class="visually-hidden">${t('an.col.stage')}</span>
      <select class="input" data-testid="an-stalled-stage" @change=${(e: Event) => {
        view.update({ stalledStage: (e.currentTarget as HTMLSelectElement).value });
        void loadStalled(view, false);
      }}>
        <option value="" ?selected=${!s.stalledStage}>${t('an.allStages')}</option>
        ${stages.map((st) => html`<option value=${st.id} ?selected=${s.stalledStage === st.id}>${st.name}</option>`)}
      </select>
    </label>`;
    const left = page ? page.total - page.deals.length : 0;
    return html`<section class="card an-card an-stalled" data-testid="an-stalled" data-total=${page?.total ?? ''}>
      <header class="an-card-head"><div>
        <h2 class="card-title">${t('an.stalled')}${page ? html` <span class="an-count">${formatNumber(page.total)}</span>` : nothing}</h2>
        <p class="an-card-sub">${t('an.stalledHint')}</p>
      </div></header>
      ${page === null
        ? html`<div class="skeleton-list"><div class="skeleton-row"></div></div>`
        : html`${tableOf(s, view, 'stalled', page.deals, columns, (x) => x.dealId, {
            label: t('an.stalled'), testId: 'an-stalled-table', rowTestId: 'an-stalled-row', rowHref: (x) => `/deals/${x.dealId}`,
            toolbar: stageFilter, empty: html`<p>${t('an.stalledEmpty')}</p>`,
            exportUrl: (f) => exportLink(s, '/api/analytics/stalled/export', f, s.stalledStage ? { stageId: s.stalledStage } : {}),
          })}
          ${left > 0
            ? html`<button type="button" class="btn btn-ghost btn-small an-more" data-testid="an-stalled-more" ?disabled=${s.stalledLoading}
                @click=${() => void loadStalled(view, true)}>${t('an.more', { count: formatNumber(Math.min(left, STALLED_PAGE)) })}</button>`
            : nothing}`}
    </section>`;
  };

  const exportLink = (s: State, path: string, format: ExportFormat, extra: Record<string, string> = {}) => {
    const node = resolvedNode(s);
    return exportHref(path, { node: node ? nodeParam(node) : null, period: s.place.period, ...extra }, format);
  };

  // ------------------------------------------------------------ page

  const draw = (s: State, view: View<State>): TemplateResult => {
    const c = s.results;
    return html`<section class="page an-page" data-testid="analytics" aria-busy=${s.loading ? 'true' : 'false'}
      data-node=${s.node ? nodeParam(s.node) : ''} data-period=${s.place.period ?? ''}>
      ${pageHead({
        section: 'pipeline', place: s.place, node: s.node, updatedAt: s.updatedAt, href: nodeHref(s),
        compared: c ? { previous: c.previousPeriod.label, lastYear: c.lastYearPeriod.label } : null,
        picker: {
          key: s.place.period, grain: s.grain, label: periodLabel(s), fiscalStart: s.fiscalStart, goTo: (p) => goTo(view, p),
          future: c ? new Date(c.period.end).getTime() > Date.now() : false,
        },
      })}
      ${s.error
        ? errorCard(s.error, 'pipeline', s.place, () => void loadOverview(view))
        : html`
          ${drill(s.node, nodeHref(s))}
          ${tiles(s)}
          ${s.detailError ? html`<p class="form-error" role="alert">${s.detailError}</p>` : nothing}
          ${s.chartsFailed ? html`<p class="form-error" role="status">${t('an.chartsFailed')}</p>` : nothing}
          <div class="an-grid">
            ${funnelSection(s, view)}
            ${velocitySection(s, view)}
          </div>
          ${breakdownSection(s, view)}
          <div class="an-grid">
            ${stalledSection(s, view)}
            ${sourcesSection(s, view)}
          </div>`}
    </section>`;
  };

  const view = mount<State>(root, {
    place: start, grain: (start.period && grainOf(start.period)) || 'MONTH', fiscalStart: 1,
    node: null, results: null, breakdown: null, funnel: null, velocity: null, sources: null, stalled: null,
    stalledStage: '', stalledLoading: false, loading: true, error: null, detailError: null, updatedAt: null,
    chartsFailed: false, narrow: media.matches,
    tables: {
      breakdown: tableState({ key: 'revenue', dir: 'desc' }), sources: tableState({ key: 'revenue', dir: 'desc' }),
      stalled: tableState({ key: 'days', dir: 'desc' }),
    },
  }, draw);

  const live = cockpit(root, view, media, {
    charts: chartInputs, delayMs: DETAIL_DELAY_MS,
    reload: () => void loadOverview(view),
    refresh: () => {
      void loadDetail(view);
      void loadStalled(view, false);
    },
    // The tiles move with every message; the rest is read again.
    changed: (results) => view.update({ results, updatedAt: new Date() }),
  });
  void loadOverview(view);
  readFiscalStart((fiscalStart) => live.alive && view.update({ fiscalStart }));
  return live.stop;
};
