import { describe, expect, it } from 'vitest';
import { formatRange, parsePeriod, parseScope } from '@/features/board/board';
import { rotationPeriod } from '@/features/tv/tv';
import { setTimeZone, setUiLocale } from '@/i18n';

describe('board URL state', () => {
  it('reads period and scope from the query string, case-insensitively', () => {
    expect(parsePeriod('month', 'WEEK')).toBe('MONTH');
    expect(parsePeriod('TODAY', 'WEEK')).toBe('TODAY');
    expect(parsePeriod('year', 'WEEK')).toBe('WEEK');
    expect(parsePeriod(null, 'MONTH')).toBe('MONTH');
    expect(parseScope('org', 'TEAM')).toBe('ORG');
    expect(parseScope('galaxy', 'TEAM')).toBe('TEAM');
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
  it('starts on the month and cycles through every period', () => {
    expect([0, 1, 2, 3].map((tick) => rotationPeriod(tick, null))).toEqual(['MONTH', 'TODAY', 'WEEK', 'MONTH']);
  });

  it('stays on a pinned period', () => {
    expect(rotationPeriod(5, 'TODAY')).toBe('TODAY');
  });
});
