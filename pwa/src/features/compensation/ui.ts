// Pieces the compensation screens share: money in the UI language, a month picker, status
// chips, a bottom sheet, and the way in from the team screen.
import '@/features/compensation/compensation.css';
import { REPLY_DISPUTE_MUTATION, type Dispute, type DisputeResult, type StatementStatus } from '@/features/compensation/documents';
import { shiftMonth } from '@/features/compensation/logic';
import { formatMoney } from '@/ui/money';
import { type RetryIds } from '@/ui/ids';
import { NetworkError, request } from '@/graphql/client';
import { failureMessage, fieldErrorMessage } from '@/graphql/errors';
import { getLocale, t } from '@/i18n';
import { h, type Child, type Texts, tx } from '@/ui/dom';
import { icon } from '@/ui/icons';

export function money(amount: string, currency: string, compact = false): string {
  return formatMoney(amount, currency, getLocale(), compact);
}

export function statusChip(status: StatementStatus): HTMLElement {
  return h(
    'span',
    { class: `comp-chip status-${status.toLowerCase()}`, 'data-testid': 'statement-status', 'data-status': status },
    t(status === 'APPROVED' ? 'comp.status.APPROVED' : 'comp.status.OPEN'),
  );
}

/** ‹ month › around a native month input; `max` keeps the future out. */
export function monthPicker(opts: { value: string; max: string; testId: string; onChange: (month: string) => void }): HTMLElement {
  const input = h('input', {
    type: 'month', class: 'input comp-month-input', value: opts.value, max: opts.max, required: true,
    'data-testid': opts.testId, 'aria-label': t('comp.month'),
    onchange: () => {
      if (/^\d{4}-\d{2}$/.test(input.value) && input.value <= opts.max) opts.onChange(input.value);
    },
  });
  const step = (by: -1 | 1, label: string, testId: string) =>
    h('button', {
      type: 'button', class: 'btn btn-ghost btn-small comp-month-step', 'aria-label': label, title: label, 'data-testid': testId,
      disabled: by > 0 && opts.value >= opts.max,
      onclick: () => opts.onChange(shiftMonth(opts.value, by)),
    }, icon('chevron', by < 0 ? 'icon flip' : 'icon'));
  return h(
    'div',
    { class: 'comp-month' },
    step(-1, t('comp.monthPrev'), 'month-prev'),
    input,
    step(1, t('comp.monthNext'), 'month-next'),
  );
}

export interface Sheet {
  dialog: HTMLDialogElement;
  body: HTMLElement;
  close(): void;
}

/** A bottom sheet on phones, a dialog on wide screens (as the Move sheet); Escape and the backdrop close it. */
export function openSheet(opts: { testId: string; title: string; sub?: string; wide?: boolean; onClose?: () => void }): Sheet {
  const id = `${opts.testId}-title`;
  const body = h('div', { class: 'sheet-body' },
    h('span', { class: 'sheet-grabber', 'aria-hidden': 'true' }),
    h('h2', { class: 'sheet-title', id }, opts.title),
    opts.sub ? h('p', { class: 'sheet-sub' }, opts.sub) : null,
  );
  const dialog = h('dialog', { class: `sheet comp-sheet${opts.wide ? ' is-wide' : ''}`, 'data-testid': opts.testId, 'aria-labelledby': id }, body);
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    dialog.close();
    dialog.remove();
    opts.onClose?.();
  };
  dialog.addEventListener('cancel', (event) => {
    event.preventDefault();
    close();
  });
  dialog.addEventListener('click', (event) => {
    if (event.target === dialog) close();
  });
  document.body.append(dialog);
  dialog.showModal();
  return { dialog, body, close };
}

/** A labelled figure: "Payable ¥2,400". */
export function figure(label: string, value: Child, opts: { testId?: string; big?: boolean; raw?: string } = {}): HTMLElement {
  return h(
    'div',
    { class: `comp-figure${opts.big ? ' is-big' : ''}` },
    h('dt', null, label),
    h('dd', { 'data-testid': opts.testId, 'data-value': opts.raw }, value),
  );
}

/** A reply to a dispute, sent once: a retry after a lost answer reuses the clientId. */
export async function sendDisputeReply(
  disputeId: string, message: string, retryIds: RetryIds,
): Promise<{ dispute: Dispute } | { problem: string } | { failure: string }> {
  const slot = `reply:${disputeId}`;
  try {
    const { replyDispute } = await request<{ replyDispute: DisputeResult }>(REPLY_DISPUTE_MUTATION, {
      disputeId, message, clientId: retryIds.idFor(slot, message),
    });
    retryIds.settle(slot);
    if (replyDispute.__typename === 'OperationError') return { problem: replyDispute.errors.map(fieldErrorMessage).join(' ') };
    return { dispute: replyDispute.dispute };
  } catch (failure) {
    if (!(failure instanceof NetworkError)) retryIds.settle(slot);
    return { failure: failure instanceof NetworkError ? t('comp.sendNetwork') : failureMessage(failure) };
  }
}
