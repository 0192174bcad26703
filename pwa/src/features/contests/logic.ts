// The pure part of contests: time left in words, metric values, who is on track for
// which prize, ranks with ties, which frame to show, and the form's error slots.
import type { Contest, ContestEntry, ContestMetric, ContestPrize, ContestPrizeInput } from '@/features/contests/documents';
import { formatRevenue } from '@/features/board/logic';
import { formatDay } from '@/ui/dates';
import { translate, type MessageKey, type UiLocale } from '@/i18n';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const METRICS: readonly ContestMetric[] = ['POINTS', 'REVENUE_WON', 'DEALS_WON', 'VERIFIED_VISITS', 'NEW_CUSTOMERS', 'GROWTH'];
export const MODES = ['INDIVIDUAL', 'TEAM', 'HEAD_TO_HEAD'] as const;

function plural(locale: UiLocale, base: 'contests.days' | 'contests.hours' | 'contests.minutes', count: number): string {
  const form = new Intl.PluralRules(locale).select(count) === 'one' ? 'one' : 'other';
  return translate(locale, `${base}.${form}` as MessageKey, { count: new Intl.NumberFormat(locale).format(count) });
}

/**
 * A duration as people say it: the two largest units that matter ("3 days 4 hours",
 * "5 hours 20 minutes", "12 minutes"); what is under a minute rounds up to one.
 */
export function durationWords(ms: number, locale: UiLocale): string {
  const total = Math.max(MINUTE, Math.ceil(ms / MINUTE) * MINUTE);
  const days = Math.floor(total / DAY);
  const hours = Math.floor((total % DAY) / HOUR);
  const minutes = Math.floor((total % HOUR) / MINUTE);
  const parts: string[] = [];
  if (days > 0) {
    parts.push(plural(locale, 'contests.days', days));
    if (hours > 0) parts.push(plural(locale, 'contests.hours', hours));
  } else if (hours > 0) {
    parts.push(plural(locale, 'contests.hours', hours));
    if (minutes > 0) parts.push(plural(locale, 'contests.minutes', minutes));
  } else {
    parts.push(plural(locale, 'contests.minutes', minutes));
  }
  return parts.reduce((a, b) => translate(locale, 'contests.join', { a, b }));
}

/** "3 days 4 hours left", "Starts in 2 days", "Ended 30 Nov". */
export function timeLeftText(
  contest: Pick<Contest, 'status' | 'startsAt' | 'endsAt' | 'endsOn'>,
  now: number,
  locale: UiLocale,
): string {
  if (contest.status === 'ENDED') return translate(locale, 'contests.endedOn', { date: formatDay(contest.endsOn, locale) });
  if (contest.status === 'UPCOMING') {
    return translate(locale, 'contests.startsIn', { time: durationWords(Date.parse(contest.startsAt) - now, locale) });
  }
  const left = Date.parse(contest.endsAt) - now;
  if (left <= 0) return translate(locale, 'contests.endingNow');
  return translate(locale, 'contests.left', { time: durationWords(left, locale) });
}

/** "1 Dec – 7 Dec" (inclusive calendar days, so no zone can shift them). */
export function dateRange(contest: Pick<Contest, 'startsOn' | 'endsOn'>, locale: UiLocale): string {
  const start = formatDay(contest.startsOn, locale);
  return contest.startsOn === contest.endsOn ? start : translate(locale, 'contests.range', { start, end: formatDay(contest.endsOn, locale) });
}

/** +25 %, −10 %, 0 %: a growth ratio as the change it means. */
export function growthText(ratio: string | null, locale: UiLocale): string {
  if (ratio === null) return '—';
  const change = Number(ratio) - 1;
  return new Intl.NumberFormat(locale, {
    style: 'percent',
    signDisplay: 'exceptZero',
    maximumFractionDigits: Math.abs(change) < 0.1 ? 1 : 0,
  }).format(change);
}

/**
 * An entry's value in the metric's words: [figure, unit]. Money is in the contest's
 * currency (compact where space is short); growth shows last year's sales as its unit.
 */
export function formatValue(
  metric: ContestMetric,
  entry: Pick<ContestEntry, 'value' | 'lastYear'>,
  currency: string,
  locale: UiLocale,
  compact = false,
): [string, string] {
  const number = (value: number) => new Intl.NumberFormat(locale).format(value);
  const count = Number(entry.value ?? 0);
  switch (metric) {
    case 'POINTS':
      return [number(count), translate(locale, 'contests.unit.POINTS')];
    case 'REVENUE_WON':
      return [formatRevenue(entry.value ?? '0', currency, locale, compact), ''];
    case 'GROWTH':
      return [
        growthText(entry.value, locale),
        entry.lastYear !== null && Number(entry.lastYear) > 0
          ? translate(locale, 'contests.lastYear', { amount: formatRevenue(entry.lastYear, currency, locale, true) })
          : translate(locale, 'contests.noHistory'),
      ];
    default: {
      const form = new Intl.PluralRules(locale).select(count) === 'one' ? 'one' : 'other';
      return [number(count), translate(locale, `contests.unit.${metric}.${form}` as MessageKey)];
    }
  }
}

/** Nobody is on track for a prize, or leads, with nothing to show for it. */
export function scored(entry: Pick<ContestEntry, 'value'>): boolean {
  return entry.value !== null && Number(entry.value) > 0;
}

/** The ranks that more than one entry shares. */
export function tiedRanks(entries: readonly Pick<ContestEntry, 'rank'>[]): Set<number> {
  const seen = new Set<number>();
  const tied = new Set<number>();
  for (const { rank } of entries) {
    if (seen.has(rank)) tied.add(rank);
    seen.add(rank);
  }
  return tied;
}

/** "2", or "=2" when the rank is shared. */
export function rankLabel(rank: number, tied: ReadonlySet<number>, locale: UiLocale): string {
  const figure = new Intl.NumberFormat(locale).format(rank);
  return tied.has(rank) ? `=${figure}` : figure;
}

export interface PrizeTrack {
  prize: ContestPrize;
  /** Who would win it now (ties share it); for an ended contest, who won it. */
  entries: ContestEntry[];
}

/**
 * Each prize with the entries at its rank: while running, only those who scored (a
 * tie of zeros wins nothing); once ended, the fixed winners.
 */
export function prizeTracks(contest: Pick<Contest, 'status' | 'prizes' | 'standings' | 'winners'>): PrizeTrack[] {
  const ended = contest.status === 'ENDED';
  const pool = ended ? contest.winners : contest.standings.filter(scored);
  return [...contest.prizes]
    .sort((a, b) => a.rank - b.rank)
    .map((prize) => ({ prize, entries: pool.filter((e) => e.rank === prize.rank) }));
}

/** The prizes an entry holds (or would hold now). */
export function prizesOf(tracks: readonly PrizeTrack[], key: string): ContestPrize[] {
  return tracks.filter((t) => t.entries.some((e) => e.key === key)).map((t) => t.prize);
}

/** My row: me in an individual contest, my team otherwise. */
export function myKey(contest: Pick<Contest, 'mode'>, userId: string, teamId: string | null): string | null {
  if (contest.mode === 'INDIVIDUAL') return `user:${userId}`;
  return teamId ? `team:${teamId}` : null;
}

export function leader(contest: Pick<Contest, 'standings'>): ContestEntry | null {
  const first = contest.standings[0];
  return first && scored(first) ? first : null;
}

/** The left side's share of a head-to-head bar, 0…1; level (or nothing yet) is half each. */
export function headToHeadShare(a: Pick<ContestEntry, 'value'> | undefined, b: Pick<ContestEntry, 'value'> | undefined): number {
  const left = Math.max(0, Number(a?.value ?? 0));
  const right = Math.max(0, Number(b?.value ?? 0));
  if (left + right === 0) return 0.5;
  return left / (left + right);
}

/** Running first (ending soonest), then upcoming (starting soonest), then history (newest first). */
export function groupContests<C extends Pick<Contest, 'status' | 'startsAt' | 'endsAt'>>(contests: readonly C[]): Record<Contest['status'], C[]> {
  const by = (status: Contest['status']) => contests.filter((c) => c.status === status);
  return {
    RUNNING: by('RUNNING').sort((a, b) => Date.parse(a.endsAt) - Date.parse(b.endsAt)),
    UPCOMING: by('UPCOMING').sort((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt)),
    ENDED: by('ENDED').sort((a, b) => Date.parse(b.endsAt) - Date.parse(a.endsAt)),
  };
}

/**
 * Keeps the newest frame of one contest's subscription (frames can race: a snapshot
 * and a change); a new connection's snapshot is the truth whatever its version.
 */
export class ContestStream {
  private shown: { id: string; version: number; epoch: number } | null = null;
  contest: Contest | null = null;

  accept(frame: Contest, epoch: number): boolean {
    const shown = this.shown;
    if (shown && shown.epoch === epoch && shown.id === frame.id && frame.version <= shown.version && frame.status === this.contest?.status) {
      return false;
    }
    this.shown = { id: frame.id, version: frame.version, epoch };
    this.contest = frame;
    return true;
  }
}

// ---------------------------------------------------------------- the form

/** Where a server error goes: `input.name` → the name field, `prizes.1.points` → row 1's points. */
export type ErrorSlot = { field: string } | { prize: number; field: string };

export function errorSlot(field: string | null | undefined): ErrorSlot | null {
  if (!field) return null;
  const path = field.replace(/^input\./, '');
  const prize = /^prizes\.(\d+)(?:\.(\w+))?$/.exec(path);
  if (prize) return { prize: Number(prize[1]), field: prize[2] ?? 'title' };
  return { field: path.split('.')[0]! };
}

export type PresetKind = 'top3' | 'team' | 'growth';

/** Ready-made prize rows; titles come from the caller (in the manager's language). */
export function presetPrizes(kind: PresetKind, title: (rank: number) => string, award: string): ContestPrizeInput[] {
  if (kind === 'top3') return [1, 2, 3].map((rank, i) => ({ rank, title: title(rank), points: [100, 50, 25][i]! }));
  return [{ rank: 1, title: award, points: kind === 'team' ? 50 : 100 }];
}

/** Today's calendar day in `zone`, as a date input's value. */
export function dayIn(now: Date, zone: string | undefined): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(now);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** The Sunday closing the (Monday-first) week of `day`. */
export function weekEnd(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  const weekday = (date.getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  date.setUTCDate(date.getUTCDate() + 6 - weekday);
  return date.toISOString().slice(0, 10);
}
