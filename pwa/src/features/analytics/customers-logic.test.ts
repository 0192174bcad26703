import { describe, expect, it } from 'vitest';
import { paretoHeight, paretoOption } from '@/features/analytics/chart-options';
import type { ChurnReason, ContributionItem } from '@/features/analytics/customers-documents';
import { byParam, contributionTarget, paretoSeries, readBy, reasonMessage, rfmGrid, share } from '@/features/analytics/customers-logic';
import { sectionHref, analyticsHref } from '@/features/analytics/logic';
import { en } from '@/i18n/en';
import { zhCN } from '@/i18n/zh-CN';

const item = (rank: number, revenue: string, cumulative: string | null, tier: 'A' | 'B' | 'C', key = `customer:${rank}`, label = `C${rank}`): ContributionItem => ({
  key, id: String(rank), label, rank, revenue, share: null, cumulativeShare: cumulative, tier, previous: '0', lastYear: '0', quantity: null,
});

const reason = (code: ChurnReason['code'], extra: Partial<ChurnReason> = {}): ChurnReason => ({
  code, days: null, usualDays: null, recentAverage: null, earlierAverage: null, ...extra,
});

describe('paretoSeries', () => {
  it('takes the ranked items in rank order, bars and the cumulative line, and counts the rest', () => {
    const items = [item(2, '300.00', '0.9', 'B'), item(1, '600.00', '0.6', 'A'), item(3, '100.00', '1', 'C')];
    const s = paretoSeries(items, 2, '—');
    expect(s.labels).toEqual(['C1', 'C2']);
    expect(s.revenue).toEqual([600, 300]);
    expect(s.cumulative).toEqual([0.6, 0.9]);
    expect(s.tiers).toEqual(['A', 'B']);
    expect(s.rest).toBe(1);
  });

  it('names a product line without a name and keeps an unknown share unknown', () => {
    const s = paretoSeries([item(1, '5', null, 'A', 'line:', '')], 10, 'No line');
    expect(s.labels).toEqual(['No line']);
    expect(s.cumulative).toEqual([null]);
    expect(s.rest).toBe(0);
  });

  it('draws bars coloured by tier and the line on the 0–100 % axis', () => {
    const s = paretoSeries([item(1, '600', '0.6', 'A'), item(2, '400', '1', 'C')], 20, '');
    const option = paretoOption(s, { revenue: 'Revenue', cumulative: 'Cumulative' }, String, (r) => `${r * 100}%`) as {
      series: Array<{ type: string; yAxisIndex?: number; data: unknown[] }>; yAxis: Array<{ max?: number }>;
    };
    expect(option.series.map((x) => x.type)).toEqual(['bar', 'line']);
    const bars = option.series[0]?.data as Array<{ value: number; itemStyle: { color: string } }>;
    expect(bars.map((b) => b.value)).toEqual([600, 400]);
    expect(bars[0]?.itemStyle.color).not.toBe(bars[1]?.itemStyle.color);
    expect(option.series[1]?.yAxisIndex).toBe(1);
    expect(option.yAxis[1]?.max).toBe(1);
    expect(paretoHeight(20, false)).toBeGreaterThan(paretoHeight(3, false));
  });
});

describe('churn reasons', () => {
  it('maps each code to its message and values', () => {
    expect(reasonMessage(reason('OVERDUE', { days: 75, usualDays: 30 }))).toEqual({ key: 'an.cu.reason.OVERDUE', days: 75, usual: 30 });
    expect(reasonMessage(reason('OVERDUE', { days: 75 }))).toEqual({ key: 'an.cu.reason.OVERDUE.plain', days: 75 });
    expect(reasonMessage(reason('FALLING_ORDER_VALUE', { recentAverage: '100.00', earlierAverage: '400.00' })))
      .toEqual({ key: 'an.cu.reason.FALLING_ORDER_VALUE', recent: '100.00', earlier: '400.00' });
    expect(reasonMessage(reason('FALLING_ORDER_VALUE')).key).toBe('an.cu.reason.FALLING_ORDER_VALUE.plain');
    expect(reasonMessage(reason('NO_VISIT', { days: 64 }))).toEqual({ key: 'an.cu.reason.NO_VISIT', days: 64 });
    expect(reasonMessage(reason('NO_VISIT')).key).toBe('an.cu.reason.NO_VISIT.never');
  });

  it('has every message in both languages with the same placeholders', () => {
    const keys = [
      reasonMessage(reason('OVERDUE', { days: 1, usualDays: 1 })).key, reasonMessage(reason('OVERDUE', { days: 1 })).key,
      reasonMessage(reason('FALLING_ORDER_VALUE', { recentAverage: '1', earlierAverage: '2' })).key, reasonMessage(reason('FALLING_ORDER_VALUE')).key,
      reasonMessage(reason('NO_VISIT', { days: 1 })).key, reasonMessage(reason('NO_VISIT')).key,
    ];
    const holes = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const key of keys) {
      const english = (en as Record<string, string>)[key];
      const chinese = (zhCN as Record<string, string>)[key];
      expect(english, key).toBeTruthy();
      expect(chinese, key).toBeTruthy();
      expect(holes(chinese as string)).toEqual(holes(english as string));
    }
  });
});

describe('the section and its switch in the URL', () => {
  it('reads and writes the contribution basis', () => {
    expect(readBy(null)).toBe('CUSTOMER');
    expect(readBy('product-line')).toBe('PRODUCT_LINE');
    expect(readBy('region')).toBe('REGION');
    expect(readBy('nonsense')).toBe('CUSTOMER');
    expect(byParam('PRODUCT_LINE')).toBe('product-line');
    expect(readBy(byParam('PRODUCT'))).toBe('PRODUCT');
  });

  it('keeps the node and period across sections', () => {
    expect(sectionHref('customers', { kind: 'TEAM', id: '12' }, '2026-04')).toBe('/analytics/customers?node=team%3A12&period=2026-04');
    expect(sectionHref('pipeline', null, null)).toBe('/analytics');
    expect(analyticsHref({ kind: 'USER', id: '7' }, null, 'COHORT')).toBe('/analytics?node=user%3A7&basis=cohort');
  });

  it('leads a customer row to its page, a region to its node, products nowhere', () => {
    expect(contributionTarget(item(1, '1', null, 'A', 'customer:42'))).toEqual({ customer: '42' });
    expect(contributionTarget(item(1, '1', null, 'A', 'team:5'))).toEqual({ node: { kind: 'TEAM', id: '5' } });
    expect(contributionTarget(item(1, '1', null, 'A', 'product:9'))).toBeNull();
    expect(contributionTarget(item(1, '1', null, 'A', 'line:Cranes'))).toBeNull();
  });
});

describe('rfmGrid and shares', () => {
  it('fills the five scores per dimension, 5 first', () => {
    const grid = rfmGrid([{ dimension: 'RECENCY', score: 5, customers: 3 }, { dimension: 'MONETARY', score: 1, customers: 2 }]);
    expect(grid.RECENCY).toEqual([3, 0, 0, 0, 0]);
    expect(grid.FREQUENCY).toEqual([0, 0, 0, 0, 0]);
    expect(grid.MONETARY).toEqual([0, 0, 0, 0, 2]);
  });

  it('reads decimal shares', () => {
    expect(share('0.25')).toBe(0.25);
    expect(share(null)).toBeNull();
    expect(share('')).toBeNull();
  });
});
