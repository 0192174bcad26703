// The pure part of the pipeline: optimistic moves and their rollback, exact money
// sums, dwell times, dates, field-error placement, and clientIds kept across retries.
import type { Deal, FieldError, PipelineColumn, Stage } from '@/graphql/types';
import { fieldErrorMessage } from '@/graphql/errors';
import { translate, type UiLocale } from '@/i18n';

// ---------------------------------------------------------------- money

/** Decimal string → cents; the API sends at most two places for money. */
export function toCents(amount: string): bigint {
  const [whole = '0', fraction = ''] = amount.trim().replace('-', '').split('.');
  const cents = BigInt(whole || '0') * 100n + BigInt((fraction + '00').slice(0, 2));
  return amount.trim().startsWith('-') ? -cents : cents;
}

export function fromCents(cents: bigint): string {
  const sign = cents < 0n ? '-' : '';
  const abs = cents < 0n ? -cents : cents;
  return `${sign}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
}

/** Decimal strings summed in cents, so 0.1 + 0.2 stays 0.30. */
export function sumAmounts(deals: ReadonlyArray<Pick<Deal, 'amount'>>): string {
  return fromCents(deals.reduce((sum, d) => sum + toCents(d.amount), 0n));
}

/** `numerator / divisor` rounded half to even, as the server's Decimal.quantize does. */
function divideHalfEven(numerator: bigint, divisor: bigint): bigint {
  const negative = numerator < 0n;
  const n = negative ? -numerator : numerator;
  let q = n / divisor;
  const twice = (n % divisor) * 2n;
  if (twice > divisor || (twice === divisor && q % 2n === 1n)) q += 1n;
  return negative ? -q : q;
}

/** Σ amount × probability %, rounded once at the end like the server's weightedAmount. */
export function weightedAmount(deals: ReadonlyArray<Pick<Deal, 'amount' | 'probability'>>): string {
  const hundredths = deals.reduce((sum, d) => sum + toCents(d.amount) * BigInt(d.probability), 0n);
  return fromCents(divideHalfEven(hundredths, 100n));
}

/**
 * What someone typed as an amount, as the API's Decimal ("12,000.5" → "12000.5");
 * null when it is not a plain non-negative number with at most two decimals.
 */
export function normalizeAmount(raw: string): string | null {
  const compact = raw.replace(/[\s,，_']/g, '');
  return /^\d{1,13}(\.\d{1,2})?$/.test(compact) ? compact : null;
}

/** A quantity (up to three decimals, more than zero), or null. */
export function normalizeQuantity(raw: string): string | null {
  const compact = raw.replace(/[\s,，]/g, '');
  return /^\d{1,9}(\.\d{1,3})?$/.test(compact) && Number(compact) > 0 ? compact : null;
}

/** Lines' total as the server computes it: each line rounded to the cent (half even), then summed. */
export function linesTotal(lines: ReadonlyArray<{ quantity: string; unitPrice: string }>): string {
  const thousandths = (q: string) => {
    const [whole = '0', fraction = ''] = q.split('.');
    return BigInt(whole || '0') * 1000n + BigInt((fraction + '000').slice(0, 3));
  };
  const cents = lines.reduce((sum, line) => sum + divideHalfEven(thousandths(line.quantity) * toCents(line.unitPrice), 1000n), 0n);
  return fromCents(cents);
}

/**
 * A currency amount in the UI language. Whole amounts drop the ".00" (cards stay
 * short); `compact` gives "¥1.2M" / "¥120万" for tight column headers.
 */
export function formatMoney(amount: string | number, currency: string, locale: UiLocale, compact = false): string {
  const value = typeof amount === 'number' ? amount : Number(amount);
  const whole = Number.isInteger(value);
  return new Intl.NumberFormat(locale, {
    style: 'currency',
    currency,
    notation: compact ? 'compact' : 'standard',
    minimumFractionDigits: compact || whole ? 0 : 2,
    maximumFractionDigits: compact ? 1 : 2,
  }).format(value);
}

// ---------------------------------------------------------------- dates and durations

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

type UnitKey = 'pipeline.unitDay' | 'pipeline.unitHour' | 'pipeline.unitMinute' | 'pipeline.unitSecond';
const UNITS: ReadonlyArray<[number, UnitKey]> = [
  [86400, 'pipeline.unitDay'],
  [3600, 'pipeline.unitHour'],
  [60, 'pipeline.unitMinute'],
  [1, 'pipeline.unitSecond'],
];

/**
 * "3 d 4 h", "5 h 12 min", "40 s" (3天4小时 …): the largest unit and the next one
 * below it, rounded down; a zero in the second place is left out ("3 d", not "3 d 5 min").
 */
export function formatDwell(seconds: number, locale: UiLocale): string {
  const total = Math.max(0, Math.floor(seconds));
  const first = UNITS.findIndex(([size]) => total >= size);
  if (first === -1) return translate(locale, 'pipeline.unitSecond', { n: 0 });
  const [size, key] = UNITS[first]!;
  const parts = [translate(locale, key, { n: Math.floor(total / size) })];
  const next = UNITS[first + 1];
  if (next) {
    const count = Math.floor((total % size) / next[0]);
    if (count > 0) parts.push(translate(locale, next[1], { n: count }));
  }
  return parts.join(locale === 'en' ? ' ' : '');
}

// ---------------------------------------------------------------- the board

export function needsReason(stage: Pick<Stage, 'outcome'>): boolean {
  return stage.outcome !== 'OPEN';
}

/** The server's order within a column: expected close, then age (ids grow). */
export function compareDeals(a: Pick<Deal, 'expectedClose' | 'id'>, b: Pick<Deal, 'expectedClose' | 'id'>): number {
  if (a.expectedClose !== b.expectedClose) return a.expectedClose < b.expectedClose ? -1 : 1;
  return Number(a.id) - Number(b.id) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function withDeals(column: PipelineColumn, deals: Deal[]): PipelineColumn {
  return { ...column, deals, count: deals.length, amount: sumAmounts(deals), weightedAmount: weightedAmount(deals) };
}

export function findDeal(columns: readonly PipelineColumn[], dealId: string): Deal | undefined {
  for (const column of columns) {
    const deal = column.deals.find((d) => d.id === dealId);
    if (deal) return deal;
  }
  return undefined;
}

/** The board with `deal` in the column of its stage (and nowhere else), in the server's order. */
export function placeDeal(columns: readonly PipelineColumn[], deal: Deal): PipelineColumn[] {
  return columns.map((column) => {
    const had = column.deals.some((d) => d.id === deal.id);
    const belongs = column.stage.id === deal.stage.id;
    if (!had && !belongs) return column;
    const others = column.deals.filter((d) => d.id !== deal.id);
    return withDeals(column, belongs ? [...others, deal].sort(compareDeals) : others);
  });
}

/** A move shown before the server answers: enough to take it back exactly. */
export interface PendingMove {
  dealId: string;
  /** The deal as it was (stage, probability, version). */
  before: Deal;
  to: Stage;
}

/**
 * Moves a card at once (a new board; the old one is left alone). The deal takes the
 * stage's default probability, as the server does. Null when there is nothing to move.
 */
export function startMove(
  columns: readonly PipelineColumn[],
  dealId: string,
  to: Stage,
): { columns: PipelineColumn[]; move: PendingMove } | null {
  const before = findDeal(columns, dealId);
  if (!before || before.stage.id === to.id || !columns.some((c) => c.stage.id === to.id)) return null;
  const moved: Deal = { ...before, stage: to, probability: to.probability, status: to.outcome };
  return { columns: placeDeal(columns, moved), move: { dealId, before, to } };
}

/** Takes a refused move back: the deal as it was, where it was, whatever else moved meanwhile. */
export function revertMove(columns: readonly PipelineColumn[], move: PendingMove): PipelineColumn[] {
  return placeDeal(columns, move.before);
}

/** Open deals' total and weighted total, for the page header. */
export function openTotals(columns: readonly PipelineColumn[]): { count: number; amount: string; weighted: string } {
  const open = columns.filter((c) => c.stage.outcome === 'OPEN').flatMap((c) => c.deals);
  return { count: open.length, amount: sumAmounts(open), weighted: weightedAmount(open) };
}

/**
 * Auto-scroll speed (px per frame) while dragging near an edge of a scroller:
 * negative towards the start, positive towards the end, zero in the middle.
 */
export function edgeSpeed(position: number, start: number, end: number, zone = 56, max = 18): number {
  if (end - start < zone * 2) return 0;
  if (position < start + zone) return -Math.ceil(max * Math.min(1, (start + zone - position) / zone));
  if (position > end - zone) return Math.ceil(max * Math.min(1, (position - (end - zone)) / zone));
  return 0;
}

// ---------------------------------------------------------------- writes

/** A fresh id for one write. */
export function newClientId(): string {
  return crypto.randomUUID();
}

/**
 * ClientIds that survive retries. Each slot ("move:42", "create", "payment:7") holds
 * the write in flight or unanswered; sending the same input again reuses its id, so a
 * write the server did apply before the connection dropped is replayed, never doubled.
 * A different input is a new write; an answer from the server (`settle`) ends it.
 */
export class RetryIds {
  private readonly pending = new Map<string, { input: string; clientId: string }>();

  constructor(private readonly newId: () => string = newClientId) {}

  idFor(slot: string, input: unknown): string {
    const key = JSON.stringify(input);
    const current = this.pending.get(slot);
    if (current && current.input === key) return current.clientId;
    const clientId = this.newId();
    this.pending.set(slot, { input: key, clientId });
    return clientId;
  }

  isRetry(slot: string, input: unknown): boolean {
    return this.pending.get(slot)?.input === JSON.stringify(input);
  }

  settle(slot: string): void {
    this.pending.delete(slot);
  }
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
