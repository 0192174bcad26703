import { describe, expect, it } from 'vitest';
import type { Results } from '@/features/analytics/documents';
import {
  analyticsHref,
  delta,
  fiscalStartFrom,
  firstDay,
  formatDelta,
  formatRate,
  grainOf,
  isoWeeks,
  nodeParam,
  paceClass,
  parseNode,
  periodOf,
  readParams,
  roundDays,
  stepPeriod,
  switchGrain,
  targetShare,
  TILES,
  writeParams, keptFirst, MAX_FIRST } from '@/features/analytics/logic';

describe('period keys', () => {
  it('name their grain, and nothing else does', () => {
    expect(grainOf('FY2026')).toBe('YEAR');
    expect(grainOf('FY2026-Q3')).toBe('QUARTER');
    expect(grainOf('2026-04')).toBe('MONTH');
    expect(grainOf('2026-W10')).toBe('WEEK');
    expect(grainOf('2026-W53')).toBe('WEEK'); // 2026 has 53 ISO weeks
    expect(grainOf('2025-W53')).toBeNull();
    expect(grainOf('2026-13')).toBeNull();
    expect(grainOf('FY2026-Q5')).toBeNull();
    expect(grainOf('')).toBeNull();
  });

  it('step across year ends in every grain', () => {
    expect(stepPeriod('2026-01', -1)).toBe('2025-12');
    expect(stepPeriod('2026-12', 1)).toBe('2027-01');
    expect(stepPeriod('2026-04', -16)).toBe('2024-12');
    expect(stepPeriod('FY2026-Q1', -1)).toBe('FY2025-Q4');
    expect(stepPeriod('FY2026-Q4', 1)).toBe('FY2027-Q1');
    expect(stepPeriod('FY2026', -1)).toBe('FY2025');
    expect(stepPeriod('2026-W01', -1)).toBe('2025-W52');
    expect(stepPeriod('2026-W53', 1)).toBe('2027-W01');
    expect(stepPeriod('2026-W52', 1)).toBe('2026-W53');
    expect(stepPeriod('2026-W10', -52)).toBe('2025-W10');
    expect(stepPeriod('nonsense', 1)).toBe('nonsense');
  });

  it('count ISO weeks', () => {
    expect(isoWeeks(2020)).toBe(53);
    expect(isoWeeks(2025)).toBe(52);
    expect(isoWeeks(2026)).toBe(53);
  });

  it('begin on the fiscal calendar’s days', () => {
    expect(firstDay('FY2026', 4)).toEqual({ year: 2026, month: 4, day: 1 });
    expect(firstDay('FY2026-Q4', 4)).toEqual({ year: 2027, month: 1, day: 1 });
    expect(firstDay('2026-W01', 1)).toEqual({ year: 2025, month: 12, day: 29 });
    expect(firstDay('bad', 1)).toBeNull();
  });

  it('switch grain at the same moment, with an April fiscal year', () => {
    expect(switchGrain('2027-02', 'QUARTER', 4)).toBe('FY2026-Q4');
    expect(switchGrain('2027-02', 'YEAR', 4)).toBe('FY2026');
    expect(switchGrain('2026-04', 'QUARTER', 4)).toBe('FY2026-Q1');
    expect(switchGrain('FY2026-Q3', 'MONTH', 4)).toBe('2026-10');
    expect(switchGrain('FY2026', 'MONTH', 1)).toBe('2026-01');
    expect(switchGrain('2026-03', 'WEEK', 1)).toBe('2026-W09');
    expect(switchGrain('2026-W01', 'MONTH', 1)).toBe('2025-12');
    expect(periodOf('QUARTER', { year: 2026, month: 3, day: 31 }, 1)).toBe('FY2026-Q1');
  });

  it('learn the fiscal start from a quarter and its first day', () => {
    expect(fiscalStartFrom('FY2026-Q3', '2026-10-01')).toBe(4);
    expect(fiscalStartFrom('FY2026-Q1', '2026-01-01')).toBe(1);
    expect(fiscalStartFrom('FY2026-Q4', '2027-01-01')).toBe(4);
    expect(fiscalStartFrom('FY2025-Q2', '2025-01-01')).toBe(10);
    expect(fiscalStartFrom('2026-04', '2026-04-01')).toBe(1);
  });
});

describe('the URL', () => {
  it('reads and writes node, period and basis', () => {
    const place = readParams(new URLSearchParams('node=team:12&period=FY2026-Q3&basis=cohort'));
    expect(place).toEqual({ node: { kind: 'TEAM', id: '12' }, period: 'FY2026-Q3', basis: 'COHORT' });
    expect(writeParams(place).toString()).toBe('node=team%3A12&period=FY2026-Q3&basis=cohort');
    expect(analyticsHref({ kind: 'USER', id: '7' }, '2026-04', 'FLOW')).toBe('/analytics?node=user%3A7&period=2026-04');
    expect(analyticsHref(null, null, 'FLOW')).toBe('/analytics');
  });

  it('drops what it cannot read', () => {
    expect(readParams(new URLSearchParams('node=group:1&period=2026-13&basis=x'))).toEqual({ node: null, period: null, basis: 'FLOW' });
    expect(parseNode('team:1 OR 1=1')).toBeNull();
    expect(nodeParam({ kind: 'ORG', id: '1' })).toBe('org:1');
  });
});

describe('changes', () => {
  it('are relative for amounts and counts, in points for rates', () => {
    expect(delta('1200.00', '1000.00', 'money')).toMatchObject({ unit: 'relative', direction: 'up', good: true });
    expect(delta('1200.00', '1000.00', 'money')?.value).toBeCloseTo(0.2);
    expect(delta(3, 4, 'count')).toMatchObject({ direction: 'down', good: false, value: -0.25 });
    expect(delta(0.45, 0.4, 'rate')?.value).toBeCloseTo(0.05);
    expect(delta(0.45, 0.4, 'rate')).toMatchObject({ unit: 'points', good: true });
    expect(delta(0.3, 0, 'rate')?.value).toBeCloseTo(0.3);
  });

  it('read fewer days as good news', () => {
    expect(delta(30, 40, 'days')).toMatchObject({ direction: 'down', good: true });
    expect(delta(50, 40, 'days')).toMatchObject({ direction: 'up', good: false });
  });

  it('have no base when the earlier figure is zero or unknown', () => {
    expect(delta('100', '0', 'money')).toBeNull();
    expect(delta(null, 0.4, 'rate')).toBeNull();
    expect(delta(5, null, 'count')).toBeNull();
    expect(delta(0, 0, 'rate')).toMatchObject({ direction: 'flat', good: null });
  });

  it('are written with their sign', () => {
    expect(formatDelta(delta(120, 100, 'count')!, 'en')).toBe('+20%');
    expect(formatDelta(delta(97, 100, 'count')!, 'en')).toBe('−3%');
    expect(formatDelta(delta(0.42, 0.4, 'rate')!, 'en')).toBe('+2 pp');
    expect(formatDelta(delta(0.365, 0.4, 'rate')!, 'zh-CN')).toBe('−3.5 pp');
    expect(formatDelta(delta(100, 100, 'count')!, 'en')).toBe('0%');
  });
});

describe('figures', () => {
  it('format rates, days, pace and target share', () => {
    expect(formatRate(0.4167, 'en')).toBe('42%');
    expect(formatRate(null, 'en')).toBe('—');
    expect(roundDays(3.46)).toBe(3.5);
    expect(roundDays(42.6)).toBe(43);
    expect(roundDays(null)).toBeNull();
    expect(paceClass(1.04)).toBe('ahead');
    expect(paceClass(0.93)).toBe('on-track');
    expect(paceClass(0.5)).toBe('behind');
    expect(paceClass(null)).toBe('none');
    expect(targetShare('50.00', '200.00')).toBe(0.25);
    expect(targetShare('500.00', '200.00')).toBe(1);
    expect(targetShare('50.00', null)).toBeNull();
  });

  it('give every tile its figure', () => {
    const r: Results = {
      created: 9, won: 3, lost: 1, winRate: 0.75, winRateAmount: 0.8, revenue: '3000.00', averageOrderValue: '1000.00',
      grossMargin: '900.00', collections: '1500.00', collectionRate: 0.5, dsoDays: 31.2, cycleDaysP50: 14, target: '6000.00', pace: 1.1,
    };
    expect(Object.fromEntries(TILES.map((tile) => [tile.id, tile.figure(r)]))).toEqual({
      revenue: '3000.00', won: 3, winRate: 0.75, aov: '1000.00', margin: '900.00', collections: '1500.00', collectionRate: 0.5, dso: 31.2, cycle: 14,
    });
  });
});

describe('a list read again', () => {
  it('reads as many rows as are shown, at least a page, at most the API allows', () => {
    expect(keptFirst(10, undefined)).toBe(10);
    expect(keptFirst(10, 3)).toBe(10);
    expect(keptFirst(10, 60)).toBe(60);
    expect(keptFirst(20, 5000)).toBe(MAX_FIRST);
  });
});
