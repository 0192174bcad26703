import { describe, expect, it } from 'vitest';
import { breakdownHeight, breakdownOption, funnelOption, velocityOption } from '@/features/analytics/chart-options';
import type { FunnelStep, NodeFigures, Results, StageVelocity } from '@/features/analytics/documents';

const stage = (id: string, name: string, position: number) => ({ id, key: name.toLowerCase(), name, position });
const step = (id: string, name: string, entered: number, conversion: number | null): FunnelStep => ({
  stage: stage(id, name, Number(id)), entered, amount: '0.00', advanced: 0, conversion, dropOff: 0,
});
const words = { current: 'Now', previous: 'Before', lastYear: 'LY', conversion: 'Conv' };
const pct = (r: number) => `${Math.round(r * 100)}%`;

interface Series { name: string; type: string; data: unknown[]; label?: { show: boolean }; yAxisIndex?: number }

describe('funnel option', () => {
  it('puts the three periods side by side per stage, matched by stage id, and conversion on its own axis', () => {
    const option = funnelOption(
      [step('1', 'Lead', 10, 0.5), step('2', 'Offer', 5, null)],
      [step('2', 'Offer', 4, 0.25)],
      [step('1', 'Lead', 7, 0.4), step('2', 'Offer', 3, null)],
      words, pct,
    ) as { xAxis: { data: string[] }; series: Series[] };
    expect(option.xAxis.data).toEqual(['Lead', 'Offer']);
    expect(option.series.map((s) => [s.name, s.type])).toEqual([['Now', 'bar'], ['Before', 'bar'], ['LY', 'bar'], ['Conv', 'line']]);
    expect(option.series[0]!.data).toEqual([10, 5]);
    expect(option.series[1]!.data).toEqual([null, 4]);
    expect(option.series[2]!.data).toEqual([7, 3]);
    expect(option.series[3]!.data).toEqual([0.5, null]);
    expect(option.series[3]!.yAxisIndex).toBe(1);
  });

  it('leaves conversion labels off on a phone', () => {
    const option = funnelOption([step('1', 'Lead', 1, 1)], [], [], words, pct, undefined, true) as { series: Series[] };
    expect(option.series[3]!.label?.show).toBe(false);
  });
});

describe('velocity option', () => {
  it('shows median and 90th percentile days per stage', () => {
    const stages: StageVelocity[] = [{ stage: stage('1', 'Lead', 1), stays: 4, p50Days: 2.5, p90Days: 9, stalled: 1 }];
    const option = velocityOption(stages, { p50: 'Median', p90: 'P90' }, (n) => `${n} d`) as { series: Series[]; tooltip: { valueFormatter: (v: unknown) => string } };
    expect(option.series.map((s) => s.data)).toEqual([[2.5], [9]]);
    expect(option.tooltip.valueFormatter(2.5)).toBe('2.5 d');
    expect(option.tooltip.valueFormatter(null)).toBe('—');
  });
});

describe('breakdown option', () => {
  const results = (revenue: string, target: string | null): Results => ({
    created: 0, won: 0, lost: 0, winRate: null, winRateAmount: null, revenue, averageOrderValue: null, grossMargin: '0.00',
    collections: '0.00', collectionRate: null, dsoDays: null, cycleDaysP50: null, target, pace: null,
  });
  const row = (id: string, label: string, revenue: string, target: string | null): NodeFigures => ({ node: { kind: 'USER', id, label }, results: results(revenue, target) });

  it('orders children by revenue, largest on top, with targets when any is set', () => {
    const option = breakdownOption([row('1', 'Ann', '100.00', null), row('2', 'Bo', '300.50', '400.00')], { revenue: 'Rev', target: 'Tgt' }, String) as {
      yAxis: { data: string[]; inverse: boolean }; series: Series[];
    };
    expect(option.yAxis.data).toEqual(['Bo', 'Ann']);
    expect(option.yAxis.inverse).toBe(true);
    expect(option.series.map((s) => s.data)).toEqual([[300.5, 100], [400, null]]);
  });

  it('has no target series when nobody has a target', () => {
    const option = breakdownOption([row('1', 'Ann', '1.00', null)], { revenue: 'Rev', target: 'Tgt' }, String) as { series: Series[] };
    expect(option.series).toHaveLength(1);
  });

  it('grows with its rows, within bounds', () => {
    expect(breakdownHeight(1, false)).toBe(160);
    expect(breakdownHeight(10, false)).toBe(388);
    expect(breakdownHeight(100, true)).toBe(900);
  });
});
