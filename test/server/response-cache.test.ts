import { SUBJECTS } from '../../src/access/policy';
import { codeOf, startTestHub, type GqlResult, type TestHub } from '../helpers/hub';
import { spawnHub, sqlOn, type SpawnedHub } from '../helpers/spawn';

/**
 * The response cache (src/server/response-cache.ts): a repeated question is answered from memory
 * after one statement that reads the data versions; the answer is never another subject's, never
 * older than a write committed before the question (on any hub, or outside the hubs), and still
 * charged to the key's budget and counted in its usage.
 */
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- an untyped GraphQL response, read field by field

let t: TestHub;
/** The same database through a hub without the cache: what every answer must be. */
let plain: TestHub;
/** A second hub process on the same database. */
let other: SpawnedHub;

beforeAll(async () => {
  t = await startTestHub();
  plain = await startTestHub({ EWC_RESPONSE_CACHE: 'off' }, { databaseUrl: t.db.url });
  other = await spawnHub({ DATABASE_URL: t.db.url, EWC_DATA_DIR: process.env.EWC_TEST_DATA_DIR!, LOG_LEVEL: 'warn' });
});
afterAll(async () => {
  await other?.kill('SIGINT');
  await plain?.close();
  await t?.close();
});

const hitsOf = (metrics: string) => Number(/^ewc_response_cache_hits_total (\d+)/m.exec(metrics)![1]);
const hits = async () => hitsOf(await t.hub.metrics.render());
const ask = (hub: TestHub, query: string, key: string, variables: Json = {}) => hub.raw({ query, variables }, key) as Promise<GqlResult<Json>>;
/** What a client sees of an answer: its data and its error codes and paths. */
const seen = (r: GqlResult<Json>) => ({ status: r.status, data: r.data, errors: r.errors?.map((e) => [e.extensions?.code, e.path]) });
const askOther = async (query: string, key: string) => {
  const res = await fetch(other.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify({ query }) });
  return (await res.json()) as GqlResult<Json>;
};

describe('response cache', () => {
  const LIST = '{ institutions(first: 100) { totalCount nodes { name region { name } meters { serial carrier } profile(year: 2023) { headcount } } } }';

  it('answers a repeated question with one statement (the version check) and the same answer', async () => {
    const first = await ask(t, LIST, t.keys.goa);
    expect(first.errors).toBeUndefined();
    const before = await hits();
    let again: GqlResult<Json> | undefined;
    expect(await t.countStatements(async () => (again = await ask(t, LIST, t.keys.goa)))).toBe(1);
    expect(await hits()).toBe(before + 1);
    expect(again!.data).toEqual(first.data);
  });

  it('never serves one subject an answer computed for another: every subject of the policy, each answer as the uncached hub gives it', async () => {
    const keys = { goa: t.keys.goa, drc: t.keys.drc, finance: t.keys.finance, water: t.keys.water, housing: t.keys.housing, hospital: t.keys.hospital, esco: t.keys.esco, public: t.keys.public };
    const subjects = await Promise.all(Object.values(keys).map(async (k) => (await ask(t, '{ viewer { subject } }', k)).data!.viewer.subject as string));
    expect(new Set(subjects)).toEqual(new Set(SUBJECTS));
    const queries = [
      '{ institutions(first: 100) { totalCount nodes { name } } }',
      '{ institutions(first: 5) { nodes { name meters { serial } } } }',
      '{ indicators(period: { year: 2023 }, first: 100) { totalCount nodes { energyKgce waterM3 } } }',
      '{ aggregateIndicators(period: { year: 2023 }, groupBy: CATEGORY) { energyKgce } }',
      '{ epcContracts(first: 20) { totalCount nodes { name investmentYuan } } }',
      '{ pvProjects(first: 50) { totalCount nodes { name investmentYuan } } }',
      '{ rectificationCases(first: 50) { totalCount nodes { status } } }',
      '{ viewer { keyName role subject } }',
    ];
    const before = await hits();
    const differing = new Set<string>();
    for (const query of queries) {
      const truth = new Map<string, unknown>();
      for (const [name, key] of Object.entries(keys)) truth.set(name, seen(await ask(plain, query, key)));
      if (new Set([...truth.values()].map((v) => JSON.stringify(v))).size > 1) differing.add(query);
      // Twice round every key, the second time in the other order: each answer is that key's own.
      for (const order of [Object.entries(keys), Object.entries(keys).reverse()]) {
        for (const [name, key] of order) expect({ name, query, answer: seen(await ask(t, query, key)) }).toEqual({ name, query, answer: truth.get(name) });
      }
    }
    // The test can fail: most questions have different answers for different subjects, and the cache answered.
    expect(differing.size).toBeGreaterThanOrEqual(6);
    expect(await hits()).toBeGreaterThan(before + queries.length);
  });

  it('shares an answer between keys of one profile, but not who the key is', async () => {
    const created = await ask(t, 'mutation { createApiKey(input: { agency: "DRC", role: editor, name: "second DRC editor" }) { key } }', t.keys.goa);
    const second = created.data!.createApiKey.key as string;
    const query = '{ regions(first: 20) { nodes { name } } }';
    await ask(t, query, t.keys.drc);
    const before = await hits();
    expect((await ask(t, query, second)).data).toEqual((await ask(plain, query, second)).data);
    expect(await hits()).toBe(before + 1);
    const who = '{ viewer { keyName } }';
    await ask(t, who, t.keys.drc);
    expect((await ask(t, who, second)).data!.viewer.keyName).toBe('second DRC editor');
    expect((await ask(t, who, t.keys.drc)).data).toEqual((await ask(plain, who, t.keys.drc)).data);
    expect((await ask(t, who, t.keys.drc)).data!.viewer.keyName).not.toBe('second DRC editor');
  });

  it('a write on one hub process makes the next read on the other fresh, and so does a write outside the hubs', async () => {
    const [{ id }] = await t.sql<{ id: number }>('SELECT id FROM institution ORDER BY id LIMIT 1');
    const gid = Buffer.from(`Institution:${id}`).toString('base64url');
    const query = `{ institution(id: "${gid}") { name } }`;
    const nameOn = async (where: 'here' | 'there') => ((where === 'here' ? await ask(t, query, t.keys.goa) : await askOther(query, t.keys.goa)).data!.institution.name as string);
    const otherHits = async () => hitsOf(await (await fetch(`${other.base}/metrics`)).text());

    const original = await nameOn('here');
    expect(await nameOn('here')).toBe(original);
    // Renamed on the other process: the very next read here is fresh.
    const renamed = await askOther(`mutation { updateInstitution(id: "${gid}", input: { name: "Renamed over there" }) { name } }`, t.keys.goa);
    expect(renamed.errors).toBeUndefined();
    expect(await nameOn('here')).toBe('Renamed over there');

    // And the other way round, the other process's answer cached first.
    await nameOn('there');
    const before = await otherHits();
    expect(await nameOn('there')).toBe('Renamed over there');
    expect(await otherHits()).toBe(before + 1);
    expect((await ask(t, `mutation { updateInstitution(id: "${gid}", input: { name: "Renamed here" }) { name } }`, t.keys.goa)).errors).toBeUndefined();
    expect(await nameOn('there')).toBe('Renamed here');

    // A write in SQL, by neither hub.
    await nameOn('there');
    await sqlOn(t.db.url, 'UPDATE institution SET name = $2 WHERE id = $1', [id, 'Renamed in psql']);
    expect(await nameOn('there')).toBe('Renamed in psql');
    expect(await nameOn('here')).toBe('Renamed in psql');
    await sqlOn(t.db.url, 'UPDATE institution SET name = $2 WHERE id = $1', [id, original]);
    expect(await nameOn('here')).toBe(original);
  });

  it('questions asked together share version reads, and each sees every write committed before it was asked', async () => {
    const [{ id, name }] = await t.sql<{ id: number; name: string }>('SELECT id, name FROM institution ORDER BY id DESC LIMIT 1');
    const gid = Buffer.from(`Institution:${id}`).toString('base64url');
    const query = `{ institution(id: "${gid}") { name } }`;
    const nameNow = async () => (await ask(t, query, t.keys.goa)).data!.institution.name as string;
    expect(await nameNow()).toBe(name);
    // A wave of questions is still out (its version reads too) when a write commits outside the hubs;
    // every question asked after the commit must see it, whichever version read it shares.
    const wave = Array.from({ length: 12 }, () => nameNow());
    await sqlOn(t.db.url, 'UPDATE institution SET name = $2 WHERE id = $1', [id, 'Renamed while asked']);
    const after = Array.from({ length: 12 }, () => nameNow());
    const names = await Promise.all([...wave, ...after]);
    expect(names.slice(0, 12).every((n) => n === name || n === 'Renamed while asked')).toBe(true);
    expect(names.slice(12)).toEqual(Array(12).fill('Renamed while asked'));
    await sqlOn(t.db.url, 'UPDATE institution SET name = $2 WHERE id = $1', [id, name]);
    expect(await nameNow()).toBe(name);
  });

  it.each(['checked', 'notified'])('charges cached answers to the budget (429 past it) and counts them in the key usage (%s freshness)', async (freshness) => {
    const query = '{ regions(first: 10) { nodes { name } } }';
    const budget = 2_000;
    const name = `small budget ${freshness}`;
    const created = await ask(t, `mutation { createApiKey(input: { agency: "HOUSING", role: viewer, name: "${name}", budget: ${budget} }) { key } }`, t.keys.goa);
    const key = created.data!.createApiKey.key as string;
    // A hub whose budget window never turns over while the test runs.
    const frozen = await startTestHub({ EWC_RESPONSE_CACHE_FRESHNESS: freshness }, { databaseUrl: t.db.url, clock: () => Date.parse('2030-01-01T00:00:30Z') });
    let served = 1;
    try {
      const hits = async () => hitsOf(await frozen.hub.metrics.render());
      const post = () => fetch(frozen.hub.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify({ query }) });
      const first = await post();
      expect(first.status).toBe(200);
      const cost = budget - Number(first.headers.get('ratelimit-remaining'));
      expect(cost).toBeGreaterThan(0);
      const before = await hits();
      let refused: Response | null = null;
      for (let i = 0; i <= budget / cost && !refused; i++) {
        const r = await post();
        if (r.status === 200) served++;
        else refused = r;
      }
      expect(served).toBe(Math.floor(budget / cost));
      expect(await hits()).toBe(before + served - 1);
      expect(refused!.status).toBe(429);
      expect(codeOf({ status: 429, ...((await refused!.json()) as Json) })).toBe('RATE_LIMITED');
    } finally {
      // Stopping flushes its key usage.
      await frozen.close();
    }
    const [usage] = await t.sql<{ requests: string; rows: string }>(
      `SELECT sum(u.requests)::text AS requests, sum(u.rows)::text AS rows FROM key_usage u JOIN api_key k ON k.id = u.key_id WHERE k.name = $1`,
      [name],
    );
    expect(Number(usage.requests)).toBe(served + 1);
    expect(Number(usage.rows)).toBe(served * 10);
  });

  it('keeps no answer with errors, and no mutation', async () => {
    const forbidden = '{ institutions(first: 3) { nodes { meters { serial } } } }';
    const r = await ask(t, forbidden, t.keys.public);
    expect(codeOf(r)).toBe('FORBIDDEN');
    const before = await hits();
    expect(codeOf(await ask(t, forbidden, t.keys.public))).toBe('FORBIDDEN');
    expect(await hits()).toBe(before);
  });
});
