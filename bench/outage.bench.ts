/**
 * Issue 12's recovery figure: the database restarted under a running hub, and the time from its
 * return (PostgreSQL ready to accept connections again) to the hub's first successful answer.
 *
 *   npm run build && node dist/bench/outage.bench.js [rounds]
 *
 * The bench runs its own embedded PostgreSQL (so it can stop and start it), migrated, with one
 * GOA key made by the CLI, and the hub as a user runs it (`node dist/src/main.js start` with DATABASE_URL). Each round: a
 * subscription open, PostgreSQL stopped (fast shutdown: the hub's sessions are ended), requests
 * during the outage (status and time of each), PostgreSQL started again, then polled every 5 ms:
 * a GraphQL query until it answers 200 with data, /readyz until 200, and pg_stat_activity until
 * the hub's LISTEN connection is back.
 */
import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import WebSocket from 'ws';
import { startEmbedded } from '../src/db/embedded';
import { fmt, MAIN, runBench, startHub } from './lib';

const QUERY = '{ meters(first: 5) { nodes { id serial } } }';

async function until(check: () => Promise<boolean>): Promise<number> {
  for (;;) {
    if (await check().catch(() => false)) return performance.now();
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function graphql(url: string, key: string): Promise<{ status: number; code?: string; ms: number }> {
  const t0 = performance.now();
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify({ query: QUERY }) });
  const json = (await res.json()) as { data?: unknown; errors?: { extensions?: { code?: string } }[] };
  return { status: res.status, code: json.errors?.[0]?.extensions?.code, ms: performance.now() - t0 };
}

/**
 * A graphql-transport-ws subscription, once acknowledged; `closed` resolves with the close code.
 * (Wrapped in an object: a promise resolved with a promise would wait for the close itself.)
 */
function subscription(wsUrl: string, key: string): Promise<{ closed: Promise<number> }> {
  const socket = new WebSocket(wsUrl, 'graphql-transport-ws');
  const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.once('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${key}` } })));
    socket.on('message', (data: Buffer) => {
      if ((JSON.parse(data.toString()) as { type: string }).type !== 'connection_ack') return;
      socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: 'subscription { readingsIngested { rows } }' } }));
      resolve({ closed });
    });
  });
}

/** Where the bench is, on stderr: a round that never ends then says which step it waits on. */
const step = (what: string) => process.stderr.write(`outage bench: ${what}\n`);

async function main(): Promise<void> {
  const rounds = Number(process.argv[2] ?? 5);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ewc-outage-'));
  step('starting PostgreSQL');
  const server = await startEmbedded(path.join(dir, 'pg-data'));
  const admin = async (sql: string, database = 'postgres') => {
    const u = new URL(server.url);
    u.pathname = `/${database}`;
    const c = new pg.Client({ connectionString: u.toString() });
    await c.connect();
    return c.query(sql).finally(() => c.end());
  };
  // No demo data: the figure is about connections, not data; an empty meter list is a full answer.
  let hub: Awaited<ReturnType<typeof startHub>> | null = null;
  const rows: string[] = [];
  const recoveries: number[] = [];
  try {
    step('starting the hub');
    const running = await startHub({ DATABASE_URL: server.url, EWC_DATA_DIR: dir, EWC_DEMO: '0' });
    hub = running;
    await admin(`INSERT INTO agency (code, name, name_zh) VALUES ('GOA', 'Government Offices Administration', '机关事务管理局')`, 'ewc');
    const created = execFileSync(process.execPath, [MAIN, 'keys', 'create', '--agency', 'GOA', '--role', 'admin'], {
      env: { ...process.env, DATABASE_URL: server.url, EWC_DATA_DIR: dir, LOG_LEVEL: 'warn' },
    });
    const key = created.toString().trim().split('\n').at(-1)!;
    const base = running.url.replace(/\/graphql$/, '');
    for (let round = 1; round <= rounds; round++) {
      if ((await graphql(running.url, key)).status !== 200) throw new Error('the hub does not answer before the outage');
      const { closed } = await subscription(running.url.replace(/^http/, 'ws'), key);

      step(`round ${round}: stopping PostgreSQL`);
      await server.stop();
      step(`round ${round}: requests during the outage`);
      // Requests during the outage: 20 in a row, each answered with its status, none hanging.
      const during = [];
      for (let i = 0; i < 20; i++) during.push(await graphql(running.url, key));
      const readyDown = (await fetch(`${base}/readyz`)).status;
      step(`round ${round}: waiting for the subscription to close`);
      const closeCode = await closed;

      step(`round ${round}: starting PostgreSQL again`);
      await server.start();
      const back = performance.now();
      const [answered, ready, listening] = await Promise.all([
        until(async () => (await graphql(running.url, key)).status === 200),
        until(async () => (await fetch(`${base}/readyz`)).status === 200),
        until(async () => Number((await admin(`SELECT count(*) AS n FROM pg_stat_activity WHERE datname = 'ewc' AND query ILIKE 'LISTEN%'`)).rows[0].n) > 0),
      ]);
      recoveries.push(answered - back);
      const codes = [...new Set(during.map((d) => `${d.status} ${d.code ?? ''}`.trim()))].join(', ');
      rows.push(
        `| ${round} | ${codes} | ${fmt(Math.max(...during.map((d) => d.ms)), 1)} ms | ${readyDown} | ${closeCode} | ${fmt(answered - back, 1)} ms | ${fmt(ready - back, 1)} ms | ${fmt(listening - back, 1)} ms |`,
      );
    }
  } finally {
    await hub?.stop();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  console.log('| round | answers during the outage | slowest of them | /readyz during | subscription closed with | database back -> first 200 | -> /readyz 200 | -> LISTEN back |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of rows) console.log(r);
  recoveries.sort((a, b) => a - b);
  console.log(`\nfirst successful answer after the database's return: median ${fmt(recoveries[Math.floor(recoveries.length / 2)], 1)} ms, max ${fmt(recoveries[recoveries.length - 1], 1)} ms over ${rounds} rounds`);
}

runBench(main);
