import type { Screen } from '@/app/screen';
import { locate } from '@/features/visit/geolocation';
import {
  accuracyMeters,
  geofenceStatus,
  NOTE_MAX,
  noteLength,
  VisitAttempt,
  type Fix,
  type LocationProblem,
  type VisitForm,
} from '@/features/visit/logic';
import { NetworkError, request } from '@/graphql/client';
import { CUSTOMERS_QUERY, LOG_VISIT_MUTATION } from '@/graphql/documents';
import { failureMessage, fieldErrorMessage, fieldName } from '@/graphql/errors';
import type { Customer, FieldError, LogVisitResult, PointsSummary, Visit } from '@/graphql/types';
import { formatDistance, formatNumber, t, type MessageKey } from '@/i18n';
import { h, replace, Texts, tx } from '@/ui/dom';
import { icon } from '@/ui/icons';

const CUSTOMERS_SHOWN = 15;
const SEARCH_DEBOUNCE_MS = 250;

type Geo = { kind: 'locating' } | { kind: 'ok'; fix: Fix } | { kind: 'error'; problem: LocationProblem };

const PROBLEM_TEXT: Record<LocationProblem, MessageKey> = {
  denied: 'visit.locationDenied',
  unavailable: 'visit.locationUnavailable',
  timeout: 'visit.locationTimeout',
  unsupported: 'visit.locationUnsupported',
};

/** Where each server error field is shown; anything else goes to the summary only. */
const FIELD_SLOT: Record<string, 'customer' | 'note' | 'location'> = {
  customerId: 'customer',
  note: 'note',
  latitude: 'location',
  longitude: 'location',
  accuracyMeters: 'location',
};

interface Success {
  visit: Visit;
  points: PointsSummary;
}

export const visitScreen: Screen = (root) => {
  const texts = new Texts();
  const attempt = new VisitAttempt();
  let geo: Geo = { kind: 'locating' };
  let customers: Customer[] | null = null;
  let customersFailed = false;
  let selected: Customer | null = null;
  let sending = false;
  let errors: Array<() => string> = [];
  let slotErrors: Partial<Record<'customer' | 'note' | 'location', string[]>> = {};
  let success: Success | null = null;
  let searchSeq = 0;
  let disposed = false;

  // --- location -----------------------------------------------------------
  const locationBody = h('div', { class: 'location-body' });
  const locationButton = h('button', { type: 'button', class: 'btn btn-ghost btn-small', onclick: () => void locateNow() });
  const locationError = h('p', { class: 'field-error', 'data-testid': 'visit-field-error', 'data-field': 'location', hidden: true });
  const locationCard = h(
    'div',
    { class: 'card location-card', 'aria-live': 'polite' },
    h('span', { class: 'location-icon' }, icon('locate')),
    locationBody,
    locationButton,
  );

  const renderLocation = () => {
    locationCard.dataset.state = geo.kind;
    locationButton.hidden = geo.kind === 'locating' || (geo.kind === 'error' && geo.problem === 'unsupported');
    locationButton.textContent = t(geo.kind === 'ok' ? 'visit.locationRefresh' : 'visit.locationRetry');
    if (geo.kind === 'locating') {
      replace(locationBody, h('span', { class: 'spinner spinner-small' }), h('span', { class: 'location-text' }, t('visit.locating')));
    } else if (geo.kind === 'ok') {
      const meters = accuracyMeters(geo.fix.accuracy);
      replace(
        locationBody,
        h('span', { class: 'location-label' }, t('visit.accuracyLabel')),
        h(
          'span',
          { class: `location-accuracy ${meters > 100 ? 'is-poor' : ''}`, 'data-testid': 'visit-accuracy', 'data-meters': meters },
          t('visit.accuracy', { meters: formatNumber(meters) }),
        ),
      );
    } else {
      replace(
        locationBody,
        h('span', { class: 'location-problem', role: 'alert', 'data-testid': 'visit-location-error', 'data-problem': geo.problem },
          t(PROBLEM_TEXT[geo.problem])),
      );
    }
    const messages = slotErrors.location ?? [];
    locationError.hidden = messages.length === 0;
    locationError.textContent = messages.join(' ');
  };

  const locateNow = async () => {
    geo = { kind: 'locating' };
    renderLocation();
    const result = await locate();
    if (disposed) return;
    geo = result.ok ? { kind: 'ok', fix: result.fix } : { kind: 'error', problem: result.problem };
    renderLocation();
    renderSubmit();
    void loadCustomers();
  };

  // --- customers ------------------------------------------------------------
  const search = h('input', {
    class: 'input search-input',
    type: 'search',
    enterkeyhint: 'search',
    autocomplete: 'off',
    'data-testid': 'visit-search',
  });
  texts.attr(search, 'placeholder', 'visit.search');
  texts.attr(search, 'aria-label', 'visit.search');
  let searchTimer: ReturnType<typeof setTimeout> | undefined;
  search.addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => void loadCustomers(), SEARCH_DEBOUNCE_MS);
  });

  const listTitle = h('h2', { class: 'section-title', id: 'visit-customers-title' });
  const list = h('ul', { class: 'customer-list', role: 'radiogroup', 'aria-labelledby': 'visit-customers-title' });
  const customerError = h('p', { class: 'field-error', 'data-testid': 'visit-field-error', 'data-field': 'customerId', hidden: true });

  const loadCustomers = async () => {
    const seq = ++searchSeq;
    const near = geo.kind === 'ok' ? { latitude: geo.fix.latitude, longitude: geo.fix.longitude } : null;
    const term = search.value.trim();
    try {
      const data = await request<{ customers: Customer[] }>(CUSTOMERS_QUERY, {
        near,
        search: term || null,
        first: CUSTOMERS_SHOWN,
      });
      if (seq !== searchSeq || disposed) return;
      customers = data.customers;
      customersFailed = false;
      // Keep the chosen customer's fresh distance when it is still listed.
      if (selected) selected = customers.find((c) => c.id === selected!.id) ?? selected;
    } catch {
      if (seq !== searchSeq || disposed) return;
      customersFailed = true;
    }
    renderCustomers();
  };

  const customerRow = (customer: Customer) => {
    const status = geofenceStatus(customer);
    const isSelected = selected?.id === customer.id;
    return h(
      'li',
      null,
      h(
        'button',
        {
          type: 'button',
          role: 'radio',
          class: `customer ${isSelected ? 'is-selected' : ''}`,
          'aria-checked': String(isSelected),
          'data-testid': 'visit-customer',
          'data-customer-id': customer.id,
          'data-geofence': status,
          onclick: () => {
            selected = customer;
            delete slotErrors.customer;
            renderCustomers();
            renderSubmit();
          },
        },
        h('span', { class: 'customer-check', 'aria-hidden': 'true' }, icon('check')),
        h(
          'span',
          { class: 'customer-main' },
          h('span', { class: 'customer-name' }, customer.name),
          h('span', { class: 'customer-address' }, customer.address),
          status === 'unknown'
            ? null
            : h(
                'span',
                { class: `chip chip-${status}` },
                status === 'inside'
                  ? t('visit.inside')
                  : t('visit.outside', { radius: formatDistance(customer.geofenceRadiusMeters) }),
              ),
        ),
        customer.distanceMeters !== null
          ? h('span', { class: 'customer-distance' }, formatDistance(customer.distanceMeters))
          : null,
      ),
    );
  };

  const renderCustomers = () => {
    listTitle.textContent = t(geo.kind === 'ok' ? 'visit.customers' : 'visit.customersAll');
    list.setAttribute('aria-busy', String(customers === null && !customersFailed));
    if (customersFailed) {
      replace(
        list,
        h(
          'li',
          { class: 'empty' },
          t('visit.customersError'),
          ' ',
          h('button', { type: 'button', class: 'link-button', onclick: () => void loadCustomers() }, t('app.retry')),
        ),
      );
    } else if (customers === null) {
      replace(list, Array.from({ length: 4 }, () => h('li', { class: 'skeleton-row' })));
    } else {
      const shown = [...customers];
      // A choice made before a new search stays visible at the top.
      if (selected && !shown.some((c) => c.id === selected!.id)) shown.unshift(selected);
      replace(list, shown.length ? shown.map(customerRow) : h('li', { class: 'empty' }, t('visit.noCustomers')));
    }
    const messages = slotErrors.customer ?? [];
    customerError.hidden = messages.length === 0;
    customerError.textContent = messages.join(' ');
  };

  // --- note -----------------------------------------------------------------
  const note = h('textarea', {
    id: 'visit-note',
    class: 'input textarea',
    rows: 3,
    maxlength: NOTE_MAX,
    'data-testid': 'visit-note',
  });
  texts.attr(note, 'placeholder', 'visit.notePlaceholder');
  const counter = h('span', { class: 'counter', 'aria-live': 'polite' });
  const noteError = h('p', { class: 'field-error', 'data-testid': 'visit-field-error', 'data-field': 'note', hidden: true });
  const renderNote = () => {
    const count = noteLength(note.value);
    counter.textContent = t('visit.noteCount', { count: formatNumber(count), max: formatNumber(NOTE_MAX) });
    counter.classList.toggle('is-near', count > NOTE_MAX * 0.9);
    const messages = slotErrors.note ?? [];
    noteError.hidden = messages.length === 0;
    noteError.textContent = messages.join(' ');
    note.setAttribute('aria-invalid', String(messages.length > 0));
  };
  note.addEventListener('input', () => {
    delete slotErrors.note;
    renderNote();
    renderSubmit();
  });

  // --- submit ---------------------------------------------------------------
  const summary = h('div', { class: 'form-error error-summary', role: 'alert', 'data-testid': 'visit-error', hidden: true });
  const submitLabel = h('span');
  const submit = h(
    'button',
    { type: 'submit', class: 'btn btn-primary btn-block btn-large', 'data-testid': 'visit-submit' },
    submitLabel,
  );

  const form = (): VisitForm | null => (selected ? { customerId: selected.id, note: note.value } : null);

  const renderSubmit = () => {
    const current = form();
    const retry = current !== null && attempt.isRetry(current);
    submit.disabled = sending;
    submit.setAttribute('aria-busy', String(sending));
    submitLabel.textContent = t(sending ? 'visit.submitting' : retry ? 'visit.retry' : 'visit.submit');
  };

  const renderSummary = () => {
    summary.hidden = errors.length === 0;
    if (errors.length === 0) {
      summary.replaceChildren();
      return;
    }
    const lines = errors.map((message) => message());
    replace(
      summary,
      icon('alert'),
      lines.length === 1 ? h('p', null, lines[0]) : [h('p', null, t('visit.fixErrors')), h('ul', null, lines.map((line) => h('li', null, line)))],
    );
  };

  const showFieldErrors = (fieldErrors: FieldError[]) => {
    slotErrors = {};
    errors = [];
    for (const error of fieldErrors) {
      const message = fieldErrorMessage(error);
      const name = fieldName(error);
      const slot = name ? FIELD_SLOT[name] : undefined;
      if (slot) (slotErrors[slot] ??= []).push(message);
      errors.push(() => message);
    }
  };

  const renderForm = () => {
    renderLocation();
    renderCustomers();
    renderNote();
    renderSummary();
    renderSubmit();
  };

  const onSubmit = async (event: Event) => {
    event.preventDefault();
    if (sending) return;
    const current = form();
    slotErrors = {};
    errors = [];
    if (!current) {
      slotErrors.customer = [t('visit.chooseCustomer')];
      errors = [() => t('visit.chooseCustomer')];
      renderForm();
      list.querySelector<HTMLElement>('[role="radio"]')?.focus();
      return;
    }
    if (!attempt.isRetry(current) && geo.kind !== 'ok') {
      errors = [() => t('visit.locationNeeded')];
      renderForm();
      return;
    }
    const fix = geo.kind === 'ok' ? geo.fix : { latitude: 0, longitude: 0, accuracy: 0 }; // unused on a retry
    const input = attempt.prepare(current, fix);
    sending = true;
    renderForm();
    try {
      const { logVisit } = await request<{ logVisit: LogVisitResult }>(LOG_VISIT_MUTATION, { input });
      if (disposed) return;
      attempt.settle();
      if (logVisit.__typename === 'LogVisitSuccess') {
        success = { visit: logVisit.visit, points: logVisit.points };
      } else {
        showFieldErrors(logVisit.errors);
      }
    } catch (failure) {
      if (disposed) return;
      // Unanswered: keep the attempt, so "Retry" re-sends the same clientId.
      errors = [() => (failure instanceof NetworkError ? t('visit.networkError') : failureMessage(failure))];
    }
    sending = false;
    render();
  };

  // --- result ---------------------------------------------------------------
  const renderResult = (result: Success): HTMLElement => {
    const { visit, points } = result;
    const customer = visit.customer.name;
    const distance = formatDistance(visit.distanceMeters);
    const radius = formatDistance(visit.customer.geofenceRadiusMeters);
    let explanation: string;
    if (!visit.withinGeofence) explanation = t('visit.outsideExplain', { distance, customer, radius });
    else if (visit.pointsAwarded < points.visitPoints && points.dailyCap > 0 && points.today >= points.dailyCap)
      explanation = t('visit.capExplain', { cap: formatNumber(points.dailyCap) });
    else explanation = t('visit.insideExplain', { customer, distance });

    return h(
      'div',
      {
        class: `card visit-result ${visit.withinGeofence ? 'is-inside' : 'is-outside'}`,
        'data-testid': 'visit-result',
        'data-points': visit.pointsAwarded,
        'data-within-geofence': String(visit.withinGeofence),
        role: 'status',
      },
      h('span', { class: 'result-icon' }, icon(visit.withinGeofence ? 'check' : 'alert')),
      h('h2', { class: 'result-title', tabindex: -1 }, t('visit.successTitle')),
      h('p', { class: 'result-points' }, t('visit.pointsEarned', { points: formatNumber(visit.pointsAwarded) })),
      h('p', { class: 'result-explain' }, explanation),
      h('p', { class: 'result-total' }, t('visit.todayTotal', { points: formatNumber(points.today) })),
      h(
        'div',
        { class: 'result-actions' },
        h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'visit-another', onclick: reset }, t('visit.another')),
        h('a', { class: 'btn btn-ghost', href: '/' }, t('visit.done')),
      ),
    );
  };

  function reset(): void {
    success = null;
    selected = null;
    note.value = '';
    search.value = '';
    errors = [];
    slotErrors = {};
    customers = null;
    render();
    void locateNow();
  }

  // --- layout ---------------------------------------------------------------
  const formEl = h(
    'form',
    { class: 'visit-form', novalidate: true, onsubmit: onSubmit },
    h('div', { class: 'location' }, locationCard, locationError),
    h('div', { class: 'search' }, icon('search', 'icon search-icon'), search),
    h('section', { class: 'customers' }, listTitle, list, customerError),
    h(
      'div',
      { class: 'field' },
      h('div', { class: 'label-row' }, tx(texts, 'label', 'visit.note', { for: 'visit-note', class: 'label' }), counter),
      note,
      noteError,
    ),
    // The summary sits on the sticky bar, so it is seen right where the user tapped.
    h('div', { class: 'submit-bar' }, summary, submit),
  );
  const resultSlot = h('div', { class: 'result-slot' });

  function render(): void {
    formEl.hidden = success !== null;
    if (success) {
      replace(resultSlot, renderResult(success));
      resultSlot.querySelector('h2')?.focus();
    } else {
      resultSlot.replaceChildren();
      renderForm();
    }
  }

  texts.on(render);
  root.append(
    h('section', { class: 'page page-narrow visit-page' }, h('header', { class: 'page-head' }, tx(texts, 'h1', 'visit.title', { class: 'page-title' })), formEl, resultSlot),
  );
  render();
  void locateNow();

  return () => {
    disposed = true;
    clearTimeout(searchTimer);
    texts.dispose();
  };
};
