import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium (never a browser download), as the browser tests drive it. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** A headless Chromium and a desk-sized page whose waits are bounded at a minute. */
export async function openPage(): Promise<{ browser: Browser; page: Page }> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.context().setDefaultTimeout(60_000);
  return { browser, page };
}

/** Polls from the test side (the page's CSP forbids the eval that waitForFunction needs); the limit bounds a hang. */
export async function until(condition: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
