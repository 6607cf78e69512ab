/**
 * Issue 7: the hub against PostGraphile 4 serving the same PostgreSQL tables, from one run.
 *
 *   npm run build && node dist/bench/peer.bench.js [seconds per run, default 10]
 *   PEER_SHAPES=lookup,list,indicators PEER_CLIENTS=1,8 node dist/bench/peer.bench.js 5   (a subset)
 *   PROFILE_DIR=<folder> runs the first-time hub under `node --cpu-prof` and leaves its profile there;
 *   PROFILE_HUB=warm or notified profiles that hub with the cache instead (each profile is named after its process id, printed).
 *
 * Both servers run in their own process on one database with the demo loaded; a third process
 * (this one) sends the load: CONCURRENCY clients with keep-alive for a fixed time per shape. Three
 * shapes: a lookup by id, 100 institutions with their meters and a year's profile, and the year's
 * indicators of the 87 appraised departments. PostGraphile has no indicators, so it gets the
 * fairest equivalent: a SQL function over the same frozen monthly figures the hub reads for a
 * closed year (energy, water, headcount, floor area and the three ratios; no coverage, factors,
 * emissions or compliance). It also has no API keys or access rules: every hub request looks up
 * its key and applies the access table, PostGraphile's does neither. For the lookup, two floor
 * servers (runFloor) show what bounds a repeated question: node:http with the version read, and alone.
 */
import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { Pool } from 'undici';
import { loadConfig } from '../src/config';
import { openDatabase } from '../src/app/database';
import { READ_VERSIONS } from '../src/db/data-version';
import { seedDemo } from '../src/demo/demo.seeder';
import { startEmbedded } from '../src/db/embedded';
import { fmt, percentile, postgresCpuMs, processCpuMs, runBench, startHub } from './lib';

const CONCURRENCY = (process.env.PEER_CLIENTS ?? '1,8').split(',').map(Number);
/** Which shapes to run (lookup, list, indicators), so work on one shape can be measured alone. */
const SHAPES = (process.env.PEER_SHAPES ?? 'lookup,list,indicators').split(',');
const SHAPE_KEYS = ['lookup', 'list', 'indicators'];

/** The function PostGraphile exposes as `departmentIndicators(year)`. */
const PEER_SQL = `
CREATE SCHEMA IF NOT EXISTS peer;
CREATE TYPE peer.department_figures AS (institution_id int, name text, energy_kgce float8, water_m3 float8, headcount int, floor_area_m2 float8,
  per_capita_energy_kgce float8, energy_per_area_kgce_m2 float8, per_capita_water_m3 float8);
CREATE FUNCTION peer.department_indicators(year int) RETURNS SETOF peer.department_figures LANGUAGE sql STABLE AS $$
  SELECT i.id, i.name, e.kgce, w.m3, p.headcount, p.floor_area_m2,
         e.kgce / nullif(p.headcount, 0), e.kgce / nullif(p.floor_area_m2, 0), w.m3 / nullif(p.headcount, 0)
    FROM institution i
    LEFT JOIN closed_profile p ON p.institution_id = i.id AND p.year = $1
    LEFT JOIN LATERAL (SELECT sum(kgce) AS kgce FROM closed_month c WHERE c.year = $1 AND c.institution_id = i.id AND c.carrier NOT IN ('WATER', 'PV_GENERATION')) e ON true
    LEFT JOIN LATERAL (SELECT sum(quantity) AS m3 FROM closed_month c WHERE c.year = $1 AND c.institution_id = i.id AND c.carrier = 'WATER') w ON true
   WHERE i.in_municipal_appraisal
   ORDER BY i.id
$$;`;

interface Shape {
  name: string;
  hub: { query: string; variables: Record<string, unknown>; check: (d: any) => boolean }; // eslint-disable-line @typescript-eslint/no-explicit-any -- an untyped GraphQL response, read field by field
  peer: { query: string; variables: Record<string, unknown>; check: (d: any) => boolean }; // eslint-disable-line @typescript-eslint/no-explicit-any -- an untyped GraphQL response, read field by field
}

const shapes = (institutionGlobalId: string, institutionId: number, first: number): Shape[] => [
  {
    name: 'lookup by id',
    hub: {
      query: 'query($id: ID!) { node(id: $id) { ... on Institution { name nameZh creditCode category inMunicipalAppraisal } } }',
      variables: { id: institutionGlobalId },
      check: (d) => !!d.node?.creditCode,
    },
    peer: {
      query: 'query($id: Int!) { institutionById(id: $id) { name nameZh creditCode category inMunicipalAppraisal } }',
      variables: { id: institutionId },
      check: (d) => !!d.institutionById?.creditCode,
    },
  },
  {
    name: `${first} institutions with meters and 2023 profile`,
    hub: {
      query: `query($first: Int!) { institutions(first: $first) { nodes { name meters { serial carrier unit } profile(year: 2023) { headcount floorAreaM2 } } } }`,
      variables: { first },
      check: (d) => d.institutions.nodes.length === Math.min(first, 96),
    },
    peer: {
      query: `query($first: Int!) { allInstitutions(first: $first, orderBy: PRIMARY_KEY_ASC) { nodes { name
                metersByInstitutionId { nodes { serial carrier unit } }
                institutionProfilesByInstitutionId(condition: { year: 2023 }) { nodes { headcount floorAreaM2 } } } } }`,
      variables: { first },
      check: (d) => d.allInstitutions.nodes.length === Math.min(first, 96),
    },
  },
  {
    name: "87 departments' indicators, 2023",
    hub: {
      query: `{ indicators(period: { year: 2023 }, filter: { inMunicipalAppraisal: true }, first: 100) {
                nodes { energyKgce waterM3 headcount floorAreaM2 perCapitaEnergyKgce energyPerAreaKgceM2 perCapitaWaterM3 } } }`,
      variables: {},
      check: (d) => d.indicators.nodes.length === 87,
    },
    peer: {
      query: `{ departmentIndicators(year: 2023) { nodes { energyKgce waterM3 headcount floorAreaM2 perCapitaEnergyKgce energyPerAreaKgceM2 perCapitaWaterM3 } } }`,
      variables: {},
      check: (d) => d.departmentIndicators.nodes.length === 87,
    },
  },
];

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/**
 * The load generator's connections, one pool per server: undici's client costs a fraction of
 * node:http's per request, and the load generator shares the two cores with both servers (its cost
 * per request is printed beside theirs).
 */
const pools = new Map<string, Pool>();
function poolOf(url: URL): Pool {
  let pool = pools.get(url.origin);
  if (!pool) pools.set(url.origin, (pool = new Pool(url.origin, { connections: 64, pipelining: 1 })));
  return pool;
}

/** One POST over a kept-alive connection: the answer's text; an HTTP error rejects. */
async function post(url: string, key: string | null, body: string): Promise<string> {
  const u = new URL(url);
  const res = await poolOf(u).request({ path: u.pathname, method: 'POST', body, headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) } });
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode} from ${url}: ${text.slice(0, 300)}`);
  return text;
}

/** The same, its data read; rejects an error answer so a fast error never counts. */
async function request(url: string, key: string | null, body: string): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any -- an untyped GraphQL response, read field by field
  const json = JSON.parse(await post(url, key, body));
  if (json.errors) throw new Error(JSON.stringify(json.errors).slice(0, 300));
  return json.data;
}

/**
 * `clients` loops sending the same operation for `seconds`: requests/s, latency percentiles, and the
 * CPU time per request of the server's process (`pid`) and of PostgreSQL, from /proc (it holds on a
 * busy machine where wall-clock figures do not).
 */
async function load(url: string, key: string | null, op: Shape['hub'], clients: number, seconds: number, pid: number, pgCpu: () => Promise<number>) {
  const body = JSON.stringify({ query: op.query, variables: op.variables });
  const check = await request(url, key, body);
  if (!op.check(check)) throw new Error(`unexpected answer from ${url}: ${JSON.stringify(check).slice(0, 200)}`);
  // Every answer under load must be this one to the byte (a fast error, or a wrong answer, never counts).
  const expected = await post(url, key, body);
  for (let i = 0; i < 20; i++) await post(url, key, body);
  const times: number[] = [];
  const cpu0 = processCpuMs(pid);
  const pg0 = await pgCpu();
  const own0 = process.cpuUsage();
  const until = performance.now() + seconds * 1000;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < until) {
        const s = performance.now();
        if ((await post(url, key, body)) !== expected) throw new Error(`a different answer from ${url} under load`);
        times.push(performance.now() - s);
      }
    }),
  );
  const elapsed = (performance.now() - t0) / 1000;
  const own = process.cpuUsage(own0);
  // The load generator shares the two cores: its own CPU per request bounds what a ratio can show.
  const clientMs = (own.user + own.system) / 1000 / times.length;
  const cpu = (processCpuMs(pid) - cpu0) / times.length;
  const pgMs = ((await pgCpu()) - pg0) / times.length;
  times.sort((a, b) => a - b);
  return { rps: times.length / elapsed, p50: percentile(times, 50), p95: percentile(times, 95), cpu, pgMs, clientMs };
}

/** SQL statements per request, from each server's own counter, over `n` sequential requests. */
async function statementsPer(url: string, key: string | null, op: Shape['hub'], counter: () => Promise<number>, n = 20): Promise<number> {
  const body = JSON.stringify({ query: op.query, variables: op.variables });
  await request(url, key, body);
  const before = await counter();
  for (let i = 0; i < n; i++) await request(url, key, body);
  return ((await counter()) - before) / n;
}

const get = (url: string) => new Promise<string>((resolve, reject) => http.get(url, { agent }, (res) => {
  let s = '';
  res.on('data', (c) => (s += c));
  res.on('end', () => resolve(s));
}).on('error', reject));

/** The PostGraphile process: a pool whose clients count their statements, served on `port`. */
async function runPeer(url: string, port: number): Promise<void> {
  // PostGraphile 4 brings graphql 15; graphql-parse-resolve-info, hoisted beside our graphql 16,
  // would load the other one ("another module or realm"). In this process, every 'graphql' is 15.
  const Module = require('node:module') as { _resolveFilename: (req: string, ...rest: unknown[]) => string };
  const graphql15 = path.dirname(require.resolve('graphql/package.json', { paths: [path.dirname(require.resolve('postgraphile/package.json'))] }));
  const resolve = Module._resolveFilename;
  Module._resolveFilename = (req: string, ...rest: unknown[]) =>
    resolve(req === 'graphql' || req.startsWith('graphql/') ? req.replace(/^graphql/, graphql15) : req, ...rest);
  const { postgraphile } = await import('postgraphile');
  let statements = 0;
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  pool.on('connect', (client) => {
    const original = client.query.bind(client);
    client.query = ((...args: unknown[]) => {
      statements++;
      return (original as (...a: unknown[]) => unknown)(...args);
    }) as typeof client.query;
  });
  const handler = postgraphile(pool, ['public', 'peer'], {
    disableDefaultMutations: true,
    dynamicJson: true,
    setofFunctionsContainNulls: false,
    disableQueryLog: true,
    retryOnInitFail: false,
    graphqlRoute: '/graphql',
  });
  http
    .createServer((req, res) => {
      if (req.url === '/statements') return res.end(String(statements));
      void handler(req, res); // its own errors answer the request
    })
    .listen(port, '127.0.0.1', function (this: http.Server) {
      console.log(`peer ready on ${(this.address() as { port: number }).port}`);
    });
}

/**
 * The least a never-stale cache can do for a repeated question: node:http reads the body, sends the
 * hub's version read (the same prepared statement, on a connection of its own) and, once it is back,
 * writes the answer it was given. With `read` 0 it answers at once: the least any server can do.
 */
function runFloor(url: string, port: number, read: boolean, answer: string): void {
  const client = new pg.Client({ connectionString: url });
  void client.connect().then(() =>
    http
      .createServer((req, res) => {
        req.resume();
        req.on('end', () => {
          const send = () => {
            res.setHeader('content-type', 'application/json; charset=utf-8');
            res.end(answer);
          };
          if (!read) return send();
          client.query(READ_VERSIONS).then(send, (err: Error) => {
            res.statusCode = 500;
            res.end(err.message);
          });
        });
      })
      .listen(port, '127.0.0.1', function (this: http.Server) {
        console.log(`peer ready on ${(this.address() as { port: number }).port}`);
      }),
  );
}

/** Starts PostGraphile (or, with `floor`, the floor server) on a free port; resolves with the process and its port. */
function startPeer(url: string, port: number, floor?: { read: boolean; answer: string }): Promise<{ proc: ChildProcess; port: number }> {
  const args = floor ? ['--floor', url, String(port), floor.read ? '1' : '0', floor.answer] : ['--peer', url, String(port)];
  const proc = spawn(process.execPath, [__filename, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  process.once('exit', () => proc.kill());
  return new Promise((resolve, reject) => {
    proc.once('exit', (code) => reject(new Error(`PostGraphile exited with ${code}`)));
    proc.stdout!.on('data', (c: Buffer) => {
      const ready = /peer ready on (\d+)/.exec(c.toString());
      if (ready) {
        proc.removeAllListeners('exit');
        resolve({ proc, port: Number(ready[1]) });
      }
    });
  });
}

/**
 * What bounds the warm lookup: the floor server (runFloor) with and without the version read, under
 * the same load, beside PostGraphile's figures of the same run (`p`).
 */
async function floorRows(url: string, warm: { url: string }, key: string, shape: Shape, clients: number, seconds: number, p: { rps: number; cpu: number; pgMs: number }, pgCpu: () => Promise<number>): Promise<string[]> {
  const answer = await post(warm.url, key, JSON.stringify({ query: shape.hub.query, variables: shape.hub.variables }));
  const rows: string[] = [];
  for (const read of [true, false]) {
    const floor = await startPeer(url, 0, { read, answer });
    try {
      const r = await load(`http://127.0.0.1:${floor.port}/graphql`, key, shape.hub, clients, seconds, floor.proc.pid!, pgCpu);
      rows.push(
        `| ${shape.name} | ${clients} | floor: node:http${read ? ' + version read' : ' alone'} | ${fmt(r.rps, 0)} | ${fmt(p.rps, 0)} | ${fmt(r.rps / p.rps, 2)} | ${fmt(r.p50, 1)} / ${fmt(r.p95, 1)} | | ${fmt(r.cpu, 2)} / ${fmt(r.pgMs, 2)} | ${fmt(p.cpu, 2)} / ${fmt(p.pgMs, 2)} | ${read ? 1 : 0} | | ${fmt(r.clientMs, 2)} | ${os.loadavg()[0].toFixed(1)} |`,
      );
      console.log(rows[rows.length - 1]);
    } finally {
      floor.proc.kill();
    }
  }
  return rows;
}

/**
 * How long after a write's COMMIT is answered its notification reaches a listener: the moment a
 * notified hub may still serve what the write changed (for writers other than itself). 200 writes,
 * one at a time, each timed from its COMMIT's answer to the notification's arrival.
 */
async function notificationDelay(url: string, institutionId: number): Promise<string> {
  const listener = new pg.Client({ connectionString: url });
  const writer = new pg.Client({ connectionString: url });
  await Promise.all([listener.connect(), writer.connect()]);
  try {
    await listener.query('LISTEN ewc_data_version');
    let heard: (() => void) | null = null;
    listener.on('notification', () => heard?.());
    const delays: number[] = [];
    for (let i = 0; i < 200; i++) {
      const arrived = new Promise<number>((resolve) => (heard = () => resolve(performance.now())));
      await writer.query('UPDATE institution SET name = name WHERE id = $1', [institutionId]);
      const committed = performance.now();
      delays.push(Math.max(0, (await arrived) - committed));
    }
    delays.sort((a, b) => a - b);
    return `write notification delay, COMMIT answered to notification heard (200 writes): p50 ${fmt(percentile(delays, 50), 2)} ms, p99 ${fmt(percentile(delays, 99), 2)} ms, max ${fmt(delays[delays.length - 1], 2)} ms`;
  } finally {
    await Promise.all([listener.end(), writer.end()]);
  }
}

async function main(): Promise<void> {
  const seconds = Number(process.argv[2] ?? 10);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ewc-bench-peer-'));
  const dataDir = path.join(dir, 'data');
  const server = await startEmbedded(dataDir);
  let peer: ChildProcess | null = null;
  try {
    const config = loadConfig({ ...process.env, DATABASE_URL: server.url, EWC_DATA_DIR: dataDir, LOG_LEVEL: 'warn' });
    const db = await openDatabase(config);
    await seedDemo(db, dataDir);
    await db.pool.query(PEER_SQL);
    const { rows } = await db.pool.query<{ id: number }>('SELECT id FROM institution WHERE in_municipal_appraisal ORDER BY id LIMIT 1');
    await db.close();

    // A budget no run can spend: every answer is a 200 and only the bookkeeping is measured.
    const env = { DATABASE_URL: server.url, EWC_DATA_DIR: dataDir, EWC_DEMO: '1', EWC_BUDGET_ADMIN: '1000000000' };
    // First-time questions: a hub without the response cache; repeated questions: a hub with it.
    const profile = process.env.PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(process.env.PROFILE_DIR)}`] : [];
        const profiled = process.env.PROFILE_HUB ?? 'first-time';
    const cold = await startHub({ ...env, PORT: '0', EWC_RESPONSE_CACHE: 'off' }, profiled === 'first-time' ? profile : []);
    const warm = await startHub({ ...env, PORT: '0' }, profiled === 'warm' ? profile : []);
    // Repeated questions again, the data versions kept in memory between write notifications.
    const notified = await startHub({ ...env, PORT: '0', EWC_RESPONSE_CACHE_FRESHNESS: 'notified' }, profiled === 'notified' ? profile : []);
    if (profile.length) console.log(`profiled: the ${profiled} hub, process ${{ 'first-time': cold, warm, notified }[profiled]?.proc.pid}`);
    const hub = cold;
    const goa = hub.keys['GOA admin'];
    const pgPool = new pg.Pool({ connectionString: server.url, max: 1 });
    const pgCpu = () => postgresCpuMs(pgPool);
    const started = await startPeer(server.url, 0);
    peer = started.proc;
    const peerUrl = `http://127.0.0.1:${started.port}/graphql`;
    // A request's statements: the hub's bookkeeping on a timer (key usage every 5 s, a budget slice
    // each new minute) is left out, else it lands on whichever 20 requests are counted (1.1 a request).
    const countOf = (h: { url: string }) => async () => {
      const metrics = await get(h.url.replace('/graphql', '/metrics'));
      return Number(/^ewc_sql_statements_total (\d+)/m.exec(metrics)![1]) - Number(/^ewc_sql_background_statements_total (\d+)/m.exec(metrics)![1]);
    };
    const peerCount = async () => Number(await get(`http://127.0.0.1:${started.port}/statements`));

    // Same answers first: the departments' energy and water add up to the same totals.
    const ours = (await request(hub.url, goa, JSON.stringify({ query: shapes('', 0, 100)[2].hub.query }))).indicators.nodes;
    const theirs = (await request(peerUrl, null, JSON.stringify({ query: shapes('', 0, 100)[2].peer.query }))).departmentIndicators.nodes;
    const sum = (list: { energyKgce: number; waterM3: number }[]) => list.reduce((a, n) => [a[0] + (n.energyKgce ?? 0), a[1] + (n.waterM3 ?? 0)], [0, 0]);
    const [a, b] = [sum(ours), sum(theirs)];
    if (Math.abs(a[0] - b[0]) > 1e-6 * a[0] || Math.abs(a[1] - b[1]) > 1e-6 * a[1]) throw new Error(`the two disagree: ${a} vs ${b}`);
    console.log(`same figures: 87 departments, 2023 energy ${fmt(a[0] / 1000, 1)} tce, water ${fmt(a[1], 0)} m3 from both`);

    const globalId = Buffer.from(`Institution:${rows[0].id}`).toString('base64url');
    const lines: string[] = [];
    for (const [i, shape] of shapes(globalId, rows[0].id, 100).entries()) {
      if (!SHAPES.includes(SHAPE_KEYS[i])) continue;
      const small = shapes(globalId, rows[0].id, 10)[i];
      const stPeer = [await statementsPer(peerUrl, null, small.peer, peerCount), await statementsPer(peerUrl, null, shape.peer, peerCount)];
      for (const clients of CONCURRENCY) {
        const p = await load(peerUrl, null, shape.peer, clients, seconds, peer.pid!, pgCpu);
        for (const [mode, h] of [['first-time', cold], ['warm', warm], ['warm, notified', notified]] as const) {
          const count = countOf(h);
          const st = [await statementsPer(h.url, goa, small.hub, count), await statementsPer(h.url, goa, shape.hub, count)];
          const r = await load(h.url, goa, shape.hub, clients, seconds, h.proc.pid!, pgCpu);
          lines.push(
            `| ${shape.name} | ${clients} | ${mode} | ${fmt(r.rps, 0)} | ${fmt(p.rps, 0)} | ${fmt(r.rps / p.rps, 2)} | ${fmt(r.p50, 1)} / ${fmt(r.p95, 1)} | ${fmt(p.p50, 1)} / ${fmt(p.p95, 1)} |` +
              ` ${fmt(r.cpu, 2)} / ${fmt(r.pgMs, 2)} | ${fmt(p.cpu, 2)} / ${fmt(p.pgMs, 2)} | ${fmt(st[0], 1)} / ${fmt(st[1], 1)} | ${fmt(stPeer[0], 1)} / ${fmt(stPeer[1], 1)} | ${fmt(r.clientMs, 2)} / ${fmt(p.clientMs, 2)} | ${os.loadavg()[0].toFixed(1)} |`,
          );
          console.log(lines[lines.length - 1]);
        }
        if (SHAPE_KEYS[i] === 'lookup') lines.push(...(await floorRows(server.url, warm, goa, shape, clients, seconds, p, pgCpu)));
      }
    }
    console.log(`
${seconds} s per run; load from this process, the hub and PostGraphile each in their own process, one PostgreSQL; ${os.cpus().length} vCPUs shared by all.
statements per request: with first = 10 / first = 100 (the same operation otherwise). CPU ms per request: the server's
process / PostgreSQL (every backend); the load generator's (this process) beside them. first-time: a hub with EWC_RESPONSE_CACHE=off; warm: a hub with the cache, asked again
(the data versions read on every request); warm, notified: the same with EWC_RESPONSE_CACHE_FRESHNESS=notified (versions kept between write notifications).
floor: node:http answering the hub's bytes after the same version read, or at once: what bounds a warm lookup.

| shape | clients | hub | hub req/s | PostGraphile req/s | hub / PG | hub p50 / p95 ms | PG p50 / p95 ms | hub CPU ms/req: hub / postgres | PostGraphile CPU ms/req: PostGraphile / postgres | hub statements | PG statements | load generator CPU ms/req: hub run / PG run | load avg |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
${lines.join('\n')}`);
    console.log(await notificationDelay(server.url, rows[0].id));
    await Promise.all([cold.stop(), warm.stop(), notified.stop()]);
    await pgPool.end();
  } finally {
    peer?.kill();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--peer') {
  void runPeer(process.argv[3], Number(process.argv[4]));
} else if (process.argv[2] === '--floor') {
  runFloor(process.argv[3], Number(process.argv[4]), process.argv[5] === '1', process.argv[6]);
} else {
  runBench(main);
}
