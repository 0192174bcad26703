// The pure part of the pipeline: optimistic moves and their rollback, column totals and
// dwell times. Money, dates, clientIds and error placement are shared: ui/money, ui/dates, ui/ids, ui/form.
import type { Deal, PipelineColumn, Stage } from '@/graphql/types';
import { translate, type UiLocale } from '@/i18n';
import { sumAmounts, weightedAmount } from '@/ui/money';

// ---------------------------------------------------------------- durations

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
