import { Chart, STATUS_COLOUR } from '../charts';
import { fill, h } from '../dom';
import type { I18n } from '../i18n';
import { yearElapsed } from '../period';
import { FIGURE_OF, INDICATORS, type ComplianceStatus, type IndicatorKind, type RankingRow } from '../queries';
import type { DashboardState, View } from '../state';
import { card, panelNote } from './panel';

/** Bars in the chart: the worst institutions, where attention goes. */
const CHART_ROWS = 15;

interface Ranked {
  row: RankingRow;
  value: number | null;
  constraint: number | null;
  status: ComplianceStatus | null;
  projected: boolean;
}

/** The order of statuses in the chart's legend. */
const STATUSES: ComplianceStatus[] = ['ADVANCED', 'COMPLIANT', 'ABOVE_BASELINE', 'OVER_CONSTRAINT', 'INSUFFICIENT_DATA'];

export function rank(rows: RankingRow[], kind: IndicatorKind): Ranked[] {
  return rows
    .map((row) => {
      const c = row.compliance.find((x) => x.indicator === kind);
      return { row, value: row.ytd[FIGURE_OF[kind]], constraint: c?.constraintValue ?? null, status: c?.status ?? null, projected: c?.projected ?? false };
    })
    .sort((a, b) => (b.value ?? -Infinity) - (a.value ?? -Infinity));
}

/** The appraised institutions ranked on one indicator, with status colours and progress to the constraint value. */
export class RankingView implements View {
  private readonly c = card('ranking');
  readonly el = this.c.el;
  private readonly tabs = h('div', { class: 'tabs', role: 'tablist' });
  private readonly chartEl = h('div', { class: 'chart' });
  private readonly table = h('div', { class: 'table-wrap' });
  private chart: Chart | null = null;

  constructor(private readonly onIndicator: (kind: IndicatorKind) => void) {
    this.c.body.append(this.tabs, this.chartEl, this.table);
  }

  update(s: DashboardState, i18n: I18n): void {
    fill(this.c.heading, i18n.t('rankingTitle'));
    fill(
      this.tabs,
      ...INDICATORS.map((kind) => {
        const b = h('button', { type: 'button', role: 'tab', 'aria-selected': String(kind === s.indicator), 'data-indicator': kind }, i18n.t(kind));
        b.addEventListener('click', () => this.onIndicator(kind));
        return b;
      }),
    );
    const note = panelNote(s.ranking, i18n);
    this.chartEl.hidden = note !== null;
    if (note || s.ranking.state !== 'ready') return fill(this.table, note);
    const ranked = rank(s.ranking.data, s.indicator);
    this.renderTable(ranked, s, i18n);
    this.renderChart(ranked.slice(0, CHART_ROWS), i18n);
  }

  private renderTable(ranked: Ranked[], s: DashboardState, i18n: I18n): void {
    const elapsed = yearElapsed(s.period);
    const unit = i18n.unit(s.indicator);
    const rows = ranked.map((r, i) => {
      const share = r.value !== null && r.constraint ? r.value / r.constraint : null;
      // Ahead of pace only means something while the year runs; a finished year is judged by its status.
      const ahead = s.period.inProgress && share !== null && share > elapsed;
      const bar = h('div', { class: 'bar' }, h('span', { class: ahead ? 'fill ahead' : 'fill', style: `width:${Math.min(100, (share ?? 0) * 100)}%` }));
      if (s.period.inProgress) bar.append(h('i', { class: 'elapsed', style: `left:${elapsed * 100}%`, title: i18n.t('yearElapsed') }));
      return h(
        'tr',
        { 'data-institution': r.row.institution.id },
        h('td', { class: 'num rank' }, i + 1),
        h('td', { class: 'name' }, i18n.name(r.row.institution)),
        h('td', { class: 'num value' }, i18n.num(r.value)),
        h('td', { class: 'num' }, i18n.num(r.constraint)),
        h('td', { class: 'progress' }, bar, h('span', { class: 'pct' }, i18n.percent(share))),
        h(
          'td',
          { class: 'status' },
          r.status ? h('span', { class: 'badge', style: `background:${STATUS_COLOUR[r.status]}`, 'data-status': r.status }, i18n.t(r.status)) : '—',
          r.projected ? h('span', { class: 'projected' }, i18n.t('projectedShort')) : null,
        ),
      );
    });
    fill(
      this.table,
      h(
        'table',
        { class: 'ranking-table' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', { class: 'rank' }, i18n.t('rank')),
            h('th', { class: 'name' }, i18n.t('institution')),
            h('th', { class: 'num' }, i18n.span(s.period), h('div', { class: 'unit' }, unit)),
            h('th', { class: 'num' }, i18n.t('constraint')),
            h('th', {}, i18n.t('progress')),
            h('th', {}, i18n.t('status')),
          ),
        ),
        h('tbody', {}, ...rows),
      ),
    );
  }

  /**
   * One bar series per status, stacked (each institution has one status, so one bar each): the legend's
   * colours are the bars' colours. The constraint value is a black tick of its own series.
   */
  private renderChart(top: Ranked[], i18n: I18n): void {
    this.chart ??= new Chart(this.chartEl);
    const names = top.map((r) => i18n.name(r.row.institution));
    const present = STATUSES.filter((st) => top.some((r) => (r.status ?? 'INSUFFICIENT_DATA') === st));
    const bars = present.map((st) => ({
      name: i18n.t(st),
      type: 'bar',
      stack: 'value',
      itemStyle: { color: STATUS_COLOUR[st] },
      data: top.map((r) => ((r.status ?? 'INSUFFICIENT_DATA') === st ? r.value : null)),
    }));
    const constraint = i18n.t('constraint');
    this.chart.set({
      animation: false,
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      legend: { top: 0, left: 0, right: 0, type: 'scroll', itemGap: 8, data: [...present.map((st) => i18n.t(st)), constraint] },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      xAxis: { type: 'value', splitNumber: 4, axisLabel: { hideOverlap: true } },
      yAxis: { type: 'category', inverse: true, data: names, axisLabel: { width: 110, overflow: 'truncate', interval: 0 } },
      series: [...bars, { name: constraint, type: 'scatter', symbol: 'rect', symbolSize: [3, 14], itemStyle: { color: '#222222' }, data: top.map((r) => r.constraint) }],
    });
  }
}
