// "New customer here": a sheet on the visit screen that adds a customer where the rep
// stands. Saved in the outbox first like every phone write (same clientId on every
// send); online the answer arrives while the sheet is open, so a refusal (a name the
// org already has) is shown next to its field and fixed in place; offline the sheet
// closes and the customer waits to sync in today's plan.
import '@/features/visit/visit.css';
import '@/features/visit/new-customer.css';
import { accuracyMeters, POOR_ACCURACY_METERS, type Fix } from '@/features/visit/logic';
import {
  asVisitCustomer,
  customerInput,
  DEFAULT_RADIUS,
  DEFAULT_TIER,
  fieldOf,
  RADIUS_CHOICES,
  TIERS,
  type CustomerField,
  type FormProblem,
} from '@/features/visit/new-customer-logic';
import type { VisitCustomer } from '@/features/visit/documents';
import { codeMessageKey, fieldErrorMessage } from '@/graphql/errors';
import { formatDistance, formatNumber, t, type MessageKey } from '@/i18n';
import type { OutboxItem } from '@/offline/db';
import { discard, enqueue, onRefused, onSynced, updatePayload } from '@/offline/outbox';
import { onSyncState } from '@/offline/sync';
import { h, replace } from '@/ui/dom';
import { icon } from '@/ui/icons';

/** How long the sheet waits for the server's answer before it leaves the customer to sync later. */
const ANSWER_WAIT_MS = 8_000;
/** A fix older than this is taken again when the sheet opens. */
const FIX_FRESH_MS = 60_000;

export interface NewCustomerOptions {
  userId: string;
  /** The visit screen's current fix, if any. */
  fix: () => Fix | null;
  /** Takes a new fix (the visit screen shows it too); null without one. */
  locate: () => Promise<Fix | null>;
}

export type NewCustomerOutcome =
  | { kind: 'added'; clientId: string; customer: VisitCustomer; pointsAwarded: number }
  | { kind: 'waiting'; clientId: string; name: string };

type Answer = { kind: 'synced'; customer: VisitCustomer; points: number } | { kind: 'refused'; item: OutboxItem } | { kind: 'noAnswer' };

/** Waits for the sync's word on `clientId`; subscribed before the write is queued, so no answer is missed. */
function watch(clientId: string): { answer: Promise<Answer>; settle: (a: Answer) => void } {
  let settle: (a: Answer) => void = () => undefined;
  const answer = new Promise<Answer>((resolve) => {
    const stops: Array<() => void> = [];
    let done = false;
    settle = (a) => {
      if (done) return;
      done = true;
      stops.forEach((s) => s());
      clearTimeout(timer);
      resolve(a);
    };
    stops.push(onSynced('addCustomer', (result, item) => {
      if (item.clientId === clientId) settle({ kind: 'synced', customer: asVisitCustomer(result.customer), points: result.pointsAwarded });
    }));
    stops.push(onRefused((item) => item.clientId === clientId && settle({ kind: 'refused', item })));
    // The current state is reported at once: only a later "no answer" (or a lost session) counts.
    let first = true;
    stops.push(onSyncState((state) => {
      if (first) first = false;
      else if (state.phase === 'waiting' || state.phase === 'stopped') settle({ kind: 'noAnswer' });
    }));
    const timer = setTimeout(() => settle({ kind: 'noAnswer' }), ANSWER_WAIT_MS);
  });
  return { answer, settle };
}

const PROBLEM_TEXT = (problem: FormProblem): string => {
  if (problem.field === 'position') return t('newCustomer.positionNeeded');
  if (problem.code === 'REQUIRED') return t('newCustomer.nameRequired');
  if (problem.code === 'TOO_LONG') {
    const key: MessageKey = problem.field === 'name' ? 'newCustomer.nameTooLong' : 'newCustomer.addressTooLong';
    return t(key, { count: formatNumber(problem.count), max: formatNumber(problem.max) });
  }
  return t(codeMessageKey(problem.code));
};

/** Opens the sheet; resolves with the customer added (or queued), null when cancelled. */
export function addCustomerHere(options: NewCustomerOptions): Promise<NewCustomerOutcome | null> {
  return new Promise((resolve) => {
    let fix = options.fix();
    let locating = false;
    let saving = false;
    /** The write the server refused while the sheet was open: fixed and sent again under the same clientId. */
    let refused: OutboxItem | null = null;
    let settled = false;

    const ids = { name: 'nc-name', address: 'nc-address', radius: 'nc-radius' };
    const name = h('input', { id: ids.name, class: 'input', autocomplete: 'organization', enterkeyhint: 'next', 'data-testid': 'new-customer-name', placeholder: t('newCustomer.namePlaceholder') });
    const address = h('input', { id: ids.address, class: 'input', autocomplete: 'street-address', enterkeyhint: 'done', 'data-testid': 'new-customer-address', placeholder: t('newCustomer.addressPlaceholder') });
    const tierInputs = TIERS.map((tier) =>
      h('input', { type: 'radio', name: 'nc-tier', value: tier, class: 'chip-radio', checked: tier === DEFAULT_TIER, 'data-testid': `new-customer-tier-${tier.toLowerCase()}` }),
    );
    const radius = h(
      'select',
      { id: ids.radius, class: 'input', 'data-testid': 'new-customer-radius' },
      RADIUS_CHOICES.map((m) => h('option', { value: String(m), selected: m === DEFAULT_RADIUS }, t('newCustomer.radiusOption', { distance: formatDistance(m) }))),
    );
    const slots: Record<CustomerField, HTMLElement> = {
      name: h('p', { class: 'field-error', id: 'nc-name-error', role: 'alert', 'data-testid': 'new-customer-name-error', hidden: true }),
      address: h('p', { class: 'field-error', id: 'nc-address-error', role: 'alert', 'data-testid': 'new-customer-address-error', hidden: true }),
      tier: h('p', { class: 'field-error', role: 'alert', 'data-testid': 'new-customer-tier-error', hidden: true }),
      geofenceRadiusMeters: h('p', { class: 'field-error', role: 'alert', 'data-testid': 'new-customer-radius-error', hidden: true }),
      position: h('p', { class: 'field-error', role: 'alert', 'data-testid': 'new-customer-position-error', hidden: true }),
    };
    const controls: Partial<Record<CustomerField, HTMLElement>> = { name, address, geofenceRadiusMeters: radius };
    const summary = h('div', { class: 'form-error error-summary', role: 'alert', 'data-testid': 'new-customer-error', hidden: true });
    const positionBody = h('div', { class: 'nc-position-body' });
    const locateButton = h('button', { type: 'button', class: 'btn btn-ghost btn-small', 'data-testid': 'new-customer-locate', onclick: () => void relocate() }, t('newCustomer.locate'));
    const position = h('div', { class: 'nc-position', 'aria-live': 'polite', 'data-testid': 'new-customer-position' },
      h('span', { class: 'location-icon' }, icon('locate')), positionBody, locateButton);
    const save = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'new-customer-save' });
    const cancel = h('button', { type: 'button', class: 'btn btn-ghost', 'data-testid': 'new-customer-cancel', onclick: () => void close(null) }, t('newCustomer.cancel'));

    const renderPosition = () => {
      position.dataset.state = locating ? 'locating' : fix ? 'ok' : 'none';
      locateButton.disabled = locating;
      if (locating) {
        replace(positionBody, h('span', { class: 'spinner spinner-small' }), h('span', null, t('newCustomer.locating')));
      } else if (fix) {
        const meters = accuracyMeters(fix.accuracy);
        replace(positionBody,
          h('span', { class: 'label' }, t('newCustomer.position')),
          h('span', { class: `nc-accuracy ${meters > POOR_ACCURACY_METERS ? 'is-poor' : ''}`, 'data-testid': 'new-customer-accuracy', 'data-meters': meters },
            t(meters > POOR_ACCURACY_METERS ? 'newCustomer.positionPoor' : 'newCustomer.positionHere', { meters: formatNumber(meters) })));
      } else {
        replace(positionBody, h('span', { class: 'label' }, t('newCustomer.position')), h('span', { class: 'nc-accuracy is-missing' }, t('newCustomer.positionNeeded')));
      }
    };

    const relocate = async () => {
      locating = true;
      renderPosition();
      const next = await options.locate();
      locating = false;
      if (settled) return;
      if (next) {
        fix = next;
        show('position', null);
      }
      renderPosition();
    };

    const renderSave = () => {
      save.disabled = saving;
      save.setAttribute('aria-busy', String(saving));
      save.textContent = t(saving ? 'newCustomer.saving' : 'newCustomer.save');
    };

    const show = (field: CustomerField, text: string | null) => {
      const slot = slots[field];
      slot.hidden = text === null;
      slot.textContent = text ?? '';
      const control = controls[field];
      if (!control) return;
      if (text === null) {
        control.removeAttribute('aria-invalid');
        control.removeAttribute('aria-describedby');
      } else {
        control.setAttribute('aria-invalid', 'true');
        control.setAttribute('aria-describedby', slot.id);
      }
    };

    const showSummary = (text: string | null, extra: string[] = []) => {
      summary.hidden = text === null;
      if (text === null) summary.replaceChildren();
      else replace(summary, icon('alert'), h('p', null, text), extra.length ? h('ul', null, extra.map((e) => h('li', null, e))) : null);
    };

    const clearErrors = () => {
      (Object.keys(slots) as CustomerField[]).forEach((f) => show(f, null));
      showSummary(null);
    };

    const focusFirstError = () => {
      const first = (['name', 'address', 'geofenceRadiusMeters'] as const).find((f) => !slots[f].hidden);
      if (first) controls[first]?.focus();
      else if (!slots.position.hidden) locateButton.focus();
    };

    const tier = () => tierInputs.find((i) => i.checked)?.value ?? DEFAULT_TIER;

    const submit = async () => {
      if (saving) return;
      clearErrors();
      if (!fix && !locating) await relocate();
      if (settled) return;
      const result = customerInput({ name: name.value, address: address.value, tier: tier(), radius: Number(radius.value) }, fix);
      if (!result.ok) {
        result.problems.forEach((p) => show(p.field, PROBLEM_TEXT(p)));
        focusFirstError();
        return;
      }
      const { payload } = result;
      saving = true;
      renderSave();
      let clientId = refused?.clientId ?? crypto.randomUUID();
      let watching = watch(clientId);
      try {
        // The refused write was never stored by the server: the same clientId goes again, renamed.
        const resent = refused ? await updatePayload<'addCustomer'>(refused.seq, payload, payload.name) : null;
        if (!resent) {
          if (refused) {
            watching.settle({ kind: 'noAnswer' });
            clientId = crypto.randomUUID();
            watching = watch(clientId);
          }
          await enqueue({ kind: 'addCustomer', clientId, userId: options.userId, label: payload.name, payload });
        }
      } catch {
        watching.settle({ kind: 'noAnswer' });
        saving = false;
        renderSave();
        showSummary(t('newCustomer.storageError'));
        return;
      }
      refused = null;
      if (typeof navigator !== 'undefined' && navigator.onLine === false) watching.settle({ kind: 'noAnswer' });
      const answer = await watching.answer;
      saving = false;
      renderSave();
      if (settled) return;
      if (answer.kind === 'synced') {
        finish({ kind: 'added', clientId, customer: answer.customer, pointsAwarded: answer.points });
      } else if (answer.kind === 'noAnswer') {
        finish({ kind: 'waiting', clientId, name: payload.name });
      } else {
        refused = answer.item;
        const loose: string[] = [];
        for (const error of answer.item.errors) {
          const field = fieldOf(error);
          if (field) show(field, fieldErrorMessage(error));
          else loose.push(fieldErrorMessage(error));
        }
        showSummary(t('newCustomer.refused'), loose);
        focusFirstError();
      }
    };

    const body = h(
      'div',
      { class: 'sheet-body' },
      h('span', { class: 'sheet-grabber', 'aria-hidden': 'true' }),
      h('h2', { class: 'sheet-title', id: 'new-customer-title' }, t('newCustomer.title')),
      h('p', { class: 'sheet-sub' }, t('newCustomer.sub')),
      h(
        'form',
        {
          class: 'sheet-form nc-form',
          novalidate: true,
          onsubmit: (event: Event) => {
            event.preventDefault();
            void submit();
          },
        },
        position,
        slots.position,
        h('div', { class: 'field' }, h('label', { class: 'label', for: ids.name }, t('newCustomer.name')), name, slots.name),
        h('div', { class: 'field' }, h('label', { class: 'label', for: ids.address }, t('newCustomer.address')), address, slots.address),
        h('fieldset', { class: 'chip-field' },
          h('legend', { class: 'label' }, t('newCustomer.tier')),
          h('div', { class: 'chip-options', 'data-testid': 'new-customer-tier' },
            TIERS.map((value, i) => h('label', { class: 'chip-option' }, tierInputs[i], h('span', null, t(`newCustomer.tier${value}`))))),
          slots.tier),
        h('div', { class: 'field' }, h('label', { class: 'label', for: ids.radius }, t('newCustomer.radius')), radius, slots.geofenceRadiusMeters),
        summary,
        h('div', { class: 'sheet-actions' }, cancel, save),
      ),
    );
    const dialog = h('dialog', { class: 'sheet nc-sheet', 'data-testid': 'new-customer-sheet', 'aria-labelledby': 'new-customer-title' }, body);

    const finish = (value: NewCustomerOutcome | null) => {
      if (settled) return;
      settled = true;
      dialog.close();
      dialog.remove();
      resolve(value);
    };

    /** Cancelling after a refusal drops the refused write: the rep chose not to add it. */
    const close = async (value: NewCustomerOutcome | null) => {
      if (saving) return;
      const dropped = refused;
      refused = null;
      if (dropped) await discard(dropped.seq).catch(() => undefined);
      finish(value);
    };

    name.addEventListener('input', () => show('name', null));
    address.addEventListener('input', () => show('address', null));
    dialog.addEventListener('cancel', (event) => {
      event.preventDefault();
      void close(null);
    });
    dialog.addEventListener('click', (event) => {
      if (event.target === dialog) void close(null);
    });
    renderPosition();
    renderSave();
    document.body.append(dialog);
    dialog.showModal();
    name.focus();
    if (!fix || Date.now() - (fix.at ?? 0) > FIX_FRESH_MS) void relocate();
  });
}
