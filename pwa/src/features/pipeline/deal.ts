// One deal: products, stage history with dwell times, orders and collections, activities.
import type { Screen } from '@/app/screen';
import { formatDwell, formatMoney, newClientId } from '@/features/pipeline/logic';
import { request } from '@/graphql/client';
import { DEAL_QUERY, LOG_ACTIVITY_MUTATION, RECORD_ORDER_MUTATION, RECORD_PAYMENT_MUTATION } from '@/graphql/documents';
import { failureMessage, fieldErrorMessage } from '@/graphql/errors';
import {
  ACTIVITY_KINDS,
  ACTIVITY_OUTCOMES,
  type DealDetail,
  type OperationError,
} from '@/graphql/types';
import { formatTime, getLocale, t, type MessageKey } from '@/i18n';
import { h, replace, Texts } from '@/ui/dom';
import { icon } from '@/ui/icons';

type Outcome = { __typename: string } | OperationError;

/** A small form whose submit keeps one clientId until it succeeds, so a retry is never a duplicate. */
function form(
  title: MessageKey,
  fields: HTMLElement[],
  submit: (clientId: string) => Promise<Outcome>,
  done: () => void,
  testId: string,
): HTMLElement {
  let clientId = newClientId();
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const button = h('button', { type: 'submit', class: 'btn btn-primary' }, t('pipeline.save'));
  const el = h(
    'form',
    {
      class: 'inline-form',
      'data-testid': testId,
      onsubmit: async (event: Event) => {
        event.preventDefault();
        button.disabled = true;
        error.hidden = true;
        try {
          const result = await submit(clientId);
          if (result.__typename === 'OperationError') {
            error.textContent = (result as OperationError).errors.map(fieldErrorMessage).join(' ');
            error.hidden = false;
          } else {
            clientId = newClientId();
            done();
          }
        } catch (failure) {
          error.textContent = failureMessage(failure);
          error.hidden = false;
        } finally {
          button.disabled = false;
        }
      },
    },
    h('h3', { class: 'form-title' }, t(title)),
    fields,
    error,
    button,
  );
  return el;
}

function field(label: MessageKey, control: HTMLElement): HTMLElement {
  return h('label', { class: 'field' }, h('span', { class: 'field-label' }, t(label)), control);
}

export const dealScreen: Screen = (root, { location }) => {
  const texts = new Texts();
  const id = location.params.get('id') ?? '';
  const page = h('section', { class: 'page deal-page' });
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });

  const render = (detail: DealDetail) => {
    const locale = getLocale();
    const { deal } = detail;
    const money = (amount: string) => formatMoney(amount, deal.currency, locale);
    const activityForm = () => {
      const kind = h('select', { class: 'input', name: 'kind' }, ACTIVITY_KINDS.map((k) => h('option', { value: k }, t(`pipeline.kind.${k}`))));
      const outcome = h('select', { class: 'input', name: 'outcome' }, ACTIVITY_OUTCOMES.map((o) => h('option', { value: o }, t(`pipeline.outcome.${o}`))));
      const note = h('textarea', { class: 'input', rows: 2, maxlength: 2000 });
      return form(
        'pipeline.logActivity',
        [field('pipeline.kind', kind), field('pipeline.outcome', outcome), field('pipeline.note', note)],
        async (clientId) =>
          (await request<{ logActivity: Outcome }>(LOG_ACTIVITY_MUTATION, {
            input: { clientId, dealId: deal.id, kind: kind.value, outcome: outcome.value, note: note.value, occurredAt: new Date().toISOString() },
          })).logActivity,
        () => void load(),
        'activity-form',
      );
    };
    const moneyForm = () => {
      const amount = h('input', { class: 'input', inputmode: 'decimal', required: true, 'data-testid': 'money-amount' });
      const order = detail.orders.find((o) => Number(o.outstanding) > 0);
      if (!order) {
        const number = h('input', { class: 'input', required: true, maxlength: 40 });
        return form(
          'pipeline.recordOrder',
          [field('pipeline.orderNumber', number), field('pipeline.amount', amount)],
          async (clientId) =>
            (await request<{ recordOrder: Outcome }>(RECORD_ORDER_MUTATION, {
              input: { clientId, dealId: deal.id, number: number.value, amount: amount.value.trim(), orderedAt: new Date().toISOString() },
            })).recordOrder,
          () => void load(),
          'order-form',
        );
      }
      amount.value = order.outstanding;
      return form(
        'pipeline.recordPayment',
        [field('pipeline.amount', amount)],
        async (clientId) =>
          (await request<{ recordPayment: Outcome }>(RECORD_PAYMENT_MUTATION, {
            input: { clientId, orderId: order.id, amount: amount.value.trim(), collectedAt: new Date().toISOString() },
          })).recordPayment,
        () => void load(),
        'payment-form',
      );
    };
    const owes = detail.orders.reduce((n, o) => n + Number(o.outstanding), 0) > 0 || detail.orders.length === 0;
    replace(
      page,
      h('a', { class: 'back-link', href: '/deals' }, icon('chevron', 'icon flip'), t('pipeline.back')),
      error,
      h(
        'header',
        { class: 'card deal-head' },
        h('h1', { class: 'page-title' }, deal.title),
        h('p', { class: 'deal-customer' }, deal.customer.name, ' · ', t('pipeline.owner'), ' ', deal.owner.name),
        h('p', { class: 'deal-big-amount', 'data-testid': 'deal-amount' }, money(deal.amount)),
        h('p', { class: `stage-pill outcome-${deal.stage.outcome.toLowerCase()}` }, deal.stage.name, ' · ', `${deal.probability}%`),
        deal.closeReason ? h('p', { class: 'deal-close' }, deal.closeReason) : null,
      ),
      detail.lines.length
        ? h(
            'section',
            { class: 'card' },
            h('h2', { class: 'card-title' }, t('pipeline.lines')),
            h('ul', { class: 'line-list' }, detail.lines.map((l) => h('li', null, h('span', null, `${l.product.name} × ${Number(l.quantity)}`), h('span', null, money(l.total))))),
          )
        : null,
      h(
        'section',
        { class: 'card' },
        h('h2', { class: 'card-title' }, t('pipeline.history')),
        h(
          'ol',
          { class: 'timeline', 'data-testid': 'stage-history' },
          detail.history.map((stay) =>
            h(
              'li',
              { class: `timeline-item outcome-${stay.stage.outcome.toLowerCase()}` },
              h('strong', null, stay.stage.name),
              h('time', { datetime: stay.enteredAt }, formatTime(stay.enteredAt, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' })),
              stay.seconds !== null ? h('span', { class: 'dwell' }, t('pipeline.inStage', { time: formatDwell(stay.seconds, locale) }), stay.leftAt ? '' : ` · ${t('pipeline.current')}`) : null,
            ),
          ),
        ),
      ),
      deal.status === 'WON'
        ? h(
            'section',
            { class: 'card' },
            h('h2', { class: 'card-title' }, t('pipeline.orders')),
            detail.orders.length
              ? detail.orders.map((o) =>
                  h(
                    'div',
                    { class: 'order', 'data-testid': 'order' },
                    h('p', null, h('strong', null, o.number), ' · ', t('pipeline.collected', { collected: money(o.collected), amount: money(o.amount) })),
                    h('div', { class: 'progress', role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': Math.round(Number(o.collectedShare) * 100) },
                      h('div', { class: 'progress-fill', style: `width:${Math.round(Number(o.collectedShare) * 100)}%` })),
                  ),
                )
              : h('p', { class: 'empty' }, t('pipeline.noOrders')),
            detail.canEdit && owes ? moneyForm() : null,
          )
        : null,
      h(
        'section',
        { class: 'card' },
        h('h2', { class: 'card-title' }, t('pipeline.activities')),
        detail.activities.length
          ? h('ul', { class: 'activity-list' }, detail.activities.map((a) =>
              h('li', null, h('strong', null, t(`pipeline.kind.${a.kind}`)), ' · ', t(`pipeline.outcome.${a.outcome}`), ' · ',
                h('time', { datetime: a.occurredAt }, formatTime(a.occurredAt, { month: 'short', day: 'numeric' })),
                a.note ? h('p', { class: 'activity-note' }, a.note) : null)))
          : h('p', { class: 'empty' }, t('pipeline.noActivities')),
        activityForm(),
      ),
    );
  };

  let last: DealDetail | null = null;
  const load = async () => {
    try {
      last = (await request<{ deal: DealDetail }>(DEAL_QUERY, { id })).deal;
      error.hidden = true;
      render(last);
    } catch (failure) {
      error.textContent = failureMessage(failure);
      error.hidden = false;
      if (!last) replace(page, h('a', { class: 'back-link', href: '/deals' }, t('pipeline.back')), error);
    }
  };
  texts.on(() => last && render(last));
  root.append(page);
  void load();
  return () => texts.dispose();
};
