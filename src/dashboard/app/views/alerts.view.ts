import { fill, h } from '../dom';
import type { I18n } from '../i18n';
import type { DashboardState, View } from '../state';
import { card } from './panel';

/** Compliance alerts as they arrive: projected years crossing the constraint value, and coming back under. */
export class AlertsView implements View {
  private readonly c = card('alerts');
  readonly el = this.c.el;

  update(s: DashboardState, i18n: I18n): void {
    fill(this.c.heading, i18n.t('alertsTitle'));
    if (!s.alerts.length) return fill(this.c.body, h('p', { class: 'note' }, i18n.t('noAlerts')));
    fill(
      this.c.body,
      h(
        'ul',
        { class: 'feed' },
        ...s.alerts.map((a) => {
          const above = a.direction === 'CROSSED_ABOVE';
          return h(
            'li',
            { class: above ? 'alert above' : 'alert under' },
            h('strong', {}, i18n.name(a.institution)),
            ` · ${i18n.t(a.indicator)} ${i18n.t(above ? 'crossedAbove' : 'backUnder')}`,
            h(
              'div',
              { class: 'small' },
              `${a.through} · ${i18n.t('ytdValue')} ${i18n.num(a.yearToDateValue)} · ${i18n.t('projected')} ${i18n.num(a.projectedValue)} / ${i18n.t('constraint')} ${i18n.num(a.constraintValue)} ${i18n.unit(a.indicator)}`,
            ),
          );
        }),
      ),
    );
  }
}
