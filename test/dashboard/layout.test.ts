/**
 * The dashboard as an official reads it, on a desk (1280 px) and a phone (390 px), in Chinese and English:
 * which year it opens on, what it calls the figures, contract titles and statuses in the page's language,
 * savings only for running contracts, legend colours that are the bars' colours, and a layout where no
 * element overflows its box, no text is clipped and no two texts overlap. Screenshots go to test-output/.
 * Debian's Chromium through playwright-core; the hub serves dist/dashboard (build first).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { openPage, until } from '../helpers/browser';
import { startTestHub, type TestHub } from '../helpers/hub';

const OUT = path.resolve(__dirname, '../../test-output');
const PARTY_OFFICE_ELECTRICITY = 'TWV0ZXI6MQ';
const INGEST = 'mutation($rows: [ReadingRowInput!]!) { ingestReadings(input: {rows: $rows}) { accepted } }';

let t: TestHub;
let browser: Browser;
let page: Page;
let baseUrl: string;
const pageErrors: string[] = [];

beforeAll(async () => {
  fs.mkdirSync(OUT, { recursive: true });
  t = await startTestHub();
  baseUrl = t.hub.url.replace(/\/graphql$/, '');
  ({ browser, page } = await openPage());
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(m.text());
  });
});

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

/**
 * Problems a reader would see, measured in the page: the page scrolling sideways, an element outside the
 * viewport (unless inside a box that scrolls sideways, as the wide tables do), an element whose content is
 * wider than its box, text cut by `overflow: hidden` or an ellipsis, and two texts drawn over each other.
 * ECharts' canvases are left out (their labels are laid out by ECharts: truncation and hideOverlap).
 */
const LAYOUT_PROBLEMS = `(() => {
  const vw = document.documentElement.clientWidth;
  const problems = [];
  if (document.documentElement.scrollWidth > vw + 1) problems.push('page scrolls sideways: ' + document.documentElement.scrollWidth + ' > ' + vw);
  const scrolls = (el, axis) => ['auto', 'scroll'].includes(getComputedStyle(el)[axis]);
  const name = (el) => el.tagName.toLowerCase() + (typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().split(/\\s+/).join('.') : '') + ' "' + (el.textContent || '').trim().slice(0, 40) + '"';
  /** The visible part of an element: its box cut by every ancestor that scrolls. */
  const visible = (el) => {
    let r = el.getBoundingClientRect();
    let box = { l: r.left, t: r.top, r: r.right, b: r.bottom };
    for (let p = el.parentElement; p; p = p.parentElement) {
      if (!scrolls(p, 'overflowX') && !scrolls(p, 'overflowY')) continue;
      const q = p.getBoundingClientRect();
      box = { l: Math.max(box.l, q.left), t: Math.max(box.t, q.top), r: Math.min(box.r, q.right), b: Math.min(box.b, q.bottom) };
    }
    return box;
  };
  const texts = [];
  for (const el of document.querySelectorAll('body *')) {
    if (el.closest('.chart, [hidden]')) continue;
    const cs = getComputedStyle(el);
    if (cs.display === 'none' || cs.visibility === 'hidden') continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    let inScroller = false;
    for (let p = el.parentElement; p; p = p.parentElement) if (scrolls(p, 'overflowX')) inScroller = true;
    if (!inScroller && (r.left < -1 || r.right > vw + 1)) problems.push('outside the viewport: ' + name(el) + ' ' + Math.round(r.left) + '..' + Math.round(r.right) + ' of ' + vw);
    if (!scrolls(el, 'overflowX') && cs.display !== 'inline' && el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1) problems.push('wider than its box: ' + name(el) + ' ' + el.scrollWidth + ' > ' + el.clientWidth);
    if ((['hidden', 'clip'].includes(cs.overflowX) || cs.textOverflow === 'ellipsis') && el.scrollWidth > el.clientWidth + 1) problems.push('text cut: ' + name(el));
    if (['hidden', 'clip'].includes(cs.overflowY) && el.scrollHeight > el.clientHeight + 1) problems.push('text cut (height): ' + name(el));
    if ([...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim())) {
      const range = document.createRange();
      for (const n of el.childNodes) {
        if (n.nodeType !== 3 || !n.textContent.trim()) continue;
        range.selectNodeContents(n);
        const b = range.getBoundingClientRect();
        const v = visible(el);
        const box = { l: Math.max(b.left, v.l), t: Math.max(b.top, v.t), r: Math.min(b.right, v.r), b: Math.min(b.bottom, v.b) };
        if (box.r - box.l > 1 && box.b - box.t > 1) texts.push({ el, box });
      }
    }
  }
  // A table wider than its box scrolls sideways with its first column fixed, so a row stays readable.
  for (const wrap of document.querySelectorAll('.table-wrap')) {
    if (wrap.scrollWidth <= wrap.clientWidth + 1 || wrap.closest('[hidden]')) continue;
    for (const row of wrap.querySelectorAll('tr')) {
      if (getComputedStyle(row.cells[0]).position !== 'sticky') { problems.push('scrolls sideways without a fixed first column: ' + name(wrap)); break; }
    }
  }
  for (let i = 0; i < texts.length; i++) {
    for (let j = i + 1; j < texts.length; j++) {
      const a = texts[i].box, b = texts[j].box;
      const w = Math.min(a.r, b.r) - Math.max(a.l, b.l), h = Math.min(a.b, b.b) - Math.max(a.t, b.t);
      if (w > 2 && h > 2 && texts[i].el !== texts[j].el) problems.push('texts overlap: ' + name(texts[i].el) + ' / ' + name(texts[j].el));
    }
  }
  return problems.slice(0, 20);
})()`;

/** The option ECharts drew in a chart (charts.ts keeps the instance on the element for this). */
const chartOption = (selector: string) =>
  page.evaluate<{ legend: Array<{ data: string[] }>; series: Array<{ name: string; itemStyle?: { color?: string }; data: unknown[] }> }>(
    `document.querySelector(${JSON.stringify(selector)}).ewcChart.getOption()`,
  );

/** Every legend entry names one series drawn in one colour, none of its bars in another. */
async function legendMatchesBars(selector: string): Promise<void> {
  const option = await chartOption(selector);
  const legend = option.legend[0].data;
  expect(legend.length).toBeGreaterThan(0);
  for (const entry of legend) {
    const series = option.series.filter((s) => s.name === entry);
    expect(series).toHaveLength(1);
    expect(series[0].itemStyle?.color).toMatch(/^#[0-9a-f]{6}$/i);
    for (const d of series[0].data) if (d && typeof d === 'object') expect(d).not.toHaveProperty('itemStyle');
  }
  expect(option.series.map((s) => s.name).sort()).toEqual([...legend].sort());
}

async function showsAt(width: number, lang: 'zh' | 'en'): Promise<void> {
  await page.setViewportSize({ width, height: width < 600 ? 844 : 900 });
  // Charts redraw after the resize: wait for the page to fit, then for a frame.
  await until(async () => page.evaluate<boolean>('document.documentElement.scrollWidth <= document.documentElement.clientWidth'), `the page fits ${width} px`);
  await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
  await page.screenshot({ path: path.join(OUT, `dashboard-${width}-${lang}.png`), fullPage: true });
  expect({ width, lang, problems: await page.evaluate<string[]>(LAYOUT_PROBLEMS) }).toEqual({ width, lang, problems: [] });
}

const bodyText = () => page.locator('main').innerText();

test('opens on the latest closed year with whole-year labels, contract titles and statuses in Chinese, and fits 1280 and 390 px', async () => {
  const [{ year }] = await t.sql<{ year: number }>('SELECT max(year) AS year FROM year_closure');
  await page.goto(`${baseUrl}/dashboard`);
  await page.fill('#api-key', t.keys.goa);
  await page.click('form.signin button[type=submit]');
  await page.waitForSelector('.ranking-table tbody tr');
  await page.waitForSelector('.epc-table tbody tr');
  await page.waitForSelector('[data-figure="projectCount"]');

  expect(await page.locator('select[name=year]').inputValue()).toBe(String(year));
  expect(await page.locator('.through').innerText()).toContain(`${year}-12-31`);
  const text = await bodyText();
  // A finished year: whole-year figures, final statuses, never "year to date".
  expect(text).toContain('全市指标（全年）');
  expect(text).not.toContain('年初至今');
  expect(text).not.toContain('预测');
  expect(await page.locator('.ranking-table .badge').count()).toBeGreaterThan(0);
  expect(await page.locator('.ranking-table .badge[data-status=INSUFFICIENT_DATA]').count()).toBeLessThan(await page.locator('.ranking-table .badge').count());

  // Contracts: Chinese titles and statuses; savings for running contracts only.
  const epc = await page.locator('.epc-table').innerText();
  expect(epc).toContain('隆回县人民医院合同能源管理项目');
  expect(epc).toContain('运行中');
  expect(epc).not.toMatch(/energy performance contract|OPERATING|DRAFT|APPROVED/);
  for (const status of ['DRAFT', 'APPROVED']) {
    const row = page.locator(`.epc-table tr[data-status=${status}]`);
    expect(await row.count()).toBe(1);
    expect(await row.locator('td.num').allInnerTexts()).toEqual(['—', '—']);
  }
  const running = page.locator('.epc-table tr[data-status=OPERATING]');
  expect(await running.count()).toBe(4);
  for (const cells of await Promise.all((await running.all()).map((r) => r.locator('td.num').first().innerText()))) expect(cells).toMatch(/^-?[\d,]+$/);
  const chart = await chartOption('.epc .chart');
  expect(chart.series.flatMap((s) => s.data).filter((d) => d !== null)).toHaveLength(4);

  await legendMatchesBars('.ranking .chart');
  await legendMatchesBars('.epc .chart');
  // Units as people write them.
  expect(await page.locator('body').innerText()).not.toMatch(/KWH|M3\b/);
  expect(await page.locator('.pv').innerText()).toContain('kWh');

  await showsAt(1280, 'zh');
  await showsAt(390, 'zh');
  expect(pageErrors).toEqual([]);
});

test('in English at 390 and 1280 px: English titles, statuses and labels, nothing cut', async () => {
  await page.click('[data-action="language"]');
  await until(async () => (await page.locator('.summary h2').innerText()) === 'City indicators (whole year)', 'English');
  const epc = await page.locator('.epc-table').innerText();
  expect(epc).toContain('Longhui County People’s Hospital energy performance contract');
  expect(epc).toContain('Operating');
  expect(epc).not.toMatch(/OPERATING|DRAFT|APPROVED|[\u4e00-\u9fff]/);
  expect(await bodyText()).not.toMatch(/year to date/i);
  await legendMatchesBars('.ranking .chart');
  await showsAt(390, 'en');
  await showsAt(1280, 'en');
  expect(pageErrors).toEqual([]);
});

test('opens on the year in progress once it has readings, with projected statuses and "year to date"', async () => {
  // Readings this calendar year (in the hub's time zone) make it a year in progress with data.
  const thisYear = Number(new Intl.DateTimeFormat('en', { timeZone: 'Asia/Shanghai', year: 'numeric' }).format(new Date()));
  const res = await t.raw(
    { query: INGEST, variables: { rows: [{ meterId: PARTY_OFFICE_ELECTRICITY, periodStart: `${thisYear}-01-01T00:00:00+08:00`, periodEnd: `${thisYear}-01-02T00:00:00+08:00`, value: 1200 }] } },
    t.keys.goa,
  );
  expect(res.errors).toBeUndefined();
  await page.reload();
  await page.waitForSelector('.ranking-table tbody tr');
  expect(await page.locator('select[name=year]').inputValue()).toBe(String(thisYear));
  await until(async () => (await page.locator('.summary h2').innerText()) === 'City indicators (year to date)', 'the year to date');
  expect(await page.locator('.ranking-table thead').innerText()).toContain('Year to date');
  expect(await page.locator('.ranking-table .projected').count()).toBeGreaterThan(0);
  expect(await page.locator('.summary').innerText()).toContain('projected from the year to date');
  await page.click('[data-action="language"]');
  await until(async () => (await page.locator('.summary h2').innerText()) === '全市指标（年初至今）', '年初至今');
  expect(await page.locator('.ranking-table .projected').first().innerText()).toBe('预测');
  expect(pageErrors).toEqual([]);
});
