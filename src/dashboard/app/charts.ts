/** ECharts from npm, only the parts the dashboard draws (keeps the bundle small). */
import * as echarts from 'echarts/core';
import { BarChart, ScatterChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([BarChart, ScatterChart, GridComponent, TooltipComponent, LegendComponent, CanvasRenderer]);

export type ChartOption = echarts.EChartsCoreOption;

/** A chart that follows its container's size. */
export class Chart {
  private readonly chart: echarts.ECharts;

  constructor(readonly el: HTMLElement) {
    this.chart = echarts.init(el, undefined, { renderer: 'canvas' });
    // The browser tests read the option drawn (legend against bar colours): the canvas has no DOM to inspect.
    Object.defineProperty(el, 'ewcChart', { value: this.chart });
    new ResizeObserver(() => this.chart.resize()).observe(el);
  }

  set(option: ChartOption): void {
    this.chart.setOption(option, { notMerge: true, lazyUpdate: true });
  }
}

export const STATUS_COLOUR: Record<string, string> = {
  ADVANCED: '#1b7f3b',
  COMPLIANT: '#4caf50',
  ABOVE_BASELINE: '#f0a202',
  OVER_CONSTRAINT: '#d7263d',
  INSUFFICIENT_DATA: '#8d99ae',
};
