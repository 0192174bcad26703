// The customers section's pure parts: the Pareto chart's series, churn reasons as messages, the RFM
// grid, where a contribution row leads and how a share reads. No DOM: vitest runs it in node.
import type { NodeRef } from '@/features/analytics/documents';
import type { AbcTier, ChurnReason, ContributionBy, ContributionItem, RfmDimension } from '@/features/analytics/customers-documents';
import { parseNode } from '@/features/analytics/logic';

export const BYS: readonly ContributionBy[] = ['CUSTOMER', 'PRODUCT', 'PRODUCT_LINE', 'REGION'];
export const TIERS: readonly AbcTier[] = ['A', 'B', 'C'];
export const DIMENSIONS: readonly RfmDimension[] = ['RECENCY', 'FREQUENCY', 'MONETARY'];
export const SCORES: readonly number[] = [5, 4, 3, 2, 1];

/** `contribution=product` in the URL; customers by default. */
export function readBy(value: string | null): ContributionBy {
  const upper = (value ?? '').toUpperCase().replace('-', '_');
  return (BYS as readonly string[]).includes(upper) ? (upper as ContributionBy) : 'CUSTOMER';
}

export function byParam(by: ContributionBy): string {
  return by.toLowerCase().replace('_', '-');
}

export interface ParetoSeries {
  labels: string[];
  revenue: number[];
  /** 0…1, the API's cumulative share (each item's running total over the whole node's revenue). */
  cumulative: Array<number | null>;
  tiers: AbcTier[];
  /** Items left out of the chart (they stay in the table). */
  rest: number;
}

/** The first `limit` ranked items as bars (revenue) and a line (cumulative share). */
export function paretoSeries(items: readonly ContributionItem[], limit: number, blank: string): ParetoSeries {
  const ranked = [...items].sort((a, b) => a.rank - b.rank);
  const shown = ranked.slice(0, Math.max(0, limit));
  return {
    labels: shown.map((i) => i.label || blank),
    revenue: shown.map((i) => Number(i.revenue)),
    cumulative: shown.map((i) => (i.cumulativeShare === null ? null : Number(i.cumulativeShare))),
    tiers: shown.map((i) => i.tier),
    rest: ranked.length - shown.length,
  };
}

/** A churn reason as a message key and its values (amounts stay strings for the screen's money format). */
export function reasonMessage(r: ChurnReason): { key: string; days?: number; usual?: number; recent?: string; earlier?: string } {
  if (r.code === 'OVERDUE') {
    return r.usualDays === null
      ? { key: 'an.cu.reason.OVERDUE.plain', days: r.days ?? 0 }
      : { key: 'an.cu.reason.OVERDUE', days: r.days ?? 0, usual: r.usualDays };
  }
  if (r.code === 'FALLING_ORDER_VALUE') {
    return r.recentAverage !== null && r.earlierAverage !== null
      ? { key: 'an.cu.reason.FALLING_ORDER_VALUE', recent: r.recentAverage, earlier: r.earlierAverage }
      : { key: 'an.cu.reason.FALLING_ORDER_VALUE.plain' };
  }
  return r.days === null ? { key: 'an.cu.reason.NO_VISIT.never' } : { key: 'an.cu.reason.NO_VISIT', days: r.days };
}

/** Where a contribution row leads: a customer's page, a unit's customers; products and lines nowhere. */
export function contributionTarget(item: ContributionItem): { customer: string } | { node: NodeRef } | null {
  const m = /^customer:(\d+)$/.exec(item.key);
  if (m) return { customer: m[1] as string };
  const node = parseNode(item.key);
  return node ? { node } : null;
}

/** Counts per dimension and score (5 first), zeros filled in. */
export function rfmGrid(scores: ReadonlyArray<{ dimension: RfmDimension; score: number; customers: number }>): Record<RfmDimension, number[]> {
  const grid = { RECENCY: [0, 0, 0, 0, 0], FREQUENCY: [0, 0, 0, 0, 0], MONETARY: [0, 0, 0, 0, 0] } as Record<RfmDimension, number[]>;
  for (const s of scores) {
    const i = SCORES.indexOf(s.score);
    if (i >= 0) grid[s.dimension][i] = s.customers;
  }
  return grid;
}

/** A decimal string of 0…1 as a number (null stays null). */
export function share(value: string | null | undefined): number | null {
  if (value === null || value === undefined || value === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

/** "342 of 500 (68%)"-style ratio of two counts; null without a base. */
export function ratio(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null;
}
