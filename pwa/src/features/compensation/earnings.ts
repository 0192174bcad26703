// /earnings: my statement for a month (this one by default, live), the next tier and how far it
// is, a what-if slider, every line in words with a way to question it, and my questions' threads.
import type { Screen } from '@/app/screen';
import { replaceParams } from '@/app/router';
import {
  EARNINGS_SUBSCRIPTION,
  MY_DISPUTES_QUERY,
  MY_EARNINGS_QUERY,
  OPEN_DEALS_QUERY,
  RAISE_DISPUTE_MUTATION,
  SIMULATE_EARNINGS_QUERY,
  type Dispute,
  type DisputeResult,
  type Earnings,
  type EarningsSimulation,
  type StatementLine,
} from '@/features/compensation/documents';
import {
  explainLine,
  formatMonth,
  formatPercent,
  isMonthKey,
  lineKindLabel,
  monthIn,
  nextStepText,
  signedMoney,
  whatIfMax,
  whatIfStep,
} from '@/features/compensation/logic';
import { figure, money, monthPicker, openSheet, sendDisputeReply, statusChip } from '@/features/compensation/ui';
import { customerName } from '@/ui/customer-link';
import { RetryIds } from '@/ui/ids';
import { createToasts } from '@/ui/toast';
import { NetworkError, request, subscribe } from '@/graphql/client';
import { failureMessage, fieldErrorMessage } from '@/graphql/errors';
import type { Me } from '@/graphql/types';
import { formatTime, getLocale, onLocaleChange, t } from '@/i18n';
import { h, replace } from '@/ui/dom';
import { icon } from '@/ui/icons';

const DAY: Intl.DateTimeFormatOptions = { month: 'short', day: 'numeric' };
const WHEN: Intl.DateTimeFormatOptions = { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' };
const TEXT_MAX = 2000;
const SIMULATE_DELAY = 250; // ms after the slider stops
const QUICK_TARGETS = ['100', '120', '130', '150'];
const CUSTOMER_REF = 'customer:';

interface OpenDeal {
  id: string;
  title: string;
  amount: string;
  customer: { name: string };
}

export const earningsScreen: Screen = (root, { location, me: maybeMe }) => {
  const me = maybeMe as Me;
  const current = monthIn(new Date(), me.org.timeZone);
  const asked = location.params.get('period');
  let period = isMonthKey(asked) && asked <= current ? asked : current;
  let earnings: Earnings | null | undefined; // undefined: loading
  let disputes: Dispute[] = [];
  let failed: string | null = null;
  let stopLive: (() => void) | undefined;
  let disposed = false;
  let refreshed = false; // the next render follows a live update
  const toasts = createToasts({ error: 'earnings-error', notice: 'earnings-notice' });
  const retryIds = new RetryIds();
  const page = h('section', { class: 'page comp-page earnings-page', 'data-testid': 'earnings-page' });

  // --- what-if: built once, so a live update never interrupts a drag ---------------
  let openDeals: OpenDeal[] = [];
  let simulation: EarningsSimulation | null = null;
  let simulating: ReturnType<typeof setTimeout> | undefined;
  let asking = 0;
  const slider = h('input', { type: 'range', class: 'earnings-slider', min: '0', value: '0', 'data-testid': 'whatif-slider', 'aria-label': t('earnings.whatIf') });
  const sliderLabel = h('p', { class: 'earnings-whatif-amount', 'data-testid': 'whatif-amount' });
  const quick = h('div', { class: 'earnings-quick' });
  const dealSelect = h('select', { class: 'input', 'data-testid': 'whatif-deal', 'aria-label': t('earnings.whatIfDeal') });
  const result = h('div', { class: 'earnings-whatif-result', 'data-testid': 'whatif-result', 'aria-live': 'polite' });
  const whatIfTitle = h('h2', { class: 'card-title' });
  const whatIfHint = h('p', { class: 'form-hint' });
  const dealLabel = h('span', { class: 'field-label' });
  const whatIf = h('section', { class: 'card comp-section earnings-whatif', 'data-testid': 'whatif' },
    whatIfTitle, whatIfHint, sliderLabel, slider, quick,
    h('label', { class: 'field' }, dealLabel, dealSelect),
    result,
  );
  // The last question asked: asked again when a live update changes the month underneath it.
  let lastAsked: Record<string, string> | null = null;

  const ask = (input: Record<string, string>) => {
    lastAsked = input;
    const mine = ++asking;
    void request<{ simulateEarnings: EarningsSimulation }>(SIMULATE_EARNINGS_QUERY, { input })
      .then(({ simulateEarnings }) => {
        if (mine !== asking || disposed) return;
        simulation = simulateEarnings;
        showSimulation();
      })
      .catch((error) => {
        if (mine !== asking || disposed) return;
        simulation = null;
        replace(result, h('p', { class: 'form-error', role: 'alert' }, t('earnings.whatIfFailed'), ' ', failureMessage(error)));
      });
  };

  const sliderChanged = () => {
    const amount = Number(slider.value);
    sliderLabel.textContent = t('earnings.whatIfAmount', { amount: money(String(amount), earnings?.currency ?? 'CNY') });
    dealSelect.value = '';
    clearTimeout(simulating);
    if (amount <= 0) {
      simulation = null;
      lastAsked = null;
      replace(result);
      return;
    }
    simulating = setTimeout(() => ask({ amount: amount.toFixed(2) }), SIMULATE_DELAY);
  };
  slider.addEventListener('input', sliderChanged);
  dealSelect.addEventListener('change', () => {
    if (!dealSelect.value) return;
    clearTimeout(simulating);
    ask({ dealId: dealSelect.value });
  });

  function showSimulation(): void {
    if (!simulation || !earnings) return;
    const cur = earnings.currency;
    const locale = getLocale();
    replace(
      result,
      h('p', { class: 'earnings-whatif-change', 'data-testid': 'whatif-change', 'data-value': simulation.earnedChange },
        t('earnings.whatIfResult', { change: signedMoney(simulation.earnedChange, cur, locale), after: money(simulation.earnedAfter, cur) })),
      simulation.attainmentAfter !== null
        ? h('p', { class: 'form-hint' }, t('earnings.whatIfAttainment', { percent: formatPercent(simulation.attainmentAfter, locale) }),
            ' · ', nextStepText(simulation.nextStepAfter, cur, locale))
        : null,
      simulation.lines.length
        ? h('div', null, h('h3', { class: 'earnings-subtitle' }, t('earnings.whatIfLines')),
            h('ol', { class: 'comp-lines' }, simulation.lines.map((line) => lineItem(line, cur, false))))
        : h('p', { class: 'form-hint' }, t('earnings.whatIfNothing')),
    );
  }

  function setUpWhatIf(e: Earnings, refreshed: boolean): void {
    const max = whatIfMax(e.quota, e.revenue);
    slider.max = String(max);
    slider.step = String(whatIfStep(max));
    whatIfTitle.textContent = t('earnings.whatIf');
    whatIfHint.textContent = t('earnings.whatIfHint');
    dealLabel.textContent = t('earnings.whatIfDeal');
    slider.setAttribute('aria-label', t('earnings.whatIf'));
    dealSelect.setAttribute('aria-label', t('earnings.whatIfDeal'));
    sliderLabel.textContent = t('earnings.whatIfAmount', { amount: money(String(Number(slider.value) || 0), e.currency) });
    replace(quick, e.quota
      ? QUICK_TARGETS.map((percent) => h('button', {
          type: 'button', class: 'btn btn-ghost btn-small', 'data-testid': `whatif-reach-${percent}`,
          onclick: () => {
            clearTimeout(simulating);
            dealSelect.value = '';
            ask({ attainment: percent });
          },
        }, t('earnings.whatIfReach', { percent: formatPercent(percent, getLocale()) })))
      : []);
    const chosen = dealSelect.value;
    replace(dealSelect,
      h('option', { value: '' }, t('earnings.whatIfDealNone')),
      ...openDeals.map((d) => h('option', { value: d.id }, `${d.title} · ${d.customer.name} · ${money(d.amount, e.currency)}`)));
    dealSelect.value = openDeals.some((d) => d.id === chosen) ? chosen : '';
    if (refreshed && lastAsked) ask(lastAsked);
    else showSimulation();
  }

  // --- lines ---------------------------------------------------------------------
  /** A new customer's line names it: a link to its page. The credit went to its owner, and these are my lines. */
  function lineSubject(line: StatementLine): HTMLElement {
    const customerId = line.ref.startsWith(CUSTOMER_REF) ? line.ref.slice(CUSTOMER_REF.length) : null;
    return customerId
      ? customerName(me.user, { id: customerId, name: line.label, ownerId: me.user.id })
      : h('span', null, line.label);
  }

  function lineItem(line: StatementLine, currency: string, questionable: boolean): HTMLElement {
    const headline = Number(line.amount) !== 0 ? line.amount : line.payable;
    const open = disputes.some((d) => d.lineKey === line.key && d.status === 'OPEN');
    return h(
      'li',
      {
        class: `comp-line kind-${line.kind.toLowerCase()}${open ? ' is-disputed' : ''}`,
        'data-testid': questionable ? 'earnings-line' : 'whatif-line', 'data-kind': line.kind, 'data-key': line.key,
      },
      h('div', { class: 'comp-line-top' },
        h('span', { class: 'comp-kind' }, lineKindLabel(line.kind, getLocale())),
        line.componentName ? h('span', { class: 'comp-line-component' }, line.componentName) : null,
        h('strong', { class: 'comp-line-amount', 'data-value': headline }, money(headline, currency)),
      ),
      line.dealId || line.label
        ? h('p', { class: 'comp-line-subject' },
            line.dealId ? h('a', { href: `/deals/${encodeURIComponent(line.dealId)}` }, line.label || `#${line.dealId}`) : lineSubject(line),
            line.at ? h('time', { datetime: line.at }, formatTime(line.at, DAY)) : null)
        : null,
      explainLine(line, currency, getLocale()).map((text) => h('p', { class: 'comp-line-explain' }, text)),
      h('div', { class: 'comp-line-foot earnings-line-foot' },
        h('span', null, t('comp.earnedPayable', { earned: money(line.amount, currency), payable: money(line.payable, currency) })),
        questionable
          ? h('button', { type: 'button', class: 'btn btn-ghost btn-small', 'data-testid': 'question-line', onclick: () => question(line) }, t('earnings.question'))
          : null),
    );
  }

  function question(line: StatementLine): void {
    const text = h('textarea', { class: 'input textarea', rows: 4, maxlength: TEXT_MAX, 'data-testid': 'question-text', 'aria-label': t('earnings.questionTitle') });
    const error = h('p', { class: 'field-error', hidden: true, 'data-testid': 'question-error' });
    const send = h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'question-send' }, t('earnings.send'));
    const sheet = openSheet({ testId: 'question-sheet', title: t('earnings.questionTitle'), sub: line.label || lineKindLabel(line.kind, getLocale()) });
    sheet.body.append(
      h('p', { class: 'form-hint' }, t('earnings.questionHint')), text, error,
      h('div', { class: 'form-actions' }, h('button', { type: 'button', class: 'btn btn-ghost', onclick: () => sheet.close() }, t('earnings.cancel')), send),
    );
    text.focus();
    send.addEventListener('click', async () => {
      const message = text.value.trim();
      if (!message) {
        error.textContent = t('error.REQUIRED');
        error.hidden = false;
        return;
      }
      const slot = `question:${line.key}`;
      send.disabled = true;
      send.textContent = t('earnings.sending');
      try {
        // A retry after a lost answer reuses the clientId: the question is asked once.
        const { raiseDispute } = await request<{ raiseDispute: DisputeResult }>(RAISE_DISPUTE_MUTATION, {
          period, lineKey: line.key, message, clientId: retryIds.idFor(slot, message),
        });
        retryIds.settle(slot);
        if (raiseDispute.__typename === 'OperationError') {
          error.textContent = raiseDispute.errors.map(fieldErrorMessage).join(' ');
          error.hidden = false;
          return;
        }
        disputes = [...disputes.filter((d) => d.id !== raiseDispute.dispute.id), raiseDispute.dispute];
        sheet.close();
        toasts.notice(t('earnings.sent'));
        render();
      } catch (failure) {
        if (!(failure instanceof NetworkError)) retryIds.settle(slot);
        error.textContent = failureMessage(failure);
        error.hidden = false;
      } finally {
        send.disabled = false;
        send.textContent = t('earnings.send');
      }
    });
  }

  // --- my questions -------------------------------------------------------------------
  function disputeCard(d: Dispute): HTMLElement {
    const reply = h('textarea', { class: 'input textarea', rows: 2, maxlength: TEXT_MAX, placeholder: t('earnings.replyHint'), 'data-testid': 'earnings-reply', 'aria-label': t('earnings.reply') });
    const send = h('button', { type: 'button', class: 'btn btn-ghost btn-small', 'data-testid': 'earnings-reply-send' }, t('earnings.reply'));
    send.addEventListener('click', async () => {
      const message = reply.value.trim();
      if (!message) return;
      send.disabled = true;
      const sent = await sendDisputeReply(d.id, message, retryIds);
      send.disabled = false;
      if ('dispute' in sent) {
        disputes = disputes.map((x) => (x.id === d.id ? sent.dispute : x));
        render();
      } else {
        toasts.error('problem' in sent ? sent.problem : sent.failure);
      }
    });
    return h('li', { class: `comp-dispute status-${d.status.toLowerCase()}`, 'data-testid': 'earnings-dispute', 'data-status': d.status },
      h('div', { class: 'comp-line-top' },
        h('strong', null, d.lineLabel || d.lineKey),
        h('span', { class: `comp-chip status-${d.status.toLowerCase()}` }, t(`comp.dispute.${d.status}`))),
      h('ol', { class: 'comp-thread' }, d.messages.map((m) =>
        h('li', { class: 'comp-message' }, h('p', { class: 'comp-message-meta' }, m.authorName, ' · ', formatTime(m.createdAt, WHEN)), h('p', null, m.body)))),
      d.status === 'OPEN' ? h('div', { class: 'earnings-reply' }, reply, send) : h('p', { class: 'comp-resolution' }, d.resolution),
    );
  }

  // --- the page -----------------------------------------------------------------
  function render(): void {
    if (disposed) return;
    const locale = getLocale();
    const picker = monthPicker({ value: period, max: current, testId: 'earnings-month', onChange: (month) => void load(month) });
    const head = h('div', { class: 'earnings-head' }, h('h1', { class: 'page-title' }, t('earnings.title')), picker);
    if (failed) {
      replace(page, head, h('div', { class: 'card empty-state', role: 'alert' }, h('p', null, t('earnings.loadFailed'), ' ', failed),
        h('button', { type: 'button', class: 'btn btn-primary', onclick: () => void load(period) }, t('earnings.retry'))));
      return;
    }
    if (earnings === undefined) {
      replace(page, head, h('div', { class: 'card skeleton', 'aria-busy': 'true' }));
      return;
    }
    if (earnings === null) {
      replace(page, head, h('div', { class: 'card empty-state', 'data-testid': 'earnings-off-plan' },
        h('p', null, t('earnings.offPlan')), h('p', { class: 'form-hint' }, t('earnings.offPlanHint'))));
      return;
    }
    const e = earnings;
    const cur = e.currency;
    const attainment = e.attainment === null ? null : Number(e.attainment);
    const summary = h('header', { class: 'card earnings-summary', 'data-testid': 'earnings-summary', 'data-status': e.status },
      h('div', { class: 'comp-statement-title' },
        h('p', { class: 'page-sub' }, formatMonth(period, locale), ' · ', t('earnings.plan', { plan: e.planName, version: e.planVersion })),
        period === current && e.status === 'OPEN' ? h('span', { class: 'comp-chip is-live' }, t('earnings.live')) : statusChip(e.status)),
      h('p', { class: 'earnings-total', 'data-testid': 'earnings-earned', 'data-value': e.earned }, money(e.earned, cur)),
      h('dl', { class: 'comp-figures' },
        figure(t('earnings.payable'), money(e.payable, cur), { testId: 'earnings-payable', raw: e.payable }),
        figure(t('earnings.held'), money(e.held, cur)),
        Number(e.drawBalance) !== 0 ? figure(t('earnings.drawBalance'), money(e.drawBalance, cur)) : null,
        figure(t('earnings.revenue'), money(e.revenue, cur)),
        figure(t('earnings.quota'), e.quota === null ? t('earnings.noQuota') : money(e.quota, cur)),
        figure(t('earnings.attainment'), e.attainment === null ? '—' : formatPercent(e.attainment, locale)),
      ),
      attainment !== null
        ? h('div', { class: 'earnings-bar', role: 'img', 'aria-label': formatPercent(e.attainment ?? '0', locale) },
            h('span', { style: { width: `${Math.min(100, Math.max(0, attainment / 1.5))}%` } }),
            h('i', { class: 'earnings-bar-mark', style: { left: `${100 / 1.5}%` } }))
        : null,
      period === current ? h('p', { class: 'earnings-next', 'data-testid': 'earnings-next' }, icon('chevron'), nextStepText(e.nextStep, cur, locale)) : null,
    );
    const groups = new Map<string, StatementLine[]>();
    for (const line of e.lines) {
      const name = line.componentName || lineKindLabel(line.kind, locale);
      groups.set(name, [...(groups.get(name) ?? []), line]);
    }
    const lines = h('section', { class: 'card comp-section', 'data-testid': 'earnings-lines' },
      h('h2', { class: 'card-title' }, t('earnings.lines')),
      e.lines.length
        ? [...groups].map(([name, items]) => h('div', { class: 'earnings-group' },
            h('h3', { class: 'earnings-subtitle' }, name),
            h('ol', { class: 'comp-lines' }, items.map((line) => lineItem(line, cur, true)))))
        : h('p', { class: 'empty-inline' }, t('earnings.noLines')));
    const mine = h('section', { class: 'card comp-section', 'data-testid': 'earnings-disputes' },
      h('h2', { class: 'card-title' }, t('earnings.disputes')),
      disputes.length ? h('ol', { class: 'comp-disputes' }, disputes.map(disputeCard)) : h('p', { class: 'empty-inline' }, t('earnings.noDisputes')));
    if (period === current) setUpWhatIf(e, refreshed);
    refreshed = false;
    replace(page, head, h('div', { class: 'earnings-grid' },
      h('div', { class: 'earnings-main' }, summary, period === current ? whatIf : null),
      h('div', { class: 'earnings-side' }, lines, mine)));
  }

  async function loadDisputes(): Promise<void> {
    try {
      const data = await request<{ disputes: Dispute[] }>(MY_DISPUTES_QUERY, { period, userId: me.user.id });
      disputes = data.disputes;
      render();
    } catch {
      // The page works without them; the next load tries again.
    }
  }

  async function load(month: string): Promise<void> {
    period = month;
    const params = new URLSearchParams(location.params);
    if (month === current) params.delete('period');
    else params.set('period', month);
    replaceParams(params);
    stopLive?.();
    stopLive = undefined;
    earnings = undefined;
    failed = null;
    disputes = [];
    render();
    void loadDisputes();
    if (month === current) {
      // Live: the statement again after every win, payment, split or approval.
      stopLive = subscribe<{ earningsChanged: Earnings | null }>(EARNINGS_SUBSCRIPTION, {}, {
        next: ({ earningsChanged }) => {
          refreshed = earnings !== undefined;
          earnings = earningsChanged;
          failed = null;
          render();
        },
        error: (error) => {
          if (earnings === undefined) {
            failed = failureMessage(error);
            render();
          }
        },
      });
      return;
    }
    try {
      const data = await request<{ myEarnings: Earnings | null }>(MY_EARNINGS_QUERY, { period: month });
      if (period !== month) return;
      earnings = data.myEarnings;
    } catch (error) {
      failed = failureMessage(error);
    }
    render();
  }

  root.append(page, toasts.el);
  void request<{ pipeline: Array<{ stage: { outcome: string }; deals: OpenDeal[] }> }>(OPEN_DEALS_QUERY, {})
    .then(({ pipeline }) => {
      openDeals = pipeline.filter((c) => c.stage.outcome === 'OPEN').flatMap((c) => c.deals);
      if (earnings) render();
    })
    .catch(() => {});
  void load(period);
  const stopLocale = onLocaleChange(render);
  return () => {
    disposed = true;
    clearTimeout(simulating);
    stopLive?.();
    stopLocale();
    toasts.dispose();
  };
};
