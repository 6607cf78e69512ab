/**
 * Issue 7: indicator queries at 1x, 10x and 100x the demo's readings, with the same totals.
 *
 *   npm run build && node dist/bench/indicators-scale.bench.js
 *
 * Each demo reading (a day) is cut into 10, then each of those into 10 again (100 per day), values
 * divided: the same meters and totals, ten and a hundred times the raw rows. Each month's partition
 * is rewritten into a bare table and attached in its place (indexes built once), then every rollup
 * is rebuilt. The figures must not change, and neither should the time to get them: indicators
 * read the daily and monthly rollups and, for closed years, the frozen monthly figures.
 */
import 'reflect-metadata';
import type { Database } from '../src/db/database';
import { inTransaction } from '../src/db/transaction';
import { rebuildAllRollups } from '../src/modules/accounting/rollup';
import { fmt, percentile, post, runBench, withDemoHub } from './lib';

const DEPARTMENTS = `query($year: Int!) { indicators(period: { year: $year }, filter: { inMunicipalAppraisal: true }, first: 100) {
  totalCount nodes { energyKgce waterM3 perCapitaEnergyKgce energyPerAreaKgceM2 perCapitaWaterM3 coverage } } }`;
const ONE_MONTH = `query($id: ID!) { node(id: $id) { ... on Institution { indicators(period: { year: 2024, month: 3 }) { energyKgce waterM3 coverage } } } }`;

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- an untyped GraphQL response, read field by field

/** p50 and p95 in ms over `runs` sequential requests, and the last answer (to compare across scales). */
async function measure(url: string, key: string, query: string, variables: unknown, runs = 100): Promise<{ p50: number; p95: number; data: Json }> {
  let data: Json = {};
  for (let i = 0; i < 5; i++) await post(url, key, query, variables);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = await post(url, key, query, variables);
    times.push(performance.now() - t0);
    if (r.errors) throw new Error(JSON.stringify(r.errors).slice(0, 300));
    data = r.data;
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p95: percentile(times, 95), data };
}

/** Cuts every reading into `n` equal pieces, partition by partition; returns the reading count. */
async function cutReadings(db: Database, n: number): Promise<number> {
  const { rows: parts } = await db.pool.query<{ name: string; bound: string }>(
    `SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = 'reading'::regclass ORDER BY 1`,
  );
  // A piece lands in the partition of its own start, which for the last pieces of a reading that
  // crosses a month end is the next one: every new table is filled before any old one goes.
  // Readings that can have a piece in a month start at most the longest reading before it.
  const { rows: [{ span }] } = await db.pool.query<{ span: string }>('SELECT max(period_end - period_start)::text AS span FROM reading');
  for (const p of parts) {
    const [, lower, upper] = /FROM \('([^']+)'\) TO \('([^']+)'\)/.exec(p.bound)!;
    await db.pool.query(`CREATE TABLE ${p.name}_cut (LIKE reading INCLUDING DEFAULTS)`);
    await db.pool.query(
      `INSERT INTO ${p.name}_cut (meter_id, period_start, period_end, value, quality, batch_id)
       SELECT meter_id, s, e, value / $1, quality, batch_id
         FROM reading r CROSS JOIN generate_series(0, $1 - 1) k
         CROSS JOIN LATERAL (SELECT r.period_start + (r.period_end - r.period_start) * k / $1 AS s,
                                    r.period_start + (r.period_end - r.period_start) * (k + 1) / $1 AS e) piece
        WHERE r.period_start > $2::timestamptz - $4::interval AND r.period_start < $3 AND s >= $2 AND s < $3`,
      [n, lower, upper, span],
    );
  }
  for (const p of parts) {
    await db.pool.query(`ALTER TABLE reading DETACH PARTITION ${p.name}`);
    await db.pool.query(`DROP TABLE ${p.name}`);
    await db.pool.query(`ALTER TABLE ${p.name}_cut RENAME TO ${p.name}`);
    await db.pool.query(`ALTER TABLE reading ATTACH PARTITION ${p.name} ${p.bound}`);
  }
  await inTransaction(db.pool, (client) => rebuildAllRollups(client, db.timezone));
  await db.pool.query('ANALYZE');
  return Number((await db.pool.query('SELECT count(*) AS n FROM reading')).rows[0].n);
}

/** The same figures up to float rounding (a sum of a hundred pieces is not bit-identical). */
function sameFigures(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => sameFigures((a as Json)[k], (b as Json)[k]));
  }
  return a === b;
}

runBench(() =>
  withDemoHub(async ({ db, url, goa }) => {
    const inst = await post(url, goa, '{ institutions(first: 1) { nodes { id } } }');
    const institutionId = inst.data.institutions.nodes[0].id;

    const rows: string[] = [];
    let base: Json[] | null = null;
    let base50: number[] = [];
    let readings = Number((await db.pool.query('SELECT count(*) AS n FROM reading')).rows[0].n);
    for (const [label, cut] of [['1x', 1], ['10x', 10], ['100x', 10]] as const) {
      let made = '';
      if (cut > 1) {
        const t0 = performance.now();
        readings = await cutReadings(db, cut);
        made = ` (made and rolled up in ${fmt((performance.now() - t0) / 1000, 0)} s)`;
      }
      const closed = await measure(url, goa, DEPARTMENTS, { year: 2023 });
      const open = await measure(url, goa, DEPARTMENTS, { year: 2024 });
      const month = await measure(url, goa, ONE_MONTH, { id: institutionId });
      if (closed.data.indicators.totalCount !== 87) throw new Error('expected the 87 departments');
      const answers = [closed.data, open.data, month.data];
      base ??= answers;
      const same = answers.every((a, i) => sameFigures(a, base![i]));
      const p50s = [closed.p50, open.p50, month.p50];
      if (!base50.length) base50 = p50s;
      const cell = (m: { p50: number; p95: number }, i: number) => `${fmt(m.p50, 1)} / ${fmt(m.p95, 1)} (${fmt(m.p50 / base50[i], 2)}x)`;
      rows.push(`| ${label}: ${readings.toLocaleString('en-US')} readings${made} | ${cell(closed, 0)} | ${cell(open, 1)} | ${cell(month, 2)} | ${same ? 'yes' : 'NO'} |`);
      console.log(rows[rows.length - 1]);
    }
    console.log(`
| readings | 87 departments, 2023 closed: p50 / p95 ms (p50 vs 1x) | 87 departments, 2024 open | one institution, March 2024 | same figures as 1x |
| --- | --- | --- | --- | --- |
${rows.join('\n')}`);
  }),
);
