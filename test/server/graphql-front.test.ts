import http from 'node:http';
import { startTestHub, type TestHub } from '../helpers/hub';
import { spawnHub, sqlOn, waitUntil, type SpawnedHub } from '../helpers/spawn';

/**
 * The front of POST /graphql (src/server/graphql-front.ts): a JSON body of stated length is read
 * and parsed before express, a repeated question is answered there, and any other goes to Apollo.
 * What a client sees must be what express and Apollo give: the same answers and errors for every
 * body, the request id, the rate-limit headers, the log line, the metrics; and a write made
 * elsewhere is seen at once.
 */
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- an untyped GraphQL response, read field by field

let t: TestHub;
/** The same database through a hub without the cache: the front hands every question to Apollo. */
let uncached: TestHub;
/** A hub process logging at info, for the request log lines. */
let logged: SpawnedHub;

beforeAll(async () => {
  t = await startTestHub();
  uncached = await startTestHub({ EWC_RESPONSE_CACHE: 'off' }, { databaseUrl: t.db.url });
  logged = await spawnHub({ DATABASE_URL: t.db.url, EWC_DATA_DIR: process.env.EWC_TEST_DATA_DIR!, LOG_LEVEL: 'info' });
});
afterAll(async () => {
  await logged?.kill('SIGINT');
  await uncached?.close();
  await t?.close();
});

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/**
 * A POST with `body` as is: with Content-Length (the front takes it), or chunked (no stated
 * length: express reads it, as every body was read before the front).
 */
function post(url: string, body: string | Buffer, opts: { chunked?: boolean; headers?: Record<string, string>; key?: string } = {}): Promise<Answer> {
  const length = opts.chunked ? { 'transfer-encoding': 'chunked' } : { 'content-length': String(Buffer.byteLength(body)) };
  const headers = { 'content-type': 'application/json', ...(opts.key ? { authorization: `Bearer ${opts.key}` } : {}), ...length, ...opts.headers };
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const metric = (text: string, name: string) => Number(new RegExp(`^${name} (\\d+)`, 'm').exec(text)![1]);
const hitsIn = async (hub: TestHub) => metric(await hub.hub.metrics.render(), 'ewc_response_cache_hits_total');

describe('the front of POST /graphql', () => {
  it('answers a repeated question with its request id, rate-limit headers, log line and metrics', async () => {
    const body = JSON.stringify({ query: '{ regions(first: 4) { nodes { name } } }' });
    const metrics = async () => (await fetch(`${logged.base}/metrics`)).text();
    const first = await post(logged.url, body, { key: t.keys.goa, headers: { 'x-request-id': 'front-first' } });
    expect(first.status).toBe(200);
    const before = await metrics();
    const hit = await post(logged.url, body, { key: t.keys.goa, headers: { 'x-request-id': 'front-hit' } });
    const fresh = await post(logged.url, body, { key: t.keys.goa });
    const after = await metrics();
    // Both answered from the cache, each counted as a GraphQL request.
    expect(metric(after, 'ewc_response_cache_hits_total')).toBe(metric(before, 'ewc_response_cache_hits_total') + 2);
    expect(metric(after, 'ewc_http_graphql_requests_total')).toBe(metric(before, 'ewc_http_graphql_requests_total') + 2);
    for (const a of [hit, fresh]) {
      expect(a.status).toBe(200);
      expect(JSON.parse(a.text)).toEqual(JSON.parse(first.text));
      expect(a.headers['content-type']).toBe('application/json; charset=utf-8');
    }
    expect(hit.headers['x-request-id']).toBe('front-hit');
    expect(fresh.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(hit.headers['ratelimit-limit']).toBe(first.headers['ratelimit-limit']);
    const line = (id: string) => logged.logLines().find((l) => l.requestId === id && l.msg === 'http request');
    await waitUntil(() => !!line('front-hit'), 30_000, 'the log line of the hit');
    expect(line('front-hit')).toMatchObject({ method: 'POST', path: '/graphql', status: 200 });
  });

  it('charges each answer it serves to the key, the same points as the first', async () => {
    // A hub whose budget window never turns over while the test runs.
    const frozen = await startTestHub({}, { databaseUrl: t.db.url, clock: () => Date.parse('2031-03-01T00:00:30Z') });
    try {
      const body = JSON.stringify({ query: '{ regions(first: 5) { nodes { name } } }' });
      const before = await hitsIn(frozen);
      const answers: Answer[] = [];
      for (let i = 0; i < 4; i++) answers.push(await post(frozen.hub.url, body, { key: t.keys.housing }));
      expect(await hitsIn(frozen)).toBe(before + 3);
      const remaining = answers.map((a) => Number(a.headers['ratelimit-remaining']));
      const cost = remaining[0] - remaining[1];
      expect(cost).toBeGreaterThan(0);
      expect(remaining).toEqual([0, 1, 2, 3].map((i) => remaining[0] - i * cost));
    } finally {
      await frozen.close();
    }
  });

  it('gives every body the answer express gives it when it reads the body itself, with the cache and without', async () => {
    const query = '{ regions(first: 2) { nodes { name } } }';
    const bodies: [string, string | Buffer, Record<string, string>?][] = [
      ['a question', JSON.stringify({ query })],
      ['a question with variables', JSON.stringify({ query: 'query R($n: Int!) { regions(first: $n) { nodes { name } } }', variables: { n: 1 } })],
      ['a question after a byte order mark', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify({ query }))])],
      ['a question with charset=utf-8', JSON.stringify({ query }), { 'content-type': 'application/json; charset=utf-8' }],
      ['a question with another charset', JSON.stringify({ query }), { 'content-type': 'application/json; charset=latin1' }],
      ['a question with extensions', JSON.stringify({ query, extensions: {} })],
      ['a question asking for multipart', JSON.stringify({ query }), { accept: 'multipart/mixed' }],
      ['truncated JSON', '{"query": "{ regions'],
      ['an empty body', ''],
      ['a JSON string', '"{ regions(first: 2) { nodes { name } } }"'],
      ['a batch', JSON.stringify([{ query }])],
      ['no query', JSON.stringify({ variables: {} })],
      ['a mutation that does not validate', JSON.stringify({ query: 'mutation { noSuchMutation }' })],
      ['a subscription', JSON.stringify({ query: 'subscription { readingsIngested { rows } }' })],
    ];
    for (const [hub, cache] of [[t, 'on'], [uncached, 'off']] as const) {
      for (const [what, body, headers] of bodies) {
        const express = await post(hub.hub.url, body, { key: t.keys.drc, chunked: true, headers });
        // Twice: the second time a question may be answered from the cache.
        for (const round of [1, 2]) {
          const front = await post(hub.hub.url, body, { key: t.keys.drc, headers });
          expect({ cache, what, round, status: front.status, type: front.headers['content-type'], body: front.text }).toEqual({
            cache,
            what,
            round,
            status: express.status,
            type: express.headers['content-type'],
            body: express.text,
          });
        }
      }
    }
    // The test can fail: the bodies got different answers, and the cache answered some.
    expect(new Set(await Promise.all(bodies.map(async ([, b, h]) => (await post(t.hub.url, b, { key: t.keys.drc, headers: h })).status))).size).toBeGreaterThan(2);
  });

  it('sees a write made on another connection between two identical questions', async () => {
    const [{ id, name }] = await t.sql<{ id: number; name: string }>('SELECT id, name FROM region ORDER BY id LIMIT 1');
    const body = JSON.stringify({ query: `{ node(id: "${Buffer.from(`Region:${id}`).toString('base64url')}") { ... on Region { name } } }` });
    const nameNow = async () => (JSON.parse((await post(t.hub.url, body, { key: t.keys.goa })).text) as Json).data.node.name as string;
    expect(await nameNow()).toBe(name);
    const before = await hitsIn(t);
    expect(await nameNow()).toBe(name);
    expect(await hitsIn(t)).toBe(before + 1);
    await sqlOn(t.db.url, 'UPDATE region SET name = $2 WHERE id = $1', [id, 'Renamed elsewhere']);
    expect(await nameNow()).toBe('Renamed elsewhere');
    await sqlOn(t.db.url, 'UPDATE region SET name = $2 WHERE id = $1', [id, name]);
    expect(await nameNow()).toBe(name);
  });

  it('answers right when the connection of the version reads is cut, and serves from the cache again after', async () => {
    const body = JSON.stringify({ query: '{ regions(first: 3) { nodes { name } } }' });
    const truth = (await post(t.hub.url, body, { key: t.keys.goa })).text;
    const cut = await sqlOn<{ pid: number }>(t.db.url, `SELECT pid FROM pg_stat_activity WHERE query LIKE '%string_agg(tbl%' AND pid <> pg_backend_pid()`);
    expect(cut.length).toBeGreaterThan(0);
    await sqlOn(t.db.url, 'SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) pid', [cut.map((c) => c.pid)]);
    const before = await hitsIn(t);
    for (let i = 0; i < 3; i++) {
      const a = await post(t.hub.url, body, { key: t.keys.goa });
      expect({ status: a.status, text: a.text }).toEqual({ status: 200, text: truth });
    }
    expect(await hitsIn(t)).toBeGreaterThan(before);
  });
});
