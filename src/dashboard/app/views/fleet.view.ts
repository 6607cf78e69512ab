import { fill, h } from '../dom';
import type { I18n } from '../i18n';
import type { FleetGroup, RecyclingGroup, TargetProgress } from '../queries';
import type { DashboardState, View } from '../state';
import { card, panelNote, tile } from './panel';

const STATUS_CLASS: Record<TargetProgress['status'], string> = { MET: 'met', BELOW: 'below', NO_DATA: 'none', NOT_MEASURED: 'none' };

/** "1 / 3": the counts a share is made of, so it can be checked by hand. */
const ofCounts = (part: number, whole: number): HTMLElement => h('div', { class: 'small' }, `${part} / ${whole}`);

function figure(name: string, label: string, value: string, detail: HTMLElement | null = null): HTMLElement {
  const t = tile(label, value, { 'data-figure': name });
  if (detail) t.append(detail);
  return t;
}

/**
 * The official fleet and waste recycling of the key's scope over the period on screen, and where it
 * stands against the city targets: each figure as the hub answers it (ratios of sums), formatted here only.
 */
export class FleetView implements View {
  private readonly c = card('fleet');
  readonly el = this.c.el;

  update(s: DashboardState, i18n: I18n): void {
    fill(this.c.heading, i18n.titled(i18n.t('fleetTitle'), i18n.span(s.period)));
    fill(
      this.c.body,
      h('div', { class: 'fleet-part', 'data-part': 'fleet' }, h('h3', {}, i18n.t('fleetHeading')), panelNote(s.fleet, i18n) ?? (s.fleet.state === 'ready' ? this.fleet(s.fleet.data, i18n) : null)),
      h(
        'div',
        { class: 'fleet-part', 'data-part': 'recycling' },
        h('h3', {}, i18n.t('recyclingHeading')),
        panelNote(s.recycling, i18n) ?? (s.recycling.state === 'ready' ? this.recycling(s.recycling.data, i18n) : null),
      ),
      s.fleet.state === 'ready' && s.fleet.data.targets.length
        ? h('div', { class: 'fleet-part', 'data-part': 'targets' }, h('h3', {}, i18n.t('targetsHeading')), this.targets(s.fleet.data.targets, i18n))
        : null,
    );
  }

  private fleet(g: FleetGroup, i18n: I18n): HTMLElement {
    const f = g.fleet;
    if (!f) return h('p', { class: 'note suppressed' }, i18n.t('suppressed'));
    return h(
      'div',
      { class: 'tiles' },
      figure('vehiclesAtEnd', i18n.t('vehiclesAtEnd'), i18n.num(f.vehiclesAtEnd, 0)),
      figure('newEnergyShareAtEnd', i18n.t('nevShare'), i18n.percent(f.newEnergyShareAtEnd), ofCounts(f.newEnergyVehiclesAtEnd, f.vehiclesAtEnd)),
      figure('newEnergyShareOfAdded', i18n.t('nevShareOfAdded'), i18n.percent(f.newEnergyShareOfAdded), ofCounts(f.newEnergyVehiclesAdded, f.vehiclesAdded)),
      figure('kgce', i18n.t('vehicleEnergy'), i18n.big(f.kgce, 'kgce')),
      figure('kgCo2', i18n.t('vehicleCo2'), i18n.big(f.kgCo2, 'kg CO₂')),
      figure('kgcePer100Km', i18n.t('per100Km'), f.kgcePer100Km === null ? '—' : `${i18n.num(f.kgcePer100Km)} kgce`, h('div', { class: 'small' }, i18n.big(f.distanceKm, 'km'))),
      figure('kgCo2Per100Km', i18n.t('co2Per100Km'), f.kgCo2Per100Km === null ? '—' : `${i18n.num(f.kgCo2Per100Km)} kg CO₂`),
    );
  }

  private recycling(r: RecyclingGroup, i18n: I18n): HTMLElement {
    if (r.suppressed) return h('p', { class: 'note suppressed' }, i18n.t('suppressed'));
    const streams = r.byStream.filter((x) => x.totalKg > 0);
    return h(
      'div',
      {},
      h(
        'div',
        { class: 'tiles' },
        figure('recyclingRate', i18n.t('recyclingRate'), i18n.percent(r.recyclingRate)),
        figure('recycledKg', i18n.t('recycled'), i18n.big(r.recycledKg, 'kg'), h('div', { class: 'small' }, `${i18n.t('total')} ${i18n.big(r.totalKg, 'kg')}`)),
      ),
      streams.length
        ? h(
            'div',
            { class: 'table-wrap' },
            h(
              'table',
              { class: 'stream-table' },
              h(
                'thead',
                {},
                h(
                  'tr',
                  {},
                  h('th', { class: 'name' }, i18n.t('stream')),
                  h('th', { class: 'num' }, i18n.t('recycled'), h('div', { class: 'unit' }, 'kg')),
                  h('th', { class: 'num' }, i18n.t('total'), h('div', { class: 'unit' }, 'kg')),
                  h('th', { class: 'num' }, i18n.t('recyclingRate')),
                ),
              ),
              h(
                'tbody',
                {},
                ...streams.map((x) =>
                  h(
                    'tr',
                    { 'data-stream': x.stream },
                    h('td', { class: 'name' }, i18n.term(x.stream)),
                    h('td', { class: 'num' }, i18n.num(x.recycledKg)),
                    h('td', { class: 'num' }, i18n.num(x.totalKg)),
                    h('td', { class: 'num' }, i18n.percent(x.recyclingRate)),
                  ),
                ),
              ),
            ),
          )
        : h('p', { class: 'note' }, i18n.t('noRecycling')),
    );
  }

  private targets(targets: TargetProgress[], i18n: I18n): HTMLElement {
    return h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'target-table' },
        h('thead', {}, h('tr', {}, h('th', { class: 'name' }, i18n.t('targetKind')), h('th', { class: 'num' }, i18n.t('target')), h('th', { class: 'num' }, i18n.t('reached')), h('th', {}, i18n.t('status')))),
        h(
          'tbody',
          {},
          ...targets.map((t) =>
            h(
              'tr',
              { 'data-target': t.kind, 'data-status': t.status },
              h('td', { class: 'name' }, i18n.term(t.kind)),
              h('td', { class: 'num' }, i18n.percent(t.targetValue)),
              h('td', { class: 'num' }, i18n.percent(t.value)),
              h('td', { class: 'status' }, h('span', { class: `target-status ${STATUS_CLASS[t.status]}` }, i18n.term(t.status))),
            ),
          ),
        ),
      ),
    );
  }
}
