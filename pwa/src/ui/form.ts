// Form pieces shared by every screen's forms: a labelled field with its own error
// line, and the server's OperationError placed next to the fields it names.
import { fieldErrorMessage } from '@/graphql/errors';
import type { FieldError } from '@/graphql/types';
import { t, type MessageKey } from '@/i18n';
import { h, replace, type Texts } from '@/ui/dom';
import { icon } from '@/ui/icons';

type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

let nextId = 0;

/** Errors shown where they belong; the ones without a field go to the summary. */
export class FieldErrors {
  readonly summary: HTMLElement;
  private readonly slots = new Map<string, { error: HTMLElement; control: Control | null }>();
  /** The summary only points at the fields: it goes once they are all fixed. */
  private pointing = false;

  /** With `texts`, labels follow a language switch without rebuilding the form. */
  constructor(testId: string, private readonly texts?: Texts) {
    this.summary = h('div', { class: 'form-error error-summary', role: 'alert', 'data-testid': testId, hidden: true });
  }

  /** A label, the control and an error line under it; `slot` is the API's field name. */
  field(label: MessageKey, control: Control, slot: string, extra?: Node | null): HTMLElement {
    control.id ||= `pf-${++nextId}`;
    const error = this.slot(slot, control);
    return h(
      'div',
      { class: 'field' },
      this.texts ? this.texts.text(h('label', { class: 'label', for: control.id }), label) : h('label', { class: 'label', for: control.id }, t(label)),
      control,
      extra ?? null,
      error,
    );
  }

  /** An error line for a slot that is not a single control (a list, a line of a table). */
  slot(slot: string, control: Control | null = null): HTMLElement {
    const error = h('p', { class: 'field-error', 'data-testid': 'field-error', 'data-field': slot, hidden: true });
    this.slots.set(slot, { error, control });
    // Typing again takes the complaint about that field away.
    control?.addEventListener('input', () => this.clearSlot(slot));
    return error;
  }

  forget(slot: string): void {
    this.slots.delete(slot);
  }

  clearSlot(slot: string): void {
    const entry = this.slots.get(slot);
    if (!entry) return;
    entry.error.hidden = true;
    entry.error.textContent = '';
    entry.control?.removeAttribute('aria-invalid');
    if (this.pointing && [...this.slots.values()].every((e) => e.error.hidden)) this.message();
  }

  clear(): void {
    for (const slot of this.slots.keys()) this.clearSlot(slot);
    this.summary.hidden = true;
    this.summary.replaceChildren();
  }

  /** Shows the server's errors (or ours, same shape); focuses the first field named. */
  show(errors: ReadonlyArray<Pick<FieldError, 'field' | 'code' | 'message'>>): void {
    this.clear();
    const { bySlot, rest } = errorSlots(errors, [...this.slots.keys()]);
    let first: Control | null = null;
    for (const [slot, messages] of Object.entries(bySlot)) {
      const entry = this.slots.get(slot)!;
      entry.error.hidden = false;
      entry.error.textContent = messages.join(' ');
      if (entry.control) {
        entry.control.setAttribute('aria-invalid', 'true');
        first ??= entry.control;
      }
    }
    // Said on the summary too: it sits by the submit button, where the user is looking.
    const pointing = rest.length === 0 && Object.keys(bySlot).length > 0;
    this.message(...(pointing ? [t('pipeline.checkFields')] : rest));
    this.pointing = pointing;
    first?.focus();
  }

  /** A message for the whole form (a failed request, say). */
  message(...lines: string[]): void {
    this.pointing = false;
    this.summary.hidden = lines.length === 0;
    if (lines.length === 0) return;
    replace(this.summary, icon('alert'), lines.map((line) => h('p', null, line)));
  }
}

/** The "required" error in the API's own shape, so it is shown the same way. */
export function required(field: string): Pick<FieldError, 'field' | 'code' | 'message'> {
  return { field, code: 'REQUIRED', message: t('error.REQUIRED') };
}

/** Radio buttons drawn as chips (one tap each, no dropdown on a phone). */
export function chipChoice<T extends string>(
  name: string,
  legend: MessageKey,
  values: readonly T[],
  label: (value: T) => string,
  initial: T,
  testId: string,
): { el: HTMLFieldSetElement; value: () => T } {
  const inputs = values.map((value) =>
    h('input', { type: 'radio', name, value, class: 'chip-radio', checked: value === initial, 'data-testid': `${testId}-${value.toLowerCase()}` }),
  );
  const el = h(
    'fieldset',
    { class: 'field chip-field' },
    h('legend', { class: 'label' }, t(legend)),
    h('div', { class: 'chip-options' }, values.map((value, i) => h('label', { class: 'chip-option' }, inputs[i], h('span', null, label(value))))),
  );
  return { el, value: () => (inputs.find((input) => input.checked)?.value ?? initial) as T };
}

/**
 * Places each error next to its field: a field path ("input.lines.1.quantity") goes to
 * the longest slot it starts with ("lines.1"), else to the slot of its last segment;
 * errors for no known slot (or for the whole operation) are returned as `rest`.
 */
export function errorSlots(
  errors: ReadonlyArray<Pick<FieldError, 'field' | 'code' | 'message'>>,
  slots: readonly string[],
): { bySlot: Record<string, string[]>; rest: string[] } {
  const bySlot: Record<string, string[]> = {};
  const rest: string[] = [];
  for (const error of errors) {
    const message = fieldErrorMessage(error);
    const parts = (error.field ?? '').replace(/^input\./, '').split('.').filter(Boolean);
    let slot: string | undefined;
    for (let n = parts.length; n > 0 && !slot; n--) {
      const candidate = parts.slice(0, n).join('.');
      if (slots.includes(candidate)) slot = candidate;
    }
    const last = parts[parts.length - 1];
    if (!slot && last && slots.includes(last)) slot = last;
    if (slot) (bySlot[slot] ??= []).push(message);
    else rest.push(message);
  }
  return { bySlot, rest };
}
