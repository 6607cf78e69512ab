import fs from 'node:fs';
import path from 'node:path';
import { Kind, parse } from 'graphql';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { IngestReadingsDocument } from '../../src/generated/graphql';
import { dailyRows, meterId } from '../helpers/fixtures';
import { startTestHub, type TestHub } from '../helpers/hub';
import { whenSubscribed } from '../helpers/live';

/**
 * The offline explorer: `npm run build` bundles GraphiQL into dist/explorer; a browser opening /graphql gets it.
 * Chromium runs with every request that is not for the hub aborted, and the test checks none was attempted.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOT = path.resolve(__dirname, '../../test-output/explorer.png');

let t: TestHub;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const requested: string[] = [];
const consoleErrors: string[] = [];
const sockets: string[] = [];
const acks: string[] = [];
const introspections: Array<{ status: number; keyed: boolean }> = [];

const origin = () => t.hub.url.replace(/\/graphql$/, '');

/** CodeMirror 5 (GraphiQL 3's editors) keeps its instance on the `.CodeMirror` element. */
const editor = (selector: string) => `document.querySelector(${JSON.stringify(`${selector} .CodeMirror`)}).CodeMirror`;
const QUERY = '.graphiql-query-editor';
const RESPONSE = '.graphiql-response';
const VARIABLES = 'section.graphiql-editor-tool .graphiql-editor:not(.hidden)';

beforeAll(async () => {
  t = await startTestHub();
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
  context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  // The network is closed: only the hub on 127.0.0.1 answers.
  await context.route('**/*', (route) =>
    new URL(route.request().url()).hostname === '127.0.0.1' ? route.continue() : route.abort(),
  );
  // Waits end when the page gets there; the limit only bounds a hang on a busy machine.
  context.setDefaultTimeout(60_000);
  page = await context.newPage();
  page.on('request', (req) => requested.push(req.url()));
  page.on('websocket', (ws) => {
    sockets.push(ws.url());
    ws.on('framereceived', (f) => {
      if (String(f.payload).includes('connection_ack')) acks.push(ws.url());
    });
  });
  page.on('response', (res) => {
    const body = res.request().postData() ?? '';
    if (body.includes('IntrospectionQuery')) introspections.push({ status: res.status(), keyed: (res.request().headers().authorization ?? '').includes(t.keys.goa) });
  });
  page.on('console', (msg) => {
    if (msg.type() === 'error') consoleErrors.push(msg.text());
  });
  page.on('pageerror', (err) => consoleErrors.push(String(err)));
});

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe('offline explorer', () => {
  it('serves GraphiQL at GET /graphql to a browser, one tab per operations file, and takes the key once in its key bar', async () => {
    expect(new URL(origin()).hostname).toBe('127.0.0.1');
    const res = await page.goto(`${origin()}/graphql`);
    expect(res?.status()).toBe(200);
    expect(res?.headers()['content-type']).toMatch(/^text\/html/);

    // The editor comes up with one tab per schema/operations file, the first (access.graphql) active.
    await page.locator(`${QUERY} .CodeMirror`).waitFor();
    const tabs = page.locator('.graphiql-tab');
    const files = fs.readdirSync(path.resolve(__dirname, '../../schema/operations')).filter((f) => f.endsWith('.graphql'));
    await poll(async () => (await tabs.count()) === files.length, `${files.length} tabs`);
    const titles = await tabs.allInnerTexts();
    expect(titles.join(' ')).toContain('InstitutionIndicators');
    expect(titles.join(' ')).toContain('Viewer');
    expect(await page.evaluate(`${editor(QUERY)}.getValue()`)).toContain('query Viewer {');

    // No key yet: the explorer asks for one instead of sending a request the hub refuses.
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
    await page.locator('#ewc-key').fill(t.keys.goa);
    await page.locator('#ewc-key').press('Enter');
    await page.getByRole('button', { name: 'Remove key' }).waitFor();
    expect(await page.locator('.ewc-keybar').innerText()).toContain(t.keys.goa.split('_').slice(0, 2).join('_'));
    // Kept for the session only, never written into the page or a tab's headers.
    expect(await page.evaluate('Object.values(sessionStorage)')).toEqual([t.keys.goa]);
    expect(await page.evaluate('JSON.stringify(localStorage)')).not.toContain(t.keys.goa);
    expect(await page.content()).not.toContain(t.keys.goa);
    // Entering the key made GraphiQL introspect, with the key: docs and completion work.
    await poll(async () => introspections.some((i) => i.status === 200 && i.keyed), 'introspection with the key');
    expect(introspections.filter((i) => !i.keyed)).toEqual([]);

    // Nothing left the machine: the page, its assets and introspection all went to the hub.
    expect(requested.filter((u) => new URL(u).hostname !== '127.0.0.1')).toEqual([]);
    expect(requested.some((u) => new URL(u).pathname.startsWith('/graphql/explorer/'))).toBe(true);
    expect(consoleErrors).toEqual([]);
  });

  it('runs every query and subscription of every example tab as loaded, with the key entered once', async () => {
    const tabs = page.locator('.graphiql-tab');
    const count = await tabs.count();
    const run = page.locator('.graphiql-execute-button');
    const ran: string[] = [];
    const failed: string[] = [];
    for (let i = 0; i < count; i++) {
      await tabs.nth(i).locator('.graphiql-tab-button').click();
      await poll(async () => (await tabs.nth(i).getAttribute('aria-selected')) === 'true', `tab ${i} selected`);
      const document = parse((await page.evaluate(`${editor(QUERY)}.getValue()`)) as string);
      // As loaded: real variables (no placeholder, no zero page size), and no mutation that would change the data.
      const variables = (await page.evaluate(`${editor(VARIABLES)}.getValue()`)) as string;
      expect(variables).not.toMatch(/"<[A-Za-z]+>"|"(first|last)": 0/);
      expect(document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION && d.operation === 'mutation')).toEqual([]);
      for (const def of document.definitions) {
        if (def.kind !== Kind.OPERATION_DEFINITION) continue;
        const name = def.name!.value;
        await page.evaluate(`${editor(RESPONSE)}.setValue('')`);
        const start = async () => {
          await run.click();
          await page.getByRole('menuitem', { name, exact: true }).click();
        };
        if (def.operation === 'subscription') {
          // Served by the hub means the key went into the connection params (no key: closed with 4401).
          await whenSubscribed(t.subscriptionsOpen, 1, start);
          const open = await t.subscriptionsOpen();
          await run.click(); // stop
          await poll(async () => (await t.subscriptionsOpen()) < open, `${name} stopped`);
        } else {
          await start();
          await poll(async () => ((await page.evaluate(`${editor(RESPONSE)}.getValue()`)) as string).trim() !== '', `${name}'s response`);
          const response = JSON.parse((await page.evaluate(`${editor(RESPONSE)}.getValue()`)) as string) as { data?: unknown; errors?: unknown };
          if (response.errors || !response.data) failed.push(`${name}: ${JSON.stringify(response).slice(0, 300)}`);
        }
        ran.push(name);
      }
    }
    fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });
    expect(failed).toEqual([]);
    expect(ran).toEqual(expect.arrayContaining(['Viewer', 'InstitutionIndicators', 'AggregateIndicators', 'EpcContractSavings', 'Readings', 'Nodes', 'ReadingsIngested']));
    expect(consoleErrors).toEqual([]);
  });

  it('runs a subscription in a new tab over graphql-ws with the key of the key bar', async () => {
    const serial = 'SY-hosp-longhui-E1';
    const meter = await meterId(t, serial);
    const tabs = page.locator('.graphiql-tab');
    const before = await tabs.count();
    await page.getByRole('button', { name: 'Add tab' }).click();
    await poll(async () => (await tabs.count()) === before + 1, 'a new tab');
    await page.evaluate(`${editor(QUERY)}.setValue('subscription { readingsIngested { meter { serial } rows } }')`);
    const run = page.locator('.graphiql-execute-button');
    await poll(async () => (await run.getAttribute('aria-haspopup')) === null, 'a plain run button');
    acks.length = 0;
    // graphql-ws acknowledges the connection, not the subscribe: wait until the hub serves it.
    await whenSubscribed(t.subscriptionsOpen, 1, async () => {
      await run.click();
      await poll(async () => acks.length > 0, 'graphql-ws connection_ack');
    });
    expect(await t.gql(IngestReadingsDocument, { input: { rows: dailyRows(meter, '2024-10-01', 2) } }, t.keys.goa)).toMatchObject({ status: 200 });
    await poll(async () => ((await page.evaluate(`${editor(RESPONSE)}.getValue()`)) as string).includes(serial), 'the event in the response pane');
    expect(JSON.parse((await page.evaluate(`${editor(RESPONSE)}.getValue()`)) as string)).toEqual({
      data: { readingsIngested: { meter: { serial }, rows: 2 } },
    });
    expect([...new Set(sockets.map((u) => new URL(u).host))]).toEqual([new URL(origin()).host]);
    expect(new URL(sockets[0]).pathname).toBe('/graphql');
    await run.click(); // stop
    expect(consoleErrors).toEqual([]);
  });

  it('keeps the key across a reload of the session and forgets it on Remove key', async () => {
    await page.reload();
    await page.getByRole('button', { name: 'Remove key' }).click();
    await page.locator('#ewc-key').waitFor();
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
    await page.reload();
    await page.locator('#ewc-key').waitFor();
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
    expect(consoleErrors).toEqual([]);
  });

  it('leaves every other request on /graphql to Apollo', async () => {
    // curl-style GET with ?query= is Apollo's, as before: JSON, and its CSRF guard wants a preflight header.
    const query = `${t.hub.url}?query=${encodeURIComponent('{ viewer { keyName } }')}`;
    const curl = await fetch(query, { headers: { accept: '*/*', authorization: `Bearer ${t.keys.goa}` } });
    expect(curl.headers.get('content-type')).toMatch(/json/);
    expect(curl.status).toBe(400);
    expect(JSON.stringify(await curl.json())).toMatch(/Cross-Site Request Forgery/);
    const get = await fetch(query, { headers: { authorization: `Bearer ${t.keys.goa}`, 'apollo-require-preflight': 'true' } });
    expect(get.status).toBe(200);
    expect(get.headers.get('content-type')).toMatch(/json/);
    expect(await get.json()).toEqual({ data: { viewer: { keyName: 'demo: GOA admin' } } });

    // Even a browser-like Accept gets JSON when the URL carries a query.
    const browserGet = await fetch(`${t.hub.url}?query=${encodeURIComponent('{__typename}')}`, {
      headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8', authorization: `Bearer ${t.keys.goa}`, 'apollo-require-preflight': 'true' },
    });
    expect(await browserGet.json()).toEqual({ data: { __typename: 'Query' } });

    // Without an Accept preference for HTML (curl's */*, a JSON client), a bare GET is not the explorer.
    for (const accept of ['*/*', 'application/json', 'application/graphql-response+json, text/html;q=0.5']) {
      const bare = await fetch(t.hub.url, { headers: { accept } });
      expect(bare.headers.get('content-type') ?? '').not.toMatch(/text\/html/);
    }

    // POST as before.
    expect(await t.raw({ query: '{ viewer { keyName } }' }, t.keys.goa)).toEqual({ status: 200, data: { viewer: { keyName: 'demo: GOA admin' } } });

    // The bundle's assets.
    const js = await fetch(`${origin()}/graphql/explorer/main.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect((await fetch(`${origin()}/graphql/explorer/missing.js`)).status).toBe(404);
  });
});

/** Retries a check on the page until it holds (playwright-core has no web-first assertions); the timeout only bounds a hang. */
async function poll(check: () => Promise<boolean>, what: string, timeout = 60_000): Promise<void> {
  const until = Date.now() + timeout;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

