// Calendar dates and instants as the forms send them.
import type { UiLocale } from '@/i18n';

/** A calendar date ("2026-12-01") in the UI language; no time zone can shift it to another day. */
export function formatDay(
  day: string,
  locale: UiLocale,
  options: Intl.DateTimeFormatOptions = { month: 'short', day: 'numeric' },
): string {
  return new Intl.DateTimeFormat(locale, { ...options, timeZone: 'UTC' }).format(new Date(`${day}T00:00:00Z`));
}

/** The browser's calendar date of `date`, as a date input's value. */
export function isoDay(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

export function addDays(date: Date, days: number): Date {
  const copy = new Date(date);
  copy.setDate(copy.getDate() + days);
  return copy;
}

/**
 * The instant to send for "it happened on `day`": now when that is today (noon could
 * still be ahead, which the server refuses as IN_FUTURE), otherwise that day's local noon.
 */
export function momentOn(day: string, now: Date): string {
  if (day === isoDay(now)) return now.toISOString();
  const [y, m, d] = day.split('-').map(Number);
  return new Date(y!, m! - 1, d!, 12).toISOString();
}
