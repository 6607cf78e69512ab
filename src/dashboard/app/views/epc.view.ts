import { Chart } from '../charts';
import { fill, h } from '../dom';
import type { I18n } from '../i18n';
import type { DashboardState, View } from '../state';
import { card, panelNote } from './panel';

/** Measured savings of each energy performance contract over the year to date. */
export class EpcView implements View {
  private readonly c = card('epc');
  readonly el = this.c.el;
  private readonly chartEl = h('div', { class: 'chart small' });
  private readonly table = h('div', { class: 'table-wrap' });
  private chart: Chart | null = null;

  constructor() {
    this.c.body.append(this.chartEl, this.table);
  }

  update(s: DashboardState, i18n: I18n): void {
    fill(this.c.heading, i18n.t('epcTitle'));
    const note = panelNote(s.epc, i18n);
    this.chartEl.hidden = note !== null;
    if (note || s.epc.state !== 'ready') return fill(this.table, note);
    const contracts = s.epc.data;
    fill(
      this.table,
      h(
        'table',
        { class: 'epc-table' },
        h(
          'thead',
          {},
          h('tr', {}, h('th', {}, i18n.t('contract')), h('th', { class: 'num' }, `${i18n.t('savingsKgce')} (kgce)`), h('th', { class: 'num' }, i18n.t('savingsRate'))),
        ),
        h(
          'tbody',
          {},
          ...contracts.map((c) =>
            h(
              'tr',
              { 'data-contract': c.id },
              h('td', { class: 'name' }, i18n.name(c.institution), h('div', { class: 'small' }, `${c.title} · ${c.status}`)),
              h('td', { class: 'num' }, c.savings ? i18n.num(c.savings.savingsKgce, 0) : '—'),
              h('td', { class: 'num' }, c.savings?.flagged ? i18n.t('flagged') : i18n.percent(c.savings?.savingsRate)),
            ),
          ),
        ),
      ),
    );
    this.chart ??= new Chart(this.chartEl);
    const operating = contracts.filter((c) => (c.savings?.savingsKgce ?? 0) !== 0);
    this.chart.set({
      animation: false,
      grid: { left: 8, right: 16, top: 8, bottom: 8, containLabel: true },
      tooltip: { trigger: 'axis', valueFormatter: (v: number) => i18n.percent(v) },
      xAxis: { type: 'value', axisLabel: { formatter: (v: number) => `${Math.round(v * 100)}%` } },
      yAxis: { type: 'category', inverse: true, data: operating.map((c) => i18n.name(c.institution)), axisLabel: { width: 110, overflow: 'truncate' } },
      series: [{ type: 'bar', name: i18n.t('savingsRate'), itemStyle: { color: '#2a9d8f' }, data: operating.map((c) => c.savings?.savingsRate ?? 0) }],
    });
  }
}
