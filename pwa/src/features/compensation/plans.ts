// /settings/plans: the org's compensation plans (?plan=<id> or ?plan=new). Admins edit a
// plan (saving makes a new version from a month on), put people on it and take them off;
// managers see the same read-only.
import type { Screen } from '@/app/screen';
import { replaceParams } from '@/app/router';
import {
  ASSIGN_COMP_PLAN_MUTATION,
  COMP_PLANS_QUERY,
  END_COMP_ASSIGNMENT_MUTATION,
  SAVE_COMP_PLAN_MUTATION,
  type CompPlan,
  type PlanAssignment,
  type PlanResult,
  type TreeEntry,
} from '@/features/compensation/documents';
import {
  COMP_BASES,
  COMPONENT_KINDS,
  formatMonth,
  formToInput,
  moveItem,
  monthIn,
  newComponent,
  newPlanForm,
  PAYOUTS,
  planErrorField,
  planToForm,
  ROUNDINGS,
  SPIFF_TRIGGERS,
  TIER_MODES,
  type ComponentForm,
  type Guarantee,
  type PlanForm,
  type Problem,
  type SpiffAmount,
} from '@/features/compensation/logic';
import { FieldErrors } from '@/ui/form';
import { createToasts } from '@/ui/toast';
import { request } from '@/graphql/client';
import { failureMessage, fieldErrorMessage } from '@/graphql/errors';
import type { Me } from '@/graphql/types';
import { formatNumber, formatTime, getLocale, onLocaleChange, t, type MessageKey } from '@/i18n';
import { h, replace, type Child, type Props } from '@/ui/dom';
import { icon } from '@/ui/icons';

const SAVED: Intl.DateTimeFormatOptions = { year: 'numeric', month: 'short', day: 'numeric' };

type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

/** Options drawn as one segmented control; picking one re-renders what depends on it. */
function segmented<T extends string>(opts: {
  values: readonly T[];
  value: T;
  label: (value: T) => string;
  testId: string;
  name: MessageKey;
  readOnly: boolean;
  pick: (value: T) => void;
}): HTMLElement {
  return h(
    'div',
    { class: 'segmented comp-segmented', role: 'radiogroup', 'aria-label': t(opts.name) },
    opts.values.map((v) =>
      h('button', {
        type: 'button', class: 'seg-option', role: 'radio', 'aria-checked': String(v === opts.value), 'aria-selected': String(v === opts.value),
        disabled: opts.readOnly && v !== opts.value, 'data-testid': `${opts.testId}-${v.toLowerCase()}`,
        onclick: () => { if (!opts.readOnly && v !== opts.value) opts.pick(v); },
      }, opts.label(v)),
    ),
  );
}

export const plansScreen: Screen = (root, { location, me: maybeMe }) => {
  const me = maybeMe as Me;
  const canEdit = me.user.role === 'ADMIN';
  const current = monthIn(new Date(), me.org.timeZone);
  const toasts = createToasts({ error: 'plans-error', notice: 'plans-notice' });
  const page = h('section', { class: 'page comp-page plans-page', 'data-testid': 'plans-page' });
  let plans: CompPlan[] | null = null;
  let tree: TreeEntry[] = [];
  let productLines: string[] = [];
  let selected: string | null = location.params.get('plan');
  let form: PlanForm | null = null;
  let errors = new FieldErrors('plan-error');
  let saving = false;
  let failed: string | null = null;
  let focusAfter: string | null = null;
  let disposed = false;
  // Assigning people: kept across re-renders.
  const picked = new Set<string>();
  let assignStarts = current;
  let assignEnds = '';
  let assignFilter = '';
  let ending: string | null = null;
  let endMonth = current;

  if (me.user.role === 'REP') {
    root.append(h('section', { class: 'page page-narrow empty-page' }, h('p', null, t('error.FORBIDDEN')), h('a', { class: 'btn btn-primary', href: '/' }, t('app.backHome'))));
    return;
  }

  const plan = () => plans?.find((p) => p.id === selected) ?? null;

  const select = (id: string | null) => {
    selected = id === 'new' && !canEdit ? null : id;
    const found = plan();
    form = found ? planToForm(found, found.effectiveFrom > current ? found.effectiveFrom : current) : selected === 'new' ? newPlanForm(current, t('comp.kind.COMMISSION')) : null;
    picked.clear();
    ending = null;
    const params = new URLSearchParams();
    if (selected) params.set('plan', selected);
    replaceParams(params);
    render();
    if (selected && window.matchMedia?.('(max-width: 899px)').matches) page.querySelector('.comp-plan-main')?.scrollIntoView({ block: 'start' });
  };

  // --- the list ----------------------------------------------------------------
  const listCard = (list: CompPlan[]) =>
    h(
      'aside',
      { class: 'card comp-plan-list', 'data-testid': 'plan-list' },
      list.length
        ? h('ul', null, list.map((p) => {
            const people = p.assignments.filter((a) => !a.ends || a.ends >= current);
            return h('li', null, h(
              'button',
              { type: 'button', class: 'comp-plan-item', 'aria-current': p.id === selected ? 'true' : null, 'data-testid': 'plan-item', 'data-plan-id': p.id, onclick: () => select(p.id) },
              h('strong', null, p.name),
              h('span', { class: 'comp-plan-meta' }, t('comp.planMeta', { version: p.version, month: formatMonth(p.effectiveFrom, getLocale()) })),
              h('span', { class: 'comp-plan-people' }, people.length
                ? t('comp.planPeople', { count: formatNumber(people.length), names: people.slice(0, 3).map((a) => a.userName).join('、') })
                : t('comp.nobodyOnPlan')),
            ));
          }))
        : h('p', { class: 'empty-inline' }, t('comp.noPlans')),
      canEdit ? h('button', { type: 'button', class: 'btn btn-primary btn-small comp-new-plan', 'data-testid': 'new-plan', onclick: () => select('new') }, icon('plus'), t('comp.newPlan')) : null,
    );

  // --- the editor --------------------------------------------------------------
  const readOnly = !canEdit;
  /** An input bound to the form; `slot` names it as the API does. */
  const bind = (control: Control, value: string, set: (v: string) => void, slot: string, props: Props = {}) => {
    control.value = value;
    control.addEventListener('input', () => set(control.value));
    control.addEventListener('change', () => set(control.value));
    if (readOnly) control.disabled = true;
    for (const [k, v] of Object.entries(props)) if (v !== null && v !== undefined && v !== false) control.setAttribute(k, v === true ? '' : String(v));
    return { control, error: errors.slot(slot, control) };
  };
  const field = (label: MessageKey, control: Control, value: string, set: (v: string) => void, slot: string, props: Props = {}, hint?: string) => {
    const bound = bind(control, value, set, slot, props);
    control.id ||= `cp-${slot.replace(/\./g, '-')}`;
    return h('div', { class: 'field' }, h('label', { class: 'label', for: control.id }, t(label)), bound.control, hint ? h('p', { class: 'form-hint' }, hint) : null, bound.error);
  };
  const input = (props: Props = {}) => h('input', { class: 'input', autocomplete: 'off', ...props });
  const money = (props: Props = {}) => input({ inputmode: 'decimal', ...props });
  const options = <T extends string>(values: readonly T[], label: (v: T) => string) => h('select', { class: 'input' }, values.map((v) => h('option', { value: v }, label(v))));
  const rerender = (focus?: string) => {
    focusAfter = focus ?? null;
    render();
  };

  /** Rows of two numbers (tiers, accelerators, line rates) with add and remove. */
  const rows = <R extends Record<string, string>>(opts: {
    title: MessageKey;
    hint: MessageKey;
    items: R[];
    path: string;
    testId: string;
    cells: Array<{ key: keyof R & string; label: MessageKey; props?: Props; list?: string }>;
    joiner: string;
    fresh: () => R;
    extra?: Child;
  }) => {
    const add = () => {
      opts.items.push(opts.fresh());
      rerender(`[data-rules="${opts.path}"] .comp-rule:last-child input`);
    };
    return h(
      'div',
      { class: 'comp-rules', 'data-testid': `${opts.testId}s`, 'data-rules': opts.path },
      h('div', { class: 'comp-rules-head' }, h('h4', { class: 'comp-rules-title' }, t(opts.title)), opts.extra ?? null),
      h('p', { class: 'form-hint' }, t(opts.hint)),
      opts.items.length
        ? h('div', { class: 'comp-rule comp-rule-labels', 'aria-hidden': 'true' },
            opts.cells.map((cell, n) => [n > 0 ? h('span', { class: 'comp-rule-joiner' }) : null, h('span', { class: 'comp-rule-label' }, t(cell.label))]),
            readOnly ? null : h('span', { class: 'comp-rule-remove' }))
        : null,
      opts.items.length
        ? h('ol', { class: 'comp-rule-list' }, opts.items.map((item, j) => h(
            'li',
            { class: 'comp-rule', 'data-testid': `${opts.testId}-row` },
            opts.cells.map((cell, n) => {
              const control = input({ ...(cell.props ?? {}), 'aria-label': `${t(cell.label)} ${j + 1}`, 'data-testid': `${opts.testId}-${cell.key.toLowerCase()}`, list: cell.list });
              const bound = bind(control, item[cell.key] ?? '', (v) => ((item as Record<string, string>)[cell.key] = v), `${opts.path}.${j}.${cell.key}`);
              return [
                n > 0 ? h('span', { class: 'comp-rule-joiner', 'aria-hidden': 'true' }, opts.joiner) : null,
                h('div', { class: 'comp-rule-cell' },
                  bound.control,
                  bound.error),
              ];
            }),
            readOnly ? null : h('button', {
              type: 'button', class: 'btn btn-ghost btn-small comp-rule-remove', 'aria-label': t('comp.removeRow'), title: t('comp.removeRow'), 'data-testid': `remove-${opts.testId}`,
              onclick: () => { opts.items.splice(j, 1); rerender(); },
            }, '×'),
          )))
        : null,
      errors.slot(opts.path),
      readOnly ? null : h('button', { type: 'button', class: 'btn btn-ghost btn-small', 'data-testid': `add-${opts.testId}`, onclick: add }, icon('plus'), t('comp.addRow')),
    );
  };

  const componentBody = (c: ComponentForm, i: number) => {
    const path = `components.${i}`;
    const teams = tree.filter((e) => e.node.kind === 'TEAM');
    if (c.kind === 'SPIFF') {
      const team = h('select', { class: 'input' },
        h('option', { value: '' }, t('comp.anyTeam')),
        teams.map((e) => h('option', { value: e.node.id }, `${'— '.repeat(Math.max(0, e.depth - 1))}${e.node.name}`)),
        // A team outside what this viewer sees still shows as set.
        c.teamId && !teams.some((e) => e.node.id === c.teamId) ? h('option', { value: c.teamId }, t('comp.teamId', { id: c.teamId })) : null);
      return [
        h('div', { class: 'field' }, h('span', { class: 'label' }, t('comp.trigger')),
          segmented({ values: SPIFF_TRIGGERS, value: c.trigger, label: (v) => t(`comp.trigger.${v}`), testId: 'spiff-trigger', name: 'comp.trigger', readOnly, pick: (v) => { c.trigger = v; rerender(); } }),
          errors.slot(`${path}.trigger`)),
        h('div', { class: 'form-grid comp-grid' },
          field('comp.startsOn', input({ type: 'date' }), c.startsOn, (v) => (c.startsOn = v), `${path}.startsOn`, { 'data-testid': 'spiff-starts' }),
          field('comp.endsOn', input({ type: 'date' }), c.endsOn, (v) => (c.endsOn = v), `${path}.endsOn`, { 'data-testid': 'spiff-ends' }),
          c.trigger === 'PRODUCT_LINE'
            ? field('comp.productLine', input({ list: 'comp-product-lines' }), c.productLine, (v) => (c.productLine = v), `${path}.productLine`, { 'data-testid': 'spiff-line', maxlength: 100 })
            : null,
          field('comp.team', team, c.teamId, (v) => (c.teamId = v), `${path}.teamId`, { 'data-testid': 'spiff-team' }, t('comp.teamHint')),
        ),
        c.trigger === 'PRODUCT_LINE'
          ? h('div', { class: 'field' }, h('span', { class: 'label' }, t('comp.spiffPays')),
              segmented<SpiffAmount>({ values: ['PER_UNIT', 'FIXED'], value: c.spiffAmount, label: (v) => t(`comp.spiffAmount.${v}`), testId: 'spiff-amount', name: 'comp.spiffPays', readOnly, pick: (v) => { c.spiffAmount = v; rerender(); } }))
          : null,
        h('div', { class: 'form-grid comp-grid' },
          field(c.trigger === 'PRODUCT_LINE' && c.spiffAmount === 'PER_UNIT' ? 'comp.perUnit' : 'comp.fixed', money(), c.amount, (v) => (c.amount = v), `${path}.spiffAmount`, { 'data-testid': 'spiff-amount' })),
      ];
    }
    const common = h('div', { class: 'form-grid comp-grid' },
      field('comp.basis', options(COMP_BASES, (b) => t(`comp.basis.${b}`)), c.basis, (v) => (c.basis = v as ComponentForm['basis']), `${path}.basis`, { 'data-testid': 'component-basis' }),
      field('comp.rate', money(), c.rate, (v) => (c.rate = v), `${path}.rate`, { 'data-testid': 'component-rate', placeholder: '0' }, t(c.kind === 'ROLLUP' ? 'comp.rollupRateHint' : 'comp.rateHint')),
      c.kind === 'COMMISSION'
        ? field('comp.payout', options(PAYOUTS, (p) => t(`comp.payout.${p}`)), c.payout, (v) => (c.payout = v as ComponentForm['payout']), `${path}.payout`, { 'data-testid': 'component-payout' })
        : null,
      field('comp.capPerDeal', money(), c.capPerDeal, (v) => (c.capPerDeal = v), `${path}.capPerDeal`, { 'data-testid': 'component-cap-deal', placeholder: t('comp.noCap') }),
      field('comp.capPerPeriod', money(), c.capPerPeriod, (v) => (c.capPerPeriod = v), `${path}.capPerPeriod`, { 'data-testid': 'component-cap-period', placeholder: t('comp.noCap') }),
    );
    if (c.kind === 'ROLLUP') return [common, h('p', { class: 'form-hint' }, t('comp.rollupHint'))];
    return [
      common,
      h('div', { class: 'comp-rule-groups' },
        rows({
          title: 'comp.tiers', hint: 'comp.tiersHint', items: c.tiers, path: `${path}.tiers`, testId: 'tier', joiner: '→',
          cells: [{ key: 'from', label: 'comp.tierFrom', props: { inputmode: 'decimal' } }, { key: 'rate', label: 'comp.tierRate', props: { inputmode: 'decimal' } }],
          fresh: () => ({ from: c.tiers.length ? '' : '0', rate: '' }),
          extra: c.tiers.length
            ? segmented({ values: TIER_MODES, value: c.tierMode, label: (v) => t(`comp.tierMode.${v}`), testId: 'tier-mode', name: 'comp.tierMode', readOnly, pick: (v) => { c.tierMode = v; rerender(); } })
            : null,
        }),
        rows({
          title: 'comp.accelerators', hint: 'comp.acceleratorsHint', items: c.accelerators, path: `${path}.accelerators`, testId: 'accelerator', joiner: '→',
          cells: [{ key: 'from', label: 'comp.accelFrom', props: { inputmode: 'decimal' } }, { key: 'multiplier', label: 'comp.multiplier', props: { inputmode: 'decimal' } }],
          fresh: () => ({ from: '', multiplier: '' }),
        }),
        rows({
          title: 'comp.lineRates', hint: 'comp.lineRatesHint', items: c.lineRates, path: `${path}.lineRates`, testId: 'line-rate', joiner: '→',
          cells: [{ key: 'productLine', label: 'comp.productLine', props: { maxlength: 100 }, list: 'comp-product-lines' }, { key: 'rate', label: 'comp.rate', props: { inputmode: 'decimal' } }],
          fresh: () => ({ productLine: '', rate: '' }),
        }),
      ),
    ];
  };

  const componentCard = (c: ComponentForm, i: number, count: number) => {
    const path = `components.${i}`;
    const name = input({ maxlength: 100, 'data-testid': 'component-name' });
    return h(
      'li',
      { class: `comp-component kind-${c.kind.toLowerCase()}`, 'data-testid': 'plan-component', 'data-kind': c.kind },
      h('div', { class: 'comp-component-head' },
        h('span', { class: 'comp-component-index' }, `${i + 1}`),
        segmented({ values: COMPONENT_KINDS, value: c.kind, label: (v) => t(`comp.componentKind.${v}`), testId: 'component-kind', name: 'comp.componentKindLabel', readOnly, pick: (v) => { c.kind = v; rerender(); } }),
        readOnly ? null : h('span', { class: 'comp-component-tools' },
          h('button', { type: 'button', class: 'btn btn-ghost btn-small', disabled: i === 0, 'aria-label': t('comp.moveUp'), title: t('comp.moveUp'), 'data-testid': 'component-up', onclick: () => { form!.components = moveItem(form!.components, i, -1); rerender(); } }, '↑'),
          h('button', { type: 'button', class: 'btn btn-ghost btn-small', disabled: i === count - 1, 'aria-label': t('comp.moveDown'), title: t('comp.moveDown'), 'data-testid': 'component-down', onclick: () => { form!.components = moveItem(form!.components, i, 1); rerender(); } }, '↓'),
          h('button', { type: 'button', class: 'btn btn-ghost btn-small', 'aria-label': t('comp.removeComponent'), title: t('comp.removeComponent'), 'data-testid': 'component-remove', onclick: () => { form!.components.splice(i, 1); rerender(); } }, '×'),
        ),
      ),
      errors.slot(`${path}.kind`),
      errors.slot(path),
      field('comp.componentName', name, c.name, (v) => (c.name = v), `${path}.name`),
      errors.slot(`${path}.key`),
      componentBody(c, i),
    );
  };

  const editor = (f: PlanForm) => {
    errors = new FieldErrors('plan-error');
    const p = plan();
    const guaranteeAmount = money({ 'data-testid': 'plan-guarantee-amount' });
    const save = h('button', { type: 'submit', class: 'btn btn-primary', disabled: saving, 'data-testid': 'plan-save' }, t(saving ? 'comp.saving' : p ? 'comp.saveVersion' : 'comp.savePlan', { version: (p?.version ?? 0) + 1 }));
    return h(
      'form',
      {
        class: 'card comp-plan-editor', novalidate: true, 'data-testid': 'plan-editor', 'data-plan-id': f.planId ?? 'new',
        onsubmit: (event: Event) => { event.preventDefault(); void savePlan(); },
      },
      h('div', { class: 'comp-editor-head' },
        h('h2', { class: 'card-title' }, p ? t('comp.editPlan', { name: p.name }) : t('comp.newPlan')),
        p ? h('span', { class: 'comp-chip' }, t('comp.currentVersion', { version: p.version, month: formatMonth(p.effectiveFrom, getLocale()) })) : null),
      readOnly ? h('p', { class: 'comp-readonly', 'data-testid': 'plans-readonly' }, icon('alert'), t('comp.readOnly')) : h('p', { class: 'form-hint' }, t(p ? 'comp.versionHint' : 'comp.newPlanHint')),
      h('div', { class: 'form-grid comp-grid' },
        field('comp.planName', input({ maxlength: 100 }), f.name, (v) => (f.name = v), 'name', { 'data-testid': 'plan-name', required: true }),
        field('comp.effectiveFrom', input({ type: 'month' }), f.effectiveFrom, (v) => (f.effectiveFrom = v), 'effectiveFrom', { 'data-testid': 'plan-effective', required: true }),
        field('comp.rounding', options(ROUNDINGS, (r) => t(`comp.rounding.${r}`)), f.rounding, (v) => (f.rounding = v as PlanForm['rounding']), 'rounding', { 'data-testid': 'plan-rounding' }),
      ),
      field('comp.note', h('textarea', { class: 'input textarea comp-note', rows: 2, maxlength: 500 }), f.note, (v) => (f.note = v), 'note', { 'data-testid': 'plan-note', placeholder: t('comp.noteHint') }),
      h('div', { class: 'comp-guarantee' },
        h('div', { class: 'field' }, h('span', { class: 'label' }, t('comp.guarantee')),
          segmented<Guarantee>({ values: ['NONE', 'FLOOR', 'DRAW'], value: f.guarantee, label: (v) => t(`comp.guarantee.${v}`), testId: 'plan-guarantee', name: 'comp.guarantee', readOnly, pick: (v) => { f.guarantee = v; rerender('[data-testid="plan-guarantee-amount"]'); } }),
          h('p', { class: 'form-hint' }, t(`comp.guaranteeHint.${f.guarantee}`))),
        f.guarantee === 'NONE'
          ? errors.slot('guarantee')
          : field(f.guarantee === 'FLOOR' ? 'comp.floorAmount' : 'comp.drawAmount', guaranteeAmount, f.guaranteeAmount, (v) => (f.guaranteeAmount = v), 'guarantee'),
      ),
      h('div', { class: 'comp-components-head' }, h('h3', { class: 'form-title' }, t('comp.components')), errors.slot('components')),
      h('ol', { class: 'comp-components' }, f.components.map((c, i) => componentCard(c, i, f.components.length))),
      readOnly ? null : h('div', { class: 'comp-add-components' },
        COMPONENT_KINDS.map((k) => h('button', {
          type: 'button', class: 'btn btn-ghost btn-small', 'data-testid': `add-component-${k.toLowerCase()}`,
          onclick: () => { f.components.push(newComponent(k, t(`comp.kind.${k}`))); rerender('[data-testid="plan-component"]:last-child [data-testid="component-name"]'); },
        }, icon('plus'), t(`comp.addComponent.${k}`)))),
      h('datalist', { id: 'comp-product-lines' }, productLines.map((line) => h('option', { value: line }))),
      errors.summary,
      readOnly ? null : h('div', { class: 'form-actions comp-save-bar' },
        p ? h('button', { type: 'button', class: 'btn btn-ghost btn-small', 'data-testid': 'plan-reset', onclick: () => select(p.id) }, t('comp.discard')) : null,
        save),
    );
  };

  async function savePlan(): Promise<void> {
    if (!form || saving) return;
    const f = form;
    const shown = (list: readonly Problem[]) => list.map((e) => ({ ...e, field: planErrorField(e.field, f) }));
    const result = formToInput(f);
    if (!result.input) {
      errors.show(shown(result.problems));
      return;
    }
    saving = true;
    const button = page.querySelector<HTMLButtonElement>('[data-testid="plan-save"]');
    if (button) {
      button.disabled = true;
      button.textContent = t('comp.saving');
    }
    try {
      const { saveCompPlan } = await request<{ saveCompPlan: PlanResult }>(SAVE_COMP_PLAN_MUTATION, { input: result.input });
      saving = false;
      if (saveCompPlan.__typename === 'OperationError') {
        if (button) {
          button.disabled = false;
          button.textContent = t(f.planId ? 'comp.saveVersion' : 'comp.savePlan', { version: (plan()?.version ?? 0) + 1 });
        }
        errors.show(shown(saveCompPlan.errors));
        return;
      }
      const saved = saveCompPlan.plan;
      plans = [...(plans ?? []).filter((x) => x.id !== saved.id), saved].sort((a, b) => a.name.localeCompare(b.name));
      toasts.notice(t('comp.planSaved', { name: saved.name, version: saved.version }));
      select(saved.id);
    } catch (failure) {
      saving = false;
      if (button) {
        button.disabled = false;
        button.textContent = t('comp.retry');
      }
      errors.message(failureMessage(failure));
    }
  }

  // --- versions and people -------------------------------------------------------
  const versionsCard = (p: CompPlan) =>
    h('section', { class: 'card comp-section', 'data-testid': 'plan-versions' },
      h('h3', { class: 'card-title' }, t('comp.versions')),
      h('ol', { class: 'comp-versions' }, [...p.versions].reverse().map((v) =>
        h('li', { class: `comp-version${v.version === p.version ? ' is-current' : ''}`, 'data-testid': 'plan-version', 'data-version': v.version },
          h('div', { class: 'comp-version-head' },
            h('strong', null, t('comp.versionN', { version: v.version })),
            h('span', null, t('comp.fromMonth', { month: formatMonth(v.effectiveFrom, getLocale()) })),
            v.version === p.version ? h('span', { class: 'comp-chip status-approved' }, t('comp.latest')) : null),
          v.note ? h('p', { class: 'comp-version-note' }, v.note) : null,
          h('time', { class: 'comp-version-when', datetime: v.createdAt }, t('comp.savedOn', { when: formatTime(v.createdAt, SAVED) })),
        ))),
    );

  const monthLabel = (key: string | null) => (key ? formatMonth(key, getLocale()) : t('comp.noEnd'));

  const assignmentRow = (a: PlanAssignment) => {
    const ended = a.ends !== null && a.ends < current;
    const endForm = ending === a.id
      ? h('div', { class: 'comp-end-form', 'data-testid': 'end-form' },
          h('label', { class: 'label', for: `end-${a.id}` }, t('comp.lastMonthOnPlan')),
          h('input', { id: `end-${a.id}`, type: 'month', class: 'input', value: endMonth, min: a.starts, 'data-testid': 'end-month', oninput: (e: Event) => (endMonth = (e.target as HTMLInputElement).value) }),
          h('div', { class: 'form-actions' },
            h('button', { type: 'button', class: 'btn btn-ghost btn-small', onclick: () => { ending = null; render(); } }, t('comp.cancel')),
            h('button', { type: 'button', class: 'btn btn-primary btn-small', 'data-testid': 'confirm-end', onclick: () => void endAssignment(a) }, t('comp.endAssignment'))))
      : null;
    return h('li', { class: `comp-assignment${ended ? ' is-ended' : ''}`, 'data-testid': 'plan-assignment', 'data-user-id': a.userId, 'data-assignment-id': a.id },
      h('div', { class: 'comp-assignment-main' },
        h('strong', null, a.userName),
        h('span', { class: 'comp-assignment-when' }, t('comp.assignmentSpan', { from: formatMonth(a.starts, getLocale()), to: monthLabel(a.ends) }))),
      canEdit && !ended && ending !== a.id
        ? h('button', { type: 'button', class: 'btn btn-ghost btn-small', 'data-testid': 'end-assignment', onclick: () => { ending = a.id; endMonth = a.ends ?? (current < a.starts ? a.starts : current); render(); } }, t('comp.end'))
        : null,
      endForm,
    );
  };

  const assignForm = (p: CompPlan) => {
    const assignErrors = h('div', { class: 'form-error', role: 'alert', hidden: true, 'data-testid': 'assign-error' });
    const onPlan = new Set(p.assignments.filter((a) => !a.ends || a.ends >= current).map((a) => a.userId));
    const people = h('ul', { class: 'comp-people' });
    const drawPeople = () => {
      const needle = assignFilter.trim().toLowerCase();
      replace(people, tree.map((e) => {
        if (e.node.kind !== 'USER') {
          return needle ? null : h('li', { class: 'comp-people-group', style: { paddingLeft: `${Math.max(0, e.depth - 1) * 12}px` } }, e.node.name);
        }
        if (needle && !e.node.name.toLowerCase().includes(needle)) return null;
        const box = h('input', {
          type: 'checkbox', checked: picked.has(e.node.id), 'data-testid': 'assign-person', 'data-user-id': e.node.id,
          onchange: () => { if (box.checked) picked.add(e.node.id); else picked.delete(e.node.id); count.textContent = t('comp.pickedCount', { count: picked.size }); },
        });
        return h('li', { class: 'comp-person', style: { paddingLeft: `${Math.max(0, e.depth - 1) * 12}px` } },
          h('label', null, box, h('span', null, e.node.name), onPlan.has(e.node.id) ? h('small', null, t('comp.onThisPlan')) : null));
      }));
    };
    const count = h('span', { class: 'form-hint' }, t('comp.pickedCount', { count: picked.size }));
    drawPeople();
    const submit = async (button: HTMLButtonElement) => {
      assignErrors.hidden = true;
      const userIds = [...picked];
      if (!userIds.length) {
        assignErrors.textContent = t('comp.pickPeople');
        assignErrors.hidden = false;
        return;
      }
      button.disabled = true;
      try {
        const { assignCompPlan } = await request<{ assignCompPlan: PlanResult }>(ASSIGN_COMP_PLAN_MUTATION, {
          input: { planId: p.id, userIds, starts: assignStarts, ends: assignEnds || null },
        });
        if (assignCompPlan.__typename === 'OperationError') {
          assignErrors.textContent = assignCompPlan.errors.map((e) => {
            if (e.field === 'ends') return t('comp.assignBadEnd');
            return fieldErrorMessage(e);
          }).join(' ');
          assignErrors.hidden = false;
          return;
        }
        plans = (plans ?? []).map((x) => (x.id === p.id ? assignCompPlan.plan : x));
        picked.clear();
        toasts.notice(t('comp.assigned', { count: userIds.length }));
        render();
      } catch (failure) {
        assignErrors.textContent = failureMessage(failure);
        assignErrors.hidden = false;
      } finally {
        button.disabled = false;
      }
    };
    return h('div', { class: 'comp-assign', 'data-testid': 'assign-form' },
      h('h4', { class: 'comp-rules-title' }, t('comp.assignTitle')),
      h('input', { class: 'input', type: 'search', value: assignFilter, placeholder: t('comp.filterPeople'), 'aria-label': t('comp.filterPeople'), 'data-testid': 'assign-filter',
        oninput: (e: Event) => { assignFilter = (e.target as HTMLInputElement).value; drawPeople(); } }),
      people,
      count,
      h('div', { class: 'form-row' },
        h('div', { class: 'field' }, h('label', { class: 'label', for: 'assign-starts' }, t('comp.startsMonth')),
          h('input', { id: 'assign-starts', type: 'month', class: 'input', value: assignStarts, 'data-testid': 'assign-starts', oninput: (e: Event) => (assignStarts = (e.target as HTMLInputElement).value) })),
        h('div', { class: 'field' }, h('label', { class: 'label', for: 'assign-ends' }, t('comp.endsMonth')),
          h('input', { id: 'assign-ends', type: 'month', class: 'input', value: assignEnds, 'data-testid': 'assign-ends', oninput: (e: Event) => (assignEnds = (e.target as HTMLInputElement).value) }))),
      assignErrors,
      h('button', { type: 'button', class: 'btn btn-primary btn-small', 'data-testid': 'assign-save', onclick: (e: Event) => void submit(e.currentTarget as HTMLButtonElement) }, t('comp.assign')),
    );
  };

  const peopleCard = (p: CompPlan) =>
    h('section', { class: 'card comp-section', 'data-testid': 'plan-assignments' },
      h('h3', { class: 'card-title' }, t('comp.people.title')),
      p.assignments.length
        ? h('ul', { class: 'comp-assignments' }, [...p.assignments].sort((a, b) => Number(a.ends !== null && a.ends < current) - Number(b.ends !== null && b.ends < current) || a.userName.localeCompare(b.userName)).map(assignmentRow))
        : h('p', { class: 'empty-inline' }, t('comp.nobodyOnPlan')),
      canEdit ? assignForm(p) : null,
    );

  async function endAssignment(a: PlanAssignment): Promise<void> {
    try {
      const { endCompAssignment } = await request<{ endCompAssignment: PlanResult }>(END_COMP_ASSIGNMENT_MUTATION, { assignmentId: a.id, ends: endMonth });
      if (endCompAssignment.__typename === 'OperationError') {
        toasts.error(endCompAssignment.errors.map(fieldErrorMessage).join(' '));
        return;
      }
      plans = (plans ?? []).map((x) => (x.id === endCompAssignment.plan.id ? endCompAssignment.plan : x));
      ending = null;
      toasts.notice(t('comp.ended', { name: a.userName, month: formatMonth(endMonth, getLocale()) }));
      render();
    } catch (failure) {
      toasts.error(failureMessage(failure));
    }
  }

  // --- the page ------------------------------------------------------------------
  function render(): void {
    const list = plans;
    const p = plan();
    replace(
      page,
      h('a', { class: 'back-link', href: '/team' }, icon('chevron', 'icon flip'), t('comp.backTeam')),
      h('header', { class: 'page-head comp-head' },
        h('div', null, h('h1', { class: 'page-title' }, t('comp.plansTitle')), h('p', { class: 'page-sub' }, t('comp.plansSub')))),
      failed
        ? h('div', { class: 'card comp-failed', role: 'alert' }, h('p', null, failed), h('button', { type: 'button', class: 'btn btn-primary', onclick: () => void load() }, t('app.retry')))
        : !list
          ? h('div', { class: 'card comp-loading', 'aria-busy': 'true' }, h('div', { class: 'skeleton-row' }), h('div', { class: 'skeleton-row' }))
          : h('div', { class: `comp-plans-layout${form ? ' has-selection' : ''}` },
              listCard(list),
              form
                ? h('div', { class: `comp-plan-main${p ? ' has-side' : ''}` },
                    editor(form),
                    p ? h('div', { class: 'comp-plan-side' }, versionsCard(p), peopleCard(p)) : null)
                : h('div', { class: 'comp-plan-main comp-plan-none' }, h('p', { class: 'empty-inline' }, t(canEdit ? 'comp.pickOrCreate' : 'comp.pickPlan')))),
      toasts.el,
    );
    if (focusAfter) {
      page.querySelector<HTMLElement>(focusAfter)?.focus();
      focusAfter = null;
    }
  }

  async function load(): Promise<void> {
    try {
      const data = await request<{ compPlans: CompPlan[]; orgTree: TreeEntry[]; productLines: string[] }>(COMP_PLANS_QUERY);
      if (disposed) return;
      plans = data.compPlans;
      tree = data.orgTree;
      // Every line of the catalog, deactivated products' too: a rate table outlives a product.
      productLines = data.productLines;
      failed = null;
      if (!selected && plans.length === 0 && canEdit) selected = 'new';
      if (selected && !form) {
        select(plans.some((x) => x.id === selected) || selected === 'new' ? selected : null);
        return;
      }
    } catch (failure) {
      if (disposed) return;
      failed = failureMessage(failure);
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
};
