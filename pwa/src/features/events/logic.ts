// What the background-work page decides without the DOM: an event's name and failed steps in words,
// when it happened in the org's zone, its state, and the list after a retry.
import type { EventFailure } from '@/features/events/documents';
import { formatTime, translate, type MessageKey, type UiLocale } from '@/i18n';

/** The events the backend records (DomainEvent.name); any other name is shown as it is. */
export const KNOWN_EVENTS: readonly string[] = [
  'points', 'deal_won', 'deal', 'payment', 'activity', 'stages', 'celebration', 'visit', 'visit_changed',
  'visit_reviewed', 'customer', 'reward', 'redemption_decided', 'target', 'split', 'plan', 'statement',
  'contest', 'rules', 'profile', 'sessions_ended', 'display_revoked',
];

// The capabilities whose handlers run after the commit (app.subscribers()), by the first part of a
// handler's name as the outbox records it (`leaderboards.service.on_points_entered`).
const STEPS: readonly string[] = ['leaderboards', 'celebrations', 'badges', 'push', 'robots'];

export function eventWords(name: string, locale: UiLocale): string {
  return KNOWN_EVENTS.includes(name) ? translate(locale, `events.name.${name}` as MessageKey) : name;
}

/**
 * The handlers named in an error, as steps: `leaderboards`, `live`, `decode`, … or the handler's
 * own name when it is none of ours. One line of the error per failed handler, `name: Type: message`;
 * a message may span lines, so only lines of that shape count.
 */
export function failedSteps(error: string): string[] {
  const steps: string[] = [];
  for (const match of error.matchAll(/^([A-Za-z_][\w.]*): [A-Za-z_][\w.]*: /gm)) {
    const handler = match[1]!;
    const first = handler.split('.')[0]!;
    const step = handler === 'core.outbox.publish_live' ? 'live' : handler === 'decode' ? 'decode' : STEPS.includes(first) ? first : handler;
    if (!steps.includes(step)) steps.push(step);
  }
  return steps;
}

export function stepWords(step: string, locale: UiLocale): string {
  return STEPS.includes(step) || step === 'live' || step === 'decode' ? translate(locale, `events.step.${step}` as MessageKey) : step;
}

function dayNumber(date: Date, zone: string | undefined): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: zone, year: 'numeric', month: 'numeric', day: 'numeric' }).formatToParts(date);
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return Date.UTC(part('year'), part('month') - 1, part('day')) / 86_400_000;
}

/** "今天 09:05", "Yesterday 9:12 AM", "Mar 3, 2:05 PM", with the year when it is not this year; in `zone`. */
export function whenWords(createdAt: string, now: Date, locale: UiLocale, zone: string | undefined): string {
  const at = new Date(createdAt);
  // A 24-hour clock reads 09:05 in Chinese; a 12-hour one 9:05 AM in English.
  const hour = locale === 'zh-CN' ? '2-digit' : 'numeric';
  const time = formatTime(at, { hour, minute: '2-digit' }, locale, zone);
  const daysAgo = dayNumber(now, zone) - dayNumber(at, zone);
  if (daysAgo <= 0) return translate(locale, 'events.today', { time });
  if (daysAgo === 1) return translate(locale, 'events.yesterday', { time });
  const sameYear = formatTime(at, { year: 'numeric' }, locale, zone) === formatTime(now, { year: 'numeric' }, locale, zone);
  return formatTime(at, { ...(sameYear ? {} : { year: 'numeric' }), month: 'short', day: 'numeric', hour, minute: '2-digit' }, locale, zone);
}

/** The exact moment, with seconds and the zone's name: the tooltip, for matching server logs. */
export function whenExact(createdAt: string, locale: UiLocale, zone: string | undefined): string {
  return formatTime(createdAt, { dateStyle: 'medium', timeStyle: 'long' }, locale, zone);
}

export type EventState = 'givenUp' | 'retrying' | 'queued';

/** Given up: waits for an admin. Retrying: the dispatchers try again with backoff. Queued: retried, not run yet. */
export function stateOf(event: EventFailure): EventState {
  if (event.givenUp) return 'givenUp';
  return event.attempts === 0 ? 'queued' : 'retrying';
}

export function attemptsWords(attempts: number, locale: UiLocale): string {
  if (attempts === 0) return translate(locale, 'events.attemptsNone');
  if (attempts === 1) return translate(locale, 'events.attemptsOne');
  return translate(locale, 'events.attempts', { count: attempts });
}

/** Long errors start collapsed: a few lines are enough to tell one failure from another. */
export function isLongError(error: string): boolean {
  return error.length > 180 || error.split('\n').length > 3;
}

export function newestFirst(events: readonly EventFailure[]): EventFailure[] {
  return [...events].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt) || Number(b.id) - Number(a.id));
}

export function withEvent(events: readonly EventFailure[], event: EventFailure): EventFailure[] {
  return events.map((e) => (e.id === event.id ? event : e));
}

/** Retried events that a refresh no longer lists: all their consequences have happened. */
export function finished(retried: ReadonlySet<string>, events: readonly EventFailure[]): string[] {
  return [...retried].filter((id) => !events.some((e) => e.id === id));
}
