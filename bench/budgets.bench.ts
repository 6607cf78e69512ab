/**
 * What budgets cost a cheap request: the hub (`ewc-hub start`, its own process) with budgets off,
 * on (slices of 5% of the budget taken from the shared counter), and on with a slice of one
 * request (one counter upsert per request, the design without local reservations). Runs take
 * turns, three rounds, so a neighbour's load on the shared machine falls on all three alike.
 *
 *   npm run build && node dist/bench/budgets.bench.js [seconds per run, default 8] [rounds, default 3; 0: the in-process figure only]
 */
import 'reflect-metadata';
import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { Budgets, rateLimitHeaders } from '../src/access/budget';
import { BudgetStore } from '../src/access/budget.store';
import type { Database } from '../src/app/database';
import { fmt, percentile, runBench, startHub, withSeededServer } from './lib';

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const CLIENTS = 8;

const MODES = {
  off: { EWC_BUDGETS: 'off' },
  'on, 5% slices': { EWC_BUDGETS: 'on', EWC_BUDGET_RESERVE: '0.05' },
  'on, one upsert per request': { EWC_BUDGETS: 'on', EWC_BUDGET_RESERVE: '0.000000001' },
} as const;
type Mode = keyof typeof MODES;

function request(url: string, key: string, body: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; json: { data?: unknown; errors?: unknown } }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, json: JSON.parse(Buffer.concat(chunks).toString()) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** CPU seconds (user + system) a process has used so far, from /proc. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Total CPU seconds of PostgreSQL: the postmaster and its backends (children) alive now. */
function postgresCpuSeconds(dataDir: string): number {
  const postmaster = Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  let total = cpuSeconds(postmaster);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1].split(' ');
      if (Number(stat[1]) === postmaster) total += (Number(stat[11]) + Number(stat[12])) / 100;
    } catch {
      // The process ended between listing and reading.
    }
  }
  return total;
}

const statementsOf = async (metricsUrl: string) => {
  const text = await new Promise<string>((resolve, reject) =>
    http.get(metricsUrl, { agent }, (res) => {
      let s = '';
      res.on('data', (c) => (s += c));
      res.on('end', () => resolve(s));
    }).on('error', reject),
  );
  return Number(/^ewc_sql_statements_total (\d+)/m.exec(text)?.[1] ?? NaN);
};

interface Run {
  rps: number;
  p50: number;
  hubCpuMs: number;
  pgCpuMs: number;
  statements: number;
}

async function measure(mode: Mode, databaseUrl: string, dataDir: string, query: string, seconds: number): Promise<Run> {
  // A budget no run can spend, so every request is served and only the bookkeeping is measured.
  const hub = await startHub({ ...MODES[mode], DATABASE_URL: databaseUrl, EWC_DATA_DIR: dataDir, EWC_DEMO: '1', PORT: '0', EWC_BUDGET_ADMIN: '1000000000' });
  try {
    const key = hub.keys['GOA admin'];
    const body = JSON.stringify({ query });
    const first = await request(hub.url, key, body);
    if (first.status !== 200 || first.json.errors) throw new Error(`${mode}: ${JSON.stringify(first.json).slice(0, 200)}`);
    if ((mode === 'off') !== (first.headers['ratelimit-limit'] === undefined)) throw new Error(`${mode}: RateLimit headers ${first.headers['ratelimit-limit'] ?? 'missing'}`);
    for (let i = 0; i < 300; i++) await request(hub.url, key, body);

    const metricsUrl = hub.url.replace('/graphql', '/metrics');
    const statements0 = await statementsOf(metricsUrl);
    const [hub0, pg0] = [cpuSeconds(hub.proc.pid!), postgresCpuSeconds(path.join(dataDir, 'pg'))];
    const times: number[] = [];
    const until = performance.now() + seconds * 1000;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        while (performance.now() < until) {
          const s = performance.now();
          const r = await request(hub.url, key, body);
          if (r.status !== 200) throw new Error(`${mode}: HTTP ${r.status} ${JSON.stringify(r.json).slice(0, 200)}`);
          times.push(performance.now() - s);
        }
      }),
    );
    const elapsed = (performance.now() - t0) / 1000;
    const [hub1, pg1] = [cpuSeconds(hub.proc.pid!), postgresCpuSeconds(path.join(dataDir, 'pg'))];
    const statements = ((await statementsOf(metricsUrl)) - statements0) / times.length;
    times.sort((a, b) => a - b);
    return {
      rps: times.length / elapsed,
      p50: percentile(times, 50),
      hubCpuMs: ((hub1 - hub0) * 1000) / times.length,
      pgCpuMs: ((pg1 - pg0) * 1000) / times.length,
      statements,
    };
  } finally {
    await hub.stop();
  }
}

/**
 * The budget's own work on a request served from a local slice, in this process with the real
 * counter table: CPU microseconds per charge plus its four headers, over 200,000 charges.
 */
async function inMemoryCharge(db: Database): Promise<string> {
  const budgets = new Budgets(new BudgetStore(db.pool), { reserveFraction: 0.05, clock: Date.now });
  const n = 200_000;
  for (let i = 0; i < 1000; i++) rateLimitHeaders((await budgets.charge('key:bench', 1_000_000_000, 4))!);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) rateLimitHeaders(await budgets.charge('key:bench', 1_000_000_000, 4));
  const cpu = process.cpuUsage(cpu0);
  const us = ((cpu.user + cpu.system) / n).toFixed(2);
  return `in-process charge from a local slice + RateLimit headers: ${us} µs CPU per request (${fmt(((performance.now() - t0) * 1000) / n, 2)} µs wall), ${n.toLocaleString('en-US')} charges`;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const seconds = Number(process.argv[2] ?? 8);
  const rounds = Number(process.argv[3] ?? 3);
  await withSeededServer('budgets', async ({ url, dataDir, db }) => {
    const { rows } = await db.pool.query<{ id: number }>('SELECT id FROM institution ORDER BY id LIMIT 1');
    console.log(await inMemoryCharge(db));
    if (rounds === 0) return;
    const institution = Buffer.from(`Institution:${rows[0].id}`).toString('base64url');
    const queries = {
      '`{ viewer { keyName } }` (1 statement)': '{ viewer { keyName } }',
      'an institution by id (1 statement)': `{ node(id: "${institution}") { id ... on Institution { name } } }`,
    };

    const lines: string[] = [];
    for (const [label, query] of Object.entries(queries)) {
      const runs: Record<Mode, Run[]> = { off: [], 'on, 5% slices': [], 'on, one upsert per request': [] };
      for (let round = 0; round < rounds; round++) {
        for (const mode of Object.keys(MODES) as Mode[]) {
          const r = await measure(mode, url, dataDir, query, seconds);
          runs[mode].push(r);
          console.log(`${label} | ${mode} | round ${round + 1}: ${fmt(r.rps, 0)} req/s, p50 ${fmt(r.p50, 2)} ms, hub CPU ${fmt(r.hubCpuMs, 3)} ms/req, PostgreSQL CPU ${fmt(r.pgCpuMs, 3)} ms/req, ${fmt(r.statements, 2)} statements/req`);
        }
      }
      const base = median(runs.off.map((r) => r.rps));
      for (const mode of Object.keys(MODES) as Mode[]) {
        const rs = runs[mode];
        const rps = median(rs.map((r) => r.rps));
        lines.push(
          `| ${label} | ${mode} | ${fmt(rps, 0)} | ${mode === 'off' ? '-' : `${fmt(((rps - base) / base) * 100, 1)}%`} | ${fmt(median(rs.map((r) => r.p50)), 2)} | ${fmt(median(rs.map((r) => r.hubCpuMs)), 3)} | ${fmt(median(rs.map((r) => r.pgCpuMs)), 3)} | ${fmt(median(rs.map((r) => r.statements)), 2)} |`,
        );
      }
    }
    console.log(`\n${CLIENTS} clients, ${seconds} s per run, median of ${rounds} rounds:\n`);
    console.log('| query | budgets | req/s | vs off | p50 ms | hub CPU ms/req | PostgreSQL CPU ms/req | statements/req |');
    console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const line of lines) console.log(line);
  });
}

runBench(main);
