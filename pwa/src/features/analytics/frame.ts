// The cockpit's frame, shared by its sections (/analytics, the pipeline; /analytics/customers): the
// section tabs, the node's breadcrumb and drill-down chips, and the period picker. Each screen keeps
// its own state and passes what these need; a link keeps the node and period across sections.
// `cockpit` is the life both screens share around their own reads: charts, live figures, the screen, the teardown.
import type { EChartsCoreOption } from 'echarts/core';
import { html, nothing } from 'lit-html';
import { whenLocaleSaved } from '@/app/session';
import type { Chart } from '@/features/analytics/cockpit-charts';
import {
  ANALYTICS_SUBSCRIPTION,
  FISCAL_QUARTER_QUERY,
  type AnalyticsNode,
  type AnalyticsNodeBase,
  type NodeRef,
  type ResultsComparison,
} from '@/features/analytics/documents';
import { debounce, fiscalStartFrom, GRAINS, sectionHref, stepPeriod, switchGrain, type Grain, type Place, type Section } from '@/features/analytics/logic';
import { request, subscribe } from '@/graphql/client';
import { formatTime, getLocale, onLocaleChange, t, type MessageKey } from '@/i18n';
import type { View } from '@/ui/view';

export const SECTIONS: readonly Section[] = ['pipeline', 'customers'];

/** Pipeline | Customers: the same node and period in the other section. */
export const sectionTabs = (current: Section, place: Place) => html`<nav class="an-sections" aria-label=${t('an.sections')} data-testid="an-sections">
  ${SECTIONS.map((x) => html`<a class="an-section ${x === current ? 'is-on' : ''}" href=${sectionHref(x, place.node, place.period, place.basis)}
    aria-current=${x === current ? 'page' : 'false'} data-testid=${`an-section-${x}`}>${t(`an.section.${x}` as MessageKey)}</a>`)}
</nav>`;

export const crumbs = (node: AnalyticsNode | null, href: (n: NodeRef) => string) => {
  if (!node || !node.path.length) return nothing;
  const link = (x: AnalyticsNodeBase) => html`<a href=${href({ kind: x.kind, id: x.id })} data-testid="an-crumb">${x.label}</a>`;
  return html`<nav class="an-crumbs" aria-label=${t('an.path')} data-testid="an-crumbs">
    <ol>
      ${node.path.map((x) => html`<li>${link(x)}</li>`)}
      <li aria-current="page">${node.label}</li>
    </ol>
  </nav>`;
};

export interface PeriodPicker {
  key: string | null;
  grain: Grain;
  label: string;
  fiscalStart: number;
  /** The period runs past today: no stepping forward. */
  future: boolean;
  goTo: (period: string) => void;
}

export const periodBar = (p: PeriodPicker) => {
  const key = p.key;
  return html`<div class="an-periods" data-testid="an-period">
    <div class="segmented an-grains" role="tablist" aria-label=${t('an.grain')}>
      ${GRAINS.map((g) => html`<button type="button" role="tab" class="seg-option" aria-selected=${p.grain === g ? 'true' : 'false'}
        data-testid=${`an-grain-${g.toLowerCase()}`} ?disabled=${!key}
        @click=${() => key && g !== p.grain && p.goTo(switchGrain(key, g, p.fiscalStart))}>${t(`an.grain.${g}` as MessageKey)}</button>`)}
    </div>
    <div class="an-stepper">
      <button type="button" class="btn btn-ghost btn-small an-step" data-testid="an-prev" aria-label=${t('an.prevPeriod')} title=${t('an.prevPeriod')}
        ?disabled=${!key} @click=${() => key && p.goTo(stepPeriod(key, -1))}>‹</button>
      <strong class="an-period-label" data-testid="an-period-label" data-key=${key ?? ''}>${p.label}</strong>
      <button type="button" class="btn btn-ghost btn-small an-step" data-testid="an-next" aria-label=${t('an.nextPeriod')} title=${t('an.nextPeriod')}
        ?disabled=${!key || p.future} @click=${() => key && p.goTo(stepPeriod(key, 1))}>›</button>
    </div>
  </div>`;
};

/** The units under the node as chips (reps are in the tables below). */
export const drill = (node: AnalyticsNode | null, href: (n: NodeRef) => string) => {
  const units = (node?.children ?? []).filter((c) => c.kind !== 'USER');
  if (!units.length) return nothing;
  return html`<nav class="an-drill" aria-label=${t('an.drill')} data-testid="an-children">
    <span class="an-drill-label">${t('an.drill')}</span>
    ${units.map((c) => html`<a class="an-chip" href=${href({ kind: c.kind, id: c.id })}
      data-testid="an-child" data-kind=${c.kind} data-id=${c.id}>${c.label}</a>`)}
  </nav>`;
};

export interface HeadInput {
  section: Section;
  place: Place;
  node: AnalyticsNode | null;
  /** The period's comparisons' labels, once known. */
  compared: { previous: string; lastYear: string } | null;
  updatedAt: Date | null;
  href: (n: NodeRef) => string;
  picker: PeriodPicker;
}

/** The page head both sections draw: tabs, breadcrumb, the node's name, what it is compared with, live, the period. */
export const pageHead = (h: HeadInput) => html`<header class="page-head an-head">
  <div class="an-title">
    ${sectionTabs(h.section, h.place)}
    ${crumbs(h.node, h.href)}
    <h1 class="page-title" data-testid="an-node" data-kind=${h.node?.kind ?? ''} data-id=${h.node?.id ?? ''}>${h.node ? h.node.label : t('an.title')}</h1>
    ${h.compared ? html`<p class="page-sub an-compared">${t('an.compared', h.compared)}
      ${h.updatedAt ? html`<span class="an-live" data-testid="an-live" title=${t('an.updated', { time: formatTime(h.updatedAt) })}>${t('an.live')}</span>` : nothing}</p>` : nothing}
  </div>
  ${periodBar(h.picker)}
</header>`;

/** A failed read: try again, or back to the top of the tree. */
export const errorCard = (message: string, section: Section, place: Place, retry: () => void) => html`<div class="card an-error" role="alert" data-testid="an-error">
  <p>${message}</p>
  <div class="form-actions">
    <button type="button" class="btn btn-primary" @click=${retry}>${t('app.retry')}</button>
    ${place.node ? html`<a class="btn btn-ghost" href=${sectionHref(section, null, null)}>${t('an.toTop')}</a>` : nothing}
  </div>
</div>`;

/** The fiscal year's first month (for switching grains) from the attainment's quarter; calendar quarters when unknown. */
export function readFiscalStart(apply: (month: number) => void): void {
  request<{ attainment: { period: { key: string; firstDay: string } } }>(FISCAL_QUARTER_QUERY)
    .then(({ attainment }) => apply(fiscalStartFrom(attainment.period.key, attainment.period.firstDay)))
    .catch(() => {
      // Calendar quarters then; the API still names whatever period is asked for.
    });
}

/** Follows the phone/desktop switch and the reader's language (names come in it; ECharts takes its locale at init). */
function followScreen(media: MediaQueryList, onNarrow: () => void, onLocale: { before: () => void; after: () => void }): () => void {
  media.addEventListener('change', onNarrow);
  const stopLocale = onLocaleChange(() => {
    onLocale.before();
    void whenLocaleSaved().then(onLocale.after);
  });
  return () => {
    stopLocale();
    media.removeEventListener('change', onNarrow);
  };
}

/** One chart's figures (compared by identity: the option is built again only when one changed) and how to draw them. */
export interface ChartSpec {
  input: unknown[];
  build: () => { option: EChartsCoreOption; height?: number };
}

export interface CockpitState {
  place: Place;
  narrow: boolean;
  chartsFailed: boolean;
}

export interface CockpitHooks<S> {
  /** The charts the state has figures for, by their host's `data-chart`. */
  charts: (s: S) => Partial<Record<string, ChartSpec>>;
  /** Every figure again (the reader's language changed: names come in it). */
  reload: () => void;
  /** After a change pushed live, debounced: re-read, keeping what the reader opened (rows shown, pages, scroll). */
  refresh: () => void;
  /** Each message of the live figures, the first (the snapshot already drawn) included. */
  changed?: (figures: ResultsComparison) => void;
  delayMs: number;
}

export interface Cockpit<S> {
  /** False once the screen is left: late answers are dropped. */
  readonly alive: boolean;
  /** Update, then sync the charts once lit-html has drawn their hosts (the redraw is the earlier microtask). */
  set: (patch: Partial<S>) => void;
  /** (Re)subscribes to the figures of the node and period now in the state. */
  watch: () => void;
  /** ECharts, imported on first need (only the cockpit's routes download it). */
  loadCharts: () => Promise<void>;
  stop: () => void;
}

/**
 * The life both sections share around their own reads: a chart per `[data-chart]` host, its option set again only when
 * its figures changed; the live subscription (its first message is the snapshot already drawn; a later one, a change or
 * the snapshot after a reconnect, calls `refresh`); the phone/desktop switch and the language; and the teardown.
 */
export function cockpit<S extends CockpitState>(root: HTMLElement, view: View<S>, media: MediaQueryList, hooks: CockpitHooks<S>): Cockpit<S> {
  let alive = true;
  let charts: typeof import('@/features/analytics/cockpit-charts') | null = null;
  let stopLive: (() => void) | null = null;
  const drawn = new Map<string, { el: HTMLElement; chart: Chart; input: unknown[] }>();

  const dispose = () => {
    drawn.forEach((d) => d.chart.dispose());
    drawn.clear();
  };

  const sync = () => {
    if (!alive || !charts) return;
    const specs = hooks.charts(view.state);
    const shown = new Set<string>();
    for (const el of root.querySelectorAll<HTMLElement>('[data-chart]')) {
      const key = el.dataset.chart ?? '';
      const spec = specs[key];
      if (!spec) continue;
      shown.add(key);
      let entry = drawn.get(key);
      if (entry && entry.el !== el) {
        entry.chart.dispose();
        entry = undefined;
      }
      entry ??= { el, chart: charts.chartIn(el, getLocale()), input: [] };
      drawn.set(key, entry);
      if (entry.input.length === spec.input.length && entry.input.every((x, i) => x === spec.input[i])) continue;
      const { option, height } = spec.build();
      entry.chart.set(option, height);
      entry.input = spec.input;
    }
    for (const [key, entry] of drawn) {
      if (shown.has(key)) continue;
      entry.chart.dispose();
      drawn.delete(key);
    }
  };

  const set = (patch: Partial<S>) => {
    view.update(patch);
    queueMicrotask(sync);
  };

  const refresh = debounce(() => alive && hooks.refresh(), hooks.delayMs);

  const watch = () => {
    stopLive?.();
    const { node, period } = view.state.place;
    let first = true;
    stopLive = subscribe<{ analyticsChanged: ResultsComparison }>(ANALYTICS_SUBSCRIPTION, { node, period }, {
      next: ({ analyticsChanged }) => {
        if (!alive || analyticsChanged.period.key !== view.state.place.period) return;
        hooks.changed?.(analyticsChanged);
        if (!first) refresh.call();
        first = false;
      },
    });
  };

  const loadCharts = async () => {
    if (charts) return;
    try {
      charts = await import('@/features/analytics/cockpit-charts');
      sync();
    } catch {
      if (alive) view.update({ chartsFailed: true } as Partial<S>);
    }
  };

  const stopFollowing = followScreen(media, () => set({ narrow: media.matches } as Partial<S>), {
    before: () => {
      dispose();
      queueMicrotask(sync);
    },
    after: () => {
      if (alive) hooks.reload();
    },
  });

  return {
    get alive() {
      return alive;
    },
    set, watch, loadCharts,
    stop: () => {
      alive = false;
      stopLive?.();
      refresh.cancel();
      stopFollowing();
      dispose();
      view.stop();
    },
  };
}
