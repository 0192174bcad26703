import { describe, expect, it } from 'vitest';
import { collectedShare, kpiKey, kpiSlides, paceState, personKpiSlides, revenueGauge, tvMoney } from '@/features/tv/kpi-logic';
import type { TvSlide } from '@/features/tv/logic';

const board = (scope: 'ORG' | 'TEAM', teamId: string | null = null, period: TvSlide['period'] = 'MONTH'): TvSlide => ({
  period,
  metric: 'POINTS',
  scope,
  teamId,
  teamName: teamId ? `Team ${teamId}` : null,
});

describe('KPI slides of a playlist', () => {
  it('has one per scope its boards show, in their order', () => {
    const slides = kpiSlides([board('TEAM', '7'), board('ORG'), board('TEAM', '7', 'WEEK'), board('ORG', null, 'TODAY'), board('TEAM', '9')]);
    expect(slides).toEqual([
      { kind: 'kpi', teamId: '7', teamName: 'Team 7' },
      { kind: 'kpi', teamId: null, teamName: null },
      { kind: 'kpi', teamId: '9', teamName: 'Team 9' },
    ]);
    expect(slides.map(kpiKey)).toEqual(['kpi:7', 'kpi:org', 'kpi:9']);
  });

  it('has none without boards', () => {
    expect(kpiSlides([])).toEqual([]);
  });

  it("shows a person the org's tiles, then their own team's once", () => {
    const org = [board('ORG'), board('ORG', null, 'WEEK')];
    expect(personKpiSlides(org, { id: '7', name: 'Team A' })).toEqual([
      { kind: 'kpi', teamId: null, teamName: null },
      { kind: 'kpi', teamId: '7', teamName: 'Team A' },
    ]);
    expect(personKpiSlides([board('TEAM', '7')], { id: '7', name: 'Team A' }).map(kpiKey)).toEqual(['kpi:7']);
    expect(personKpiSlides(org, null).map(kpiKey)).toEqual(['kpi:org']);
  });
});

describe('the revenue gauge', () => {
  it('fills to the attainment and marks the share of the month gone', () => {
    // 3,300 of 6,000 with 14.5 of 30 days gone (the backend test's team A).
    const gauge = revenueGauge({ target: '6000.00', attainment: 0.55, pace: 0.55 / (14.5 / 30), elapsed: 14.5 / 30 });
    expect(gauge).toEqual({ fill: 0.55, marker: 14.5 / 30, percent: 55, pace: 'ahead', pacePercent: 114 });
  });

  it('stays full past the target and shows the real percentage', () => {
    const gauge = revenueGauge({ target: '1000', attainment: 1.5, pace: 2, elapsed: 0.75 });
    expect(gauge?.fill).toBe(1);
    expect(gauge?.percent).toBe(150);
  });

  it('keeps an exact percentage exact (0.29 × 100 is 28.999…)', () => {
    expect(revenueGauge({ target: '100', attainment: 0.29, pace: 1, elapsed: 0.29 })?.percent).toBe(29);
  });

  it('is empty for a reversal-heavy month and says nothing without a target', () => {
    expect(revenueGauge({ target: '1000', attainment: -0.2, pace: -0.4, elapsed: 0.5 })?.fill).toBe(0);
    expect(revenueGauge({ target: null, attainment: null, pace: null, elapsed: 0.5 })).toBeNull();
    expect(revenueGauge({ target: '0', attainment: null, pace: null, elapsed: 0.5 })).toBeNull();
  });
});

describe('pace', () => {
  it('is on track within 5 % of the straight line', () => {
    expect(paceState(1.05)).toBe('ahead');
    expect(paceState(1.04)).toBe('onTrack');
    expect(paceState(0.95)).toBe('onTrack');
    expect(paceState(0.94)).toBe('behind');
    expect(paceState(null)).toBe('noTarget');
  });
});

describe('money on the wall', () => {
  it('shows whole units with the currency symbol in both languages', () => {
    expect(tvMoney('3300.40', 'CNY', 'en')).toBe('¥3,300');
    expect(tvMoney('-700.00', 'CNY', 'en')).toBe('-¥700');
    expect(tvMoney('2800.00', 'CNY', 'zh-CN')).toBe('¥2,800');
  });
});

describe('collections against revenue', () => {
  it('is a whole percentage, and nothing without revenue', () => {
    expect(collectedShare('600.00', '3300.00')).toBe(18);
    expect(collectedShare('600.00', '0')).toBeNull();
    expect(collectedShare('0', '-700.00')).toBeNull();
  });
});
