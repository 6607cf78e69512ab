/**
 * Gateway mode (EWC_SUBGRAPHS): the hub composes its own subgraph with agency subgraphs and serves
 * the supergraph at /graphql. The example housing subgraph runs as its own process (as an agency
 * runs it); a small "water" subgraph in the test records what the gateway sends it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import { identityOf, signIdentity, verifyIdentity, IDENTITY_HEADER, type ForwardedIdentity } from '../../src/federation/identity';
import type { Principal } from '../../src/access/principal';
import { openDatabase } from '../../src/app/database';
import { TOPICS } from '../../src/modules/realtime/pubsub';
import { startServer } from '../../src/server/app';
import { codeOf, createDatabaseFromTemplate, startTestHub, type GqlResult, type TestHub } from '../helpers/hub';
import { MAIN, waitUntil } from '../helpers/spawn';

const ROOT = path.resolve(__dirname, '../..');
const SECRET = randomBytes(24).toString('base64url');
const BUILDINGS = JSON.parse(readFileSync(path.join(ROOT, 'examples/housing-subgraph/buildings.json'), 'utf8')) as { creditCode: string; energyLabel: string; yearBuilt: number }[];

/** The example agency subgraph as a child process: `node dist/examples/housing-subgraph/server.js`. */
async function startHousing(secret: string, port = 0): Promise<{ proc: ChildProcess; url: string; stop(): Promise<void> }> {
  const proc = spawn(process.execPath, [path.join(ROOT, 'dist/examples/housing-subgraph/server.js')], {
    env: { ...process.env, PORT: String(port), EWC_SUBGRAPH_SECRET: secret },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  proc.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  await Promise.race([waitUntil(() => /housing subgraph at (\S+)/.test(out), 60_000, 'the housing subgraph'), exited.then(() => Promise.reject(new Error(`housing exited: ${out}`)))]);
  const url = /housing subgraph at (\S+)/.exec(out)![1];
  return {
    proc,
    url,
    stop: async () => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * A minimal Federation 2 subgraph over plain HTTP: `_service` answers `sdl`, `_entities` answers a
 * water account per institution, and every request's headers are kept for the test to read.
 */
async function startSpy(sdl: string): Promise<{ url: string; headers: http.IncomingHttpHeaders[]; close(): Promise<void> }> {
  const headers: http.IncomingHttpHeaders[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      headers.push(req.headers);
      const { query, variables } = JSON.parse(body) as { query: string; variables?: { representations?: { id: string }[] } };
      const data = query.includes('_service')
        ? { _service: { sdl } }
        : { _entities: (variables?.representations ?? []).map((r) => ({ __typename: 'Institution', waterAccount: `W-${r.id.slice(0, 6)}` })) };
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ data }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    headers,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])';
const WATER_SDL = `${LINK}\ntype Institution @key(fields: "id") { id: ID! waterAccount: String }\ntype Query { waterHealth: String }`;

const JOIN = `query Join($id: ID!) { institution(id: $id) { name indicators(period: { year: 2023 }) { energyPerAreaKgceM2 } building { energyLabel yearBuilt } } }`;
type Join = { institution: { name: string; indicators: { energyPerAreaKgceM2: number | null } | null; building: { energyLabel: string; yearBuilt: number } | null } | null };

let t: TestHub;
let housing: Awaited<ReturnType<typeof startHousing>>;
let water: Awaited<ReturnType<typeof startSpy>>;
let longhui: string;
let longhuiCode: string;

beforeAll(async () => {
  [housing, water] = await Promise.all([startHousing(SECRET), startSpy(WATER_SDL)]);
  t = await startTestHub({ EWC_SUBGRAPHS: `housing=${housing.url},water=${water.url}`, EWC_SUBGRAPH_SECRET: SECRET });
  const row = (await t.sql<{ id: number; credit_code: string }>(`SELECT id, credit_code FROM institution WHERE name_zh = '隆回县人民医院'`))[0];
  longhui = Buffer.from(`Institution:${row.id}`).toString('base64url');
  longhuiCode = row.credit_code;
}, 180_000);

afterAll(async () => {
  await t?.close();
  await Promise.all([housing?.stop(), water?.close()]);
});

/** The hub's own part of the join, straight from its subgraph endpoint (no gateway). */
async function hubPart(key: string) {
  const res = await fetch(t.hub.url.replace(/\/graphql$/, '/subgraph'), {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query: `{ institution(id: ${JSON.stringify(longhui)}) { name indicators(period: { year: 2023 }) { energyPerAreaKgceM2 } } }`, variables: {} }),
  });
  return ((await res.json()) as { data: Join }).data.institution!;
}

describe('gateway mode', () => {
  it('joins the hub’s figures with the housing bureau’s building in one query', async () => {
    const building = BUILDINGS.find((b) => b.creditCode === longhuiCode)!;
    expect(building).toBeDefined();
    for (const key of [t.keys.goa, t.keys.hospital]) {
      const r = (await t.raw({ query: JOIN, variables: { id: longhui } }, key)) as GqlResult<Join>;
      expect(r.errors).toBeUndefined();
      expect(r.status).toBe(200);
      const own = await hubPart(key);
      expect(r.data!.institution).toEqual({ ...own, building: { energyLabel: building.energyLabel, yearBuilt: building.yearBuilt } });
      expect(own.indicators?.energyPerAreaKgceM2).toEqual(expect.any(Number));
    }
  });

  it('applies the access rules of both: PUBLIC gets the hub’s public fields, and FORBIDDEN instead of the building', async () => {
    const r = (await t.raw({ query: JOIN.replace(' indicators(period: { year: 2023 }) { energyPerAreaKgceM2 }', ''), variables: { id: longhui } }, t.keys.public)) as GqlResult<Join>;
    expect(r.data!.institution!.name).toEqual(expect.any(String));
    expect(r.data!.institution!.building).toBeNull();
    expect(r.errors!.map((e) => e.extensions!.code)).toContain('FORBIDDEN');
    // An ESCO reads the hospital (a site of its contract) and its credit code, but the housing bureau refuses ESCOs.
    const esco = (await t.raw({ query: JOIN.replace(' indicators(period: { year: 2023 }) { energyPerAreaKgceM2 }', ''), variables: { id: longhui } }, t.keys.esco)) as GqlResult<Join>;
    expect(esco.data!.institution!.name).toEqual(expect.any(String));
    expect(esco.data!.institution!.building).toBeNull();
    expect(esco.errors!.map((e) => [e.path, e.extensions!.code, e.extensions!.subgraph])).toEqual([[['institution', 'building'], 'FORBIDDEN', 'housing']]);
  });

  it('forwards the caller’s identity signed for each subgraph, never the caller’s key', async () => {
    water.headers.length = 0;
    const r = (await t.raw({ query: `{ institution(id: ${JSON.stringify(longhui)}) { name waterAccount } }` }, t.keys.drc)) as GqlResult<{ institution: { waterAccount: string } }>;
    expect(r.errors).toBeUndefined();
    expect(r.data!.institution.waterAccount).toMatch(/^W-/);
    expect(water.headers).toHaveLength(1);
    const sent = water.headers[0];
    expect(sent.authorization).toBeUndefined();
    expect(JSON.stringify(sent)).not.toContain(t.keys.drc);
    const identity = verifyIdentity(sent[IDENTITY_HEADER], SECRET, 'water');
    expect(identity).toMatchObject({ sub: 'DRC', agency: 'DRC', role: 'editor', aud: 'water', institution: null });
    // The same header is no good elsewhere, nor with another secret.
    expect(() => verifyIdentity(sent[IDENTITY_HEADER], SECRET, 'housing')).toThrow(/is for "water"/);
    expect(() => verifyIdentity(sent[IDENTITY_HEADER], 'another secret of at least thirty-two chars', 'water')).toThrow(/signature/);
  });

  it('the example subgraph verifies the header: a forged, re-addressed, expired or missing one is refused with 401', async () => {
    const p: Principal = { keyId: 1, keyName: 'x', role: 'admin', subject: 'GOA', agencyCode: 'GOA', institutionId: null, escoId: null };
    const ask = (header: string | null) =>
      fetch(housing.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(header ? { [IDENTITY_HEADER]: header } : {}) },
        body: JSON.stringify({ query: `{ buildingByCreditCode(creditCode: ${JSON.stringify(longhuiCode)}) { yearBuilt } }` }),
      }).then(async (res) => ({ ...((await res.json()) as GqlResult<{ buildingByCreditCode: { yearBuilt: number } | null }>), status: res.status }));
    const good = await ask(signIdentity(identityOf(p, 'rid', 'housing'), SECRET));
    expect(good.status).toBe(200);
    expect(good.data!.buildingByCreditCode!.yearBuilt).toEqual(expect.any(Number));
    const forgedPayload = (() => {
      // A PUBLIC caller rewriting its identity to GOA, keeping the signature: the HMAC no longer matches.
      const [v, , sig] = signIdentity(identityOf({ ...p, subject: 'PUBLIC', agencyCode: 'PUBLIC', role: 'viewer' }, 'rid', 'housing'), SECRET).split('.');
      return `${v}.${Buffer.from(JSON.stringify(identityOf(p, 'rid', 'housing'))).toString('base64url')}.${sig}`;
    })();
    const expired: ForwardedIdentity = { ...identityOf(p, 'rid', 'housing', Date.now() - 3_600_000) };
    for (const header of [
      forgedPayload,
      signIdentity(identityOf(p, 'rid', 'housing'), 'a secret the hub does not share, long enough'),
      signIdentity(identityOf(p, 'rid', 'water'), SECRET),
      signIdentity(expired, SECRET),
      null,
    ]) {
      const r = await ask(header);
      expect([r.status, codeOf(r), r.data ?? null]).toEqual([401, 'UNAUTHENTICATED', null]);
    }
  });

  it('keeps subscriptions on the hub’s own types over WebSocket', async () => {
    const client = t.ws(t.keys.goa);
    const got: unknown[] = [];
    client.subscribe({ query: 'subscription { indicatorUpdated { __typename } }' }, { next: (v) => void got.push(v), error: (e) => void got.push(e), complete: () => undefined });
    const longhuiId = Number(Buffer.from(longhui, 'base64url').toString().split(':')[1]);
    await waitUntil(() => {
      t.hub.pubsub.publish(TOPICS.INDICATOR_UPDATED, { institutionId: longhuiId, year: 2026, months: ['2026-11-01'] });
      return got.length > 0;
    }, 30_000, 'an indicatorUpdated event');
    expect(got[0]).toEqual({ data: { indicatorUpdated: { __typename: 'IndicatorUpdatedEvent' } } });
  });

  it('answers the rest when the housing subgraph is down: its fields null with SERVICE_UNAVAILABLE, HTTP 200', async () => {
    await housing.stop();
    const r = (await t.raw({ query: JOIN, variables: { id: longhui } }, t.keys.goa)) as GqlResult<Join>;
    expect(r.status).toBe(200);
    const own = await hubPart(t.keys.goa);
    expect(r.data!.institution).toEqual({ ...own, building: null });
    expect(r.errors!.map((e) => [e.path, e.extensions!.code, e.extensions!.subgraph])).toEqual([[['institution', 'building'], 'SERVICE_UNAVAILABLE', 'housing']]);
    expect(r.errors![0].message).toMatch(/^the housing subgraph is unavailable/);
  });
});

describe('composition at start', () => {
  it('stops with one message naming the subgraph and the conflict', async () => {
    const conflicting = await startSpy(`${LINK}\ntype Institution @key(fields: "id") { id: ID! name: Int }\ntype Query { waterHealth: String }`);
    try {
      const url = await createDatabaseFromTemplate();
      const env = { DATABASE_URL: url, PORT: '0', LOG_LEVEL: 'error', EWC_DATA_DIR: process.env.EWC_TEST_DATA_DIR, EWC_SUBGRAPHS: `water=${conflicting.url}`, EWC_SUBGRAPH_SECRET: SECRET };
      // In process: startServer refuses, naming the variable, the subgraph and the field.
      const config = loadConfig(env);
      const db = await openDatabase(config, { migrate: false });
      try {
        await expect(startServer(config, db, { port: 0 })).rejects.toThrow(/^EWC_SUBGRAPHS: the supergraph does not compose .*"water".*Institution\.name/);
      } finally {
        await db.close();
      }
      // As a user starts it: one line on stderr, exit status 2, nothing listening.
      const proc = spawn(process.execPath, [MAIN, 'start'], { env: { ...process.env, ...env, EWC_DEMO: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      proc.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
      proc.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
      const status = await new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
      const lines = stderr.trim().split('\n').filter((l) => !l.startsWith('{'));
      expect(status).toBe(2);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^ewc-hub: EWC_SUBGRAPHS: the supergraph does not compose .*"water".*Institution\.name/);
      expect(stdout).not.toMatch(/GraphQL\s+http/);
    } finally {
      await conflicting.close();
    }
  }, 180_000);

  it('starts without a subgraph that is down and never seen, and composes it in when it answers', async () => {
    // A port nothing listens on yet; the housing subgraph starts there later.
    const probe = http.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const sdlDir = mkdtempSync(path.join(os.tmpdir(), 'ewc-sdl-'));
    const env = { EWC_SUBGRAPHS: `housing=http://127.0.0.1:${port}/graphql`, EWC_SUBGRAPH_SECRET: SECRET, EWC_SUBGRAPH_SDL_DIR: sdlDir, EWC_SUBGRAPH_RETRY_MS: '200' };
    const down = await startTestHub(env);
    let late: Awaited<ReturnType<typeof startHousing>> | undefined;
    try {
      // The hub's own graph is served; the housing fields are not in it yet.
      const own = (await down.raw({ query: `{ institution(id: ${JSON.stringify(longhui)}) { name } }` }, down.keys.goa)) as GqlResult<Join>;
      expect(own.errors).toBeUndefined();
      expect(own.data!.institution!.name).toEqual(expect.any(String));
      const before = await down.raw({ query: JOIN, variables: { id: longhui } }, down.keys.goa);
      expect([before.status, codeOf(before)]).toEqual([400, 'BAD_USER_INPUT']);
      expect(before.errors![0].message).toMatch(/"building"/);
      expect(existsSync(path.join(sdlDir, 'housing.graphql'))).toBe(false);

      late = await startHousing(SECRET, port);
      let joined: GqlResult<Join> | undefined;
      await waitUntil(async () => {
        try {
          joined = (await down.raw({ query: JOIN, variables: { id: longhui } }, down.keys.goa)) as GqlResult<Join>;
        } catch (err) {
          // fetch failed: a keep-alive socket closed under the poll (seen once at load 12); ask again.
          if (err instanceof TypeError) return false;
          throw err;
        }
        return joined.status === 200;
      }, 60_000, 'the housing subgraph to be composed in');
      expect(joined!.errors).toBeUndefined();
      expect(joined!.data!.institution!.building).toEqual({ energyLabel: expect.any(String), yearBuilt: expect.any(Number) });
      expect(readFileSync(path.join(sdlDir, 'housing.graphql'), 'utf8')).toContain('type Building');
    } finally {
      await down.close();
      await late?.stop();
    }

    // Down at the next start: composed with the SDL it gave last time; its fields SERVICE_UNAVAILABLE, the rest answered.
    const again = await startTestHub({ ...env, EWC_SUBGRAPH_RETRY_MS: '60000' });
    try {
      const r = (await again.raw({ query: JOIN, variables: { id: longhui } }, again.keys.goa)) as GqlResult<Join>;
      expect(r.status).toBe(200);
      expect(r.data!.institution!.name).toEqual(expect.any(String));
      expect(r.data!.institution!.building).toBeNull();
      expect(r.errors!.map((e) => [e.path, e.extensions!.code, e.extensions!.subgraph])).toEqual([[['institution', 'building'], 'SERVICE_UNAVAILABLE', 'housing']]);
    } finally {
      await again.close();
      rmSync(sdlDir, { recursive: true, force: true });
    }
  }, 180_000);

  it('refuses gateway mode without a long enough shared secret, naming the variable', () => {
    expect(() => loadConfig({ EWC_SUBGRAPHS: 'housing=http://127.0.0.1:1/graphql' })).toThrow(/^EWC_SUBGRAPH_SECRET: /);
    expect(() => loadConfig({ EWC_SUBGRAPHS: 'hub=http://127.0.0.1:1/graphql', EWC_SUBGRAPH_SECRET: SECRET })).toThrow(/^EWC_SUBGRAPHS: "hub" is the hub's own/);
    expect(() => loadConfig({ EWC_SUBGRAPHS: 'housing=ftp://x', EWC_SUBGRAPH_SECRET: SECRET })).toThrow(/^EWC_SUBGRAPHS: subgraph "housing": expected an http/);
    expect(loadConfig({}).federation).toMatchObject({ subgraphs: [], secret: null, retryMs: 30_000 });
    expect(() => loadConfig({ EWC_SUBGRAPH_RETRY_MS: '5s' })).toThrow(/^EWC_SUBGRAPH_RETRY_MS: expected milliseconds/);
  });
});
