// Pure attainment logic: the ring's geometry and how pace reads.
import type { Pace } from '@/graphql/types';

/** Share of the target reached, clamped to 0…1 for drawing (the label shows the real figure). */
export function ringShare(ratio: string | null): number {
  if (ratio === null) return 0;
  const value = Number(ratio);
  return Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0;
}

/** stroke-dasharray for an SVG circle of radius r showing `share`. */
export function ringDash(share: number, r: number): string {
  const circumference = 2 * Math.PI * r;
  return `${(circumference * share).toFixed(2)} ${circumference.toFixed(2)}`;
}

export function percent(ratio: string | null): string {
  if (ratio === null) return '—';
  return `${Math.round(Number(ratio) * 100)}%`;
}

export const PACE_CLASS: Record<Pace, string> = {
  AHEAD: 'pace-ahead',
  ON_TRACK: 'pace-on-track',
  BEHIND: 'pace-behind',
  NO_TARGET: 'pace-none',
};
