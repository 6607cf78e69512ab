import { fill, h } from '../dom';
import type { I18n } from '../i18n';
import type { DashboardState, View } from '../state';

export interface HeaderActions {
  onYear(year: number): void;
  onLanguage(): void;
  onSignOut(): void;
}

/** Title, who is signed in, year, live status, language switch. */
export class HeaderView implements View {
  readonly el = h('header', { class: 'top' });

  constructor(private readonly actions: HeaderActions) {}

  update(s: DashboardState, i18n: I18n): void {
    const year = h('select', { 'aria-label': i18n.t('year'), name: 'year' });
    for (const y of s.years) year.append(h('option', { value: y, selected: y === s.period.year }, y));
    year.addEventListener('change', () => this.actions.onYear(Number(year.value)));
    const lang = h('button', { type: 'button', class: 'lang', 'data-action': 'language' }, i18n.t('language'));
    lang.addEventListener('click', () => this.actions.onLanguage());
    const out = h('button', { type: 'button', class: 'link', 'data-action': 'sign-out' }, i18n.t('signOut'));
    out.addEventListener('click', () => this.actions.onSignOut());
    const r = s.lastReading;
    fill(
      this.el,
      h('h1', {}, i18n.t('title')),
      h(
        'div',
        { class: 'controls' },
        h('label', {}, `${i18n.t('year')} `, year),
        h('span', { class: 'through' }, `${i18n.t('through')} ${s.period.through}`),
        h('span', { class: `live ${s.live}`, 'data-live': s.live }, i18n.t(s.live === 'live' ? 'live' : s.live)),
        lang,
        h('span', { class: 'who' }, `${s.viewer.keyName} (${s.viewer.subject})`),
        out,
      ),
      r ? h('div', { class: 'small last-reading' }, `${i18n.t('lastEvent')}: ${r.meter.serial} · ${r.rows} · ${i18n.num(r.total)} ${i18n.meterUnit(r.unit)} · ${r.at.toLocaleTimeString()}`) : null,
    );
  }
}
