import { describe, expect, it } from 'vitest';
import { formatRange, parseMetric, parsePeriod, parseScope } from '@/features/board/board';
import { playlist, rotationSlide } from '@/features/tv/tv';
import { setTimeZone, setUiLocale } from '@/i18n';

describe('board URL state', () => {
  it('reads period and scope from the query string, case-insensitively', () => {
    expect(parsePeriod('month', 'WEEK')).toBe('MONTH');
    expect(parsePeriod('TODAY', 'WEEK')).toBe('TODAY');
    expect(parsePeriod('year', 'WEEK')).toBe('WEEK');
    expect(parsePeriod(null, 'MONTH')).toBe('MONTH');
    expect(parseScope('org', 'TEAM')).toBe('ORG');
    expect(parseScope('galaxy', 'TEAM')).toBe('TEAM');
    expect(parseMetric('revenue', 'POINTS')).toBe('REVENUE');
    expect(parseMetric('margin', 'POINTS')).toBe('POINTS');
  });
});

describe('formatRange', () => {
  it('shows the period in the org’s time zone, end exclusive', () => {
    setUiLocale('en');
    setTimeZone('Asia/Shanghai');
    const month = { period: 'MONTH' as const, startsAt: '2026-10-31T16:00:00+00:00', endsAt: '2026-11-30T16:00:00+00:00' };
    expect(formatRange(month)).toBe('Nov 1 – Nov 30');
    setTimeZone(undefined);
  });
});

describe('TV rotation', () => {
  it('starts on the month and cycles through every period, then the month’s revenue', () => {
    const slides = playlist(null, null);
    expect([0, 1, 2, 3, 4].map((tick) => rotationSlide(tick, slides))).toEqual([
      { period: 'MONTH', metric: 'POINTS' },
      { period: 'TODAY', metric: 'POINTS' },
      { period: 'WEEK', metric: 'POINTS' },
      { period: 'MONTH', metric: 'REVENUE' },
      { period: 'MONTH', metric: 'POINTS' },
    ]);
  });

  it('stays on a pinned board', () => {
    expect(rotationSlide(5, playlist('TODAY', null))).toEqual({ period: 'TODAY', metric: 'POINTS' });
    expect(rotationSlide(5, playlist(null, 'REVENUE'))).toEqual({ period: 'MONTH', metric: 'REVENUE' });
  });
});
