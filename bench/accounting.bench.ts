/**
 * Issue 4's figures, from one run: p50/p95 of the year's indicators of the 87 departments
 * (a closed year, read from frozen figures, and an open one, from rollups), the time to
 * refresh rollups after a 10,000-row ingest, and both again with 10x the demo's meters and readings.
 *
 *   npm run build && node dist/bench/accounting.bench.js
 */
import 'reflect-metadata';
import type { Database } from '../src/db/database';
import { inTransaction } from '../src/db/transaction';
import { toGlobalId } from '../src/graphql/relay';
import { refreshRollups } from '../src/modules/accounting/rollup';
import { multiply } from './scale';
import { fmt, latency, post, runBench, withDemoHub } from './lib';

const DEPARTMENTS = `query($year: Int!) { indicators(period: { year: $year }, filter: { inMunicipalAppraisal: true }, first: 100) {
  totalCount nodes { energyKgce waterM3 perCapitaEnergyKgce energyPerAreaKgceM2 perCapitaWaterM3 coverage emissions { scope1KgCo2 scope2KgCo2 } compliance { indicator status } } } }`;
const INGEST = `mutation($rows: [ReadingRowInput!]!) { ingestReadings(input: { rows: $rows }) { accepted } }`;

/** The 87 departments' indicators for a year, 200 requests after 10 unmeasured ones. */
const departments = (url: string, key: string, year: number) =>
  latency(url, key, DEPARTMENTS, { year }, (d) => d.indicators.totalCount === 87, 200, 10);

/** 10,000 hourly readings over 100 electricity meters, starting at `base`; returns the ingest time and the refresh alone. */
async function ingest10k(db: Database, url: string, key: string, base: number): Promise<string> {
  const { rows: meters } = await db.pool.query<{ id: number }>(`SELECT id FROM meter WHERE carrier = 'ELECTRICITY' ORDER BY id LIMIT 100`);
  const spans = Array.from({ length: 10_000 }, (_, i) => {
    const hour = Math.floor(i / meters.length);
    return { meterId: meters[i % meters.length].id, start: new Date(base + hour * 3_600_000), end: new Date(base + (hour + 1) * 3_600_000) };
  });
  const rows = spans.map((x, i) => ({ meterId: toGlobalId('Meter', x.meterId), periodStart: x.start.toISOString(), periodEnd: x.end.toISOString(), value: 5 + (i % 13) }));
  const t0 = performance.now();
  const r = await post(url, key, INGEST, { rows });
  const total = performance.now() - t0;
  if (r.errors) throw new Error(JSON.stringify(r.errors).slice(0, 300));
  // The refresh alone, as the ingest ran it: the same spans again, in a transaction.
  const refresh = await inTransaction(db.pool, async (client) => {
    const t1 = performance.now();
    await refreshRollups(client, spans, db.timezone);
    return performance.now() - t1;
  });
  return `ingestReadings of 10,000 rows ${fmt(total, 0)} ms in all; rollup refresh alone ${fmt(refresh, 0)} ms`;
}

runBench(() =>
  withDemoHub(async ({ db, url, goa }) => {
    const readings = Number((await db.pool.query('SELECT count(*) AS n FROM reading')).rows[0].n);
    console.log(`\n1x demo (${readings.toLocaleString('en-US')} readings)`);
    console.log(`  87 departments, 2023 (closed, frozen figures): ${await departments(url, goa, 2023)}`);
    console.log(`  87 departments, 2024 (open, from rollups):     ${await departments(url, goa, 2024)}`);
    // Twice in a row: the first write after a bulk load also pays for the pages it is the first to touch.
    console.log(`  ${await ingest10k(db, url, goa, Date.parse('2025-01-01T00:00:00+08:00'))}`);
    console.log(`  ${await ingest10k(db, url, goa, Date.parse('2025-01-10T00:00:00+08:00'))} (again, the next 100 hours)`);

    const t1 = performance.now();
    const n = await multiply(db);
    console.log(`\n10x demo (${n.toLocaleString('en-US')} readings; made and rolled up in ${fmt((performance.now() - t1) / 1000, 1)} s)`);
    console.log(`  87 departments, 2023 (closed, frozen figures): ${await departments(url, goa, 2023)}`);
    console.log(`  87 departments, 2024 (open, from rollups):     ${await departments(url, goa, 2024)}`);
    console.log(`  ${await ingest10k(db, url, goa, Date.parse('2025-03-01T00:00:00+08:00'))}`);
    console.log(`  ${await ingest10k(db, url, goa, Date.parse('2025-03-10T00:00:00+08:00'))} (again, the next 100 hours)`);
  }),
);
