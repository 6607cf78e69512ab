import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config';
import { openDatabase, type Database } from '../src/app/database';
import { deriveDemoKeys } from '../src/demo/demo-keys';
import { seedDemo } from '../src/demo/demo.seeder';
import { startServer } from '../src/server/app';
import { sqlStats } from '../src/db/sql-stats';
import { startEmbedded } from '../src/db/embedded';

export const MAIN = path.resolve(__dirname, '../src/main.js');

export interface RunningHub {
  proc: ChildProcess;
  url: string;
  keys: Record<string, string>;
  /** Milliseconds from spawn to "ewc-hub is up". */
  startMs: number;
  stop(): Promise<number>;
}

/** Starts `ewc-hub start` as a user would, and reads the URL and demo keys it prints; `nodeArgs` go to node (`--cpu-prof`). */
export function startHub(env: Record<string, string>, nodeArgs: string[] = []): Promise<RunningHub> {
  const t0 = performance.now();
  const proc = spawn(process.execPath, [...nodeArgs, MAIN, 'start'], { env: { ...process.env, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  // A bench that throws must not leave a hub (and its PostgreSQL) behind.
  process.once('exit', () => proc.kill('SIGINT'));
  let out = '';
  return new Promise((resolve, reject) => {
    proc.once('exit', (code) => reject(new Error(`hub exited with ${code}:\n${out}`)));
    proc.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (!/Demo API keys[\s\S]*PUBLIC viewer\s+\S+/.test(out) && !(/GraphQL\s+http/.test(out) && !/Demo API keys/.test(out) && env.EWC_DEMO === '0')) return;
      const url = /GraphQL\s+(\S+)/.exec(out)![1];
      const keys: Record<string, string> = {};
      for (const m of out.matchAll(/^ {2}(.+?)\s{2,}(ewc_\S+)$/gm)) keys[m[1].trim()] = m[2];
      proc.removeAllListeners('exit');
      resolve({
        proc,
        url,
        keys,
        startMs: performance.now() - t0,
        stop: () =>
          new Promise((done) => {
            const s0 = performance.now();
            // Already gone (it crashed): waiting for an exit that has been would end the bench silently.
            if (proc.exitCode !== null || proc.signalCode !== null) return done(0);
            proc.once('exit', () => done(performance.now() - s0));
            proc.kill('SIGINT');
          }),
      });
    });
  });
}

export async function post(url: string, key: string, query: string, variables: unknown = {}): Promise<{ data?: any; errors?: any[] }> { // eslint-disable-line @typescript-eslint/no-explicit-any -- an untyped GraphQL response, read field by field
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as { data?: any; errors?: any[] }; // eslint-disable-line @typescript-eslint/no-explicit-any -- an untyped GraphQL response, read field by field
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export const fmt = (n: number, digits = 1) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/**
 * p50 and p95 of `runs` sequential requests after `warmUp` unmeasured ones; `check` rejects a
 * wrong answer so a fast error is never counted as a fast reply.
 */
export async function latency(
  url: string,
  key: string,
  query: string,
  variables: unknown,
  check: (data: any) => boolean, // eslint-disable-line @typescript-eslint/no-explicit-any -- an untyped GraphQL response, read field by field
  runs = 100,
  warmUp = 5,
): Promise<string> {
  for (let i = 0; i < warmUp; i++) await post(url, key, query, variables);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = await post(url, key, query, variables);
    times.push(performance.now() - t0);
    if (r.errors || !check(r.data)) throw new Error(JSON.stringify(r).slice(0, 300));
  }
  times.sort((a, b) => a - b);
  return `p50 ${fmt(percentile(times, 50), 2)} ms, p95 ${fmt(percentile(times, 95), 2)} ms`;
}

export interface DemoHub {
  db: Database;
  url: string;
  /** The demo's GOA admin key. */
  goa: string;
}

/** A throw-away data folder with the demo loaded and a hub in this process, removed after `fn`. */
export async function withDemoHub(fn: (h: DemoHub) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ewc-bench-'));
  const config = loadConfig({ ...process.env, EWC_DATA_DIR: dir, PORT: '0', LOG_LEVEL: 'warn' });
  const db = await openDatabase(config);
  try {
    await seedDemo(db, dir);
    const hub = await startServer(config, db, { port: 0 });
    try {
      await fn({ db, url: hub.url, goa: deriveDemoKeys(dir).find((k) => k.label === 'GOA admin')!.key });
    } finally {
      await hub.stop();
    }
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs a bench's main: a failure prints its error and exits non-zero. */
export function runBench(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}

/** CPU time (ms, user + system) one process has used so far, from /proc. */
export function processCpuMs(pid: number): number {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) * (1000 / 100); // USER_HZ is 100 on Linux
}

/**
 * CPU time (ms, user + system) used so far by a PostgreSQL on this machine: its postmaster and every
 * process it started (backends, WAL writer, checkpointer). Read from /proc, so it holds on a busy
 * machine where wall-clock figures do not. Backends that have exited count through the postmaster,
 * which reaps them.
 */
export async function postgresCpuMs(pool: { query: (sql: string) => Promise<{ rows: { pid: number }[] }> }): Promise<number> {
  const { rows } = await pool.query('SELECT pg_backend_pid() AS pid');
  const statOf = (pid: number | string) => {
    // Fields after the command name (which may hold spaces) start at ") ".
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  };
  const postmaster = Number(statOf(rows[0].pid)[1]);
  const tick = 1000 / 100; // USER_HZ is 100 on Linux
  let ms = 0;
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const f = statOf(pid);
      // The postmaster's own time and that of the children it has reaped (cutime, cstime), then the live children's.
      if (Number(pid) === postmaster) ms += (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) * tick;
      else if (Number(f[1]) === postmaster) ms += (Number(f[11]) + Number(f[12])) * tick;
    } catch (err) {
      // The process ended between the listing and the read.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' && (err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
    }
  }
  return ms;
}

/** One reading row as `ingestReadings` takes it. */
export interface HourlyRow {
  meterId: string;
  periodStart: string;
  periodEnd: string;
  value: number;
}

/** Where `hourlyBatch` starts: right after the demo's years of stored readings. */
export const HOURLY_FROM = Date.parse('2025-01-01T00:00:00+08:00');

/** The demo's electricity meters (up to 100), the meters `hourlyBatch` writes. */
export async function electricityMeterIds(url: string, key: string): Promise<string[]> {
  const meters = await post(url, key, '{ meters(first: 100, filter: { carrier: ELECTRICITY }) { nodes { id } } }');
  return meters.data.meters.nodes.map((m: { id: string }) => m.id);
}

/** The b-th batch of 1,000 hourly readings spread over `ids`, from HOURLY_FROM: each batch later hours than the one before. */
export function hourlyBatch(ids: string[], b: number): HourlyRow[] {
  const hoursPerBatch = Math.ceil(1000 / ids.length);
  return Array.from({ length: 1000 }, (_, i) => {
    const hour = b * hoursPerBatch + Math.floor(i / ids.length);
    return { meterId: ids[i % ids.length], periodStart: new Date(HOURLY_FROM + hour * 3_600_000).toISOString(), periodEnd: new Date(HOURLY_FROM + (hour + 1) * 3_600_000).toISOString(), value: 10 + (i % 17) };
  });
}

/** Statements this process sent, less the budget and usage counters' background writes (older trees name them differently). */
export function foregroundStatements(): number {
  const s = sqlStats as unknown as Record<string, number>;
  return s.statements - (s.backgroundStatements ?? s.budgetStatements ?? 0);
}

/**
 * One query asked `runs` times after 3 warm-ups, in the hub of this process: p50/p95, the SQL
 * statements of each request (a count that varies shows as a / b) and the CPU time per request of
 * this process and of PostgreSQL, which hold on a busy machine where wall-clock figures do not.
 * `rows` reads how many rows the last answer held; the answer of an error stops the bench.
 */
export async function measureQuery(
  h: DemoHub,
  label: string,
  query: string,
  vars: Record<string, unknown>,
  runs: number,
  rows: (data: Record<string, unknown>) => number,
): Promise<void> {
  for (let i = 0; i < 3; i++) await post(h.url, h.goa, query, vars);
  const times: number[] = [];
  const counts = new Set<number>();
  let n = 0;
  const cpu0 = processCpuMs(process.pid);
  const pg0 = await postgresCpuMs(h.db.pool);
  for (let i = 0; i < runs; i++) {
    const s0 = foregroundStatements();
    const t0 = performance.now();
    const r = await post(h.url, h.goa, query, vars);
    times.push(performance.now() - t0);
    counts.add(foregroundStatements() - s0);
    if (r.errors) throw new Error(JSON.stringify(r.errors).slice(0, 300));
    n = rows(r.data as Record<string, unknown>);
  }
  const cpu = (processCpuMs(process.pid) - cpu0) / runs;
  const pgCpu = ((await postgresCpuMs(h.db.pool)) - pg0) / runs;
  times.sort((a, b) => a - b);
  console.log(`${label}: ${n} rows, p50 ${fmt(percentile(times, 50), 2)} ms, p95 ${fmt(percentile(times, 95), 2)} ms, ` +
    `SQL statements per request ${[...counts].sort((a, b) => a - b).join(' / ')}, CPU per request: hub ${fmt(cpu, 1)} ms, PostgreSQL ${fmt(pgCpu, 1)} ms (${runs} runs)`);
}

export interface SeededServer {
  /** The embedded PostgreSQL's URL. */
  url: string;
  dataDir: string;
  db: Database;
}

/**
 * A throw-away embedded PostgreSQL with the demo loaded, for benches that start hubs as child
 * processes on it; `db` is this process's own connection, open while `fn` runs. All is removed after.
 */
export async function withSeededServer(prefix: string, fn: (s: SeededServer) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), `ewc-bench-${prefix}-`));
  const dataDir = path.join(dir, 'data');
  const server = await startEmbedded(dataDir);
  try {
    const config = loadConfig({ ...process.env, DATABASE_URL: server.url, EWC_DATA_DIR: dataDir, LOG_LEVEL: 'warn' });
    const db = await openDatabase(config);
    try {
      await seedDemo(db, dataDir);
      await fn({ url: server.url, dataDir, db });
    } finally {
      await db.close();
    }
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
