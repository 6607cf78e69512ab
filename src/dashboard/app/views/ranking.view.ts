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
}

export function rank(rows: RankingRow[], kind: IndicatorKind): Ranked[] {
  return rows
    .map((row) => {
      const c = row.compliance.find((x) => x.indicator === kind);
      return { row, value: row.ytd[FIGURE_OF[kind]], constraint: c?.constraintValue ?? null, status: c?.status ?? null };
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
      const bar = h('div', { class: 'bar' }, h('span', { class: share !== null && share > elapsed ? 'fill ahead' : 'fill', style: `width:${Math.min(100, (share ?? 0) * 100)}%` }));
      bar.append(h('i', { class: 'elapsed', style: `left:${elapsed * 100}%`, title: i18n.t('yearElapsed') }));
      return h(
        'tr',
        { 'data-institution': r.row.institution.id },
        h('td', { class: 'num' }, i + 1),
        h('td', { class: 'name' }, i18n.name(r.row.institution)),
        h('td', { class: 'num value' }, i18n.num(r.value)),
        h('td', { class: 'num hide-phone' }, i18n.num(r.constraint)),
        h('td', { class: 'progress hide-phone' }, bar, h('span', { class: 'pct' }, i18n.percent(share))),
        h('td', {}, r.status ? h('span', { class: 'badge', style: `background:${STATUS_COLOUR[r.status]}` }, i18n.t(r.status)) : '—'),
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
            h('th', {}, i18n.t('rank')),
            h('th', {}, i18n.t('institution')),
            h('th', { class: 'num' }, `${i18n.t('ytdValue')} (${unit})`),
            h('th', { class: 'num hide-phone' }, i18n.t('constraint')),
            h('th', { class: 'hide-phone' }, i18n.t('progress')),
            h('th', {}, i18n.t('status')),
          ),
        ),
        h('tbody', {}, ...rows),
      ),
    );
  }

  private renderChart(top: Ranked[], i18n: I18n): void {
    this.chart ??= new Chart(this.chartEl);
    const names = top.map((r) => i18n.name(r.row.institution));
    this.chart.set({
      animation: false,
      grid: { left: 8, right: 16, top: 28, bottom: 8, containLabel: true },
      legend: { top: 0, data: [i18n.t('ytdValue'), i18n.t('constraint')] },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      xAxis: { type: 'value' },
      yAxis: { type: 'category', inverse: true, data: names, axisLabel: { width: 120, overflow: 'truncate' } },
      series: [
        {
          name: i18n.t('ytdValue'),
          type: 'bar',
          data: top.map((r) => ({ value: r.value, itemStyle: { color: STATUS_COLOUR[r.status ?? 'INSUFFICIENT_DATA'] } })),
        },
        { name: i18n.t('constraint'), type: 'scatter', symbol: 'rect', symbolSize: [3, 14], itemStyle: { color: '#222' }, data: top.map((r) => r.constraint) },
      ],
    });
  }
}
