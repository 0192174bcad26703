// The Move sheet: the stages to pick from, then, for won or lost, why. A bottom sheet
// on phones, a dialog on wider screens; cancelling changes nothing.
import '@/features/pipeline/pipeline.css';
import { needsReason } from '@/features/pipeline/logic';
import type { Deal, Stage } from '@/graphql/types';
import { formatNumber, t } from '@/i18n';
import { h, replace } from '@/ui/dom';
import { icon } from '@/ui/icons';

export const REASON_MAX = 500;

export interface StageChoice {
  stage: Stage;
  reason: string;
}

/**
 * Asks where `deal` goes (or only why, when `preset` is a won or lost stage, as after
 * a drag). Resolves null when cancelled: with the close button, Escape or the backdrop.
 */
export function chooseStage(deal: Deal, stages: readonly Stage[], preset?: Stage): Promise<StageChoice | null> {
  return new Promise((resolve) => {
    const body = h('div', { class: 'sheet-body' });
    const dialog = h('dialog', { class: 'sheet', 'data-testid': 'move-sheet', 'aria-labelledby': 'move-sheet-title' }, body);
    let settled = false;
    const finish = (value: StageChoice | null) => {
      if (settled) return;
      settled = true;
      dialog.close();
      dialog.remove();
      resolve(value);
    };
    const cancelButton = () =>
      h('button', { type: 'button', class: 'btn btn-ghost', 'data-testid': 'cancel-move', onclick: () => finish(null) }, t('pipeline.cancel'));
    const backButton = () =>
      h('button', { type: 'button', class: 'btn btn-ghost', 'data-testid': 'sheet-back', onclick: () => pickStage() }, t('pipeline.otherStage'));
    const head = (title: string, sub: string) => [
      h('span', { class: 'sheet-grabber', 'aria-hidden': 'true' }),
      h('h2', { class: 'sheet-title', id: 'move-sheet-title' }, title),
      h('p', { class: 'sheet-sub' }, sub),
    ];

    const askReason = (stage: Stage) => {
      const won = stage.outcome === 'WON';
      const reason = h('textarea', {
        id: 'close-reason',
        class: 'input textarea',
        rows: 3,
        maxlength: REASON_MAX,
        required: true,
        'aria-required': 'true',
        'data-testid': 'close-reason',
        placeholder: t(won ? 'pipeline.reasonWonHint' : 'pipeline.reasonLostHint'),
      });
      const counter = h('span', { class: 'counter' }, t('pipeline.count', { count: 0, max: formatNumber(REASON_MAX) }));
      const error = h('p', { class: 'field-error', id: 'close-reason-error', role: 'alert', hidden: true }, t('pipeline.reasonRequired'));
      reason.addEventListener('input', () => {
        counter.textContent = t('pipeline.count', { count: formatNumber([...reason.value].length), max: formatNumber(REASON_MAX) });
        if (reason.value.trim()) {
          error.hidden = true;
          reason.removeAttribute('aria-invalid');
        }
      });
      const confirm = () => {
        if (!reason.value.trim()) {
          error.hidden = false;
          reason.setAttribute('aria-invalid', 'true');
          reason.setAttribute('aria-describedby', 'close-reason-error');
          reason.focus();
          return;
        }
        finish({ stage, reason: reason.value.trim() });
      };
      replace(
        body,
        head(t(won ? 'pipeline.reasonWon' : 'pipeline.reasonLost'), t('pipeline.movingTo', { title: deal.title, stage: stage.name })),
        h(
          'form',
          {
            class: 'sheet-form',
            novalidate: true,
            onsubmit: (event: Event) => {
              event.preventDefault();
              confirm();
            },
          },
          h('div', { class: 'label-row' }, h('label', { class: 'label', for: 'close-reason' }, t('pipeline.reason')), counter),
          reason,
          error,
          h(
            'div',
            { class: 'sheet-actions' },
            // After a drag the stage is already chosen: only cancel; from the list, pick another.
            preset ? cancelButton() : backButton(),
            h(
              'button',
              { type: 'submit', class: `btn ${won ? 'btn-primary' : 'btn-danger'}`, 'data-testid': 'confirm-move' },
              t(won ? 'pipeline.confirmWon' : 'pipeline.confirmLost'),
            ),
          ),
        ),
      );
      reason.focus();
    };

    const pickStage = () => {
      replace(
        body,
        head(t('pipeline.moveTitle'), deal.title),
        h(
          'ul',
          { class: 'sheet-options', role: 'list' },
          stages.map((stage) => {
            const current = stage.id === deal.stage.id;
            return h(
              'li',
              null,
              h(
                'button',
                {
                  type: 'button',
                  class: `sheet-option outcome-${stage.outcome.toLowerCase()}`,
                  disabled: current,
                  'aria-current': current ? 'true' : null,
                  'data-testid': 'stage-option',
                  'data-stage-key': stage.key,
                  onclick: () => (needsReason(stage) ? askReason(stage) : finish({ stage, reason: '' })),
                },
                h('span', { class: 'stage-dot', 'aria-hidden': 'true' }),
                h('span', { class: 'sheet-option-name' }, stage.name),
                current
                  ? h('span', { class: 'sheet-option-tag' }, t('pipeline.currentStage'))
                  : stage.outcome === 'OPEN'
                    ? h('span', { class: 'sheet-option-meta' }, t('pipeline.probability', { p: stage.probability }))
                    : icon('chevron', 'icon sheet-option-go'),
              ),
            );
          }),
        ),
        h('div', { class: 'sheet-actions' }, cancelButton()),
      );
      body.querySelector<HTMLButtonElement>('.sheet-option:not(:disabled)')?.focus();
    };

    dialog.addEventListener('cancel', (event) => {
      event.preventDefault();
      finish(null);
    });
    // A click on the dialog itself (not its body) is a click on the backdrop.
    dialog.addEventListener('click', (event) => {
      if (event.target === dialog) finish(null);
    });
    document.body.append(dialog);
    dialog.showModal();
    if (preset && needsReason(preset)) askReason(preset);
    else pickStage();
  });
}
