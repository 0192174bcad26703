// Pieces the accounts screens share: the signed-out card around a form, a password input with
// show/hide, and sending a mutation whose answer is an OperationError or a success.
import { html, nothing, type TemplateResult } from 'lit-html';
import { request, type Variables } from '@/graphql/client';
import { failureMessage } from '@/graphql/errors';
import type { OperationError } from '@/graphql/types';
import { t } from '@/i18n';
import { formMessage, invalid, placeErrors, type PlacedErrors } from '@/ui/form-view';

/** The card of the signed-out pages (first run, join, reset), sized for a phone. */
export function authCard(testId: string, body: TemplateResult): TemplateResult {
  return html`<section class="acc-auth" data-testid=${testId}>
    <div class="acc-auth-card card">
      <img class="acc-auth-mark" src="/icons/icon.svg" alt="" width="48" height="48" />
      ${body}
    </div>
  </section>`;
}

export function passwordInput(
  id: string,
  value: string,
  shown: boolean,
  errors: PlacedErrors,
  slot: string,
  onInput: (value: string) => void,
  onToggle: () => void,
  autocomplete = 'new-password',
): TemplateResult {
  return html`<div class="acc-password">
    <input id=${id} class="input" type=${shown ? 'text' : 'password'} autocomplete=${autocomplete} .value=${value}
      aria-invalid=${invalid(errors, slot)} data-testid=${id}
      @input=${(e: Event) => onInput((e.target as HTMLInputElement).value)} />
    <button type="button" class="link-button acc-password-toggle" aria-pressed=${String(shown)} @click=${onToggle}>
      ${t(shown ? 'accounts.hide' : 'accounts.show')}
    </button>
  </div>`;
}

export type Outcome<S> = { ok: S } | { errors: PlacedErrors; codes: string[] };

/** Sends a mutation; its OperationError placed on `slots`, a failed request as a form message. */
export async function send<S extends { __typename: string }>(
  document: string,
  variables: Variables,
  field: string,
  slots: readonly string[],
): Promise<Outcome<S>> {
  try {
    const data = await request<Record<string, S | OperationError>>(document, variables);
    const result = data[field]!;
    if (result.__typename === 'OperationError') {
      const { errors } = result as OperationError;
      return { errors: placeErrors(errors, slots), codes: errors.map((e) => e.code) };
    }
    return { ok: result as S };
  } catch (failure) {
    return { errors: formMessage(failureMessage(failure)), codes: [] };
  }
}

export function busyLabel(busy: boolean, idle: string, working: string): TemplateResult {
  return html`<span>${busy ? working : idle}</span>${busy ? html`<span class="spinner spinner-small" aria-hidden="true"></span>` : nothing}`;
}

/** Copies text; true when the browser let us (older ones fall back to selecting it). */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}
