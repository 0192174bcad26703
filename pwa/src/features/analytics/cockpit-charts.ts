// Apache ECharts, tree-shaken: only the bar and line series, the simple grid, tooltip and plain legend,
// and the SVG renderer (crisp text at any zoom; 3.6 kB gzip more than canvas). This module is imported
// with import() by the cockpit only, so no other screen (and not the entry) downloads it; ECharts has
// its zh-CN and en strings built in. No aria component: each chart's figures are in the table beside it.
import { BarChart, LineChart } from 'echarts/charts';
import { GridSimpleComponent, LegendPlainComponent, TooltipComponent } from 'echarts/components';
import { init, use, type EChartsCoreOption, type EChartsType } from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import type { UiLocale } from '@/i18n';

use([BarChart, LineChart, GridSimpleComponent, TooltipComponent, LegendPlainComponent, SVGRenderer]);

export interface Chart {
  set(option: EChartsCoreOption, height?: number): void;
  dispose(): void;
}

/** A chart in `el`, redrawn to the element's width whenever it changes (phone rotation, side navigation). */
export function chartIn(el: HTMLElement, locale: UiLocale): Chart {
  const chart: EChartsType = init(el, undefined, { renderer: 'svg', locale: locale === 'zh-CN' ? 'ZH' : 'EN' });
  const resize = new ResizeObserver(() => chart.resize());
  resize.observe(el);
  return {
    set(option, height) {
      if (height !== undefined && el.style.height !== `${height}px`) {
        el.style.height = `${height}px`;
        chart.resize();
      }
      chart.setOption(option, { notMerge: true });
    },
    dispose() {
      resize.disconnect();
      chart.dispose();
    },
  };
}
