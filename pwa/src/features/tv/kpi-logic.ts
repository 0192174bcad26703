// The pure part of the TV's KPI slide: which scopes get one, and what the revenue tile says about the target.
import type { TvKpis } from '@/features/tv/documents';
import type { TvSlide } from '@/features/tv/logic';
import type { UiLocale } from '@/i18n';

/** One KPI slide of the rotation: a team's (its subtree) or, with no team, the org's. */
export interface TvKpiSlide {
  kind: 'kpi';
  teamId: string | null;
  teamName: string | null;
}

/** Within 5 % of the straight line from zero to the target counts as on track (as targets' attainment says). */
export const PACE_TOLERANCE = 0.05;

export type PaceState = 'ahead' | 'onTrack' | 'behind' | 'noTarget';

export function kpiKey(slide: { teamId: string | null }): string {
  return `kpi:${slide.teamId ?? 'org'}`;
}

/** A KPI slide for each scope the boards show (a team board's team, the org for an org board), in their order. */
export function kpiSlides(boards: readonly TvSlide[]): TvKpiSlide[] {
  const seen = new Set<string>();
  const slides: TvKpiSlide[] = [];
  for (const b of boards) {
    const slide: TvKpiSlide = b.scope === 'TEAM' && b.teamId
      ? { kind: 'kpi', teamId: b.teamId, teamName: b.teamName }
      : { kind: 'kpi', teamId: null, teamName: null };
    if (seen.has(kpiKey(slide))) continue;
    seen.add(kpiKey(slide));
    slides.push(slide);
  }
  return slides;
}

/**
 * A signed-in person's /tv: the org's tiles (for its org boards), then their own team's. Both are public to every
 * person of the org, as on the office TV (analytics/tv.py public_to); another team's are not.
 */
export function personKpiSlides(boards: readonly TvSlide[], team: { id: string; name: string } | null | undefined): TvKpiSlide[] {
  const slides = kpiSlides(boards);
  if (team && !slides.some((s) => s.teamId === team.id)) slides.push({ kind: 'kpi', teamId: team.id, teamName: team.name });
  return slides;
}

export function paceState(pace: number | null): PaceState {
  if (pace === null || !Number.isFinite(pace)) return 'noTarget';
  if (pace >= 1 + PACE_TOLERANCE) return 'ahead';
  if (pace >= 1 - PACE_TOLERANCE) return 'onTrack';
  return 'behind';
}

const clamp = (value: number) => Math.min(1, Math.max(0, value));

export interface RevenueGauge {
  /** The bar's fill: revenue over target, 0 to 1 (past the target it stays full). */
  fill: number;
  /** Where the pace marker stands on the bar: the share of the month gone. */
  marker: number;
  /** Revenue over target in whole percent (may pass 100). */
  percent: number;
  pace: PaceState;
  /** Pace in whole percent of the straight line (100 = exactly on it). */
  pacePercent: number | null;
}

/** The revenue tile's bar, marker and pace; null when the scope has no target this month. */
export function revenueGauge(k: Pick<TvKpis, 'target' | 'attainment' | 'pace' | 'elapsed'>): RevenueGauge | null {
  if (k.target === null || k.attainment === null || Number(k.target) <= 0) return null;
  return {
    fill: clamp(k.attainment),
    marker: clamp(k.elapsed),
    percent: Math.floor(k.attainment * 100 + 1e-9), // 0.29 × 100 is 28.999…
    pace: paceState(k.pace),
    pacePercent: k.pace === null ? null : Math.round(k.pace * 100),
  };
}

/** Collections over revenue in whole percent; null while the month has no revenue (nothing to compare with). */
export function collectedShare(collections: string, revenue: string): number | null {
  const base = Number(revenue);
  return base > 0 ? Math.round((Number(collections) / base) * 100) : null;
}

/** Money read from across the room: whole units, the currency's symbol ("¥3,300", "-¥700"). */
export function tvMoney(amount: string | number, currency: string, locale: UiLocale): string {
  const value = typeof amount === 'number' ? amount : Number(amount);
  return new Intl.NumberFormat(locale, {
    style: 'currency',
    currency,
    currencyDisplay: 'narrowSymbol',
    maximumFractionDigits: 0,
    minimumFractionDigits: 0,
  }).format(value);
}
