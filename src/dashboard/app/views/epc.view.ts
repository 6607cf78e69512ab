import { Chart } from '../charts';
import { fill, h } from '../dom';
import type { I18n } from '../i18n';
import { SAVING_STATUSES, type EpcContract } from '../queries';
import type { DashboardState, View } from '../state';
import { card, panelNote } from './panel';

const RATE_COLOUR = '#2a9d8f';
const FLAGGED_COLOUR = '#8d99ae';

/** A contract's title in the reader's language (the registered title when it has no Chinese one). */
const titleOf = (c: EpcContract, i18n: I18n): string => (i18n.lang === 'zh' && c.titleZh ? c.titleZh : c.title);

/**
 * Measured savings of each energy performance contract over the period on screen. Only running contracts
 * (OPERATING or handed over) have savings; a period with too little data keeps its figure and says so, in the
 * table and in the chart alike.
 */
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
    fill(this.c.heading, i18n.titled(i18n.t('epcTitle'), i18n.span(s.period)));
    const note = panelNote(s.epc, i18n);
    const contracts = s.epc.state === 'ready' ? s.epc.data : [];
    const running = contracts.filter((c) => SAVING_STATUSES.includes(c.status) && c.savings !== null);
    this.chartEl.hidden = note !== null || running.length === 0;
    if (note) return fill(this.table, note);
    fill(
      this.table,
      h(
        'table',
        { class: 'epc-table' },
        h(
          'thead',
          {},
          h('tr', {}, h('th', { class: 'name' }, i18n.t('contract')), h('th', { class: 'num' }, i18n.t('savingsKgce'), h('div', { class: 'unit' }, 'kgce')), h('th', { class: 'num' }, i18n.t('savingsRate'))),
        ),
        h(
          'tbody',
          {},
          ...contracts.map((c) => {
            const savings = SAVING_STATUSES.includes(c.status) ? c.savings : null;
            return h(
              'tr',
              { 'data-contract': c.id, 'data-status': c.status },
              h('td', { class: 'name' }, i18n.name(c.institution), h('div', { class: 'small' }, `${titleOf(c, i18n)} · ${i18n.term(c.status)}`)),
              savings
                ? h('td', { class: 'num' }, i18n.num(savings.savingsKgce, 0))
                : h('td', { class: 'num', title: i18n.t('notOperating') }, '—'),
              h(
                'td',
                { class: 'num rate' },
                savings ? i18n.percent(savings.savingsRate) : '—',
                savings?.flagged ? h('div', { class: 'flag' }, i18n.t('flagged')) : null,
              ),
            );
          }),
        ),
      ),
    );
    if (!running.length) return;
    this.chart ??= new Chart(this.chartEl);
    const rate = i18n.t('savingsRate');
    const flagged = i18n.t('flagged');
    // Two series, one colour each, so the legend says what a grey bar means: a rate from too little data.
    const series = [
      { name: rate, colour: RATE_COLOUR, pick: (c: EpcContract) => (c.savings!.flagged ? null : c.savings!.savingsRate) },
      { name: flagged, colour: FLAGGED_COLOUR, pick: (c: EpcContract) => (c.savings!.flagged ? c.savings!.savingsRate : null) },
    ].filter((x) => running.some((c) => x.pick(c) !== null));
    this.chart.set({
      animation: false,
      grid: { left: 8, right: 16, top: 28, bottom: 8, containLabel: true },
      legend: { top: 0, left: 0, data: series.map((x) => x.name) },
      tooltip: { trigger: 'axis', valueFormatter: (v: number) => i18n.percent(v) },
      xAxis: { type: 'value', splitNumber: 3, axisLabel: { hideOverlap: true, formatter: (v: number) => `${Math.round(v * 100)}%` } },
      yAxis: { type: 'category', inverse: true, data: running.map((c) => i18n.name(c.institution)), axisLabel: { width: 110, overflow: 'truncate', interval: 0 } },
      series: series.map((x) => ({ type: 'bar', stack: 'rate', name: x.name, itemStyle: { color: x.colour }, data: running.map(x.pick) })),
    });
  }
}
