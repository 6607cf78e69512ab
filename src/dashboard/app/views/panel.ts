import { h } from '../dom';
import type { I18n } from '../i18n';
import type { Panel } from '../state';

/** A card with a heading; `body` is what views re-fill. */
export function card(cls: string): { el: HTMLElement; heading: HTMLHeadingElement; body: HTMLDivElement } {
  const heading = h('h2');
  const body = h('div', { class: 'body' });
  return { el: h('section', { class: `card ${cls}` }, heading, body), heading, body };
}

/** The note a panel shows instead of its data, or null when it has data. */
export function panelNote<T>(panel: Panel<T>, i18n: I18n): HTMLElement | null {
  switch (panel.state) {
    case 'ready':
      return null;
    case 'loading':
      return h('p', { class: 'note' }, i18n.t('loading'));
    case 'forbidden':
      return h('p', { class: 'note forbidden' }, i18n.t('forbidden'));
    case 'error':
      return h('p', { class: 'note error' }, `${i18n.t('failed')}: ${panel.message}`);
  }
}

export function tile(label: string, value: string, attrs: Record<string, string> = {}): HTMLElement {
  return h('div', { class: 'tile', ...attrs }, h('div', { class: 'label' }, label), h('div', { class: 'value' }, value));
}
