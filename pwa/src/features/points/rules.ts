// /settings/points: how points are earned, every rule in words for everyone; admins edit each
// rule in place (points, daily cap, multiplier, active, a validity window, and for amount
// kinds the unit amount, floor and ceiling). The server's typed errors go under the fields.
import '@/features/points/points.css';
import type { Screen } from '@/app/screen';
import {
  POINT_RULES_QUERY,
  SAVE_POINT_RULE_MUTATION,
  type PointRule,
  type SavePointRuleResult,
} from '@/features/points/documents';
import { dayIn, formFromRule, formToInput, isAmountKind, ruleInWords, type RuleForm } from '@/features/points/logic';
import { FieldErrors } from '@/ui/form';
import { request } from '@/graphql/client';
import { failureMessage } from '@/graphql/errors';
import type { Me } from '@/graphql/types';
import { getLocale, getTimeZone, t, type MessageKey } from '@/i18n';
import { h, replace, Texts, tx } from '@/ui/dom';
import { icon } from '@/ui/icons';

export const pointRulesScreen: Screen = (root, { me: maybeMe }) => {
  const me = maybeMe as Me;
  const admin = me.user.role === 'ADMIN';
  const texts = new Texts();
  const disposers: Array<() => void> = [() => texts.dispose()];
  const list = h('div', { class: 'points-rules', 'data-testid': 'point-rules' });
  const notice = h('p', { class: 'form-ok', role: 'status', 'data-testid': 'rules-notice', hidden: true });
  const error = h('p', { class: 'form-error', role: 'alert', 'data-testid': 'rules-error', hidden: true });
  const cards = new Map<string, { words: HTMLElement; render: () => void }>();
  let alive = true;
  disposers.push(() => {
    alive = false;
  });

  const words = (rule: PointRule) => {
    const w = ruleInWords(rule, { locale: getLocale(), currency: me.org.currency, today: dayIn(new Date(), getTimeZone()) });
    return [
      // The headline names the kind ("A verified visit: 10 points, …"): it is the card's title.
      h('div', { class: 'points-rule-head' },
        h('h2', { class: 'points-rule-words', 'data-testid': 'rule-words' }, w.headline),
        w.stateText ? h('span', { class: `chip points-state is-${w.state}`, 'data-testid': 'rule-state', 'data-state': w.state }, w.stateText) : null),
      w.boost ? h('p', { class: 'points-rule-boost', 'data-testid': 'rule-boost' }, icon('spark'), h('span', null, w.boost)) : null,
      w.window ? h('p', { class: 'stat-foot', 'data-testid': 'rule-window' }, w.window) : null,
    ];
  };

  const editor = (rule: PointRule, onSaved: (saved: PointRule) => void): HTMLElement => {
    const errors = new FieldErrors(`rule-error-${rule.kind}`, texts);
    const f = formFromRule(rule);
    const number = (value: string, testId: string, extra: Record<string, unknown> = {}) =>
      h('input', { class: 'input', type: 'text', inputmode: 'numeric', value, autocomplete: 'off', 'data-testid': testId, ...extra });
    const points = number(f.points, 'rule-points');
    const dailyCap = number(f.dailyCap, 'rule-daily-cap', { placeholder: t('points.field.dailyCapHint') });
    const multiplier = number(f.multiplier, 'rule-multiplier', { inputmode: 'decimal' });
    const startsOn = h('input', { class: 'input', type: 'date', value: f.startsOn, 'data-testid': 'rule-starts-on' });
    const endsOn = h('input', { class: 'input', type: 'date', value: f.endsOn, 'data-testid': 'rule-ends-on' });
    const active = h('input', { type: 'checkbox', class: 'points-switch-input', checked: f.active, 'data-testid': 'rule-active' });
    const amount = isAmountKind(rule.kind);
    const unitAmount = number(f.unitAmount, 'rule-unit-amount', { inputmode: 'decimal' });
    const minPoints = number(f.minPoints, 'rule-min-points', { placeholder: t('points.field.optional') });
    const maxPoints = number(f.maxPoints, 'rule-max-points', { placeholder: t('points.field.optional') });
    const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'rule-save' }, t('points.save'));
    const unitLabel = h('label', { class: 'label' }, t('points.field.unitAmount', { currency: me.org.currency }));

    const save = async () => {
      errors.clear();
      const form: RuleForm = {
        points: points.value, dailyCap: dailyCap.value, multiplier: multiplier.value, active: active.checked,
        startsOn: startsOn.value, endsOn: endsOn.value, unitAmount: unitAmount.value, minPoints: minPoints.value, maxPoints: maxPoints.value,
      };
      const built = formToInput(rule.kind, form);
      if ('problems' in built) {
        errors.show(built.problems.map((p) => ({ ...p, message: t('points.notNumber') })));
        return;
      }
      submit.disabled = true;
      submit.textContent = t('points.saving');
      try {
        const { savePointRule } = await request<{ savePointRule: SavePointRuleResult }>(SAVE_POINT_RULE_MUTATION, { input: built.input });
        if (savePointRule.__typename === 'OperationError') {
          errors.show(savePointRule.errors);
          return;
        }
        onSaved(savePointRule.rule);
      } catch (failure) {
        // Saving a rule sets it whole: sending it again is harmless.
        errors.message(failureMessage(failure));
      } finally {
        submit.disabled = false;
        submit.textContent = t('points.save');
      }
    };

    const activeId = `rule-active-${rule.kind}`;
    active.id = activeId;
    return h('form', {
      class: 'points-rule-form', novalidate: true, 'data-testid': 'rule-form',
      onsubmit: (event: Event) => {
        event.preventDefault();
        void save();
      },
    },
    h('div', { class: 'form-grid points-rule-grid' },
      errors.field(amount ? 'points.field.pointsPerUnit' : 'points.field.points', points, 'points'),
      errors.field('points.field.dailyCap', dailyCap, 'dailyCap'),
      errors.field('points.field.multiplier', multiplier, 'multiplier'),
      errors.field('points.field.startsOn', startsOn, 'startsOn'),
      errors.field('points.field.endsOn', endsOn, 'endsOn'),
      amount
        ? [
            h('div', { class: 'field' }, unitLabel, unitAmount, errors.slot('unitAmount', unitAmount)),
            errors.field('points.field.minPoints', minPoints, 'minPoints'),
            errors.field('points.field.maxPoints', maxPoints, 'maxPoints'),
          ]
        : null),
    h('div', { class: 'points-rule-actions' },
      h('label', { class: 'points-switch', for: activeId }, active, h('span', { class: 'points-switch-track', 'aria-hidden': 'true' }),
        tx(texts, 'span', 'points.field.active')),
      submit),
    errors.summary);
  };

  const card = (initial: PointRule): HTMLElement => {
    let rule = initial;
    const wordsBox = h('div', { class: 'points-rule-text' });
    const render = () => replace(wordsBox, words(rule));
    render();
    cards.set(rule.kind, { words: wordsBox, render });
    const el = h('article', { class: 'card points-rule', 'data-testid': 'rule-card', 'data-kind': rule.kind }, wordsBox);
    if (admin) {
      const details = h('details', { class: 'points-rule-edit' },
        h('summary', { class: 'btn btn-ghost btn-small', 'data-testid': 'rule-edit' }, icon('chevron'), tx(texts, 'span', 'points.edit')));
      const mount = () => details.append(editor(rule, (saved) => {
        rule = saved;
        render();
        el.dataset.multiplier = saved.multiplier;
        notice.hidden = false;
        notice.textContent = t('points.saved', { kind: t(`points.kind.${saved.kind}` as MessageKey) });
      }));
      mount();
      el.append(details);
    }
    return el;
  };

  const load = async () => {
    try {
      const { pointRules } = await request<{ pointRules: PointRule[] }>(POINT_RULES_QUERY);
      if (!alive) return;
      cards.clear();
      replace(list, pointRules.map(card));
      error.hidden = true;
    } catch (failure) {
      if (!alive) return;
      error.hidden = false;
      error.textContent = failureMessage(failure);
    }
  };
  // The words follow a language switch; the forms keep what is typed.
  texts.on(() => cards.forEach((c) => c.render()));

  root.append(
    h('section', { class: 'page points-page', 'data-testid': 'point-rules-page' },
      h('header', { class: 'page-head points-head' },
        h('div', null, tx(texts, 'h1', 'points.rulesTitle', { class: 'page-title' }), tx(texts, 'p', 'points.rulesSub', { class: 'page-sub' })),
        h('a', { class: 'btn btn-ghost btn-small', href: '/points', 'data-testid': 'link-my-points' }, tx(texts, 'span', 'points.historyLink'), icon('chevron'))),
      error,
      notice,
      list),
  );
  replace(list, h('div', { class: 'skeleton-list' }, h('div', { class: 'skeleton-row' }), h('div', { class: 'skeleton-row' })));
  void load();
  return () => disposers.forEach((d) => d());
};
