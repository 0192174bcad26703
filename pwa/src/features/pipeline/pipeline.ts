// My pipeline: one column per stage; a deal moves by dragging its card or with the Move sheet.
// The move shows at once and goes back if the server refuses it.
import type { Screen } from '@/app/screen';
import { applyMove, formatMoney, needsReason, newClientId, settleDeal } from '@/features/pipeline/logic';
import { request } from '@/graphql/client';
import { MOVE_DEAL_MUTATION, PIPELINE_QUERY } from '@/graphql/documents';
import { failureMessage, fieldErrorMessage } from '@/graphql/errors';
import type { Deal, DealSuccess, OperationError, PipelineColumn, Stage } from '@/graphql/types';
import { formatTime, getLocale, t } from '@/i18n';
import { h, replace, Texts, tx } from '@/ui/dom';

type MoveResult = { moveDeal: DealSuccess | OperationError };

/** Asks which stage (and, for won or lost, why); resolves null when cancelled. */
function chooseStage(deal: Deal, stages: Stage[], preset?: Stage): Promise<{ stage: Stage; reason: string } | null> {
  return new Promise((resolve) => {
    const dialog = h('dialog', { class: 'sheet', 'data-testid': 'move-sheet' });
    const finish = (value: { stage: Stage; reason: string } | null) => {
      dialog.close();
      dialog.remove();
      resolve(value);
    };
    const askReason = (stage: Stage) => {
      const reason = h('textarea', { class: 'input', rows: 3, maxlength: 500, required: true, 'data-testid': 'close-reason' });
      const error = h('p', { class: 'form-error', role: 'alert', hidden: true }, t('error.REQUIRED'));
      replace(
        dialog,
        h('h2', { class: 'sheet-title' }, t(stage.outcome === 'WON' ? 'pipeline.reasonWon' : 'pipeline.reasonLost')),
        reason,
        error,
        h(
          'div',
          { class: 'sheet-actions' },
          h('button', { type: 'button', class: 'btn', onclick: () => finish(null) }, t('pipeline.cancel')),
          h(
            'button',
            {
              type: 'button',
              class: 'btn btn-primary',
              'data-testid': 'confirm-move',
              onclick: () => {
                if (!reason.value.trim()) {
                  error.hidden = false;
                  reason.focus();
                  return;
                }
                finish({ stage, reason: reason.value.trim() });
              },
            },
            t('pipeline.confirm'),
          ),
        ),
      );
      reason.focus();
    };
    const pick = (stage: Stage) => (needsReason(stage) ? askReason(stage) : finish({ stage, reason: '' }));
    dialog.append(
      h('h2', { class: 'sheet-title' }, t('pipeline.moveTo', { title: deal.title })),
      h(
        'div',
        { class: 'sheet-options' },
        stages.map((stage) =>
          h(
            'button',
            {
              type: 'button',
              class: `sheet-option outcome-${stage.outcome.toLowerCase()}`,
              disabled: stage.id === deal.stage.id,
              'data-testid': 'stage-option',
              'data-stage-key': stage.key,
              onclick: () => pick(stage),
            },
            stage.name,
          ),
        ),
      ),
      h('div', { class: 'sheet-actions' }, h('button', { type: 'button', class: 'btn', onclick: () => finish(null) }, t('pipeline.cancel'))),
    );
    dialog.addEventListener('cancel', (event) => {
      event.preventDefault();
      finish(null);
    });
    document.body.append(dialog);
    dialog.showModal();
    if (preset) pick(preset);
  });
}

export const pipelineScreen: Screen = (root, { location }) => {
  const texts = new Texts();
  const ownerId = location.params.get('owner');
  let columns: PipelineColumn[] = [];
  const board = h('div', { class: 'pipeline-board', 'data-testid': 'pipeline-board' });
  const notice = h('p', { class: 'pipeline-notice', role: 'status', 'aria-live': 'polite', 'data-testid': 'pipeline-notice', hidden: true });
  const error = h('p', { class: 'form-error', role: 'alert', 'data-testid': 'pipeline-error', hidden: true });
  let dragged: string | null = null;

  const say = (el: HTMLElement, text: string | null) => {
    el.hidden = !text;
    el.textContent = text ?? '';
  };

  const card = (deal: Deal) => {
    const locale = getLocale();
    return h(
      'article',
      {
        class: `deal-card status-${deal.status.toLowerCase()}`,
        draggable: deal.status === 'OPEN',
        'data-testid': 'deal-card',
        'data-deal-id': deal.id,
        ondragstart: (event: DragEvent) => {
          dragged = deal.id;
          event.dataTransfer?.setData('text/plain', deal.id);
        },
        ondragend: () => (dragged = null),
      },
      h('a', { class: 'deal-title', href: `/deal?id=${encodeURIComponent(deal.id)}` }, deal.title),
      h('p', { class: 'deal-customer' }, deal.customer.name),
      h(
        'p',
        { class: 'deal-meta' },
        h('strong', { class: 'deal-amount', 'data-testid': 'deal-amount' }, formatMoney(deal.amount, deal.currency, locale)),
        h('span', null, deal.status === 'OPEN' ? t('pipeline.probability', { p: deal.probability }) : t(`pipeline.status.${deal.status}`)),
      ),
      deal.status === 'OPEN'
        ? h(
            'div',
            { class: 'deal-foot' },
            h('span', { class: 'deal-close' }, t('pipeline.closes', { date: formatTime(`${deal.expectedClose}T12:00:00Z`, { month: 'short', day: 'numeric' }) })),
            h('button', { type: 'button', class: 'btn btn-small', 'data-testid': 'move-deal', onclick: () => void move(deal) }, t('pipeline.move')),
          )
        : h('p', { class: 'deal-close' }, deal.closeReason),
    );
  };

  const render = () => {
    const locale = getLocale();
    replace(
      board,
      columns.map((column) =>
        h(
          'section',
          {
            class: `pipeline-column outcome-${column.stage.outcome.toLowerCase()}`,
            'data-testid': 'pipeline-column',
            'data-stage-key': column.stage.key,
            ondragover: (event: DragEvent) => {
              if (dragged) event.preventDefault();
            },
            ondrop: (event: DragEvent) => {
              event.preventDefault();
              const deal = columns.flatMap((c) => c.deals).find((d) => d.id === dragged);
              if (deal && deal.stage.id !== column.stage.id) void move(deal, column.stage);
            },
          },
          h(
            'header',
            { class: 'column-head' },
            h('h2', { class: 'column-title' }, column.stage.name),
            h('span', { class: 'column-count' }, String(column.count)),
            h('span', { class: 'column-amount' }, formatMoney(column.amount, column.deals[0]?.currency ?? 'CNY', locale, true)),
          ),
          column.deals.length ? column.deals.map(card) : h('p', { class: 'empty' }, t('pipeline.empty')),
        ),
      ),
    );
  };

  const move = async (deal: Deal, target?: Stage) => {
    const stages = columns.map((c) => c.stage);
    const choice = await chooseStage(deal, stages, target);
    if (!choice) return;
    const before = columns;
    columns = applyMove(columns, deal.id, choice.stage);
    render();
    say(error, null);
    const clientId = newClientId();
    try {
      const { moveDeal } = await request<MoveResult>(MOVE_DEAL_MUTATION, {
        input: { id: deal.id, version: deal.version, stageId: choice.stage.id, reason: choice.reason, clientId },
      });
      if (moveDeal.__typename === 'OperationError') {
        columns = before;
        render();
        const first = moveDeal.errors[0];
        say(error, first ? fieldErrorMessage(first) : t('error.unknown'));
        if (first?.code === 'CONFLICT') void load();
        return;
      }
      columns = settleDeal(columns, moveDeal.deal);
      render();
      say(notice, moveDeal.pointsAwarded > 0 ? t('pipeline.wonToast', { points: moveDeal.pointsAwarded }) : t('pipeline.moved', { stage: choice.stage.name }));
    } catch (failure) {
      columns = before;
      render();
      say(error, failureMessage(failure));
    }
  };

  const load = async () => {
    try {
      columns = (await request<{ pipeline: PipelineColumn[] }>(PIPELINE_QUERY, { ownerId })).pipeline;
      render();
    } catch (failure) {
      say(error, failureMessage(failure));
    }
  };

  texts.on(() => void load());
  root.append(
    h(
      'section',
      { class: 'page pipeline-page' },
      h('header', { class: 'page-head' }, tx(texts, 'h1', 'pipeline.title', { class: 'page-title' })),
      error,
      notice,
      board,
    ),
  );
  void load();
  return () => texts.dispose();
};
