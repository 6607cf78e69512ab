import { fill, h } from '../dom';
import type { I18n } from '../i18n';
import { mapPanel, type DashboardState, type Panel, type View } from '../state';
import { card, panelNote, tile } from './panel';

const KG_PER_T = 1000;

function value<T>(panel: Panel<T>, i18n: I18n, show: (data: T) => string): string {
  if (panel.state === 'ready') return show(panel.data);
  return panel.state === 'loading' ? '…' : panel.state === 'forbidden' ? i18n.t('forbidden') : '—';
}

/** The rooftop PV programme: what was built and paid, what it should and did generate, the CO2 it avoided; live readings. */
export class PvView implements View {
  private readonly c = card('pv');
  readonly el = this.c.el;

  update(s: DashboardState, i18n: I18n): void {
    fill(this.c.heading, i18n.t('pvTitle'));
    const { programme, investmentYuan, projects } = s.pv;
    const note = panelNote(programme, i18n);
    if (note) return fill(this.c.body, note);
    const ytd = mapPanel(projects, (list) =>
      list.reduce((t, p) => ({ kwh: t.kwh + p.generation.generationKwh, co2T: t.co2T + p.generation.avoidedKgCo2 / KG_PER_T }), { kwh: 0, co2T: 0 }),
    );
    fill(
      this.c.body,
      h(
        'div',
        { class: 'tiles' },
        tile(i18n.t('projects'), value(programme, i18n, (p) => `${p.projectCount} (${i18n.t('operating')} ${p.operatingCount})`), { 'data-figure': 'projectCount' }),
        tile(i18n.t('capacity'), value(programme, i18n, (p) => `${i18n.num(p.capacityKw)} kWp`)),
        tile(i18n.t('investment'), value(investmentYuan, i18n, (v) => i18n.yuan(v))),
        tile(i18n.t('expected'), value(programme, i18n, (p) => i18n.big(p.expectedAnnualKwh, 'kWh'))),
        tile(i18n.titled(i18n.t('actualYtd'), i18n.span(s.period)), value(ytd, i18n, (t) => i18n.big(t.kwh, 'kWh')), { 'data-figure': 'generationYtd' }),
        tile(i18n.t('actual12'), value(programme, i18n, (p) => i18n.big(p.actualKwhLast12Months, 'kWh'))),
        tile(i18n.titled(i18n.t('avoidedCo2'), i18n.span(s.period)), value(ytd, i18n, (t) => `${i18n.num(t.co2T)} t CO2`)),
        tile(i18n.t('reportedCo2'), value(programme, i18n, (p) => `${i18n.num(p.reportedAnnualCo2T)} t CO2`)),
      ),
      h('h3', {}, i18n.t('liveGeneration')),
      s.pvFeed.length
        ? h(
            'ul',
            { class: 'feed pv-feed' },
            ...s.pvFeed.map((g) =>
              h('li', {}, h('strong', {}, i18n.name(g.project)), ` +${i18n.num(g.kwh)} kWh`, h('span', { class: 'small' }, ` ${new Date(g.periodStart).toLocaleDateString()} · ${g.at.toLocaleTimeString()}`)),
            ),
          )
        : h('p', { class: 'note' }, i18n.t('noGeneration')),
    );
  }
}
