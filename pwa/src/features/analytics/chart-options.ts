// ECharts options built from the API's figures: pure functions (vitest checks them in node); the
// screen passes the words and the colours, charts.ts draws. Only bar and line series, a grid, a
// tooltip and a legend are used, which is what charts.ts registers.
import type { EChartsCoreOption } from 'echarts/core';
import type { FunnelStep, NodeFigures, StageVelocity } from '@/features/analytics/documents';
import type { ParetoSeries } from '@/features/analytics/customers-logic';

export interface Palette {
  primary: string;
  previous: string;
  lastYear: string;
  line: string;
  warn: string;
  text: string;
  muted: string;
  border: string;
}

export const PALETTE: Palette = {
  primary: '#4f46e5',
  previous: '#a5b4fc',
  lastYear: '#d4d4e3',
  line: '#059669',
  warn: '#b45309',
  text: '#16162e',
  muted: '#6a6a86',
  border: '#e7e7f1',
};

export interface FunnelWords {
  current: string;
  previous: string;
  lastYear: string;
  conversion: string;
}

/** Counts keyed by stage id: the previous period's steps may list the stages in another set. */
const byStage = (steps: readonly FunnelStep[]) => new Map(steps.map((s) => [s.stage.id, s.entered]));

const axisText = (p: Palette, narrow: boolean) => ({
  color: p.muted,
  fontSize: narrow ? 10 : 12,
  interval: 0,
  width: narrow ? 56 : 110,
  overflow: 'truncate' as const,
});

const baseGrid = (narrow: boolean, right = 12) => ({ left: narrow ? 8 : 16, right, top: 40, bottom: 8, containLabel: true });

/** Entries per stage (this period, the previous, last year) as bars, and conversion to the next stage as a line. */
export function funnelOption(
  steps: readonly FunnelStep[], previous: readonly FunnelStep[], lastYear: readonly FunnelStep[],
  words: FunnelWords, percent: (rate: number) => string, p: Palette = PALETTE, narrow = false,
): EChartsCoreOption {
  const before = byStage(previous);
  const yearAgo = byStage(lastYear);
  const bar = (name: string, color: string, data: Array<number | null>, label = false) => ({
    name, type: 'bar', data, itemStyle: { color, borderRadius: [4, 4, 0, 0] }, barMaxWidth: 36,
    ...(label ? { label: { show: true, position: 'top', color: p.text, fontSize: narrow ? 10 : 12 } } : {}),
  });
  return {
    animationDuration: 300,
    color: [p.primary, p.previous, p.lastYear, p.line],
    legend: { top: 0, left: 0, itemWidth: 12, itemHeight: 10, textStyle: { color: p.muted, fontSize: narrow ? 11 : 12 } },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    grid: baseGrid(narrow, narrow ? 4 : 12),
    xAxis: { type: 'category', data: steps.map((s) => s.stage.name), axisLabel: axisText(p, narrow), axisTick: { show: false }, axisLine: { lineStyle: { color: p.border } } },
    yAxis: [
      { type: 'value', minInterval: 1, axisLabel: { color: p.muted }, splitLine: { lineStyle: { color: p.border } } },
      { type: 'value', min: 0, max: 1, show: false },
    ],
    series: [
      bar(words.current, p.primary, steps.map((s) => s.entered), true),
      bar(words.previous, p.previous, steps.map((s) => before.get(s.stage.id) ?? null)),
      bar(words.lastYear, p.lastYear, steps.map((s) => yearAgo.get(s.stage.id) ?? null)),
      {
        name: words.conversion, type: 'line', yAxisIndex: 1, data: steps.map((s) => s.conversion),
        symbolSize: 7, lineStyle: { color: p.line, width: 2 }, itemStyle: { color: p.line }, connectNulls: false,
        tooltip: { valueFormatter: (v: unknown) => (typeof v === 'number' ? percent(v) : '—') },
        label: { show: !narrow, position: 'top', color: p.line, formatter: (x: { value: unknown }) => (typeof x.value === 'number' ? percent(x.value) : '') },
      },
    ],
  };
}

export interface VelocityWords {
  p50: string;
  p90: string;
}

/** Days in each stage: the median and the 90th percentile side by side. */
export function velocityOption(stages: readonly StageVelocity[], words: VelocityWords, days: (n: number) => string, p: Palette = PALETTE, narrow = false): EChartsCoreOption {
  const fmt = (v: unknown) => (typeof v === 'number' ? days(v) : '—');
  return {
    animationDuration: 300,
    color: [p.primary, p.warn],
    legend: { top: 0, left: 0, itemWidth: 12, itemHeight: 10, textStyle: { color: p.muted, fontSize: narrow ? 11 : 12 } },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: fmt },
    grid: baseGrid(narrow),
    xAxis: { type: 'category', data: stages.map((s) => s.stage.name), axisLabel: axisText(p, narrow), axisTick: { show: false }, axisLine: { lineStyle: { color: p.border } } },
    yAxis: { type: 'value', axisLabel: { color: p.muted }, splitLine: { lineStyle: { color: p.border } } },
    series: [
      { name: words.p50, type: 'bar', data: stages.map((s) => s.p50Days), itemStyle: { color: p.primary, borderRadius: [4, 4, 0, 0] }, barMaxWidth: 28 },
      { name: words.p90, type: 'bar', data: stages.map((s) => s.p90Days), itemStyle: { color: p.warn, borderRadius: [4, 4, 0, 0] }, barMaxWidth: 28 },
    ],
  };
}

export interface BreakdownWords {
  revenue: string;
  target: string;
}

/** Each child's revenue against its target, largest first (horizontal bars: names read on a phone). */
export function breakdownOption(rows: readonly NodeFigures[], words: BreakdownWords, money: (n: number) => string, p: Palette = PALETTE, narrow = false): EChartsCoreOption {
  const sorted = [...rows].sort((a, b) => Number(b.results.revenue) - Number(a.results.revenue));
  const hasTarget = sorted.some((r) => r.results.target !== null);
  const fmt = (v: unknown) => (typeof v === 'number' ? money(v) : '—');
  return {
    animationDuration: 300,
    color: [p.primary, p.lastYear],
    legend: hasTarget ? { top: 0, left: 0, itemWidth: 12, itemHeight: 10, textStyle: { color: p.muted } } : { show: false },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: fmt },
    grid: { ...baseGrid(narrow, narrow ? 16 : 24), top: hasTarget ? 32 : 8 },
    // Largest at the top: a category axis draws its first item at the bottom.
    yAxis: { type: 'category', inverse: true, data: sorted.map((r) => r.node.label), axisLabel: { ...axisText(p, narrow), width: narrow ? 72 : 140 }, axisTick: { show: false } },
    xAxis: { type: 'value', axisLabel: { color: p.muted, formatter: (v: number) => money(v) }, splitLine: { lineStyle: { color: p.border } }, splitNumber: narrow ? 2 : 4 },
    series: [
      { name: words.revenue, type: 'bar', data: sorted.map((r) => Number(r.results.revenue)), itemStyle: { color: p.primary, borderRadius: [0, 4, 4, 0] }, barMaxWidth: 18 },
      ...(hasTarget
        ? [{ name: words.target, type: 'bar', data: sorted.map((r) => (r.results.target === null ? null : Number(r.results.target))), itemStyle: { color: p.lastYear, borderRadius: [0, 4, 4, 0] }, barMaxWidth: 18 }]
        : []),
    ],
  };
}

/** A chart's height for its number of categories (horizontal bars grow with the rows). */
export function breakdownHeight(rows: number, narrow: boolean): number {
  return Math.max(160, Math.min(900, 48 + rows * (narrow ? 30 : 34)));
}

export interface ParetoWords {
  revenue: string;
  cumulative: string;
}

/** Revenue per ranked item as bars coloured by ABC tier (A the brand colour, B lighter, C grey), and the cumulative share as a line on a 0–100 % axis. */
export function paretoOption(
  series: ParetoSeries, words: ParetoWords, money: (n: number) => string, percent: (rate: number) => string, p: Palette = PALETTE, narrow = false,
): EChartsCoreOption {
  const tierColour = { A: p.primary, B: p.previous, C: p.lastYear } as const;
  return {
    animationDuration: 300,
    color: [p.primary, p.line],
    legend: { top: 0, left: 0, itemWidth: 12, itemHeight: 10, textStyle: { color: p.muted, fontSize: narrow ? 11 : 12 } },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    grid: { ...baseGrid(narrow, narrow ? 8 : 12), bottom: narrow ? 8 : 16 },
    xAxis: {
      type: 'category', data: series.labels, axisTick: { show: false }, axisLine: { lineStyle: { color: p.border } },
      axisLabel: { ...axisText(p, narrow), rotate: series.labels.length > (narrow ? 5 : 10) ? 40 : 0, width: narrow ? 60 : 90 },
    },
    yAxis: [
      { type: 'value', axisLabel: { color: p.muted, formatter: (v: number) => money(v) }, splitLine: { lineStyle: { color: p.border } }, splitNumber: narrow ? 3 : 5 },
      { type: 'value', min: 0, max: 1, interval: 0.2, axisLabel: { color: p.muted, formatter: (v: number) => percent(v) }, splitLine: { show: false } },
    ],
    series: [
      {
        name: words.revenue, type: 'bar', barMaxWidth: 28,
        data: series.revenue.map((value, i) => ({ value, itemStyle: { color: tierColour[series.tiers[i] ?? 'C'], borderRadius: [4, 4, 0, 0] } })),
        tooltip: { valueFormatter: (v: unknown) => (typeof v === 'number' ? money(v) : '—') },
      },
      {
        name: words.cumulative, type: 'line', yAxisIndex: 1, data: series.cumulative, symbolSize: narrow ? 4 : 6,
        lineStyle: { color: p.line, width: 2 }, itemStyle: { color: p.line }, connectNulls: true,
        tooltip: { valueFormatter: (v: unknown) => (typeof v === 'number' ? percent(v) : '—') },
      },
    ],
  };
}

/** The Pareto chart's height: taller when its labels are rotated. */
export function paretoHeight(count: number, narrow: boolean): number {
  return (narrow ? 240 : 320) + (count > (narrow ? 5 : 10) ? (narrow ? 50 : 60) : 0);
}
