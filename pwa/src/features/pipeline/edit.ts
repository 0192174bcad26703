// Editing a deal's own fields. The change is saved on the phone (the outbox) with the
// deal's `version`: if someone changed the deal meanwhile the server says which field
// when it is sent, and the rep decides on /sync instead of overwriting.
import '@/features/pipeline/pipeline.css';
import { FieldErrors } from '@/ui/form';
import { normalizeAmount } from '@/ui/money';
import type { Deal } from '@/graphql/types';
import { t } from '@/i18n';
import type { DealChanges } from '@/offline/db';
import { h } from '@/ui/dom';

/** Only what changed is sent: an unchanged field can never clash with someone else's edit. */
export function dealChanges(
  deal: Pick<Deal, 'title' | 'amount' | 'expectedClose' | 'probability'>,
  form: { title: string; amount: string | null; expectedClose: string; probability: number },
): DealChanges {
  const changes: DealChanges = {};
  if (form.title.trim() !== deal.title) changes.title = form.title.trim();
  if (form.amount !== null && Number(form.amount) !== Number(deal.amount)) changes.amount = form.amount;
  if (form.expectedClose && form.expectedClose !== deal.expectedClose) changes.expectedClose = form.expectedClose;
  if (form.probability !== deal.probability) changes.probability = form.probability;
  return changes;
}

/**
 * The edit form; `save` records the changes (on the phone), then `done(true)`;
 * `done(false)` on cancel or when nothing changed. What can be checked here is.
 */
export function editCard(deal: Deal, hasLines: boolean, save: (changes: DealChanges) => Promise<void>, done: (saved: boolean) => void): HTMLElement {
  const errors = new FieldErrors('edit-deal-error');
  const title = h('input', { class: 'input', value: deal.title, maxlength: 200, required: true, 'data-testid': 'edit-title' });
  const amount = h('input', { class: 'input', value: deal.amount, inputmode: 'decimal', disabled: hasLines, 'data-testid': 'edit-amount' });
  const close = h('input', { class: 'input', type: 'date', value: deal.expectedClose, 'data-testid': 'edit-close' });
  const probability = h('input', { class: 'input', type: 'number', min: 0, max: 100, value: deal.probability, 'data-testid': 'edit-probability' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'edit-save' }, t('pipeline.save'));
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
        const problems = [];
        if (changes.title !== undefined && !changes.title) problems.push({ field: 'title', code: 'REQUIRED' as const, message: '' });
        if (changes.probability !== undefined && !(Number.isInteger(changes.probability) && changes.probability >= 0 && changes.probability <= 100)) {
          problems.push({ field: 'probability', code: 'OUT_OF_RANGE' as const, message: '' });
        }
        if (problems.length) {
          errors.show(problems);
          return;
        }
        submit.disabled = true;
        try {
          await save(changes);
          done(true);
        } catch {
          errors.message(t('field.storageError'));
        } finally {
          submit.disabled = false;
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
      submit),
  );
  return form;
}
