import { h } from '../dom';
import type { I18n } from '../i18n';

/** The key goes from this form to session storage; the form never submits, so it never reaches a URL. */
export function signInForm(i18n: I18n, onKey: (key: string) => Promise<string | null>): HTMLElement {
  const input = h('input', { type: 'password', name: 'apiKey', autocomplete: 'off', required: true, spellcheck: 'false', id: 'api-key' });
  const error = h('p', { class: 'error', role: 'alert' });
  const submit = h('button', { type: 'submit' }, i18n.t('signIn'));
  const form = h(
    'form',
    { class: 'signin card', method: 'post', action: '' },
    h('h1', {}, i18n.t('title')),
    h('h2', {}, i18n.t('signInTitle')),
    h('label', { for: 'api-key' }, i18n.t('keyLabel')),
    input,
    submit,
    error,
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    submit.disabled = true;
    error.textContent = '';
    void onKey(input.value.trim()).then((message) => {
      submit.disabled = false;
      if (message) error.textContent = message;
    });
  });
  return form;
}
