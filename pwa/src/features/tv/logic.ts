// The pure part of the office TV: its playlist, the pairing code on screen, and catching up.
import type { DisplayBoard } from '@/features/tv/documents';
import type { BoardMetric, BoardScope, Celebration, Period } from '@/graphql/types';

/** One board of the rotation. Team boards carry their team; the signed-in TV shows org boards only. */
export interface TvSlide {
  period: Period;
  metric: BoardMetric;
  scope: BoardScope;
  teamId: string | null;
  teamName: string | null;
}

export function slideKey(slide: TvSlide): string {
  return `${slide.scope}:${slide.teamId ?? ''}:${slide.period}:${slide.metric}`;
}

/** A paired display's playlist, as the manager chose it (duplicates dropped). */
export function displaySlides(boards: readonly DisplayBoard[]): TvSlide[] {
  const seen = new Set<string>();
  const slides: TvSlide[] = [];
  for (const b of boards) {
    const slide: TvSlide = {
      period: b.period,
      metric: b.metric,
      scope: b.scope,
      teamId: b.team?.id ?? null,
      teamName: b.team?.name ?? null,
    };
    if (seen.has(slideKey(slide))) continue;
    seen.add(slideKey(slide));
    slides.push(slide);
  }
  return slides;
}

/** K7P4QX → K7P-4QX: two groups of three are read off a wall (and typed) without losing one's place. */
export function formatCode(code: string): string {
  return code.length === 6 ? `${code.slice(0, 3)}-${code.slice(3)}` : code;
}

/** What the phone's code field keeps of what was typed or pasted: letters and digits, upper case, at most 6. */
export function normalizeCode(typed: string): string {
  return typed.toUpperCase().replace(/[^0-9A-Z]/g, '').slice(0, 6);
}

/** A code is replaced this long before it expires, so nobody types one that dies on the way. */
export const CODE_REFRESH_MARGIN_MS = 60_000;

export function codeNeedsRefresh(expiresAt: string, now: number = Date.now()): boolean {
  const end = Date.parse(expiresAt);
  return !Number.isFinite(end) || end - now <= CODE_REFRESH_MARGIN_MS;
}

/**
 * After a reconnect: the celebrations missed while away, oldest first, at most `max`
 * (the newest ones). The overlay queue still skips those already shown and stale ones.
 */
export function missedCelebrations(recent: readonly Celebration[], shown: (id: string) => boolean, max = 3): Celebration[] {
  return recent
    .filter((c) => !shown(c.id))
    .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt))
    .slice(0, max)
    .reverse();
}
