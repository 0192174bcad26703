// One deal (/deals/<id>): what it is, its products, how long it sat in each stage,
// orders and the money collected against them, and the activities around it.
// Moves, edits and activities are saved on the phone first (the outbox) and shown at
// once, marked "waiting to sync"; the server's outcome shows when they are sent. The
// deal is kept on the phone, so a rep can open it and record offline.
import '@/features/pipeline/pipeline.css';
import type { Screen } from '@/app/screen';
import { chipChoice, FieldErrors, required } from '@/ui/form';
import { formatDay, isoDay, momentOn } from '@/ui/dates';
import { formatDwell } from '@/features/pipeline/logic';
import { formatMoney, fromCents, normalizeAmount, toCents } from '@/ui/money';
import { RetryIds } from '@/ui/ids';
import { editCard } from '@/features/pipeline/edit';
import { creditSplitCard, editCreditSplit, refundedNote, refundPayment, reverseDeal } from '@/features/compensation/deal-comp';
import { DEAL_COMP_QUERY, type CreditSplit, type DealStatus, type TreeEntry } from '@/features/compensation/documents';
import { isRefund, refundLeft } from '@/features/compensation/logic';
import { movedMessage } from '@/features/pipeline/move';
import { isAbout, markOf, overlayDeal, recordActivity, recordEdit, recordMove, withQueuedActivities, type ShownActivity } from '@/features/pipeline/queue';
import { syncNote } from '@/features/pipeline/sync-note';
import { savedWhen } from '@/features/visit/field-data';
import { readCache, writeCache, type OutboxItem } from '@/offline/db';
import { listOutbox, onOutboxChange, onRefused, onSynced } from '@/offline/outbox';
import { serverSpeaksCurrentLocale, withOwner } from '@/features/pipeline/common';
import { chooseStage } from '@/features/pipeline/sheet';
import { createToasts } from '@/ui/toast';
import { NetworkError, request } from '@/graphql/client';
import { DEAL_QUERY, RECORD_ORDER_MUTATION, RECORD_PAYMENT_MUTATION } from '@/graphql/documents';
import { failureMessage, fieldErrorMessage } from '@/graphql/errors';
import {
  ACTIVITY_KINDS,
  ACTIVITY_OUTCOMES,
  type ActivityKind,
  type ActivityOutcome,
  type DealDetail,
  type FieldError,
  type Me,
  type OperationError,
  type Stage,
} from '@/graphql/types';
import { formatNumber, formatTime, getLocale, t, type MessageKey } from '@/i18n';
import { h, replace, Texts, type Child } from '@/ui/dom';
import { icon } from '@/ui/icons';
import { customerLink } from '@/ui/customer-link';

type Outcome = { __typename: string } | OperationError;
type Order = DealDetail['orders'][number];
type Payment = Order['payments'][number];
/** What compensation adds to the page: whose payment each refund returns, and (managers) the credit split. */
interface CompExtras {
  refundOf: Map<string, string | null>;
  splits: CreditSplit[] | null;
  tree: TreeEntry[];
}
type FormKind = 'order' | 'payment' | 'activity';
type Problem = Pick<FieldError, 'field' | 'code' | 'message'>;

const NOTE_MAX = 2000;
const PAYMENT_NOTE_MAX = 500;
const WHEN: Intl.DateTimeFormatOptions = { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' };
const DAY: Intl.DateTimeFormatOptions = { year: 'numeric', month: 'short', day: 'numeric' };

/** A write ready to send: its retry slot, what makes a resend "the same", and the request. */
interface Prepared {
  slot: string;
  signature: unknown;
  send: (clientId: string) => Promise<Outcome>;
}

/**
 * A form inside a card. A failed send keeps the write's clientId, so pressing Retry
 * cannot record the payment (or order, or activity) twice.
 */
function inlineForm(opts: {
  title: MessageKey;
  testId: string;
  errors: FieldErrors;
  body: Child[];
  retryIds: RetryIds;
  prepare: () => Prepared | Problem[];
  done: () => void;
  cancel: () => void;
}): HTMLFormElement {
  const label = h('span', null, t('pipeline.save'));
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': `${opts.testId}-submit` }, label);
  let busy = false;
  return h(
    'form',
    {
      class: 'inline-form',
      novalidate: true,
      'data-testid': opts.testId,
      onsubmit: async (event: Event) => {
        event.preventDefault();
        if (busy) return;
        opts.errors.clear();
        const prepared = opts.prepare();
        if (Array.isArray(prepared)) {
          opts.errors.show(prepared);
          return;
        }
        const clientId = opts.retryIds.idFor(prepared.slot, prepared.signature);
        busy = true;
        submit.disabled = true;
        label.textContent = t('pipeline.saving');
        try {
          const result = await prepared.send(clientId);
          opts.retryIds.settle(prepared.slot);
          if (result.__typename !== 'OperationError') {
            opts.done();
            return;
          }
          opts.errors.show((result as OperationError).errors);
          label.textContent = t('pipeline.save');
        } catch (failure) {
          opts.errors.message(failure instanceof NetworkError ? t('pipeline.sendNetwork') : failureMessage(failure));
          label.textContent = t('pipeline.retry');
        } finally {
          busy = false;
          submit.disabled = false;
        }
      },
    },
    h('h3', { class: 'form-title' }, t(opts.title)),
    opts.body,
    opts.errors.summary,
    h(
      'div',
      { class: 'form-actions' },
      h('button', { type: 'button', class: 'btn btn-ghost', onclick: opts.cancel }, t('pipeline.cancel')),
      submit,
    ),
  );
}

/** An amount field's value, or the problem with it. */
function amountOf(input: HTMLInputElement, field = 'amount'): string | Problem {
  if (!input.value.trim()) return required(field);
  return normalizeAmount(input.value) ?? { field, code: 'INVALID', message: t('pipeline.amountInvalid') };
}

function dateInput(testId: string): HTMLInputElement {
  const today = isoDay(new Date());
  return h('input', { type: 'date', class: 'input', value: today, max: today, required: true, 'data-testid': testId });
}

export const dealScreen: Screen = (root, { location, me: maybeMe }) => {
  const me = maybeMe as Me;
  const texts = new Texts();
  const id = decodeURIComponent(location.path.split('/')[2] ?? '');
  const retryIds = new RetryIds();
  const toasts = createToasts({ error: 'deal-error', notice: 'deal-notice' });
  const page = h('section', { class: 'page deal-page', 'data-testid': 'deal-page' });
  const offlineNote = h('p', { class: 'pipeline-offline', role: 'status', 'data-testid': 'pipeline-offline', hidden: true });
  const cacheName = `deal:${id}`;
  const userId = me.user.id;
  /** What the server last said (or the copy kept on the phone), and the rep's writes not yet accepted. */
  let detail: DealDetail | null = null;
  let queued: OutboxItem[] = [];
  let savedAt: string | null = null;
  let stages: Stage[] = [];
  let openForm: FormKind | null = null;
  let moving = false;
  let editing = false;
  // The open edit form, kept across redraws (a sync or a language switch reads the page again): what the
  // person typed stays. Its base is the deal as the form opened, moved on only by this phone's own writes
  // the server accepted since, so a change someone else made in between is refused, never overwritten.
  let editForm: HTMLElement | null = null;
  let editBase: DealDetail['deal'] | null = null;
  let loadFailed: string | null = null;
  let disposed = false;
  let extras: CompExtras = { refundOf: new Map(), splits: null, tree: [] };
  const manages = me.user.role !== 'REP';
  const statusOf = (deal: DealDetail['deal']) => deal.status as DealStatus;

  const backLink = () => {
    const owner = detail?.deal.owner.id;
    return h(
      'a',
      { class: 'back-link', href: withOwner('/deals', owner && owner !== me.user.id ? owner : null), 'data-testid': 'deal-back' },
      icon('chevron', 'icon flip'),
      t('pipeline.back'),
    );
  };

  // --- moving from here ---------------------------------------------------------
  const move = async () => {
    if (!detail || moving) return;
    const choice = await chooseStage(overlayDeal(detail.deal, queued), stages);
    if (!choice || disposed || !detail) return;
    moving = true;
    try {
      await recordMove(userId, detail.deal, choice.stage, choice.reason);
      if (!navigator.onLine) toasts.notice(t('pipeline.queuedOffline'));
    } catch {
      toasts.error(t('field.storageError'));
    } finally {
      moving = false;
    }
    await refreshQueued();
  };

  /** Saved on the phone: said once, in the words for online or offline. */
  const queuedNotice = () => toasts.notice(navigator.onLine ? t('pipeline.saved') : t('pipeline.queuedOffline'));

  // --- forms --------------------------------------------------------------------
  const orderForm = (d: DealDetail) => {
    const errors = new FieldErrors('order-error');
    const ordered = d.orders.reduce((sum, o) => sum + toCents(o.amount), 0n);
    const room = toCents(d.deal.amount) - ordered;
    const number = h('input', { class: 'input', maxlength: 40, autocomplete: 'off', required: true, 'data-testid': 'order-number' });
    const amount = h('input', { class: 'input', inputmode: 'decimal', required: true, value: room > 0n ? fromCents(room) : '', 'data-testid': 'order-amount' });
    const date = dateInput('order-date');
    return inlineForm({
      title: 'pipeline.recordOrder',
      testId: 'order-form',
      errors,
      retryIds,
      body: [
        errors.field('pipeline.orderNumber', number, 'number'),
        h('div', { class: 'form-row' }, errors.field('pipeline.amount', amount, 'amount'), errors.field('pipeline.orderedOn', date, 'orderedAt')),
      ],
      prepare: () => {
        const problems: Problem[] = [];
        const money = amountOf(amount);
        if (!number.value.trim()) problems.push(required('number'));
        if (typeof money !== 'string') problems.push(money);
        if (!date.value) problems.push(required('orderedAt'));
        if (problems.length || typeof money !== 'string') return problems;
        const signature = { dealId: d.deal.id, number: number.value.trim(), amount: money, day: date.value };
        return {
          slot: `order:${d.deal.id}`,
          signature,
          send: async (clientId) =>
            (await request<{ recordOrder: Outcome }>(RECORD_ORDER_MUTATION, {
              input: { clientId, dealId: d.deal.id, number: signature.number, amount: money, orderedAt: momentOn(date.value, new Date()) },
            })).recordOrder,
        };
      },
      done: () => saved(),
      cancel: () => toggle(null),
    });
  };

  const paymentForm = (d: DealDetail, owing: Order[]) => {
    const errors = new FieldErrors('payment-error');
    const money = (amount: string) => formatMoney(amount, d.deal.currency, getLocale());
    const order = h(
      'select',
      { class: 'input', 'data-testid': 'payment-order' },
      owing.map((o) => h('option', { value: o.id }, t('pipeline.orderOption', { number: o.number, outstanding: money(o.outstanding) }))),
    );
    const chosen = () => owing.find((o) => o.id === order.value) ?? owing[0]!;
    const amount = h('input', { class: 'input', inputmode: 'decimal', required: true, value: chosen().outstanding, 'data-testid': 'payment-amount' });
    order.addEventListener('change', () => (amount.value = chosen().outstanding));
    const date = dateInput('payment-date');
    const note = h('input', { class: 'input', maxlength: PAYMENT_NOTE_MAX, autocomplete: 'off', 'data-testid': 'payment-note' });
    return inlineForm({
      title: 'pipeline.recordPayment',
      testId: 'payment-form',
      errors,
      retryIds,
      body: [
        owing.length > 1
          ? errors.field('pipeline.order', order, 'orderId')
          : [h('p', { class: 'form-hint' }, t('pipeline.againstOrder', { number: chosen().number, outstanding: money(chosen().outstanding) })), errors.slot('orderId')],
        h('div', { class: 'form-row' }, errors.field('pipeline.amount', amount, 'amount'), errors.field('pipeline.collectedOn', date, 'collectedAt')),
        errors.field('pipeline.paymentNote', note, 'note'),
      ],
      prepare: () => {
        const problems: Problem[] = [];
        const value = amountOf(amount);
        if (typeof value !== 'string') problems.push(value);
        if (!date.value) problems.push(required('collectedAt'));
        if (problems.length || typeof value !== 'string') return problems;
        const signature = { orderId: chosen().id, amount: value, day: date.value, note: note.value.trim() };
        return {
          slot: `payment:${d.deal.id}`,
          signature,
          send: async (clientId) =>
            (await request<{ recordPayment: Outcome }>(RECORD_PAYMENT_MUTATION, {
              input: { clientId, orderId: signature.orderId, amount: value, collectedAt: momentOn(date.value, new Date()), note: signature.note },
            })).recordPayment,
        };
      },
      done: () => saved(),
      cancel: () => toggle(null),
    });
  };

  const activityForm = (d: DealDetail) => {
    const errors = new FieldErrors('activity-error');
    const kind = chipChoice<ActivityKind>('activity-kind', 'pipeline.kind', ACTIVITY_KINDS, (k) => t(`pipeline.kind.${k}`), 'CALL', 'activity-kind');
    const outcome = chipChoice<ActivityOutcome>('activity-outcome', 'pipeline.outcome', ACTIVITY_OUTCOMES, (o) => t(`pipeline.outcome.${o}`), 'POSITIVE', 'activity-outcome');
    const note = h('textarea', { class: 'input textarea', rows: 3, maxlength: NOTE_MAX, 'data-testid': 'activity-note', placeholder: t('pipeline.notePlaceholder') });
    kind.el.append(errors.slot('kind'));
    outcome.el.append(errors.slot('outcome'));
    return inlineForm({
      title: 'pipeline.logActivity',
      testId: 'activity-form',
      errors,
      retryIds,
      body: [kind.el, outcome.el, errors.field('pipeline.note', note, 'note')],
      prepare: () => {
        // The time is "now" on each send; a replayed clientId keeps the first one anyway.
        // Saved on the phone with its own clientId and the time it happened; the outbox sends it once.
        const signature = { dealId: d.deal.id, kind: kind.value(), outcome: outcome.value(), note: note.value.trim() };
        return {
          slot: `activity:${d.deal.id}`,
          signature,
          send: async () => {
            await recordActivity(userId, d.deal, { kind: signature.kind, outcome: signature.outcome, note: signature.note });
            return { __typename: 'Queued' };
          },
        };
      },
      done: () => {
        openForm = null;
        queuedNotice();
        void refreshQueued();
      },
      cancel: () => toggle(null),
    });
  };

  const toggle = (form: FormKind | null) => {
    openForm = form;
    render();
    if (form) page.querySelector<HTMLElement>(`[data-testid="${form}-form"] input:not([type=radio]), [data-testid="${form}-form"] textarea`)?.focus();
  };

  const saved = () => {
    openForm = null;
    toasts.notice(t('pipeline.saved'));
    void load();
  };

  // --- sections -----------------------------------------------------------------
  const header = (d: DealDetail) => {
    const locale = getLocale();
    const { deal } = d;
    const fact = (label: MessageKey, value: string, testId?: string) =>
      h('div', { class: 'fact' }, h('dt', null, t(label)), h('dd', { 'data-testid': testId }, value));
    return h(
      'header',
      { class: 'card deal-head' },
      h(
        'div',
        { class: 'deal-head-top' },
        h('span', { class: `stage-pill outcome-${deal.stage.outcome.toLowerCase()}`, 'data-testid': 'deal-stage', 'data-stage-key': deal.stage.key }, deal.stage.name),
        statusOf(deal) === 'REVERSED'
          ? h('span', { class: 'stage-pill outcome-reversed', 'data-testid': 'deal-reversed' }, t('comp.reverse.reversed'))
          : null,
        statusOf(deal) === 'WON' && manages
          ? h('button', { type: 'button', class: 'btn btn-ghost btn-small comp-reverse', 'data-testid': 'reverse-deal', onclick: () => void reverse() }, t('comp.reverse.action'))
          : null,
        deal.status === 'OPEN' && d.canEdit
          ? h(
              'span',
              { class: 'deal-head-actions' },
              h('button', { type: 'button', class: 'btn btn-ghost btn-small', 'data-testid': 'edit-deal', onclick: () => { editing = !editing; render(); } }, t('pipeline.edit')),
              h(
                'button',
                { type: 'button', class: 'btn btn-ghost btn-small', disabled: moving, 'data-testid': 'move-deal', onclick: () => void move() },
                t(moving ? 'pipeline.moving' : 'pipeline.move'),
              ),
            )
          : null,
      ),
      h('h1', { class: 'deal-head-title' }, deal.title),
      syncNote(markOf(deal, queued)),
      h('p', { class: 'deal-head-customer' }, customerLink(deal.customer)),
      h('p', { class: 'deal-big-amount', 'data-testid': 'deal-amount' }, formatMoney(deal.amount, deal.currency, locale)),
      h(
        'dl',
        { class: 'facts' },
        fact('pipeline.probabilityLabel', `${deal.probability}%`, 'deal-probability'),
        fact('pipeline.owner', deal.owner.name, 'deal-owner'),
        fact(
          deal.status === 'OPEN' ? 'pipeline.expectedClose' : 'pipeline.closedAt',
          deal.status === 'OPEN' || !deal.closedAt ? formatDay(deal.expectedClose, locale, DAY) : formatTime(deal.closedAt, DAY),
        ),
        fact('pipeline.leadSource', t(`pipeline.source.${deal.leadSource}`)),
      ),
      deal.closeReason
        ? h('p', { class: `close-reason-note outcome-${deal.status.toLowerCase()}` }, h('strong', null, t(deal.status === 'LOST' ? 'pipeline.lostBecause' : 'pipeline.wonBecause')), ' ', deal.closeReason)
        : null,
      statusOf(deal) === 'REVERSED' ? h('p', { class: 'close-reason-note outcome-reversed' }, t('comp.reverse.note')) : null,
    );
  };

  const linesCard = (d: DealDetail) => {
    const money = (amount: string) => formatMoney(amount, d.deal.currency, getLocale());
    return h(
      'section',
      { class: 'card deal-section' },
      h('h2', { class: 'card-title' }, t('pipeline.lines')),
      h(
        'ul',
        { class: 'line-list', 'data-testid': 'deal-lines' },
        d.lines.map((line) =>
          h(
            'li',
            { class: 'line-item' },
            h('span', { class: 'line-name' }, line.product.name, h('small', null, line.product.sku)),
            h('span', { class: 'line-qty' }, t('pipeline.qtyPrice', { qty: formatNumber(Number(line.quantity)), price: money(line.unitPrice) })),
            h('strong', { class: 'line-total' }, money(line.total)),
          ),
        ),
      ),
      h('p', { class: 'line-sum' }, h('span', null, t('pipeline.total')), h('strong', null, money(d.deal.amount))),
    );
  };

  const historyCard = (d: DealDetail) => {
    const locale = getLocale();
    return h(
      'section',
      { class: 'card deal-section' },
      h('h2', { class: 'card-title' }, t('pipeline.history')),
      h(
        'ol',
        { class: 'timeline', 'data-testid': 'stage-history' },
        d.history.map((stay) => {
          const current = stay.leftAt === null;
          return h(
            'li',
            { class: `timeline-item outcome-${stay.stage.outcome.toLowerCase()}${current ? ' is-current' : ''}`, 'data-testid': 'stage-stay' },
            h(
              'div',
              { class: 'timeline-main' },
              h('strong', null, stay.stage.name),
              stay.seconds !== null
                ? h(
                    'span',
                    { class: 'dwell', 'data-testid': 'dwell', 'data-seconds': stay.seconds },
                    current ? t('pipeline.dwellSoFar', { time: formatDwell(stay.seconds, locale) }) : formatDwell(stay.seconds, locale),
                  )
                : null,
            ),
            h(
              'time',
              { class: 'timeline-when', datetime: stay.enteredAt },
              stay.leftAt
                ? t('pipeline.fromTo', { from: formatTime(stay.enteredAt, WHEN), to: formatTime(stay.leftAt, WHEN) })
                : t(stay.stage.outcome === 'OPEN' ? 'pipeline.since' : 'pipeline.closedWhen', { from: formatTime(stay.enteredAt, WHEN) }),
            ),
          );
        }),
      ),
    );
  };

  const ordersCard = (d: DealDetail) => {
    const money = (amount: string) => formatMoney(amount, d.deal.currency, getLocale());
    const owing = d.orders.filter((o) => toCents(o.outstanding) > 0n);
    const ordered = d.orders.reduce((sum, o) => sum + toCents(o.amount), 0n);
    const canOrder = toCents(d.deal.amount) - ordered > 0n;
    const collectedShare = toCents(d.deal.amount) > 0n ? Number(toCents(d.collected)) / Number(toCents(d.deal.amount)) : 0;
    const won = statusOf(d.deal) === 'WON';
    const form =
      !won ? null : openForm === 'payment' && owing.length ? paymentForm(d, owing) : openForm === 'order' && canOrder ? orderForm(d) : null;
    return h(
      'section',
      { class: 'card deal-section', 'data-testid': 'deal-orders' },
      h(
        'div',
        { class: 'section-head' },
        h('h2', { class: 'card-title' }, t('pipeline.orders')),
        h('span', { class: 'section-figure' }, t('pipeline.collectedTotal', { share: `${Math.round(collectedShare * 100)}%` })),
      ),
      d.orders.length
        ? h(
            'ul',
            { class: 'order-list' },
            d.orders.map((o) => {
              const share = Math.round(Number(o.collectedShare) * 100);
              return h(
                'li',
                { class: 'order', 'data-testid': 'order', 'data-order-id': o.id },
                h('div', { class: 'order-head' }, h('strong', null, o.number), h('span', null, formatTime(o.orderedAt, DAY))),
                h(
                  'div',
                  {
                    class: `progress${share >= 100 ? ' is-full' : ''}`,
                    role: 'progressbar',
                    'aria-valuemin': 0,
                    'aria-valuemax': 100,
                    'aria-valuenow': share,
                    'aria-label': t('pipeline.collectedOf', { number: o.number }),
                    'data-testid': 'order-collected',
                    'data-share': o.collectedShare,
                  },
                  h('div', { class: 'progress-fill', style: { width: `${share}%` } }),
                ),
                h('p', { class: 'order-figures' }, t('pipeline.collected', { collected: money(o.collected), amount: money(o.amount) }), ' · ', `${share}%`),
                o.payments.length ? h('ul', { class: 'payment-list' }, o.payments.map((p) => paymentRow(d, o, p))) : null,
              );
            }),
          )
        : h('p', { class: 'empty-inline' }, t('pipeline.noOrders')),
      form ??
        (won && d.canEdit && (owing.length || canOrder)
          ? h(
              'div',
              { class: 'form-actions' },
              owing.length
                ? h('button', { type: 'button', class: 'btn btn-primary btn-small', 'data-testid': 'record-payment', onclick: () => toggle('payment') }, icon('plus'), t('pipeline.recordPayment'))
                : null,
              canOrder
                ? h(
                    'button',
                    { type: 'button', class: `btn ${owing.length ? 'btn-ghost' : 'btn-primary'} btn-small`, 'data-testid': 'record-order', onclick: () => toggle('order') },
                    icon('plus'),
                    t(d.orders.length ? 'pipeline.recordAnotherOrder' : 'pipeline.recordOrder'),
                  )
                : null,
            )
          : null),
      won && !d.orders.length && d.canEdit ? h('p', { class: 'form-hint' }, t('pipeline.orderFirst')) : null,
    );
  };

  /** A payment, or a refund of one (negative, marked and tied to its payment); Refund while money is left on it. */
  const paymentRow = (d: DealDetail, o: Order, p: Payment) => {
    const money = (amount: string) => formatMoney(amount, d.deal.currency, getLocale());
    const all = o.payments.map((x) => ({ id: x.id, amount: x.amount, refundOfId: extras.refundOf.get(x.id) ?? null }));
    const refundOfId = extras.refundOf.get(p.id) ?? null;
    if (isRefund({ amount: p.amount, refundOfId })) {
      const original = o.payments.find((x) => x.id === refundOfId);
      const of = original ? t('comp.refund.of', { when: formatTime(original.collectedAt, DAY) }) : '';
      return h('li', { class: 'comp-refund-row', 'data-testid': 'payment', 'data-payment-id': p.id, 'data-refund-of': refundOfId ?? '', title: of || null },
        h('span', null, formatTime(p.collectedAt, DAY)),
        h('span', { class: 'payment-note' }, h('span', { class: 'comp-chip is-refund' }, t('comp.refund.tag')), ' ', p.note || of),
        h('strong', { class: 'comp-negative' }, money(p.amount)));
    }
    const left = refundLeft({ id: p.id, amount: p.amount, refundOfId: null }, all);
    const refunded = toCents(p.amount) - toCents(left);
    return h('li', { 'data-testid': 'payment', 'data-payment-id': p.id, 'data-left': left },
      h('span', null, formatTime(p.collectedAt, DAY)),
      h('span', { class: 'payment-note' }, p.note, refunded > 0n ? h('small', { class: 'comp-refunded' }, refundedNote(refunded, d.deal.currency)) : null),
      h('strong', null, money(p.amount)),
      d.canEdit && toCents(left) > 0n
        ? h('button', { type: 'button', class: 'link-button comp-refund-button', 'data-testid': 'refund-payment',
            onclick: () => void refund({ id: p.id, amount: p.amount, collectedAt: p.collectedAt, left }) }, t('comp.refund.action'))
        : null);
  };

  const refund = async (payment: Parameters<typeof refundPayment>[0]) => {
    if (!detail) return;
    if (await refundPayment(payment, detail.deal.currency, retryIds)) {
      toasts.notice(t('comp.refund.done'));
      await load();
    }
  };

  const reverse = async () => {
    if (!detail) return;
    const outcome = await reverseDeal(detail.deal, retryIds);
    if (!outcome || disposed) return;
    if (outcome.ok) toasts.notice(t('comp.reverse.done'));
    else toasts.error(outcome.message);
    await load();
  };

  const editSplit = async () => {
    if (!detail || !extras.splits) return;
    const saved = await editCreditSplit(detail.deal, extras.splits, extras.tree);
    if (!saved || disposed) return;
    toasts.notice(t('comp.split.saved'));
    await load();
  };

  const activitiesCard = (d: DealDetail) =>
    h(
      'section',
      { class: 'card deal-section', 'data-testid': 'deal-activities' },
      h(
        'div',
        { class: 'section-head' },
        h('h2', { class: 'card-title' }, t('pipeline.activities')),
        openForm === 'activity'
          ? null
          : h('button', { type: 'button', class: 'btn btn-ghost btn-small', 'data-testid': 'log-activity', onclick: () => toggle('activity') }, icon('plus'), t('pipeline.logActivity')),
      ),
      openForm === 'activity' ? activityForm(d) : null,
      d.activities.length
        ? h(
            'ul',
            { class: 'activity-list' },
            (d.activities as ShownActivity[]).map((a) =>
              h(
                'li',
                { class: `activity${a.sync ? ` is-${a.sync}` : ''}`, 'data-testid': 'activity', 'data-sync': a.sync ?? null },
                h(
                  'div',
                  { class: 'activity-head' },
                  h('strong', null, t(`pipeline.kind.${a.kind}`)),
                  h('span', { class: `outcome-chip outcome-${a.outcome.toLowerCase().replace('_', '-')}` }, t(`pipeline.outcome.${a.outcome}`)),
                  h('time', { datetime: a.occurredAt }, formatTime(a.occurredAt, WHEN)),
                ),
                a.note ? h('p', { class: 'activity-note' }, a.note) : null,
                a.user ? h('p', { class: 'activity-by' }, a.user.name) : null,
                a.sync ? syncNote(a.sync) : null,
              ),
            ),
          )
        : h('p', { class: 'empty-inline' }, t('pipeline.noActivities')),
    );

  function render(): void {
    if (!detail) {
      replace(
        page,
        backLink(),
        loadFailed
          ? h('div', { class: 'card deal-failed', role: 'alert' }, h('p', null, loadFailed), h('button', { type: 'button', class: 'btn btn-primary', onclick: () => void load() }, t('app.retry')))
          : h('div', { class: 'card deal-loading', 'aria-busy': 'true' }, h('div', { class: 'skeleton-row' }), h('div', { class: 'skeleton-row' }), h('div', { class: 'skeleton-row' })),
        toasts.el,
      );
      return;
    }
    const d: DealDetail = {
      ...detail,
      deal: overlayDeal(detail.deal, queued),
      activities: withQueuedActivities(detail.activities, queued, detail.deal, me.user),
    };
    const known = detail.deal;
    offlineNote.hidden = savedAt === null;
    offlineNote.textContent = savedAt ? t('pipeline.offlineCopy', { when: savedWhen(savedAt) }) : '';
    if (!editing || d.deal.status !== 'OPEN') {
      editForm = null;
      editBase = null;
    } else if (!editForm) {
      editBase = known;
      editForm = editCard(d.deal, d.lines.length > 0, async (changes) => {
        // An earlier change of this phone still queued rebases it when sent.
        await recordEdit(userId, editBase ?? known, changes);
      }, (changed) => {
        editing = false;
        editForm = null;
        editBase = null;
        if (changed) {
          queuedNotice();
          void refreshQueued();
        } else render();
      });
    }
    replace(
      page,
      backLink(),
      offlineNote,
      header(d),
      editForm,
      d.lines.length ? linesCard(d) : null,
      historyCard(d),
      d.deal.status === 'WON' || statusOf(d.deal) === 'REVERSED' ? ordersCard(d) : null,
      manages && extras.splits ? creditSplitCard(extras.splits, () => void editSplit()) : null,
      activitiesCard(d),
      toasts.el,
    );
  }

  /** The compensation part; the page shows without it when it cannot be read. */
  async function loadExtras(): Promise<CompExtras | null> {
    try {
      const data = await request<{
        deal: { orders: Array<{ payments: Array<{ id: string; refundOfId: string | null }> }> };
        creditSplits?: CreditSplit[];
        orgTree?: TreeEntry[];
      }>(DEAL_COMP_QUERY, { id, manager: manages });
      const refundOf = new Map(data.deal.orders.flatMap((o) => o.payments.map((p) => [p.id, p.refundOfId] as const)));
      return { refundOf, splits: data.creditSplits ?? null, tree: data.orgTree ?? [] };
    } catch {
      return null;
    }
  }

  async function load(): Promise<void> {
    try {
      const [data, comp] = await Promise.all([request<{ deal: DealDetail; stages: Stage[] }>(DEAL_QUERY, { id }), loadExtras()]);
      if (disposed) return;
      detail = data.deal;
      stages = data.stages;
      if (comp) extras = comp;
      loadFailed = null;
      savedAt = null;
      void writeCache(userId, cacheName, data);
    } catch (failure) {
      if (disposed) return;
      const saved = failure instanceof NetworkError && !detail ? await readCache<{ deal: DealDetail; stages: Stage[] }>(userId, cacheName) : null;
      if (disposed) return;
      if (saved) {
        detail = saved.value.deal;
        stages = saved.value.stages;
        savedAt = saved.savedAt;
      } else {
        loadFailed = failureMessage(failure);
        if (detail) toasts.error(loadFailed);
      }
    }
    await refreshQueued();
  }

  async function refreshQueued(): Promise<void> {
    try {
      queued = await listOutbox(userId);
    } catch {
      // No database: the page is the server's.
    }
    if (!disposed) render();
  }

  /** The server's answer to a queued write of this deal: shown at once, then the page is read again. */
  const acceptedDeal = (deal: DealDetail['deal']) => {
    if (!detail || detail.deal.id !== deal.id) return false;
    detail = { ...detail, deal: { ...detail.deal, ...deal } };
    if (editBase && deal.version > editBase.version) editBase = { ...editBase, ...deal };
    render();
    void load();
    return true;
  };
  const stopOutbox = [
    onSynced('moveDeal', (result) => {
      if (disposed || !acceptedDeal(result.deal)) return;
      const done = movedMessage(result);
      toasts.notice(done.text, done.win);
    }),
    onSynced('updateDeal', (result) => void (!disposed && acceptedDeal(result.deal))),
    onSynced('logActivity', (result, item) => {
      if (disposed || !detail || !isAbout(item, detail.deal)) return;
      const { activity } = result;
      if (!detail.activities.some((a) => a.id === activity.id)) detail = { ...detail, activities: [activity, ...detail.activities] };
      render();
      void load();
    }),
    onRefused((item) => {
      if (disposed || !detail || !isAbout(item, detail.deal)) return;
      const reason = item.errors.map(fieldErrorMessage).join(' ') || t('error.unknown');
      toasts.error(t('pipeline.refused', { reason }));
      void load();
    }),
    onOutboxChange(() => void refreshQueued()),
  ];

  texts.on(() => {
    render();
    void serverSpeaksCurrentLocale().then(load);
  });
  root.append(page);
  render();
  void load();
  return () => {
    disposed = true;
    stopOutbox.forEach((stop) => stop());
    toasts.dispose();
    texts.dispose();
  };
};

