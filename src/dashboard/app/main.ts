import './styles.css';
import { Api, ApiError } from './api';
import { Dashboard } from './dashboard';
import { fill } from './dom';
import { I18n, savedLang } from './i18n';
import { openingYear, periodOf, yearsWithData } from './period';
import { VIEWER, type Viewer } from './queries';
import { signInForm } from './views/signin.view';

/** Session storage: the key lives as long as the tab, and never appears in a URL. */
const KEY_STORAGE = 'ewc.dashboard.apiKey';

const host = document.getElementById('app')!;
let current: Dashboard | null = null;

function signOut(): void {
  current?.dispose();
  current = null;
  sessionStorage.removeItem(KEY_STORAGE);
  showSignIn();
}

/** Checks the key with `viewer`, then opens the dashboard on the year `openingYear` picks. Returns an error message or null. */
async function open(key: string): Promise<string | null> {
  const i18n = new I18n(savedLang());
  const api = new Api(key);
  try {
    const res = await api.query<{ viewer: Viewer }>(VIEWER);
    if (!res.data?.viewer) return i18n.t('badKey');
    sessionStorage.setItem(KEY_STORAGE, key);
    const years = await yearsWithData(api);
    const period = await periodOf(api, await openingYear(api, years));
    current = new Dashboard({ api, host, viewer: res.data.viewer, years, period, i18n, onSignOut: signOut });
    current.start();
    return null;
  } catch (err) {
    api.dispose();
    return err instanceof ApiError && err.code === 'UNAUTHENTICATED' ? i18n.t('badKey') : i18n.t('networkError');
  }
}

function showSignIn(): void {
  fill(host, signInForm(new I18n(savedLang()), open));
}

const saved = sessionStorage.getItem(KEY_STORAGE);
if (saved) {
  void open(saved).then((message) => {
    if (message) signOut();
  });
} else {
  showSignIn();
}
