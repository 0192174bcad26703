// Editing a deal's own fields. The deal's `version` goes with the write: if someone changed
// the deal meanwhile the server says which field, and the screen reloads instead of overwriting.
import { FieldErrors } from '@/features/pipeline/form';
import { normalizeAmount, RetryIds } from '@/features/pipeline/logic';
import { NetworkError, request } from '@/graphql/client';
import { UPDATE_DEAL_MUTATION } from '@/graphql/documents';
import { failureMessage, fieldErrorMessage } from '@/graphql/errors';
import type { Deal, OperationError } from '@/graphql/types';
import { t } from '@/i18n';
import { h } from '@/ui/dom';

type UpdateResult = { updateDeal: { __typename: 'DealSuccess' } | OperationError };

/** Only what changed is sent: an unchanged field can never clash with someone else's edit. */
export function dealChanges(
  deal: Pick<Deal, 'title' | 'amount' | 'expectedClose' | 'probability'>,
  form: { title: string; amount: string | null; expectedClose: string; probability: number },
): Record<string, string | number> {
  const changes: Record<string, string | number> = {};
  if (form.title.trim() !== deal.title) changes.title = form.title.trim();
  if (form.amount !== null && Number(form.amount) !== Number(deal.amount)) changes.amount = form.amount;
  if (form.expectedClose && form.expectedClose !== deal.expectedClose) changes.expectedClose = form.expectedClose;
  if (form.probability !== deal.probability) changes.probability = form.probability;
  return changes;
}

const retries = new RetryIds();

/** The edit form; `done(true)` after a save, `done(false)` on cancel; `conflict` with the server's words when the deal moved on. */
export function editCard(deal: Deal, hasLines: boolean, done: (saved: boolean) => void, conflict: (message: string) => void): HTMLElement {
  const errors = new FieldErrors('edit-deal-error');
  const title = h('input', { class: 'input', value: deal.title, maxlength: 200, required: true, 'data-testid': 'edit-title' });
  const amount = h('input', { class: 'input', value: deal.amount, inputmode: 'decimal', disabled: hasLines, 'data-testid': 'edit-amount' });
  const close = h('input', { class: 'input', type: 'date', value: deal.expectedClose, 'data-testid': 'edit-close' });
  const probability = h('input', { class: 'input', type: 'number', min: 0, max: 100, value: deal.probability, 'data-testid': 'edit-probability' });
  const save = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'edit-save' }, t('pipeline.save'));
  const form = h(
    'form',
    {
      class: 'card deal-section edit-form',
      'data-testid': 'edit-deal-form',
      onsubmit: async (event: Event) => {
        event.preventDefault();
        const parsed = hasLines ? null : normalizeAmount(amount.value);
        if (!hasLines && parsed === null) {
          errors.show([{ field: 'amount', code: 'INVALID', message: t('error.INVALID') }]);
          return;
        }
        const changes = dealChanges(deal, { title: title.value, amount: parsed, expectedClose: close.value, probability: Number(probability.value) });
        if (Object.keys(changes).length === 0) {
          done(false);
          return;
        }
        const input = { id: deal.id, version: deal.version, ...changes };
        save.disabled = true;
        try {
          const { updateDeal } = await request<UpdateResult>(UPDATE_DEAL_MUTATION, { input: { ...input, clientId: retries.idFor(`edit:${deal.id}`, input) } });
          retries.settle(`edit:${deal.id}`);
          if (updateDeal.__typename === 'OperationError') {
            const clash = updateDeal.errors.find((e) => e.code === 'CONFLICT');
            // A conflict is not the form's fault: the deal is re-read and the form closes with the reason.
            if (clash) conflict(fieldErrorMessage(clash));
            else errors.show(updateDeal.errors);
            return;
          }
          done(true);
        } catch (failure) {
          if (!(failure instanceof NetworkError)) retries.settle(`edit:${deal.id}`);
          errors.message(failureMessage(failure));
        } finally {
          save.disabled = false;
        }
      },
    },
    h('h2', { class: 'card-title' }, t('pipeline.editDeal')),
    errors.field('pipeline.dealTitle', title, 'title'),
    errors.field('pipeline.amount', amount, 'amount', hasLines ? h('p', { class: 'form-hint' }, t('pipeline.amountFromLines')) : null),
    errors.field('pipeline.expectedClose', close, 'expectedClose'),
    errors.field('pipeline.probabilityLabel', probability, 'probability'),
    errors.summary,
    h('div', { class: 'form-actions' },
      h('button', { type: 'button', class: 'btn', onclick: () => done(false) }, t('pipeline.cancel')),
      save),
  );
  return form;
}
