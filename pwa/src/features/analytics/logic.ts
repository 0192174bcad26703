// The cockpit's pure parts: fiscal period keys (stepping, switching grain), the node and period in the
// URL, the changes against the previous period and last year, and how figures read. No DOM: vitest
// runs it in node. Keys are the targets' ("FY2026", "FY2026-Q3", "2026-04", "2026-W10"); a fiscal
// year is named by the calendar year it starts in (backend podium/targets/calendar.py).
import type { FunnelBasis, NodeKind, NodeRef, Results } from '@/features/analytics/documents';

export type Grain = 'WEEK' | 'MONTH' | 'QUARTER' | 'YEAR';
export const GRAINS: readonly Grain[] = ['MONTH', 'QUARTER', 'YEAR', 'WEEK'];

const YEAR = /^FY(\d{4})$/;
const QUARTER = /^FY(\d{4})-Q([1-4])$/;
const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
const WEEK = /^(\d{4})-W(\d{2})$/;

interface Day {
  year: number;
  month: number; // 1…12
  day: number;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** The grain a key names; null for anything else. */
export function grainOf(key: string): Grain | null {
  if (YEAR.test(key)) return 'YEAR';
  if (QUARTER.test(key)) return 'QUARTER';
  if (MONTH.test(key)) return 'MONTH';
  const week = WEEK.exec(key);
  if (week && Number(week[2]) >= 1 && Number(week[2]) <= isoWeeks(Number(week[1]))) return 'WEEK';
  return null;
}

const utc = (d: Day) => Date.UTC(d.year, d.month - 1, d.day);
const fromUtc = (ms: number): Day => {
  const date = new Date(ms);
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
};
const DAY_MS = 86_400_000;

/** Monday of ISO week 1: the week that holds 4 January. */
function isoWeekOne(year: number): number {
  const jan4 = Date.UTC(year, 0, 4);
  const weekday = (new Date(jan4).getUTCDay() + 6) % 7; // Monday 0
  return jan4 - weekday * DAY_MS;
}

/** 52 or 53. */
export function isoWeeks(year: number): number {
  return Math.round((isoWeekOne(year + 1) - isoWeekOne(year)) / (7 * DAY_MS));
}

function isoWeekOf(d: Day): { year: number; week: number } {
  const ms = utc(d);
  let year = d.year + 1;
  while (ms < isoWeekOne(year)) year -= 1;
  return { year, week: Math.floor((ms - isoWeekOne(year)) / (7 * DAY_MS)) + 1 };
}

/** Months added to a year and month, across years. */
function addMonths(year: number, month: number, count: number): { year: number; month: number } {
  const index = year * 12 + (month - 1) + count;
  return { year: Math.floor(index / 12), month: (index % 12) + 1 };
}

/** The key `count` periods after (or before) `key`, in the same grain; the key itself when unreadable. */
export function stepPeriod(key: string, count: number): string {
  let m: RegExpExecArray | null;
  if ((m = YEAR.exec(key))) return `FY${Number(m[1]) + count}`;
  if ((m = QUARTER.exec(key))) {
    const index = Number(m[1]) * 4 + Number(m[2]) - 1 + count;
    return `FY${Math.floor(index / 4)}-Q${(index % 4) + 1}`;
  }
  if ((m = MONTH.exec(key))) {
    const next = addMonths(Number(m[1]), Number(m[2]), count);
    return `${next.year}-${pad(next.month)}`;
  }
  if (grainOf(key) === 'WEEK' && (m = WEEK.exec(key))) {
    const monday = isoWeekOne(Number(m[1])) + (Number(m[2]) - 1 + count) * 7 * DAY_MS;
    const week = isoWeekOf(fromUtc(monday));
    return `${week.year}-W${pad(week.week)}`;
  }
  return key;
}

/** The first day of a period (fiscal years and quarters begin in `fiscalStart`, 1…12). */
export function firstDay(key: string, fiscalStart: number): Day | null {
  let m: RegExpExecArray | null;
  if ((m = YEAR.exec(key))) return { year: Number(m[1]), month: fiscalStart, day: 1 };
  if ((m = QUARTER.exec(key))) {
    const start = addMonths(Number(m[1]), fiscalStart, 3 * (Number(m[2]) - 1));
    return { ...start, day: 1 };
  }
  if ((m = MONTH.exec(key))) return { year: Number(m[1]), month: Number(m[2]), day: 1 };
  if (grainOf(key) === 'WEEK' && (m = WEEK.exec(key))) return fromUtc(isoWeekOne(Number(m[1])) + (Number(m[2]) - 1) * 7 * DAY_MS);
  return null;
}

/** The period of `grain` holding a day. */
export function periodOf(grain: Grain, d: Day, fiscalStart: number): string {
  if (grain === 'MONTH') return `${d.year}-${pad(d.month)}`;
  if (grain === 'WEEK') {
    const week = isoWeekOf(d);
    return `${week.year}-W${pad(week.week)}`;
  }
  const fiscalYear = d.month >= fiscalStart ? d.year : d.year - 1;
  if (grain === 'YEAR') return `FY${fiscalYear}`;
  const monthsIn = (d.month - fiscalStart + 12) % 12;
  return `FY${fiscalYear}-Q${Math.floor(monthsIn / 3) + 1}`;
}

/** Another grain for the same moment: the period of `grain` holding the first day of `key`. */
export function switchGrain(key: string, grain: Grain, fiscalStart: number): string {
  const day = firstDay(key, fiscalStart);
  return day ? periodOf(grain, day, fiscalStart) : key;
}

/** The fiscal year's first month from any quarter's key and first day ("FY2026-Q3", "2026-10-01" → 4). */
export function fiscalStartFrom(quarterKey: string, firstDayIso: string): number {
  const m = QUARTER.exec(quarterKey);
  const month = Number(firstDayIso.slice(5, 7));
  if (!m || !(month >= 1 && month <= 12)) return 1;
  return ((month - 1 - 3 * (Number(m[2]) - 1) + 24) % 12) + 1;
}

// ---------------------------------------------------------------- the URL

const KINDS: Record<string, NodeKind> = { org: 'ORG', team: 'TEAM', user: 'USER' };

/** "team:12" → the node; null for anything else. */
export function parseNode(value: string | null): NodeRef | null {
  const m = /^(org|team|user):(\d{1,18})$/.exec(value ?? '');
  return m ? { kind: KINDS[m[1] as string] as NodeKind, id: m[2] as string } : null;
}

/** The node as the URL and the exports write it ("team:12"). */
export function nodeParam(node: NodeRef): string {
  return `${node.kind.toLowerCase()}:${node.id}`;
}

export interface Place {
  node: NodeRef | null;
  period: string | null;
  basis: FunnelBasis;
}

export function readParams(params: URLSearchParams): Place {
  const period = params.get('period') ?? '';
  return {
    node: parseNode(params.get('node')),
    period: grainOf(period) ? period : null,
    basis: params.get('basis') === 'cohort' ? 'COHORT' : 'FLOW',
  };
}

export function writeParams(place: Place): URLSearchParams {
  const p = new URLSearchParams();
  if (place.node) p.set('node', nodeParam(place.node));
  if (place.period) p.set('period', place.period);
  if (place.basis === 'COHORT') p.set('basis', 'cohort');
  return p;
}

/** Where a drill-down (a child's row, a breadcrumb) leads: the same period and basis, another node. */
export function analyticsHref(node: NodeRef | null, period: string | null, basis: FunnelBasis): string {
  return sectionHref('pipeline', node, period, basis);
}

/** The cockpit's sections: the pipeline at /analytics, the customers at /analytics/customers. */
export type Section = 'pipeline' | 'customers';

export function sectionHref(section: Section, node: NodeRef | null, period: string | null, basis: FunnelBasis = 'FLOW'): string {
  const search = writeParams({ node, period, basis }).toString();
  return `/analytics${section === 'customers' ? '/customers' : ''}${search ? `?${search}` : ''}`;
}

// ---------------------------------------------------------------- changes

export type FigureKind = 'money' | 'count' | 'rate' | 'days';

export interface Delta {
  /** Relative change (0.12 = +12 %) for amounts, counts and days; percentage points (0.03 = +3 pp) for rates. */
  value: number;
  unit: 'relative' | 'points';
  direction: 'up' | 'down' | 'flat';
  /** Whether the change is good news (fewer days of DSO or cycle is). */
  good: boolean | null;
}

const asNumber = (v: string | number | null | undefined): number | null => {
  if (v === null || v === undefined || v === '') return null;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : null;
};

/** The change from `base` to `current`; null when either is missing or a relative change has no base. */
export function delta(current: string | number | null, base: string | number | null, kind: FigureKind): Delta | null {
  const now = asNumber(current);
  const then = asNumber(base);
  if (now === null || then === null) return null;
  const points = kind === 'rate';
  if (!points && then === 0) return null;
  const value = points ? now - then : (now - then) / Math.abs(then);
  const direction = Math.abs(value) < 0.0005 ? 'flat' : value > 0 ? 'up' : 'down';
  const lowerIsBetter = kind === 'days';
  const good = direction === 'flat' ? null : (direction === 'up') !== lowerIsBetter;
  return { value, unit: points ? 'points' : 'relative', direction, good };
}

export interface TileSpec {
  id: string;
  kind: FigureKind;
  figure: (r: Results) => string | number | null;
}

/** The KPI tiles, in reading order; revenue first (it also carries the target and pace). */
export const TILES: readonly TileSpec[] = [
  { id: 'revenue', kind: 'money', figure: (r) => r.revenue },
  { id: 'won', kind: 'count', figure: (r) => r.won },
  { id: 'winRate', kind: 'rate', figure: (r) => r.winRate },
  { id: 'aov', kind: 'money', figure: (r) => r.averageOrderValue },
  { id: 'margin', kind: 'money', figure: (r) => r.grossMargin },
  { id: 'collections', kind: 'money', figure: (r) => r.collections },
  { id: 'collectionRate', kind: 'rate', figure: (r) => r.collectionRate },
  { id: 'dso', kind: 'days', figure: (r) => r.dsoDays },
  { id: 'cycle', kind: 'days', figure: (r) => r.cycleDaysP50 },
];

/** "+12%", "−3.5 pp", "0%": the sign always shown, a real minus sign. */
export function formatDelta(d: Delta, locale: string): string {
  const sign = d.direction === 'flat' ? '' : d.value > 0 ? '+' : '−';
  const abs = Math.abs(d.value);
  if (d.unit === 'points') {
    const pp = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(abs * 100);
    return `${sign}${pp} pp`;
  }
  const pct = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: abs < 0.1 ? 1 : 0 }).format(abs);
  return `${sign}${pct}`;
}

/** A 0…1 rate as a percentage ("42%", "—" when unknown). */
export function formatRate(rate: number | null, locale: string, digits = 0): string {
  if (rate === null || !Number.isFinite(rate)) return '—';
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: digits }).format(rate);
}

/** Days with one decimal below ten ("3.5", "42"); null for unknown. */
export function roundDays(days: number | null): number | null {
  if (days === null || !Number.isFinite(days)) return null;
  return days < 10 ? Math.round(days * 10) / 10 : Math.round(days);
}

/** How pace reads: ahead from 100 %, on track from 90 %, behind below. */
export function paceClass(pace: number | null): 'ahead' | 'on-track' | 'behind' | 'none' {
  if (pace === null || !Number.isFinite(pace)) return 'none';
  if (pace >= 1) return 'ahead';
  if (pace >= 0.9) return 'on-track';
  return 'behind';
}

/** Share of the target reached so far (0…1 clamped for a bar; the label shows the real figure). */
export function targetShare(revenue: string, target: string | null): number | null {
  const t = asNumber(target);
  const r = asNumber(revenue);
  if (t === null || r === null || t <= 0) return null;
  return Math.min(1, Math.max(0, r / t));
}

/** Calls `fn` once, `ms` after the last of a burst of calls. */
/** The most rows a cockpit list reads at once (the API's MAX_PAGE). */
export const MAX_FIRST = 200;

/** How many rows to read again: as many as are shown (the reader's "more" pages stay open), at least `first`. */
export function keptFirst(first: number, shown: number | undefined): number {
  return Math.min(MAX_FIRST, Math.max(first, shown ?? 0));
}

export function debounce(fn: () => void, ms: number): { call: () => void; cancel: () => void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return {
    call: () => {
      clearTimeout(timer);
      timer = setTimeout(fn, ms);
    },
    cancel: () => clearTimeout(timer),
  };
}
