// /settings/events (admins): domain events some of whose consequences have not happened (a board not
// moved, a celebration not pushed), newest first: what, when, how many attempts, whether retries
// stopped, and the error. Retry gives an event a fresh set of attempts; the row shows the result,
// and a refresh shows whether it has now gone through. A table on wide screens, cards on a phone.
import '@/features/events/events.css';
import type { Screen } from '@/app/screen';
import { EVENT_FAILURES_QUERY, RETRY_EVENT_MUTATION, type EventFailure, type RetryEventResult } from '@/features/events/documents';
import {
  attemptsWords,
  eventWords,
  failedSteps,
  finished,
  isLongError,
  newestFirst,
  stateOf,
  stepWords,
  whenExact,
  whenWords,
  withEvent,
} from '@/features/events/logic';
import { request } from '@/graphql/client';
import { failureMessage, fieldErrorMessage } from '@/graphql/errors';
import type { FieldError, Me } from '@/graphql/types';
import { formatTime, getLocale, getTimeZone, t } from '@/i18n';
import { h, replace, Texts, tx } from '@/ui/dom';
import { icon } from '@/ui/icons';

// The API allows up to 200; more than a page of failures means something is broken everywhere.
const FIRST = 100;

type RowNote = 'retrying' | 'queued' | { errors: FieldError[] } | { failure: string };

const STATE_KEYS = { givenUp: 'events.stateGivenUp', retrying: 'events.stateRetrying', queued: 'events.stateQueued' } as const;

export const eventsScreen: Screen = (root, { me: maybeMe }) => {
  const me = maybeMe as Me;
  const texts = new Texts();
  if (me.user.role !== 'ADMIN') {
    root.append(h('section', { class: 'page page-narrow empty-page', role: 'alert', 'data-testid': 'events-forbidden' },
      tx(texts, 'h1', 'events.adminsOnly', { class: 'page-title' }),
      h('a', { class: 'btn btn-primary', href: '/' }, tx(texts, 'span', 'events.backHome'))));
    return () => texts.dispose();
  }

  let events: EventFailure[] | null = null;
  let loadError = '';
  let loading = false;
  let checkedAt: Date | null = null;
  let notice = '';
  const notes = new Map<string, RowNote>();
  const expanded = new Set<string>();
  const retried = new Set<string>();
  let disposed = false;

  const body = h('div', { class: 'events-body' });
  const checked = h('span', { class: 'events-checked', 'data-testid': 'events-checked' });
  const refreshButton = h('button', {
    type: 'button', class: 'btn btn-ghost btn-small events-refresh', 'data-testid': 'events-refresh',
    onclick: () => void load(),
  });

  const errorCell = (event: EventFailure): HTMLElement => {
    const long = isLongError(event.error);
    const open = !long || expanded.has(event.id);
    const text = h('pre', { class: `events-error ${open ? '' : 'is-collapsed'}`, 'data-testid': 'event-error', id: `event-error-${event.id}` }, event.error);
    const toggle = long
      ? h('button', {
        type: 'button', class: 'events-more', 'data-testid': 'event-error-toggle', 'aria-expanded': String(open), 'aria-controls': text.id,
        onclick: () => {
          if (expanded.has(event.id)) expanded.delete(event.id);
          else expanded.add(event.id);
          render();
        },
      }, t(open ? 'events.showLess' : 'events.showMore'))
      : null;
    // The box carries the padding, so a folded error ends on a whole line.
    return h('div', { class: 'events-error-wrap' }, h('div', { class: 'events-error-box' }, text), toggle);
  };

  const noteLine = (note: RowNote | undefined): HTMLElement | null => {
    if (note === undefined || note === 'retrying') return null;
    if (note === 'queued') return h('p', { class: 'events-note is-ok', role: 'status', 'data-testid': 'event-note' }, t('events.retried'));
    if ('failure' in note) return h('p', { class: 'events-note is-failed', role: 'alert', 'data-testid': 'event-note' }, note.failure);
    return h('ul', { class: 'events-note is-failed', role: 'alert', 'data-testid': 'event-note' }, note.errors.map((e) =>
      h('li', { 'data-code': e.code }, e.code === 'NOT_FOUND' ? t('events.gone') : fieldErrorMessage(e))));
  };

  const retry = async (event: EventFailure) => {
    notes.set(event.id, 'retrying');
    notice = '';
    render();
    try {
      const { retryEvent: result } = await request<{ retryEvent: RetryEventResult }>(RETRY_EVENT_MUTATION, { id: event.id });
      if (result.__typename === 'OperationError') {
        notes.set(event.id, { errors: result.errors });
      } else {
        notes.set(event.id, 'queued');
        retried.add(event.id);
        events = withEvent(events ?? [], result.event);
      }
    } catch (failure) {
      notes.set(event.id, { failure: failureMessage(failure) });
    }
    if (!disposed) render();
  };

  const row = (event: EventFailure): HTMLElement => {
    const locale = getLocale();
    const zone = getTimeZone();
    const state = stateOf(event);
    const steps = failedSteps(event.error);
    const note = notes.get(event.id);
    return h('tr', { class: `events-row is-${state}`, 'data-testid': 'event-row', 'data-event-id': event.id, 'data-name': event.name, 'data-state': state },
      h('td', { class: 'events-what' },
        h('strong', { 'data-testid': 'event-what' }, eventWords(event.name, locale)),
        // The id the server's log names ("event 123 (points) failed …").
        h('span', { class: 'events-id' }, `#${event.id}`),
        steps.length
          ? h('span', { class: 'events-steps', 'data-testid': 'event-steps' }, t('events.failedSteps', { steps: steps.map((s) => stepWords(s, locale)).join(locale === 'en' ? ', ' : '、') }))
          : null),
      h('td', { class: 'events-when' },
        h('time', { datetime: event.createdAt, title: whenExact(event.createdAt, locale, zone), 'data-testid': 'event-when' }, whenWords(event.createdAt, new Date(), locale, zone))),
      h('td', { class: 'events-attempts num' },
        h('span', { 'data-testid': 'event-attempts' }, attemptsWords(event.attempts, locale))),
      h('td', { class: 'events-state' },
        h('span', { class: `chip events-chip is-${state}`, 'data-testid': 'event-state' }, t(STATE_KEYS[state]))),
      h('td', { class: 'events-error-cell' }, errorCell(event)),
      h('td', { class: 'events-action' },
        h('button', {
          type: 'button', class: 'btn btn-primary btn-small events-retry', 'data-testid': 'event-retry', disabled: note === 'retrying',
          onclick: () => void retry(event),
        }, t(note === 'retrying' ? 'events.retrying' : 'events.retry')),
        noteLine(note)));
  };

  const table = (list: EventFailure[]): HTMLElement => h('div', { class: 'events-table-wrap' },
    h('table', { class: 'events-table', 'data-testid': 'events-list' },
      h('thead', null, h('tr', null,
        h('th', { scope: 'col' }, t('events.colWhat')),
        h('th', { scope: 'col' }, t('events.colWhen')),
        h('th', { scope: 'col', class: 'num' }, t('events.colAttempts')),
        h('th', { scope: 'col' }, t('events.colState')),
        h('th', { scope: 'col' }, t('events.colError')),
        h('th', { scope: 'col', 'aria-label': t('events.retry') }))),
      h('tbody', null, list.map(row))));

  const render = () => {
    replace(refreshButton, t(loading ? 'events.refreshing' : 'events.refresh'));
    refreshButton.disabled = loading;
    checked.textContent = checkedAt ? t('events.checkedAt', { when: formatTime(checkedAt, { hour: 'numeric', minute: '2-digit', second: '2-digit' }) }) : '';
    // A failed refresh keeps the last list in view, under the reason.
    const problem = loadError ? h('p', { class: 'form-error', role: 'alert', 'data-testid': 'events-error' }, loadError) : null;
    let content: HTMLElement | null;
    if (events === null) content = loadError ? null : h('div', { class: 'card skeleton-list', 'aria-busy': 'true' }, h('div', { class: 'skeleton-row' }), h('div', { class: 'skeleton-row' }));
    else if (events.length === 0) {
      content = h('div', { class: 'card events-empty', 'data-testid': 'events-empty' },
        icon('check', 'icon events-empty-mark'),
        h('p', { class: 'events-empty-title' }, t('events.empty')),
        h('p', { class: 'events-empty-sub' }, t('events.emptySub')));
    } else {
      content = h('div', { class: 'events-list' },
        h('p', { class: 'events-count', 'data-testid': 'events-count' }, t('events.count', { count: events.length >= FIRST ? `${FIRST}+` : events.length })),
        table(events));
    }
    replace(body, problem, notice ? h('p', { class: 'form-ok', role: 'status', 'data-testid': 'events-notice' }, notice) : null, content);
  };
  texts.on(render);

  const load = async () => {
    loading = true;
    render();
    try {
      const list = newestFirst((await request<{ eventFailures: EventFailure[] }>(EVENT_FAILURES_QUERY, { first: FIRST })).eventFailures);
      const done = finished(retried, list);
      done.forEach((id) => retried.delete(id));
      notice = done.length ? t('events.retriedDone') : '';
      events = list;
      loadError = '';
      checkedAt = new Date();
      notes.clear();
    } catch (failure) {
      loadError = `${t('events.loadFailed')} ${failureMessage(failure)}`;
    }
    loading = false;
    if (!disposed) render();
  };

  root.append(h('section', { class: 'page events-page', 'data-testid': 'events-page' },
    h('header', { class: 'page-head events-head' },
      h('div', null, tx(texts, 'h1', 'events.title', { class: 'page-title' }), tx(texts, 'p', 'events.sub', { class: 'page-sub' })),
      h('div', { class: 'events-tools' }, checked, refreshButton)),
    body));
  void load();
  return () => {
    disposed = true;
    texts.dispose();
  };
};
