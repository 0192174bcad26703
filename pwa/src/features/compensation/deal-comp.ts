// What compensation adds to the deal page: who the credit goes to (and a sheet to split it),
// reversing a won deal, and refunding a payment. Each write keeps its clientId while the same
// write is retried, so a refund sent twice after a dropped answer is made once.
import {
  REFUND_PAYMENT_MUTATION,
  REVERSE_DEAL_MUTATION,
  SET_CREDIT_SPLITS_MUTATION,
  type CreditSplit,
  type DealResult,
  type OrderResult,
  type SplitsResult,
  type TreeEntry,
} from '@/features/compensation/documents';
import {
  formatPercent,
  refundAmount,
  splitInput,
  splitProblems,
  splitState,
  splitTotal,
  type Problem,
  type SplitRow,
} from '@/features/compensation/logic';
import { money, openSheet } from '@/features/compensation/ui';
import { FieldErrors } from '@/ui/form';
import { fromCents, toCents } from '@/ui/money';
import { isoDay, momentOn } from '@/ui/dates';
import { RetryIds } from '@/ui/ids';
import { NetworkError, request } from '@/graphql/client';
import { failureMessage, fieldErrorMessage } from '@/graphql/errors';
import type { Deal } from '@/graphql/types';
import { formatTime, getLocale, t } from '@/i18n';
import { h, replace } from '@/ui/dom';
import { icon } from '@/ui/icons';

const REASON_MAX = 500;
const DAY: Intl.DateTimeFormatOptions = { year: 'numeric', month: 'short', day: 'numeric' };

// ---------------------------------------------------------------- credit split

/** The Credit split card: each person's share, and (for managers) Edit. */
export function creditSplitCard(splits: readonly CreditSplit[], onEdit: () => void): HTMLElement {
  return h(
    'section',
    { class: 'card deal-section comp-split-card', 'data-testid': 'credit-split' },
    h('div', { class: 'section-head' },
      h('h2', { class: 'card-title' }, t('comp.split.title')),
      h('button', { type: 'button', class: 'btn btn-ghost btn-small', 'data-testid': 'edit-split', onclick: onEdit }, t('comp.split.edit'))),
    h('ul', { class: 'comp-split-list' }, splits.map((s) =>
      h('li', { class: 'comp-split-row', 'data-testid': 'split-row', 'data-user-id': s.userId, 'data-percent': s.percent },
        h('span', { class: 'comp-split-name' }, s.userName),
        h('span', { class: 'member-bar' }, h('span', { class: 'member-fill', style: { width: `${Math.min(100, Number(s.percent))}%` } })),
        h('strong', { class: 'comp-split-percent' }, formatPercent(s.percent, getLocale()))))),
    splits.length === 1 ? h('p', { class: 'form-hint' }, t('comp.split.whole')) : null,
  );
}

/**
 * The split sheet: people and percentages, the sum shown as it is typed; the server has the
 * last word on the total (MISMATCH). Resolves the saved splits, or null when cancelled.
 */
export function editCreditSplit(deal: Pick<Deal, 'id' | 'title' | 'owner'>, splits: readonly CreditSplit[], tree: readonly TreeEntry[]): Promise<CreditSplit[] | null> {
  return new Promise((resolve) => {
    let result: CreditSplit[] | null = null;
    const sheet = openSheet({ testId: 'split-sheet', title: t('comp.split.title'), sub: deal.title, onClose: () => resolve(result) });
    const people = new Map<string, string>();
    for (const e of tree) if (e.node.kind === 'USER') people.set(e.node.id, e.node.name);
    for (const s of splits) if (!people.has(s.userId)) people.set(s.userId, s.userName);
    if (!people.has(deal.owner.id)) people.set(deal.owner.id, deal.owner.name);
    let rows: SplitRow[] = splits.map((s) => ({ userId: s.userId, percent: s.percent.replace(/\.0+$/, '') }));
    let errors = new FieldErrors('split-error');
    let saving = false;
    const total = h('p', { class: 'comp-split-total', 'data-testid': 'split-total', role: 'status', 'aria-live': 'polite' });
    const showTotal = () => {
      const sum = splitTotal(rows);
      const state = splitState(rows);
      total.dataset.state = state;
      total.dataset.total = sum;
      const gap = fromCents(toCents(sum) > 10000n ? toCents(sum) - 10000n : 10000n - toCents(sum));
      total.textContent = state === 'EXACT'
        ? t('comp.split.exact')
        : t(state === 'UNDER' ? 'comp.split.under' : 'comp.split.over', { total: formatPercent(sum, getLocale()), gap: formatPercent(gap, getLocale()) });
    };
    const list = h('ol', { class: 'comp-split-edit' });
    const form = h('form', { class: 'sheet-form', novalidate: true, onsubmit: (e: Event) => { e.preventDefault(); void save(rows); } });

    const render = (focusLast = false) => {
      errors = new FieldErrors('split-error');
      replace(list, rows.map((row, i) => {
        const who = h('select', { class: 'input', 'data-testid': 'split-person', 'aria-label': t('comp.split.person') },
          h('option', { value: '' }, t('comp.split.pick')),
          [...people].map(([id, name]) => h('option', { value: id }, name)));
        who.value = row.userId;
        who.addEventListener('change', () => (row.userId = who.value));
        const percent = h('input', { class: 'input', inputmode: 'decimal', value: row.percent, 'data-testid': 'split-percent', 'aria-label': t('comp.split.percent') });
        percent.addEventListener('input', () => {
          row.percent = percent.value;
          showTotal();
        });
        return h('li', { class: 'comp-split-edit-row' },
          h('div', { class: 'comp-rule-cell' }, who, errors.slot(`splits.${i}.userId`, who)),
          h('div', { class: 'comp-rule-cell' }, h('div', { class: 'comp-rule-input' }, percent, h('span', { class: 'comp-affix' }, '%')), errors.slot(`splits.${i}.percent`, percent)),
          h('button', { type: 'button', class: 'btn btn-ghost btn-small', 'aria-label': t('comp.removeRow'), title: t('comp.removeRow'), 'data-testid': 'split-remove',
            onclick: () => { rows = rows.filter((_, j) => j !== i); render(); } }, '×'));
      }));
      replace(form,
        list,
        h('button', { type: 'button', class: 'btn btn-ghost btn-small comp-split-add', 'data-testid': 'split-add',
          disabled: rows.length >= 10,
          onclick: () => {
            const left = 10000n - toCents(splitTotal(rows));
            rows.push({ userId: '', percent: left > 0n ? fromCents(left).replace(/\.00$/, '') : '' });
            render(true);
          } }, icon('plus'), t('comp.split.add')),
        total,
        errors.slot('splits'),
        errors.slot('dealId'),
        errors.summary,
        h('div', { class: 'sheet-actions comp-split-actions' },
          h('button', { type: 'button', class: 'btn btn-ghost', 'data-testid': 'split-reset', onclick: () => void save([]) }, t('comp.split.reset')),
          h('button', { type: 'button', class: 'btn btn-ghost', onclick: () => sheet.close() }, t('comp.cancel')),
          h('button', { type: 'submit', class: 'btn btn-primary', disabled: saving, 'data-testid': 'split-save' }, t(saving ? 'comp.saving' : 'comp.save'))),
      );
      showTotal();
      if (focusLast) list.querySelector<HTMLSelectElement>('li:last-child select')?.focus();
    };

    const save = async (chosen: SplitRow[]) => {
      if (saving) return;
      const problems: Problem[] = splitProblems(chosen);
      if (problems.length) {
        errors.show(problems);
        return;
      }
      saving = true;
      render();
      try {
        const { setCreditSplits } = await request<{ setCreditSplits: SplitsResult }>(SET_CREDIT_SPLITS_MUTATION, { dealId: deal.id, splits: splitInput(chosen) });
        saving = false;
        if (setCreditSplits.__typename === 'OperationError') {
          render();
          errors.show(setCreditSplits.errors.map((e) => (e.code === 'MISMATCH' ? { ...e, message: t('comp.split.mismatch') } : e)));
          return;
        }
        result = setCreditSplits.splits;
        sheet.close();
      } catch (failure) {
        saving = false;
        render();
        errors.message(failureMessage(failure));
      }
    };

    sheet.body.append(h('p', { class: 'form-hint' }, t('comp.split.hint')), form);
    render();
    sheet.body.querySelector<HTMLInputElement>('[data-testid="split-percent"]')?.focus();
  });
}

// ---------------------------------------------------------------- reversing a won deal

export type ReverseOutcome = { ok: true } | { ok: false; message: string; reload: boolean } | null;

/** Asks why, then reverses; resolves what happened (null when cancelled). */
export function reverseDeal(deal: Pick<Deal, 'id' | 'title' | 'version'>, retryIds: RetryIds): Promise<ReverseOutcome> {
  return new Promise((resolve) => {
    let outcome: ReverseOutcome = null;
    const sheet = openSheet({ testId: 'reverse-sheet', title: t('comp.reverse.title'), sub: deal.title, onClose: () => resolve(outcome) });
    const errors = new FieldErrors('reverse-error');
    const reason = h('textarea', { class: 'input textarea', rows: 3, maxlength: REASON_MAX, required: true, 'data-testid': 'reverse-reason', placeholder: t('comp.reverse.reasonHint') });
    const submit = h('button', { type: 'submit', class: 'btn btn-danger', 'data-testid': 'confirm-reverse' }, t('comp.reverse.confirm'));
    const slot = `reverse:${deal.id}`;
    sheet.body.append(
      h('p', { class: 'comp-warning' }, icon('alert'), t('comp.reverse.explain')),
      h('form', {
        class: 'sheet-form', novalidate: true,
        onsubmit: async (event: Event) => {
          event.preventDefault();
          errors.clear();
          const why = reason.value.trim();
          if (!why) {
            errors.show([{ field: 'reason', code: 'REQUIRED', message: t('comp.reasonRequired') }]);
            return;
          }
          const input = { id: deal.id, version: deal.version, reason: why };
          submit.disabled = true;
          try {
            const { reverseDeal: result } = await request<{ reverseDeal: DealResult }>(REVERSE_DEAL_MUTATION, { input: { ...input, clientId: retryIds.idFor(slot, input) } });
            retryIds.settle(slot);
            if (result.__typename === 'OperationError') {
              const clash = result.errors.find((e) => e.code === 'CONFLICT');
              if (clash) {
                outcome = { ok: false, message: fieldErrorMessage(clash), reload: true };
                sheet.close();
                return;
              }
              errors.show(result.errors);
              return;
            }
            outcome = { ok: true };
            sheet.close();
          } catch (failure) {
            if (!(failure instanceof NetworkError)) retryIds.settle(slot);
            errors.message(failure instanceof NetworkError ? t('comp.sendNetwork') : failureMessage(failure));
            submit.textContent = t('comp.retry');
          } finally {
            submit.disabled = false;
          }
        },
      },
      errors.field('comp.reverse.reason', reason, 'reason'),
      errors.slot('id'),
      errors.slot('dealId'),
      errors.summary,
      h('div', { class: 'sheet-actions' },
        h('button', { type: 'button', class: 'btn btn-ghost', 'data-testid': 'cancel-reverse', onclick: () => sheet.close() }, t('comp.cancel')),
        submit)),
    );
    reason.focus();
  });
}

// ---------------------------------------------------------------- refunds

export interface RefundTarget {
  id: string;
  amount: string;
  collectedAt: string;
  /** What it can still give back. */
  left: string;
}

/** Asks how much and why, then refunds; resolves true once done. */
export function refundPayment(payment: RefundTarget, currency: string, retryIds: RetryIds): Promise<boolean> {
  return new Promise((resolve) => {
    let done = false;
    const shown = (amount: string) => money(amount, currency);
    const sheet = openSheet({
      testId: 'refund-sheet', title: t('comp.refund.title'),
      sub: t('comp.refund.sub', { amount: shown(payment.amount), when: formatTime(payment.collectedAt, DAY), left: shown(payment.left) }),
      onClose: () => resolve(done),
    });
    const errors = new FieldErrors('refund-error');
    const today = isoDay(new Date());
    const paidOn = isoDay(new Date(payment.collectedAt));
    const amount = h('input', { class: 'input', inputmode: 'decimal', value: payment.left, required: true, 'data-testid': 'refund-amount' });
    const date = h('input', { class: 'input', type: 'date', value: today, min: paidOn, max: today, required: true, 'data-testid': 'refund-date' });
    const note = h('textarea', { class: 'input textarea', rows: 2, maxlength: REASON_MAX, required: true, 'data-testid': 'refund-reason', placeholder: t('comp.refund.reasonHint') });
    const submit = h('button', { type: 'submit', class: 'btn btn-danger', 'data-testid': 'confirm-refund' }, t('comp.refund.confirm'));
    const slot = `refund:${payment.id}`;
    sheet.body.append(
      h('form', {
        class: 'sheet-form', novalidate: true,
        onsubmit: async (event: Event) => {
          event.preventDefault();
          errors.clear();
          const problems: Problem[] = [];
          const value = refundAmount(amount.value, payment.left, shown(payment.left));
          if (typeof value !== 'string') problems.push(value);
          if (!date.value) problems.push({ field: 'refundedAt', code: 'REQUIRED', message: t('error.REQUIRED') });
          if (!note.value.trim()) problems.push({ field: 'note', code: 'REQUIRED', message: t('comp.reasonRequired') });
          if (problems.length || typeof value !== 'string') {
            errors.show(problems);
            return;
          }
          const signature = { paymentId: payment.id, amount: value, day: date.value, note: note.value.trim() };
          const clientId = retryIds.idFor(slot, signature);
          submit.disabled = true;
          try {
            const { refundPayment: result } = await request<{ refundPayment: OrderResult }>(REFUND_PAYMENT_MUTATION, {
              input: { clientId, paymentId: payment.id, amount: value, refundedAt: momentOn(date.value, new Date()), note: signature.note },
            });
            retryIds.settle(slot);
            if (result.__typename === 'OperationError') {
              errors.show(result.errors);
              return;
            }
            done = true;
            sheet.close();
          } catch (failure) {
            // No answer: the same refund keeps its clientId, so Retry cannot refund twice.
            if (!(failure instanceof NetworkError)) retryIds.settle(slot);
            errors.message(failure instanceof NetworkError ? t('comp.sendNetwork') : failureMessage(failure));
            submit.textContent = t('comp.retry');
          } finally {
            submit.disabled = false;
          }
        },
      },
      h('div', { class: 'form-row' }, errors.field('comp.refund.amount', amount, 'amount'), errors.field('comp.refund.date', date, 'refundedAt')),
      errors.field('comp.refund.reason', note, 'note'),
      errors.slot('paymentId'),
      errors.summary,
      h('div', { class: 'sheet-actions' },
        h('button', { type: 'button', class: 'btn btn-ghost', 'data-testid': 'cancel-refund', onclick: () => sheet.close() }, t('comp.cancel')),
        submit)),
    );
    amount.focus();
    amount.select();
  });
}

/** "¥1,200 refunded" under a payment that has had money given back. */
export function refundedNote(refunded: bigint, currency: string): string {
  return t('comp.refund.refunded', { amount: money(fromCents(refunded), currency) });
}
