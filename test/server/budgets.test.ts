/**
 * Budgets of cost points per key and minute, through real hubs and real keys: the 429 a client
 * sees, one budget across two hub instances on one database, budgets set by GraphQL and by the
 * CLI, an import counted by rows, and the limit on failed authentications per address. Budgets
 * are tiny (10 points) so every figure is exact; the budget clock is the test's, moved by hand.
 */
import { parse, type OperationDefinitionNode } from 'graphql';
import { ApiKeysDocument, CreateApiKeyDocument, SetApiKeyBudgetDocument } from '../../src/generated/graphql';
import { toGlobalId } from '../../src/graphql/relay';
import { operationCost } from '../../src/server/operation-cost';
import { cli } from '../helpers/cli';
import { codeOf, startTestHub, type TestHub } from '../helpers/hub';
import { waitFor } from '../helpers/live';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- an untyped GraphQL response, read field by field

const VIEWER = '{ viewer { keyName } }';

interface Answer {
  status: number;
  json: Json;
  headers: Headers;
}

async function post(url: string, key: string | null, query: string): Promise<Answer> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify({ query }),
  });
  return { status: res.status, json: (await res.json()) as Json, headers: res.headers };
}

const limitOf = (a: Answer) => Number(a.headers.get('ratelimit-limit'));
const remainingOf = (a: Answer) => Number(a.headers.get('ratelimit-remaining'));
const resetOf = (a: Answer) => Number(a.headers.get('ratelimit-reset'));

function costOf(t: TestHub, query: string): number {
  const doc = parse(query);
  return operationCost(t.hub.schema, doc, doc.definitions[0] as OperationDefinitionNode);
}

async function createKey(t: TestHub, input: Json): Promise<{ key: string; id: string }> {
  const r = await t.gql(CreateApiKeyDocument, { input: { role: 'viewer', ...input } as never }, t.keys.goa);
  expect(r.errors).toBeUndefined();
  return { key: r.data!.createApiKey.key, id: r.data!.createApiKey.apiKey.id };
}

let now = Date.UTC(2026, 11, 1, 8, 0, 10);
const clock = () => now;
let t: TestHub;
let u: TestHub;
let cost: number;

beforeAll(async () => {
  t = await startTestHub({}, { clock });
  // A second instance on the same database, with its own pool, caches and counters in memory.
  u = await startTestHub({}, { databaseUrl: t.db.url, clock });
  cost = costOf(t, VIEWER);
  // The figures below assume a query of a few points against a budget of 10.
  expect(cost).toBeGreaterThan(2);
  expect(cost).toBeLessThanOrEqual(5);
});
afterAll(async () => {
  await u?.close();
  await t?.close();
});

describe('a key over its budget', () => {
  it('gets the RateLimit headers on every answer, then 429 RATE_LIMITED with retryAfter, and is served again in the next minute', async () => {
    const { key } = await createKey(t, { agency: 'WATER', name: 'tiny budget', budget: 10 });
    const first = await post(t.hub.url, key, VIEWER);
    expect(first.status).toBe(200);
    expect(first.json.data.viewer.keyName).toBe('tiny budget');
    expect([limitOf(first), remainingOf(first)]).toEqual([10, 10 - cost]);
    expect(resetOf(first)).toBe(50);
    expect(first.headers.get('ratelimit-policy')).toBe('10;w=60');

    const second = await post(t.hub.url, key, VIEWER);
    expect([second.status, remainingOf(second)]).toEqual([200, 10 - 2 * cost]);

    now += 5_000;
    const over = await post(t.hub.url, key, VIEWER);
    expect(over.status).toBe(429);
    expect(over.json.data ?? null).toBeNull();
    expect(over.json.errors[0].extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfter: 45, cost, limit: 10 });
    expect(over.json.errors[0].message).toMatch(/budget of 10 cost points per minute/);
    expect(over.headers.get('retry-after')).toBe('45');
    expect([limitOf(over), remainingOf(over), resetOf(over)]).toEqual([10, 10 - 2 * cost, 45]);

    // A request that never runs (a validation error) still carries the headers.
    const broken = await post(t.hub.url, key, '{ nope }');
    expect(broken.status).toBe(400);
    expect(codeOf({ status: broken.status, errors: broken.json.errors })).toBe('BAD_USER_INPUT');
    expect([limitOf(broken), remainingOf(broken)]).toEqual([10, 10 - 2 * cost - 1]);

    now += 45_000;
    const next = await post(t.hub.url, key, VIEWER);
    expect([next.status, remainingOf(next), resetOf(next)]).toEqual([200, 10 - cost, 60]);
  });

  it('one request dearer than the whole budget is refused, saying so', async () => {
    const { key } = await createKey(t, { agency: 'WATER', budget: 3 });
    const r = await post(t.hub.url, key, '{ viewer { keyName keyId role } }');
    expect(r.status).toBe(429);
    expect(r.json.errors[0].message).toMatch(/more than the 3 points per minute/);
  });
});

describe('one budget across two hub instances on one database', () => {
  it('spends the points of a key once, whichever instance serves it', async () => {
    const { key } = await createKey(t, { agency: 'DRC', budget: 10 });
    const answers: Answer[] = [];
    for (const hub of [t, u, t, u]) answers.push(await post(hub.hub.url, key, VIEWER));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 429, 429]);
    expect(answers.map((a) => a.json.errors?.[0]?.extensions?.code ?? 'ok')).toEqual(['ok', 'ok', 'RATE_LIMITED', 'RATE_LIMITED']);
    // The counter both instances share holds what was taken, never more than the budget.
    const [row] = await t.sql<{ points: string }>('SELECT points FROM rate_counter WHERE bucket = $1', [`key:${(await t.sql<{ id: number }>('SELECT max(id) AS id FROM api_key'))[0].id}`]);
    expect(Number(row.points)).toBeLessThanOrEqual(10);
    expect(Number(row.points)).toBeGreaterThanOrEqual(2 * cost);
  });

  it('many requests at once on both instances: no more served than the budget allows', async () => {
    const { key } = await createKey(t, { agency: 'DRC', budget: 40 });
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => post((i % 2 ? u : t).hub.url, key, VIEWER)));
    const served = answers.filter((a) => a.status === 200).length;
    expect(served * cost).toBeLessThanOrEqual(40);
    expect(served).toBeGreaterThan(0);
    expect(answers.filter((a) => a.status === 429)).toHaveLength(30 - served);
  });
});

describe('setting a budget', () => {
  it('createApiKey(budget:) is for GOA admins, and refuses a budget below 1 with nothing stored', async () => {
    const before = await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM api_key');
    for (const budget of [0, -5]) {
      const r = await t.gql(CreateApiKeyDocument, { input: { agency: 'WATER', role: 'viewer', budget } }, t.keys.goa);
      expect(codeOf(r)).toBe('BAD_USER_INPUT');
      expect(r.errors![0].message).toContain('budget');
    }
    expect(codeOf(await t.gql(CreateApiKeyDocument, { input: { agency: 'WATER', role: 'viewer', budget: 10 } }, t.keys.drc))).toBe('FORBIDDEN');
    expect(await t.sql('SELECT count(*)::int AS n FROM api_key')).toEqual(before);
  });

  it('setApiKeyBudget changes a key’s budget on every instance at once; null gives back the role default', async () => {
    const { key, id } = await createKey(t, { agency: 'HOUSING', budget: 10 });
    expect(limitOf(await post(u.hub.url, key, VIEWER))).toBe(10);
    expect(codeOf(await t.gql(SetApiKeyBudgetDocument, { id, budget: 20 }, t.keys.drc))).toBe('FORBIDDEN');
    expect(codeOf(await t.gql(SetApiKeyBudgetDocument, { id, budget: 0 }, t.keys.goa))).toBe('BAD_USER_INPUT');
    expect(codeOf(await t.gql(SetApiKeyBudgetDocument, { id: toGlobalId('ApiKey', 999999), budget: 5 }, t.keys.goa))).toBe('NOT_FOUND');

    const set = await t.gql(SetApiKeyBudgetDocument, { id, budget: 25 }, t.keys.goa);
    expect(set.data!.setApiKeyBudget.budget).toBe(25);
    // The other instance hears of it over LISTEN/NOTIFY and drops its cached key.
    expect(await waitFor(async () => limitOf(await post(u.hub.url, key, VIEWER)) === 25)).toBe(true);

    await t.gql(SetApiKeyBudgetDocument, { id, budget: null }, t.keys.goa);
    expect(await waitFor(async () => limitOf(await post(u.hub.url, key, VIEWER)) === 20_000)).toBe(true);
    const listed = await t.gql(ApiKeysDocument, { first: 5 }, t.keys.goa);
    expect(listed.data!.apiKeys.nodes.find((k) => k.id === id)!.budget).toBeNull();
  });

  it('keys create --budget N from the CLI; keys budget <id> N changes it; bad values exit 2', async () => {
    const env = { DATABASE_URL: t.db.url, EWC_DATA_DIR: process.env.EWC_TEST_DATA_DIR };
    const created = await cli(['keys', 'create', '--agency', 'FINANCE', '--role', 'viewer', '--budget', '10'], env);
    expect(created.stderr).toBe('');
    expect(created.status).toBe(0);
    expect(created.stdout).toMatch(/10 points per minute/);
    const key = created.lastLine;
    const answers: Answer[] = [];
    for (let i = 0; i < 3; i++) answers.push(await post(t.hub.url, key, VIEWER));
    expect(answers.map((a) => [a.status, limitOf(a)])).toEqual([[200, 10], [200, 10], [429, 10]]);

    const id = /created API key (\d+)/.exec(created.stdout)![1];
    const changed = await cli(['keys', 'budget', id, '100'], env);
    expect(changed.status).toBe(0);
    expect(changed.stdout).toMatch(/100 points per minute/);
    // Running hubs drop the cached key: the new budget applies within this minute.
    expect(await waitFor(async () => (await post(t.hub.url, key, VIEWER)).status === 200)).toBe(true);

    for (const bad of [['--budget', '0'], ['--budget', 'lots']]) {
      const r = await cli(['keys', 'create', '--agency', 'FINANCE', '--role', 'viewer', ...bad], env);
      expect(r.status).toBe(2);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.stderr.trim().split('\n')[0]).toMatch(/budget/);
    }
  }, 180_000);
});

describe('POST /import/readings counts rows against the budget', () => {
  const csv = (day: number, n: number) =>
    'serial,start,end,value\n' +
    Array.from({ length: n }, (_, i) => `SY-hosp-longhui-E1,2025-06-${String(day).padStart(2, '0')} ${String(i).padStart(2, '0')}:00,2025-06-${String(day).padStart(2, '0')} ${String(i + 1).padStart(2, '0')}:00,${i + 1}\n`).join('');

  async function upload(key: string, body: string): Promise<Answer> {
    const res = await fetch(t.hub.url.replace(/\/graphql$/, '/import/readings'), { method: 'POST', headers: { 'content-type': 'text/csv', authorization: `Bearer ${key}` }, body });
    return { status: res.status, json: (await res.json()) as Json, headers: res.headers };
  }
  const readings = async () => (await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM reading r JOIN meter m ON m.id = r.meter_id WHERE m.serial = 'SY-hosp-longhui-E1' AND r.period_start >= '2025-05-31'`))[0].n;

  it('a file of 6 rows costs 6 points; one with more rows than the points left is refused whole', async () => {
    const { key } = await createKey(t, { institutionId: (await t.sql<{ id: number }>(`SELECT institution_id AS id FROM meter WHERE serial = 'SY-hosp-longhui-E1'`)).map((r) => toGlobalId('Institution', r.id))[0], role: 'editor', budget: 10 });
    const before = await readings();

    const ok = await upload(key, csv(1, 6));
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({ rows: 6, accepted: 6 });
    expect([limitOf(ok), remainingOf(ok)]).toEqual([10, 4]);
    expect(await readings()).toBe(before + 6);

    const tooMany = await upload(key, csv(2, 5));
    expect(tooMany.status).toBe(429);
    expect(tooMany.json.errors[0].extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfter: expect.any(Number) });
    expect(tooMany.json.errors[0].message).toMatch(/more than 4 rows/);
    expect(tooMany.headers.get('ratelimit-limit')).toBe('10');
    expect(await readings()).toBe(before + 6);

    // The refused file cost one point (it was read); 3 are left, which a 3-row file spends.
    const fits = await upload(key, csv(3, 3));
    expect([fits.status, remainingOf(fits)]).toEqual([200, 0]);
    expect(await readings()).toBe(before + 9);
    const spent = await upload(key, csv(4, 1));
    expect(spent.status).toBe(429);
    expect(spent.headers.get('retry-after')).toEqual(expect.stringMatching(/^\d+$/));
    // GraphQL requests of the key are refused too: one budget.
    expect((await post(t.hub.url, key, VIEWER)).status).toBe(429);
  });
});

describe('failed authentications per remote address', () => {
  it('300 wrong keys in a row: the first 100 are 401, the rest 429; then even a good key waits for the next minute', async () => {
    // Requests without a key are no guesses: they do not count.
    for (let i = 0; i < 5; i++) expect((await post(t.hub.url, null, VIEWER)).status).toBe(401);
    const statuses: number[] = [];
    const wrong = (i: number) => `ewc_${'0'.repeat(12)}_${'x'.repeat(30)}${i}`;
    for (let i = 0; i < 300; i++) statuses.push((await post(i % 2 ? u.hub.url : t.hub.url, wrong(i), VIEWER)).status);
    expect(statuses.slice(0, 100).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(100).every((s) => s === 429)).toBe(true);

    const refused = await post(t.hub.url, wrong(301), VIEWER);
    expect(refused.json.errors[0].extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfter: expect.any(Number) });
    expect(refused.json.errors[0].message).toMatch(/failed authentications from this address/);
    expect(refused.headers.get('retry-after')).toEqual(expect.stringMatching(/^\d+$/));
    expect((await post(t.hub.url, t.keys.goa, VIEWER)).status).toBe(429);

    now += 60_000;
    expect((await post(u.hub.url, t.keys.goa, VIEWER)).status).toBe(200);
    expect((await post(t.hub.url, wrong(302), VIEWER)).status).toBe(401);
  });
});
