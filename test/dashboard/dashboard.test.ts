/**
 * The dashboard in a real browser: Debian's Chromium driven by playwright-core (no browser download),
 * against a hub on a copy of the demo database. Needs `npm run build` first (the hub serves dist/dashboard).
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startTestHub, type TestHub } from '../helpers/hub';
import { testLog } from '../helpers/log';

const OUT = path.resolve(__dirname, '../../test-output');
/** Demo ids: the party office (institution 1), its electricity meter, and the meter of PV project 1. */
const PARTY_OFFICE = 'SW5zdGl0dXRpb246MQ';
const PARTY_OFFICE_ELECTRICITY = 'TWV0ZXI6MQ';
const PARTY_OFFICE_WATER = 'TWV0ZXI6Mg';
const PV_PROJECT_1_METER = 'TWV0ZXI6Mjgx';
/** Page-side expressions are strings: the test project has no DOM library. */
const STORED_KEY = "sessionStorage.getItem('ewc.dashboard.apiKey')";
const FCP = "performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null";
const INGEST = 'mutation($rows: [ReadingRowInput!]!) { ingestReadings(input: {rows: $rows}) { accepted corrected } }';

let t: TestHub;
let browser: Browser;
let page: Page;
let baseUrl: string;

beforeAll(async () => {
  fs.mkdirSync(OUT, { recursive: true });
  t = await startTestHub();
  baseUrl = t.hub.url.replace(/\/graphql$/, '');
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  // Waits end when the page gets there; the limit only bounds a hang on a busy machine.
  page.context().setDefaultTimeout(60_000);
});

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

/**
 * Polls from the test side: the page's Content-Security-Policy forbids eval, which page.waitForFunction needs.
 * The timeout only bounds a hang. Returns the milliseconds it took.
 */
async function until(condition: () => Promise<boolean>, timeoutMs = 60_000): Promise<number> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return Date.now() - started;
}

const valueOf = (institutionId: string) => page.locator(`tr[data-institution="${institutionId}"] td.value`).innerText();

test('serves the bundle from the hub, nothing from elsewhere', async () => {
  const html = await (await fetch(`${baseUrl}/dashboard/`)).text();
  expect(html).toContain('main.js');
  expect(html).not.toMatch(/https?:\/\//);
  const redirect = await fetch(`${baseUrl}/dashboard`, { redirect: 'manual' });
  expect(redirect.status).toBe(301);
  expect(redirect.headers.get('location')).toBe('/dashboard/');
});

test('signs in, shows the demo figures and updates live', async () => {
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(`${baseUrl}/dashboard`);
  // Paint entries are queued after the frame: wait for the entry rather than read it once.
  let fcp: number | null = null;
  await until(async () => (fcp = await page.evaluate<number | null>(FCP)) !== null);

  await page.fill('#api-key', t.keys.goa);
  await page.click('form.signin button[type=submit]');
  await until(async () => (await page.locator('.ranking-table tbody tr').count()) === 87);
  const dataMs = await page.evaluate<number | null>("performance.getEntriesByName('ewc:dashboard-data')[0]?.startTime ?? null");
  testLog(`sign-in page first contentful paint ${Number(fcp).toFixed(0)} ms; first figures on screen ${dataMs?.toFixed(0)} ms after navigation (includes typing the key)`);

  // Demo figures: 43 PV projects, 87 appraised departments, the four operating EPC contracts.
  await page.waitForSelector('[data-figure="projectCount"]');
  expect(await page.locator('[data-figure="projectCount"] .value').innerText()).toMatch(/^43 /);
  expect(await page.locator('.summary').innerText()).toContain('96');
  await page.waitForSelector('.epc-table tbody tr');
  expect(await page.locator('.epc-table tbody tr').count()).toBe(6);
  expect(await page.locator('.ranking-table').innerText()).toContain('中共邵阳市委办公室');

  // The key is in session storage, never in a URL.
  expect(page.url()).not.toContain(t.keys.goa);
  expect(requests.some((u) => u.includes(t.keys.goa))).toBe(false);
  expect(requests.every((u) => u.startsWith(baseUrl) || u.startsWith('data:'))).toBe(true);
  expect(await page.evaluate(STORED_KEY)).toBe(t.keys.goa);

  // Reloading the tab keeps the session: the dashboard paints straight away, which is the figure to watch.
  await page.reload();
  await until(async () => (await page.locator('.ranking-table tbody tr').count()) === 87);
  const reload = await page.evaluate<[number | null, number | null]>(
    "[performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null, performance.getEntriesByName('ewc:dashboard-data')[0]?.startTime ?? null]",
  );
  testLog(`signed-in reload: first contentful paint ${reload[0]?.toFixed(0)} ms, ranked table with figures ${reload[1]?.toFixed(0)} ms after navigation`);
  await page.waitForSelector('[data-live="live"]');
  // It opens on the latest closed year (final figures); the live part below writes into 2024, the demo's
  // unclosed year, so that is the year to put on screen.
  expect(await page.locator('select[name=year]').inputValue()).toBe('2023');
  await page.selectOption('select[name=year]', '2024');
  await until(async () => (await page.locator('.through').innerText()).includes('2024-'));
  await until(async () => (await page.locator('.ranking-table tbody tr').count()) === 87);

  // graphql-ws does not acknowledge a subscribe: a first ingest whose event reaches the header shows the
  // subscriptions are registered, so the measured one below times delivery, not start-up.
  const warmUp = await t.raw(
    { query: INGEST, variables: { rows: [{ meterId: PARTY_OFFICE_WATER, periodStart: '2024-06-28T00:00:00+08:00', periodEnd: '2024-06-29T00:00:00+08:00', value: 12.5, correction: true }] } },
    t.keys.goa,
  );
  expect(warmUp.errors).toBeUndefined();
  await page.waitForSelector('.last-reading');

  // A day of electricity corrected upwards, inside the year to date on screen, and a PV reading.
  const before = await valueOf(PARTY_OFFICE);
  const started = Date.now();
  const res = await t.raw(
    {
      query: INGEST,
      variables: {
        rows: [
          { meterId: PARTY_OFFICE_ELECTRICITY, periodStart: '2024-06-29T00:00:00+08:00', periodEnd: '2024-06-30T00:00:00+08:00', value: 40905.27, correction: true },
          { meterId: PV_PROJECT_1_METER, periodStart: '2024-06-30T00:00:00+08:00', periodEnd: '2024-07-01T00:00:00+08:00', value: 4321.5, correction: true },
        ],
      },
    },
    t.keys.goa,
  );
  expect(res.errors).toBeUndefined();
  await until(async () => (await valueOf(PARTY_OFFICE)) !== before);
  const liveMs = Date.now() - started;
  await page.waitForSelector('.pv-feed li');
  const pvMs = Date.now() - started;
  testLog(`live update: ranking row changed ${liveMs} ms after the ingest request was sent (PV feed ${pvMs} ms); ${before} -> ${await valueOf(PARTY_OFFICE)}`);
  expect(Number((await valueOf(PARTY_OFFICE)).replace(/,/g, ''))).toBeGreaterThan(Number(before.replace(/,/g, '')));
  await page.screenshot({ path: path.join(OUT, 'dashboard-1280-zh.png'), fullPage: true });

  // English by the switch.
  await page.click('[data-action="language"]');
  await until(async () => (await page.locator('.ranking h2').innerText()) === 'Institutions against the quota');
  expect(await page.locator('.pv h2').innerText()).toBe('Rooftop PV programme');
  expect(await page.locator('.ranking-table').innerText()).toContain('General Office of the CPC Shaoyang Municipal Committee');
  await page.screenshot({ path: path.join(OUT, 'dashboard-1280.png'), fullPage: true });

  // A phone: everything fits the width.
  await page.setViewportSize({ width: 390, height: 844 });
  // Charts redraw for the new width after a resize event: wait until the page fits, or fail.
  const fits = async () => {
    const [scrollWidth, clientWidth] = await page.evaluate<[number, number]>('[document.documentElement.scrollWidth, document.documentElement.clientWidth]');
    return scrollWidth <= clientWidth;
  };
  await until(fits);
  expect(await page.locator('.ranking-table tbody tr').count()).toBe(87);
  await page.screenshot({ path: path.join(OUT, 'dashboard-phone.png'), fullPage: true });
});

test('a WATER key sees water figures only, PUBLIC the aggregates and the PV programme', async () => {
  const water = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await water.goto(`${baseUrl}/dashboard`);
  await water.fill('#api-key', t.keys.water);
  await water.click('form.signin button[type=submit]');
  await water.waitForSelector('.ranking-table tbody tr');
  expect(await water.locator('.ranking [role=tab][aria-selected=true]').getAttribute('data-indicator')).toBe('PER_CAPITA_WATER');
  await water.waitForSelector('.pv .note.forbidden');
  await water.waitForSelector('.epc .body');
  await water.close();

  const pub = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await pub.goto(`${baseUrl}/dashboard`);
  await pub.fill('#api-key', t.keys.public);
  await pub.click('form.signin button[type=submit]');
  await pub.waitForSelector('.ranking .note.forbidden');
  await pub.waitForSelector('[data-figure="projectCount"]');
  expect(await pub.locator('[data-figure="projectCount"] .value').innerText()).toMatch(/^43 /);
  expect(await pub.locator('.epc .note.forbidden').count()).toBe(1);
  await pub.close();
});

test('a wrong key gets a message and is not stored', async () => {
  const p = await browser.newPage();
  await p.goto(`${baseUrl}/dashboard`);
  await p.fill('#api-key', 'ewc_000000000000_not-a-key');
  await p.click('form.signin button[type=submit]');
  await p.waitForSelector('form.signin .error:not(:empty)');
  expect(await p.evaluate(STORED_KEY)).toBeNull();
  await p.close();
});
