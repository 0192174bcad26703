// A manager's team at a glance (live), and setting a target with a split preview before saving.
import '@/features/targets/targets.css';
type Grain = 'WEEK' | 'MONTH' | 'QUARTER' | 'YEAR';
import type { Screen } from '@/app/screen';
import { mapLinks } from '@/features/map/links';
import { memberPointsLink } from '@/features/points/links';
import { formatMoney } from '@/ui/money';
import { PACE_CLASS, percent, ringDash, ringShare } from '@/features/targets/logic';
import { request, subscribe } from '@/graphql/client';
import {
  ATTAINMENT_SUBSCRIPTION,
  DECOMPOSE_TARGET_MUTATION,
  ORG_TREE_QUERY,
  SET_TARGET_MUTATION,
  TARGET_DECOMPOSITION_QUERY,
  TARGET_PREVIEW_QUERY,
} from '@/graphql/documents';
import { failureMessage, fieldErrorMessage } from '@/graphql/errors';
import {
  BASES,
  METRICS,
  type Attainment,
  type Me,
  type OperationError,
  type OrgNode,
  type SplitBasis,
  type TargetDecomposition,
  type TargetMetric,
  type TargetSplit,
} from '@/graphql/types';
import { formatNumber, getLocale, t } from '@/i18n';
import { h, replace, Texts, tx } from '@/ui/dom';

const SVG = 'http://www.w3.org/2000/svg';

/** An attainment ring (SVG) with the percentage in the middle. */
export function ring(ratio: string | null, size: number, testId?: string): SVGSVGElement {
  const r = size / 2 - 6;
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${size} ${size}`);
  svg.setAttribute('width', String(size));
  svg.setAttribute('height', String(size));
  svg.setAttribute('class', 'ring');
  if (testId) svg.dataset.testid = testId;
  svg.dataset.ratio = ratio ?? '';
  const circle = (cls: string) => {
    const c = document.createElementNS(SVG, 'circle');
    c.setAttribute('cx', String(size / 2));
    c.setAttribute('cy', String(size / 2));
    c.setAttribute('r', String(r));
    c.setAttribute('class', cls);
    return c;
  };
  const track = circle('ring-track');
  const fill = circle(`ring-fill ${ratio !== null && Number(ratio) >= 1 ? 'is-done' : ''} ${ringShare(ratio) === 0 ? 'is-empty' : ''}`);
  fill.setAttribute('stroke-dasharray', ringDash(ringShare(ratio), r));
  fill.setAttribute('transform', `rotate(-90 ${size / 2} ${size / 2})`);
  const label = document.createElementNS(SVG, 'text');
  label.setAttribute('x', '50%');
  label.setAttribute('y', '50%');
  label.setAttribute('class', 'ring-label');
  label.setAttribute('dominant-baseline', 'central');
  label.setAttribute('text-anchor', 'middle');
  label.textContent = percent(ratio);
  svg.append(track, fill, label);
  return svg;
}

export function metricValue(metric: TargetMetric, amount: string | null, currency: string, compact = false): string {
  if (amount === null) return '—';
  if (metric === 'REVENUE' || metric === 'GROSS_MARGIN' || metric === 'COLLECTIONS') return formatMoney(amount, currency, getLocale(), compact);
  return formatNumber(Number(amount));
}

export const teamScreen: Screen = (root, { me: maybeMe }) => {
  const me = maybeMe as Me;
  const currency = me.org.currency;
  const texts = new Texts();
  const disposers: Array<() => void> = [() => texts.dispose()];
  let metric: TargetMetric = 'REVENUE';
  let grain: Grain = 'MONTH';
  let current: Attainment | null = null;
  let stop: (() => void) | null = null;

  const glance = h('section', { class: 'card team-glance', 'data-testid': 'team-attainment' });
  const renderGlance = () => {
    if (!current) return;
    const a = current;
    replace(
      glance,
      h(
        'div',
        { class: 'glance-head' },
        ring(a.ratio, 120, 'team-ring'),
        h(
          'div',
          null,
          h('h2', { class: 'card-title' }, a.node.name, ' · ', a.period.key),
          h('p', { class: 'glance-figure', 'data-testid': 'team-actual', 'data-actual': a.actual },
            a.target ? t('targets.ofTarget', { actual: metricValue(a.metric, a.actual, currency), target: metricValue(a.metric, a.target, currency) }) : metricValue(a.metric, a.actual, currency)),
          h('p', { class: `pace ${PACE_CLASS[a.pace]}` }, t(`targets.pace.${a.pace}`)),
          a.expected ? h('p', { class: 'stat-foot' }, t('targets.expected', { expected: metricValue(a.metric, a.expected, currency) })) : null,
          a.gap && Number(a.gap) !== 0 && a.childrenTarget
            ? h('p', { class: 'gap-warning', 'data-testid': 'target-gap' }, t('targets.gap', { sum: metricValue(a.metric, a.childrenTarget, currency), gap: metricValue(a.metric, a.gap, currency) }))
            : null,
        ),
      ),
      h(
        'ul',
        { class: 'attainment-list' },
        [...a.children]
          .sort((x, y) => Number(y.ratio ?? -1) - Number(x.ratio ?? -1))
          .map((c) =>
            h(
              'li',
              { class: `attainment-row ${PACE_CLASS[c.pace]}`, 'data-testid': 'member-attainment', 'data-node': c.node.key },
              c.node.kind === 'USER'
                ? h('a', { class: 'member-name', href: `/deals?owner=${encodeURIComponent(c.node.id)}`, 'data-testid': 'member-pipeline' }, c.node.name)
                : h('span', { class: 'member-name' }, c.node.name),
              h('span', { class: 'member-bar' }, h('span', { class: 'member-fill', style: `width:${Math.round(ringShare(c.ratio) * 100)}%` })),
              h('span', { class: 'member-figure' }, percent(c.ratio)),
              h('span', { class: 'member-sub' }, metricValue(a.metric, c.actual, currency, true), ' / ', metricValue(a.metric, c.target, currency, true), ' · ', t(`targets.pace.${c.pace}`),
                c.node.kind === 'USER' && me.user.role !== 'REP' ? [' · ', memberPointsLink(c.node.id, t('points.memberLink'))] : null),
            ),
          ),
      ),
    );
  };

  const watch = () => {
    stop?.();
    const chosen = nodes.get(nodeSelect.value);
    const node = chosen ? { kind: chosen.kind, id: chosen.id } : null;
    stop = subscribe<{ attainmentChanged: Attainment }>(ATTAINMENT_SUBSCRIPTION, { metric, grain, node }, {
      next: ({ attainmentChanged }) => {
        current = attainmentChanged;
        renderGlance();
      },
    });
  };
  disposers.push(() => stop?.());

  const GRAINS: readonly Grain[] = ['WEEK', 'MONTH', 'QUARTER', 'YEAR'];
  const grainTabs = h(
    'div',
    { class: 'chip-row', role: 'tablist', 'data-testid': 'grain-tabs' },
    GRAINS.map((g) =>
      h('button', {
        type: 'button', class: 'metric-chip', role: 'tab', 'aria-selected': String(g === grain), 'data-grain': g,
        onclick: (event: Event) => {
          grain = g;
          grainTabs.querySelectorAll('button').forEach((b) => b.setAttribute('aria-selected', String(b === event.currentTarget)));
          watch();
        },
      }, t(`targets.grain.${g}`)),
    ),
  );

  const metricTabs = h(
    'div',
    { class: 'chip-row', role: 'tablist' },
    METRICS.map((m) =>
      h('button', {
        type: 'button', class: 'metric-chip', role: 'tab', 'aria-selected': String(m === metric), 'data-metric': m,
        onclick: (event: Event) => {
          metric = m;
          metricTabs.querySelectorAll('button').forEach((b) => b.setAttribute('aria-selected', String(b === event.currentTarget)));
          watch();
        },
      }, t(`targets.metric.${m}`)),
    ),
  );

  // ---- set a target
  const nodeSelect = h('select', { class: 'input', 'data-testid': 'target-node', onchange: () => watch() });
  const period = h('input', { class: 'input', required: true, 'data-testid': 'target-period', placeholder: 'FY2026-Q4' });
  const metricSelect = h('select', { class: 'input', 'data-testid': 'target-metric' }, METRICS.map((m) => h('option', { value: m }, t(`targets.metric.${m}`))));
  const amount = h('input', { class: 'input', inputmode: 'decimal', required: true, 'data-testid': 'target-amount' });
  const basis = h('select', { class: 'input', 'data-testid': 'target-basis' }, BASES.map((b) => h('option', { value: b }, t(`targets.basis.${b}`))));
  const preview = h('div', { class: 'split-preview', 'data-testid': 'split-preview' });
  const formError = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const saved = h('p', { class: 'form-ok', role: 'status', hidden: true }, t('targets.savedOk'));
  const nodes = new Map<string, OrgNode>();

  // MANUAL: the preview's amounts become inputs; what is typed there is what gets saved.
  const manual = new Map<string, { node: OrgNode; input: HTMLInputElement }>();
  const input = (forPreview = false) => {
    const node = nodes.get(nodeSelect.value);
    const isManual = basis.value === 'MANUAL';
    return {
      node: node ? { kind: node.kind, id: node.id } : null,
      period: period.value.trim(),
      metric: metricSelect.value,
      amount: amount.value.trim(),
      // A manual preview starts from an equal split for the person to adjust.
      basis: isManual && forPreview ? 'EQUAL' : basis.value,
      manual: isManual && !forPreview ? [...manual.values()].map(({ node: n, input: i }) => ({ node: { kind: n.kind, id: n.id }, amount: i.value.trim() })) : [],
    };
  };
  const showSplit = (split: TargetSplit) => {
    const m = metricSelect.value as TargetMetric;
    const isManual = basis.value === 'MANUAL';
    manual.clear();
    const cell = (r: TargetSplit['rows'][number]) => {
      if (!isManual) return h('td', { class: 'num', 'data-amount': r.amount }, metricValue(m, r.amount, currency));
      const field = h('input', { class: 'input num', inputmode: 'decimal', value: r.amount, 'data-testid': 'manual-amount', 'aria-label': r.node.name });
      manual.set(r.node.key, { node: r.node, input: field });
      return h('td', { class: 'num' }, field);
    };
    replace(
      preview,
      split.fellBackToEqual ? h('p', { class: 'stat-foot' }, t('targets.fellBack')) : null,
      h(
        'table',
        { class: 'split-table' },
        h('thead', null, h('tr', null, h('th', null, t('targets.child')), h('th', null, t('targets.amount')), h('th', null, t('targets.share')), h('th', null, t('targets.lastYear')), h('th', null, t('targets.currentTarget')))),
        h('tbody', null, split.rows.map((r) =>
          h('tr', { 'data-testid': 'split-row', 'data-node': r.node.key }, h('td', null, r.node.name), cell(r),
            h('td', { class: 'num' }, percent(r.share)), h('td', { class: 'num' }, metricValue(m, r.lastYear, currency, true)), h('td', { class: 'num' }, metricValue(m, r.current, currency, true))))),
      ),
    );
  };
  const showErrors = (errors: OperationError['errors'] | null, failure?: unknown) => {
    formError.hidden = !errors && !failure;
    formError.textContent = errors ? errors.map(fieldErrorMessage).join(' ') : failure ? failureMessage(failure) : '';
  };
  const previewButton = h('button', {
    type: 'button', class: 'btn', 'data-testid': 'target-preview',
    onclick: async () => {
      saved.hidden = true;
      try {
        showSplit((await request<{ targetSplitPreview: TargetSplit }>(TARGET_PREVIEW_QUERY, { input: input(true) })).targetSplitPreview);
        showErrors(null);
      } catch (failure) {
        showErrors(null, failure);
      }
    },
  }, t('targets.preview'));
  const saveButton = h('button', {
    type: 'submit', class: 'btn btn-primary', 'data-testid': 'target-save',
  }, t('targets.save'));
  // ---- spread a year or quarter over its months by last year's season
  const season = h('div', { class: 'split-preview', 'data-testid': 'season-preview' });
  const decomposeInput = () => {
    const { node, period: key, metric: m } = input();
    return { node, period: key, metric: m, downTo: 'MONTH' };
  };
  const showSeason = (d: TargetDecomposition, savedNow: boolean) => {
    const m = metricSelect.value as TargetMetric;
    const months = d.parts.filter((p) => p.period.grain === 'MONTH');
    const peak = Math.max(...months.map((p) => Number(p.amount)), 1);
    replace(
      season,
      h('p', { class: 'stat-foot' }, d.byDays ? t('targets.seasonByDays') : t('targets.seasonFromHistory')),
      h('ul', { class: 'season-bars' }, months.map((p) =>
        h('li', { 'data-testid': 'season-month', 'data-period': p.period.key },
          h('span', { class: 'season-label' }, p.period.key),
          h('span', { class: 'member-bar' }, h('span', { class: 'member-fill', style: `width:${Math.round((Number(p.amount) / peak) * 100)}%` })),
          h('span', { class: 'num' }, metricValue(m, p.amount, currency, true))))),
      savedNow
        ? h('p', { class: 'form-ok' }, t('targets.seasonSaved'))
        : h('button', {
            type: 'button', class: 'btn btn-primary', 'data-testid': 'season-save',
            onclick: async () => {
              try {
                const { decomposeTarget } = await request<{ decomposeTarget: { __typename: 'DecomposeSuccess'; decomposition: TargetDecomposition } | OperationError }>(
                  DECOMPOSE_TARGET_MUTATION, { input: decomposeInput() });
                if (decomposeTarget.__typename === 'OperationError') showErrors(decomposeTarget.errors);
                else showSeason(decomposeTarget.decomposition, true);
              } catch (failure) {
                showErrors(null, failure);
              }
            },
          }, t('targets.seasonSave')),
    );
  };
  const seasonButton = h('button', {
    type: 'button', class: 'btn', 'data-testid': 'season-preview-button',
    onclick: async () => {
      try {
        showSeason((await request<{ targetDecomposition: TargetDecomposition }>(TARGET_DECOMPOSITION_QUERY, { input: decomposeInput() })).targetDecomposition, false);
        showErrors(null);
      } catch (failure) {
        showErrors(null, failure);
      }
    },
  }, t('targets.season'));

  const targetForm = h(
    'form',
    {
      class: 'card target-form',
      onsubmit: async (event: Event) => {
        event.preventDefault();
        saveButton.disabled = true;
        try {
          const { setTarget } = await request<{ setTarget: { __typename: 'SetTargetSuccess'; split: TargetSplit } | OperationError }>(SET_TARGET_MUTATION, { input: input() });
          if (setTarget.__typename === 'OperationError') showErrors(setTarget.errors);
          else {
            showErrors(null);
            showSplit(setTarget.split);
            saved.hidden = false;
          }
        } catch (failure) {
          showErrors(null, failure);
        } finally {
          saveButton.disabled = false;
        }
      },
    },
    tx(texts, 'h2', 'targets.setTitle', { class: 'card-title' }),
    h('div', { class: 'form-grid' },
      h('label', { class: 'field' }, tx(texts, 'span', 'targets.node', { class: 'field-label' }), nodeSelect),
      h('label', { class: 'field' }, tx(texts, 'span', 'targets.period', { class: 'field-label' }), period),
      h('label', { class: 'field' }, tx(texts, 'span', 'targets.metric', { class: 'field-label' }), metricSelect),
      h('label', { class: 'field' }, tx(texts, 'span', 'targets.amount', { class: 'field-label' }), amount),
      h('label', { class: 'field' }, tx(texts, 'span', 'targets.basis', { class: 'field-label' }), basis),
    ),
    formError,
    h('div', { class: 'form-actions' }, previewButton, saveButton, seasonButton),
    saved,
    preview,
    season,
  );

  const loadTree = async () => {
    try {
      const data = await request<{ orgTree: Array<{ node: OrgNode; depth: number }>; quarter: { period: { key: string } } }>(ORG_TREE_QUERY);
      replace(nodeSelect, data.orgTree.filter((e) => e.node.kind !== 'USER').map((e) => {
        nodes.set(e.node.key, e.node);
        return h('option', { value: e.node.key }, `${'— '.repeat(e.depth)}${e.node.name}`);
      }));
      if (!period.value) period.value = data.quarter.period.key;
    } catch (failure) {
      showErrors(null, failure);
    }
  };

  // Labels made once above follow a language switch; the figures re-render in the new format.
  const relabel = () => {
    metricTabs.querySelectorAll<HTMLButtonElement>('button').forEach((b) => (b.textContent = t(`targets.metric.${b.dataset.metric as TargetMetric}`)));
    grainTabs.querySelectorAll<HTMLButtonElement>('button').forEach((b) => (b.textContent = t(`targets.grain.${b.dataset.grain as Grain}`)));
    metricSelect.querySelectorAll('option').forEach((o) => (o.textContent = t(`targets.metric.${o.value as TargetMetric}`)));
    basis.querySelectorAll('option').forEach((o) => (o.textContent = t(`targets.basis.${o.value as SplitBasis}`)));
    previewButton.textContent = t('targets.preview');
    saveButton.textContent = t('targets.save');
    seasonButton.textContent = t('targets.season');
    saved.textContent = t('targets.savedOk');
    renderGlance();
  };
  texts.on(relabel);

  const canSet = me.user.role !== 'REP';
  root.append(
    h(
      'section',
      { class: 'page team-page' },
      h('header', { class: 'page-head' }, tx(texts, 'h1', 'targets.teamTitle', { class: 'page-title' }), mapLinks(texts, me.user.role, disposers)),
      metricTabs,
      grainTabs,
      glance,
      canSet ? targetForm : null,
    ),
  );
  glance.append(h('div', { class: 'skeleton-list' }, h('div', { class: 'skeleton-row' })));
  watch();
  if (canSet) void loadTree();
  return () => disposers.forEach((d) => d());
};
