import { h, fill } from '../dom';
import type { I18n } from '../i18n';
import { yearElapsed } from '../period';
import { FIGURE_OF, INDICATORS, type ComplianceStatus } from '../queries';
import type { DashboardState, View } from '../state';
import { STATUS_COLOUR } from '../charts';
import { card, panelNote, tile } from './panel';

const STATUSES: ComplianceStatus[] = ['ADVANCED', 'COMPLIANT', 'ABOVE_BASELINE', 'OVER_CONSTRAINT', 'INSUFFICIENT_DATA'];

/** The city's three indicators for the year to date, and how the institutions stand against their quotas. */
export class SummaryView implements View {
  private readonly c = card('summary');
  readonly el = this.c.el;

  update(s: DashboardState, i18n: I18n): void {
    fill(this.c.heading, i18n.titled(i18n.t('cityTitle'), i18n.span(s.period)));
    const note = panelNote(s.city, i18n);
    if (note || s.city.state !== 'ready') return fill(this.c.body, note);
    const city = s.city.data;
    const elapsed = yearElapsed(s.period);
    const rows = s.ranking.state === 'ready' ? s.ranking.data : [];
    const tiles = INDICATORS.map((kind) => {
      const counts = new Map<ComplianceStatus, number>();
      let overPace = 0;
      for (const r of rows) {
        const c = r.compliance.find((x) => x.indicator === kind);
        if (!c) continue;
        counts.set(c.status, (counts.get(c.status) ?? 0) + 1);
        const ytd = r.ytd[FIGURE_OF[kind]];
        if (s.period.inProgress && ytd !== null && ytd / c.constraintValue > elapsed) overPace++;
      }
      return h(
        'div',
        { class: 'tile indicator', 'data-indicator': kind },
        h('div', { class: 'label' }, i18n.t(kind)),
        h('div', { class: 'value' }, i18n.num(city[FIGURE_OF[kind]]), h('span', { class: 'unit' }, ` ${i18n.unit(kind)}`)),
        counts.size
          ? h(
              'div',
              { class: 'chips' },
              ...STATUSES.filter((st) => counts.has(st)).map((st) =>
                h('span', { class: 'chip', style: `background:${STATUS_COLOUR[st]}`, title: i18n.t(st) }, `${i18n.t(st)} ${counts.get(st)}`),
              ),
              overPace ? h('span', { class: 'chip pace' }, `${i18n.t('overPace')} ${overPace}`) : null,
            )
          : null,
      );
    });
    fill(
      this.c.body,
      h('div', { class: 'tiles' }, ...tiles),
      h(
        'div',
        { class: 'meta' },
        [
          `${city.institutionCount} ${i18n.t('institutions')}`,
          `${i18n.t('coverage')} ${i18n.percent(city.coverage)}`,
          s.period.inProgress ? `${i18n.t('yearElapsed')} ${i18n.percent(elapsed)}` : null,
          s.period.inProgress ? i18n.t('projectedNote') : null,
        ]
          .filter((part) => part !== null)
          .join(' · '),
      ),
    );
  }
}
