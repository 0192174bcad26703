import { describe, expect, it } from 'vitest';
import {
  codeNeedsRefresh,
  displaySlides,
  formatCode,
  missedCelebrations,
  normalizeCode,
  slideKey,
} from '@/features/tv/logic';
import type { Celebration } from '@/graphql/types';

const user = { id: '1', name: 'Rita Rep', initials: 'RR', role: 'REP' as const, avatarColor: '#000', team: null };

function celebration(id: string, createdAt: string): Celebration {
  return { id, kind: 'DEAL_WON', user, otherUser: null, threshold: null, points: 5, createdAt, message: '' } as unknown as Celebration;
}

describe('pairing code', () => {
  it('is shown in two groups and read back whatever the typing', () => {
    expect(formatCode('K7P4QX')).toBe('K7P-4QX');
    expect(normalizeCode(' k7p-4qx ')).toBe('K7P4QX');
    expect(normalizeCode('k7p 4qx 99')).toBe('K7P4QX');
  });

  it('is replaced a minute before it expires', () => {
    const now = Date.parse('2026-01-01T10:00:00Z');
    expect(codeNeedsRefresh('2026-01-01T10:05:00Z', now)).toBe(false);
    expect(codeNeedsRefresh('2026-01-01T10:00:59Z', now)).toBe(true);
    expect(codeNeedsRefresh('garbage', now)).toBe(true);
  });
});

describe('display playlist', () => {
  it('keeps the chosen order, team boards with their team, duplicates once', () => {
    const slides = displaySlides([
      { period: 'TODAY', scope: 'ORG', metric: 'POINTS', team: null },
      { period: 'MONTH', scope: 'TEAM', metric: 'REVENUE', team: { id: '3', name: 'East' } },
      { period: 'TODAY', scope: 'ORG', metric: 'POINTS', team: null },
    ]);
    expect(slides.map(slideKey)).toEqual(['ORG::TODAY:POINTS', 'TEAM:3:MONTH:REVENUE']);
    expect(slides[1]!.teamName).toBe('East');
  });
});

describe('catching up after a reconnect', () => {
  it('shows at most a few missed celebrations, oldest first, none already shown', () => {
    const recent = [
      celebration('5', '2026-01-01T10:05:00Z'),
      celebration('4', '2026-01-01T10:04:00Z'),
      celebration('3', '2026-01-01T10:03:00Z'),
      celebration('2', '2026-01-01T10:02:00Z'),
      celebration('1', '2026-01-01T10:01:00Z'),
    ];
    const shown = new Set(['5']);
    expect(missedCelebrations(recent, (id) => shown.has(id)).map((c) => c.id)).toEqual(['2', '3', '4']);
  });
});
