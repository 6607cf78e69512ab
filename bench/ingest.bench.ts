/**
 * Issue 13: `ingestReadings` in batches of 1,000 rows on the demo database (readings partitioned
 * by month over several years), through the hub's HTTP endpoint, by one or more clients.
 *
 *   npm run build && node dist/bench/ingest.bench.js [batches per client] [clients]
 *
 * Prints rows/s, p50/p95 per batch, the process's CPU time per batch (hub and client share the
 * process; the client's part is sending JSON it built before the clock started, over a kept-alive
 * connection: building it and fetch() were a third of the process's time) and SQL statements per
 * batch. Each client writes its own meters (a batch locks its meters, so clients on the same meters
 * would take turns).
 */
import 'reflect-metadata';
import http from 'node:http';
import os from 'node:os';
import type pg from 'pg';
import { sqlStats } from '../src/db/sql-stats';
import { readingRows } from '../src/modules/metering/metering.inputs';
import { storedAround, writeBatch } from '../src/modules/metering/metering.repository';
import { BatchSource } from '../src/modules/metering/reading-batch.entity';
import { electricityMeterIds, fmt, hourlyBatch, percentile, post, postgresCpuMs, runBench, withDemoHub } from './lib';

const INGEST = `mutation($input: IngestReadingsInput!) { ingestReadings(input: $input) { accepted duplicates corrected } }`;

const agent = new http.Agent({ keepAlive: true });

/** POSTs a body already serialised; one kept-alive connection per client. */
function postBody(url: string, key: string, body: string): Promise<{ data?: { ingestReadings: { accepted: number } }; errors?: unknown[] }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: `Bearer ${key}` } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as { data?: { ingestReadings: { accepted: number } }; errors?: unknown[] }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function main(): Promise<void> {
  const perClient = Number(process.argv[2] ?? 100);
  const clients = Number(process.argv[3] ?? 1);
  const batches = perClient * clients;
  await withDemoHub(async ({ db, url, goa }) => {
    const { rows: parts } = await db.pool.query<{ n: number; first: string; last: string }>(
      `SELECT count(*)::int AS n, min(c.relname) AS first, max(c.relname) AS last
         FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'reading'::regclass`,
    );
    const { rows: [{ readings }] } = await db.pool.query<{ readings: number }>('SELECT count(*)::int AS readings FROM reading');
    console.log(`demo: ${readings.toLocaleString('en-US')} readings in ${parts[0].n} monthly partitions (${parts[0].first} .. ${parts[0].last})`);

    const all = await electricityMeterIds(url, goa);
    // Each client writes its own meters, so clients never wait on one another's meter locks.
    const batch = (c: number, b: number) => hourlyBatch(all.filter((_, i) => i % clients === c), b);
    // Warm-up: the first batch of each client also makes the 2025 partitions.
    for (let c = 0; c < clients; c++) await post(url, goa, INGEST, { input: { rows: batch(c, 0) } });

    const bodies = Array.from({ length: clients }, (_, c) => Array.from({ length: perClient + 1 }, (_, b) => (b === 0 ? '' : JSON.stringify({ query: INGEST, variables: { input: { rows: batch(c, b) } } }))));
    const times: number[] = [];
    let accepted = 0;
    const load0 = os.loadavg()[0];
    const statements0 = sqlStats.statements;
    const cpu0 = process.cpuUsage();
    const pgCpu0 = await postgresCpuMs(db.pool);
    const t0 = performance.now();
    const client = async (c: number) => {
      for (let b = 1; b <= perClient; b++) {
        const s = performance.now();
        const r = await postBody(url, goa, bodies[c][b]);
        times.push(performance.now() - s);
        if (r.errors) throw new Error(JSON.stringify(r.errors).slice(0, 500));
        accepted += r.data!.ingestReadings.accepted;
      }
    };
    await Promise.all(Array.from({ length: clients }, (_, c) => client(c)));
    const secs = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const pgCpu = (await postgresCpuMs(db.pool)) - pgCpu0;
    const nodeCpu = (cpu.user + cpu.system) / 1000;
    const statements = sqlStats.statements - statements0;
    times.sort((a, b) => a - b);
    console.log(`| figure | value |\n| --- | --- |`);
    console.log(`load average (1 min): ${fmt(load0, 2)} at the start, ${fmt(os.loadavg()[0], 2)} at the end`);
    console.log(`| ingestReadings, ${batches} batches of 1,000 rows, ${clients} client(s) | ${fmt(accepted / secs, 0)} rows/s (${accepted} rows in ${fmt(secs, 2)} s) |`);
    console.log(`| per batch p50 / p95 | ${fmt(percentile(times, 50), 1)} / ${fmt(percentile(times, 95), 1)} ms |`);
    console.log(`| CPU per batch: hub process (with the client) / PostgreSQL | ${fmt(nodeCpu / batches, 1)} / ${fmt(pgCpu / batches, 1)} ms |`);
    // What two idle cores could do: the CPU a batch needs, spread over the machine's cores.
    console.log(`| rows/s the CPU time allows on 2 idle cores (if hub and PostgreSQL keep both busy) | ${fmt((2 * 1000 * 1000) / ((nodeCpu + pgCpu) / batches), 0)} |`);
    console.log(`| SQL statements per batch (incl. background compliance checks) | ${fmt(statements / batches, 1)} |`);

    // The batch's own statements (its stored neighbours, then its write with the rollups), planned and
    // run for the next batch in a transaction rolled back: the partitions each plan holds (an insert
    // routes its rows as it runs, so its plan names none).
    const next = readingRows(batch(0, perClient + 1).map((r) => ({ ...r, periodStart: new Date(r.periodStart), periodEnd: new Date(r.periodEnd) })));
    const conn = await db.pool.connect();
    const planned: string[][] = [];
    try {
      await conn.query('BEGIN');
      const explaining = {
        query: async (sql: string, params: unknown[]) => {
          const plan = await conn.query<{ 'QUERY PLAN': string }>(`EXPLAIN (COSTS OFF) ${sql}`, params);
          planned.push([...new Set(plan.rows.flatMap((r) => r['QUERY PLAN'].match(/reading_y\d{4}m\d{2}/g) ?? []))].sort());
          return conn.query(sql, params);
        },
      } as unknown as pg.PoolClient;
      await storedAround(explaining, next);
      await writeBatch(explaining, { source: BatchSource.GRAPHQL, keyId: null, submittedBy: 'bench', duplicates: 0, fresh: next, corrections: [], timezone: db.timezone });
    } finally {
      await conn.query('ROLLBACK');
      conn.release();
    }
    // Counted again: the warm-up made the months the batches write.
    const { rows: [{ n }] } = await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_inherits WHERE inhparent = 'reading'::regclass`);
    const shown = (p: string[]) => (p.length > 4 ? `${p.length}` : `${p.length} (${p.join(', ') || 'none'})`);
    console.log(`| partitions in the plans of a batch's statements (stored neighbours; write and rollups), of ${n} | ${planned.map(shown).join('; ')} |`);
  });
}

runBench(main);
