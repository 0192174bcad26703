// The pure part of badges: a period key in words, the badge wall (built-in and company badges,
// earned or not, with how to earn each), a streak in words and the calendar's own checks.
// Covered by logic.test.ts.
import type { BadgeDefinition, EarnedBadge, Streak } from '@/features/badges/documents';
import { formatMoney } from '@/ui/money';
import type { FieldError } from '@/graphql/types';
import { translate, type MessageKey, type UiLocale } from '@/i18n';

/** The built-in badges, in the order the wall shows them. */
export const BUILT_IN = ['first_deal', 'visits_day', 'streak', 'target_month', 'top3_month'] as const;
export type BuiltIn = (typeof BUILT_IN)[number];
/** The server's VISITS_IN_A_DAY (backend/podium/badges/service.py). */
export const VISITS_IN_A_DAY = 5;
export const STREAK_DAYS = 5;
export const NAME_MAX = 80;

// ---------------------------------------------------------------- days

/** The calendar day ("2026-12-01") `date` falls on in `zone`. */
export function dayIn(date: Date, zone: string | undefined): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(date);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}

function utc(day: string): Date {
  return new Date(`${day}T00:00:00Z`);
}

function addDays(day: string, days: number): string {
  const d = utc(day);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The Monday of `day`'s week (week keys name their Monday). */
export function mondayOf(day: string): string {
  const weekday = (utc(day).getUTCDay() + 6) % 7;
  return addDays(day, -weekday);
}

function dayWords(day: string, today: string, locale: UiLocale): string {
  const withYear = day.slice(0, 4) !== today.slice(0, 4);
  return new Intl.DateTimeFormat(locale, {
    month: 'short', day: 'numeric', ...(withYear ? { year: 'numeric' } : {}), timeZone: 'UTC',
  }).format(utc(day));
}

/**
 * A period key in words, relative to `today` (the org's day): "today", "yesterday", "Nov 28",
 * "this week", "last week", "the week of Nov 16", "this month", "November 2026"; null for `all`.
 */
export function periodWords(periodKey: string, today: string, locale: UiLocale): string | null {
  const kind = periodKey[0];
  const rest = periodKey.slice(1);
  if (kind === 'd' && /^\d{4}-\d{2}-\d{2}$/.test(rest)) {
    if (rest === today) return translate(locale, 'badges.period.today');
    if (rest === addDays(today, -1)) return translate(locale, 'badges.period.yesterday');
    return translate(locale, 'badges.period.day', { date: dayWords(rest, today, locale) });
  }
  if (kind === 'w' && /^\d{4}-\d{2}-\d{2}$/.test(rest)) {
    const thisWeek = mondayOf(today);
    if (rest === thisWeek) return translate(locale, 'badges.period.thisWeek');
    if (rest === addDays(thisWeek, -7)) return translate(locale, 'badges.period.lastWeek');
    return translate(locale, 'badges.period.week', { date: dayWords(rest, today, locale) });
  }
  if (kind === 'm' && /^\d{4}-\d{2}$/.test(rest)) {
    if (rest === today.slice(0, 7)) return translate(locale, 'badges.period.thisMonth');
    return new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'long', timeZone: 'UTC' }).format(utc(`${rest}-01`));
  }
  return null;
}

// ---------------------------------------------------------------- the wall

export interface Medal {
  key: string;
  builtIn: BuiltIn | null;
  definition: BadgeDefinition | null;
  /** How many periods it was earned for. */
  count: number;
  /** The newest award, or null while not earned. */
  latest: EarnedBadge | null;
}

function isBuiltIn(key: string): key is BuiltIn {
  return (BUILT_IN as readonly string[]).includes(key);
}

/**
 * Every built-in badge, then the company's badges (paused ones only once earned, since nobody
 * can earn them now), then earned badges whose definition is gone; each with its count and newest award.
 */
export function badgeWall(earned: readonly EarnedBadge[], definitions: readonly BadgeDefinition[]): Medal[] {
  const byKey = new Map<string, EarnedBadge[]>();
  for (const badge of earned) {
    const list = byKey.get(badge.key) ?? [];
    list.push(badge);
    byKey.set(badge.key, list);
  }
  const medal = (key: string, definition: BadgeDefinition | null): Medal => {
    const awards = [...(byKey.get(key) ?? [])].sort((a, b) => Date.parse(b.awardedAt) - Date.parse(a.awardedAt));
    return { key, builtIn: isBuiltIn(key) ? key : null, definition, count: awards.length, latest: awards[0] ?? null };
  };
  const wall = BUILT_IN.map((key) => medal(key, null));
  const custom = new Set<string>();
  for (const definition of definitions) {
    const key = `custom-${definition.id}`;
    custom.add(key);
    const m = medal(key, definition);
    if (definition.active || m.count > 0) wall.push(m);
  }
  for (const key of byKey.keys()) {
    if (!isBuiltIn(key) && !custom.has(key)) wall.push(medal(key, null));
  }
  return wall;
}

export function medalName(medal: Medal, locale: UiLocale): string {
  if (medal.builtIn) return translate(locale, `badges.name.${medal.builtIn}` as MessageKey);
  return medal.definition?.name ?? medal.latest?.name ?? medal.key;
}

/** A company badge's rule in words: "Earn 20 points in one day", "Win ¥100,000 of deals in one month". */
export function definitionInWords(
  definition: Pick<BadgeDefinition, 'metric' | 'period' | 'threshold'>,
  locale: UiLocale,
  currency: string,
): string {
  const value = definition.metric === 'revenue_won'
    ? formatMoney(definition.threshold, currency, locale)
    : new Intl.NumberFormat(locale).format(definition.threshold);
  return translate(locale, `badges.how.${definition.metric}.${definition.period}` as MessageKey, { value });
}

/** How to earn a badge, in words; null when that is no longer known (a removed company badge). */
export function howToEarn(medal: Medal, opts: { locale: UiLocale; currency: string; streakDays?: number }): string | null {
  const { locale } = opts;
  if (medal.builtIn === 'visits_day') return translate(locale, 'badges.how.visits_day', { count: VISITS_IN_A_DAY });
  if (medal.builtIn === 'streak') return translate(locale, 'badges.how.streak', { count: opts.streakDays ?? STREAK_DAYS });
  if (medal.builtIn) return translate(locale, `badges.how.${medal.builtIn}` as MessageKey);
  return medal.definition ? definitionInWords(medal.definition, locale, opts.currency) : null;
}

/** "Earned 3× · latest: this week", "Earned · on Dec 1" (a once-ever badge), "Not earned yet". */
export function earnedWords(medal: Medal, opts: { locale: UiLocale; today: string; zone: string | undefined }): string {
  const { locale, today } = opts;
  if (!medal.latest) return translate(locale, 'badges.notYet');
  const head = medal.count > 1 ? translate(locale, 'badges.earnedTimes', { count: medal.count }) : translate(locale, 'badges.earnedOnce');
  const period = periodWords(medal.latest.periodKey, today, locale);
  if (period) return `${head} · ${medal.count > 1 ? translate(locale, 'badges.latest', { period }) : period}`;
  const day = dayIn(new Date(medal.latest.awardedAt), opts.zone);
  return `${head} · ${translate(locale, 'badges.earnedOn', { date: dayWords(day, today, locale) })}`;
}

// ---------------------------------------------------------------- streak

export interface StreakWords {
  headline: string;
  best: string;
  /** What to do now: keep it today, how far the badge is, or how to start. */
  note: string;
  atRisk: boolean;
}

export function streakWords(streak: Streak, locale: UiLocale): StreakWords {
  const headline = streak.current === 0
    ? translate(locale, 'badges.streakNone')
    : streak.current === 1
      ? translate(locale, 'badges.streakOne')
      : translate(locale, 'badges.streakDays', { count: streak.current });
  const best = translate(locale, 'badges.streakBest', { count: Math.max(streak.best, streak.current) });
  let note: string;
  if (streak.atRisk) note = translate(locale, 'badges.streakAtRisk');
  else if (streak.current === 0) note = translate(locale, 'badges.streakStart');
  else if (streak.current < streak.badgeDays) note = translate(locale, 'badges.streakToGo', { count: streak.badgeDays - streak.current });
  else note = translate(locale, 'badges.streakBadgeDone', { count: streak.badgeDays });
  return { headline, best, note, atRisk: streak.atRisk };
}

// ---------------------------------------------------------------- forms

/** A threshold as typed: a whole number (range is the server's to judge), else null. */
export function parseThreshold(text: string): number | null {
  const trimmed = text.trim().replace(/[,\s]/g, '');
  if (!/^-?\d{1,12}$/.test(trimmed)) return null;
  return Number(trimmed);
}

export interface CalendarRow {
  day: string;
  kind: string;
  name: string;
}

type Problem = Pick<FieldError, 'field' | 'code' | 'message'>;

/** What the browser can tell before sending a year: a missing day, one outside the year, one listed twice. */
export function calendarProblems(rows: readonly CalendarRow[], year: number, locale: UiLocale): Problem[] {
  const problems: Problem[] = [];
  const seen = new Set<string>();
  rows.forEach((row, index) => {
    const field = `days.${index}.day`;
    if (!row.day) problems.push({ field, code: 'REQUIRED', message: translate(locale, 'error.REQUIRED') });
    else if (!row.day.startsWith(`${year}-`)) problems.push({ field, code: 'INVALID', message: translate(locale, 'badges.dayOutsideYear', { year }) });
    else if (seen.has(row.day)) problems.push({ field, code: 'INVALID', message: translate(locale, 'badges.dayTwice') });
    if (row.day) seen.add(row.day);
  });
  return problems;
}

/** The row (0-based) and part (day, kind, name) a `days.<i>.<part>` error names, or null for the whole form. */
export function calendarSlot(field: string | null): { row: number; part: string } | null {
  const match = /^(?:input\.)?days\.(\d+)\.(\w+)$/.exec(field ?? '');
  return match ? { row: Number(match[1]), part: match[2]! } : null;
}
