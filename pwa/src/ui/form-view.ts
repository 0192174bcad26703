// Form pieces for screens drawn with lit-html (ui/view.ts): a labelled field with its error line, and
// the errors of an OperationError placed by field (ui/form.ts errorSlots), the rest in a summary.
import { html, nothing, type TemplateResult } from 'lit-html';
import type { FieldError } from '@/graphql/types';
import { errorSlots } from '@/ui/form';

export interface PlacedErrors {
  bySlot: Record<string, string[]>;
  rest: string[];
}

export const NO_ERRORS: PlacedErrors = { bySlot: {}, rest: [] };

export function placeErrors(errors: ReadonlyArray<Pick<FieldError, 'field' | 'code' | 'message'>>, slots: readonly string[]): PlacedErrors {
  return errorSlots(errors, slots);
}

/** A whole-form message (a failed request), in the same shape. */
export function formMessage(message: string): PlacedErrors {
  return { bySlot: {}, rest: [message] };
}

/** Label, control and the slot's error line; `id` ties the label to the control. */
export function field(id: string, label: string, control: TemplateResult, slot: string, errors: PlacedErrors, hint?: string): TemplateResult {
  const messages = errors.bySlot[slot];
  return html`<div class="field">
    <label class="label" for=${id}>${label}</label>
    ${control}
    ${hint ? html`<p class="form-hint">${hint}</p>` : nothing}
    ${messages ? html`<p class="field-error" data-testid="field-error" data-field=${slot}>${messages.join(' ')}</p>` : nothing}
  </div>`;
}

export function errorSummary(errors: PlacedErrors, testId: string): TemplateResult | typeof nothing {
  return errors.rest.length
    ? html`<div class="form-error error-summary" role="alert" data-testid=${testId}>${errors.rest.map((line) => html`<p>${line}</p>`)}</div>`
    : nothing;
}

export function invalid(errors: PlacedErrors, slot: string): 'true' | typeof nothing {
  return errors.bySlot[slot] ? 'true' : nothing;
}
