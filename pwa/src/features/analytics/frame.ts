// The cockpit's frame, shared by its sections (/analytics, the pipeline; /analytics/customers): the
// section tabs, the node's breadcrumb and drill-down chips, and the period picker. Each screen keeps
// its own state and passes what these need; a link keeps the node and period across sections.
import { html, nothing } from 'lit-html';
import { whenLocaleSaved } from '@/app/session';
import { FISCAL_QUARTER_QUERY, type AnalyticsNode, type AnalyticsNodeBase, type NodeRef } from '@/features/analytics/documents';
import { fiscalStartFrom, GRAINS, sectionHref, stepPeriod, switchGrain, type Grain, type Place, type Section } from '@/features/analytics/logic';
import { request } from '@/graphql/client';
import { formatTime, onLocaleChange, t, type MessageKey } from '@/i18n';

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
export function followScreen(media: MediaQueryList, onNarrow: () => void, onLocale: { before: () => void; after: () => void }): () => void {
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
