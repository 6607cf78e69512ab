/**
 * `npm run bench:seed -- [--meters 10000] [--days 365] [--year 2025] [--jobs N] [rollups]`: a city on
 * top of the demo, for benchmarks at scale. Institutions of five meters each (three or four
 * electricity, natural gas at every other one, one water) with hourly readings from 1 January of
 * the year, on the database `npm start` uses (EWC_DATA_DIR or DATABASE_URL), so `npm start`
 * afterwards serves it.
 *
 * Each month is generated in SQL into a bare table and attached as that month's partition:
 * indexes are built once and foreign keys checked in one pass, instead of per row. A month whose
 * partition already exists is inserted into it as an ordinary (slower) insert.
 *
 * PostgreSQL never runs an INSERT ... SELECT in parallel, so `--jobs` connections (default: one per
 * CPU) each take a month to generate, and each take a share of the meters to refresh rollups.
 */
import 'reflect-metadata';
import os from 'node:os';
import { loadConfig } from '../src/config';
import { parseFlags } from '../src/cli/args';
import { openDatabase, type Database } from '../src/app/database';
import { inTransaction } from '../src/db/transaction';
import { seedDemo } from '../src/demo/demo.seeder';
import { refreshRollups } from '../src/modules/accounting/rollup';
import { makeCreditCode } from '../src/modules/registry/credit-code';
import { fmt } from './lib';

const METERS_PER_INSTITUTION = 5;
const CATEGORIES = ['GOVERNMENT_OFFICE', 'HOSPITAL', 'SCHOOL', 'OTHER_PUBLIC'];

const seconds = (t0: number) => (performance.now() - t0) / 1000;

/** `fn` over `items`, at most `jobs` at a time, in order of start. */
async function inParallel<T>(items: T[], jobs: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(jobs, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]);
  }));
}

/**
 * Rollups of the seeded meters with the hub's own refresh, a month at a time (one refresh of a
 * whole year is one aggregate of every reading, which spills to disk), each month's meters split
 * between `jobs` transactions: their rollup rows are disjoint, so they never wait on each other.
 */
async function refreshCityRollups(db: Database, start: number, end: number, jobs: number): Promise<void> {
  const ids = (await db.pool.query<{ id: number }>(`SELECT id FROM meter WHERE serial LIKE 'CITY-%' ORDER BY id`)).rows.map((r) => r.id);
  const share = Math.ceil(ids.length / jobs);
  const shares = Array.from({ length: jobs }, (_, j) => ids.slice(j * share, (j + 1) * share)).filter((s) => s.length);
  const year = new Date(start).getUTCFullYear();
  for (let m = 0; Date.UTC(year, m, 1) < end; m++) {
    const t0 = performance.now();
    const from = new Date(Math.max(Date.UTC(year, m, 1), start));
    const to = new Date(Math.min(Date.UTC(year, m + 1, 1), end));
    await inParallel(shares, jobs, (meters) =>
      inTransaction(db.pool, async (client) => {
        // A month of 10,000 meters is ~300,000 (meter, day) groups: keep the aggregate in memory.
        await client.query(`SET LOCAL work_mem = '256MB'`);
        await refreshRollups(client, meters.map((meterId) => ({ meterId, start: from, end: to })), db.timezone);
      }),
    );
    console.log(`  rollups to ${to.toISOString().slice(0, 10)}: ${fmt(seconds(t0), 1)} s`);
  }
}

async function main(): Promise<void> {
  const { flags, positional } = parseFlags(process.argv.slice(2), ['meters', 'days', 'year', 'jobs']);
  // `rollups`: only (re)build the rollups of a city seeded before (after an interrupted run).
  const rollupsOnly = positional[0] === 'rollups';
  const meters = Number(flags.meters ?? 10_000);
  const days = Number(flags.days ?? 365);
  const year = Number(flags.year ?? 2025);
  const jobs = Number(flags.jobs ?? Math.min(4, os.availableParallelism()));
  if (!(meters >= METERS_PER_INSTITUTION && days >= 1 && days <= 366 && year >= 2000 && year < 2100 && jobs >= 1 && jobs <= 8)) {
    throw new Error('usage: bench:seed -- [--meters N>=5] [--days 1..366] [--year YYYY] [--jobs 1..8] [rollups]');
  }
  const config = loadConfig(process.env);
  const db = await openDatabase(config, { admin: true });
  try {
    if (config.demo) await seedDemo(db, config.dataDir);
    if (rollupsOnly) {
      const t0 = performance.now();
      await refreshCityRollups(db, Date.UTC(year, 0, 1), Date.UTC(year, 0, 1) + days * 86_400_000, jobs);
      console.log(`rollups refreshed in ${fmt(seconds(t0), 1)} s`);
      return;
    }
    const seeded = await db.pool.query(`SELECT 1 FROM meter WHERE serial LIKE 'CITY-%' LIMIT 1`);
    if (seeded.rowCount) throw new Error('this database already holds a seeded city (meters CITY-...); seed a fresh EWC_DATA_DIR');

    const institutions = Math.ceil(meters / METERS_PER_INSTITUTION);
    const t0 = performance.now();
    const made = await db.pool.query<{ id: number }>(
      `WITH city AS (SELECT id FROM region ORDER BY id LIMIT 1),
       ins AS (INSERT INTO institution (name, name_zh, credit_code, category, region_id)
               SELECT 'City institution ' || n, '城市单位' || n, code, cat::institution_category, (SELECT id FROM city)
                 FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS u(code, cat, n) RETURNING id),
       prof AS (INSERT INTO institution_profile (institution_id, year, headcount, floor_area_m2) SELECT id, $3, 50 + id % 400, 2000 + (id % 50) * 300 FROM ins)
       SELECT id FROM ins ORDER BY id`,
      [
        Array.from({ length: institutions }, (_, i) => makeCreditCode('12', '430500', 7_000_000 + i)),
        Array.from({ length: institutions }, (_, i) => CATEGORIES[i % CATEGORIES.length]),
        year,
      ],
    );
    // As the demo's meters: water supplied by the water bureau, the rest by GOA.
    await db.pool.query(
      `WITH spec AS (SELECT i.id, k, CASE WHEN k = 5 THEN 'WATER' WHEN k = 4 AND i.id % 2 = 0 THEN 'NATURAL_GAS' ELSE 'ELECTRICITY' END AS carrier
                       FROM unnest($1::int[]) AS i(id) CROSS JOIN generate_series(1, $2) k)
       INSERT INTO meter (institution_id, carrier, unit, serial, supplier_id)
       SELECT s.id, s.carrier::carrier, CASE WHEN s.carrier = 'ELECTRICITY' THEN 'KWH' ELSE 'M3' END::meter_unit, 'CITY-' || s.id || '-' || s.k,
              (SELECT id FROM agency WHERE code = CASE WHEN s.carrier = 'WATER' THEN 'WATER' ELSE 'GOA' END)
         FROM spec s ORDER BY s.id, s.k LIMIT $3`,
      [made.rows.map((r) => r.id), METERS_PER_INSTITUTION, meters],
    );
    const batch = await db.pool.query<{ id: number }>(
      `INSERT INTO reading_batch (source, submitted_by, received_at, accepted, duplicates, corrected) VALUES ('IMPORT', 'bench:seed', now(), 0, 0, 0) RETURNING id`,
    );
    const batchId = batch.rows[0].id;
    const kinds = await db.pool.query<{ carrier: string; n: number }>(`SELECT carrier, count(*)::int AS n FROM meter WHERE serial LIKE 'CITY-%' GROUP BY 1 ORDER BY 2 DESC`);
    console.log(
      `${institutions} institutions and ${meters} meters (${kinds.rows.map((k) => `${k.n} ${k.carrier.toLowerCase()}`).join(', ')}) in ${fmt(seconds(t0), 1)} s;` +
        ` ${days} days of hourly readings for ${year}, ${jobs} months at a time:`,
    );

    const start = Date.UTC(year, 0, 1);
    const end = start + days * 86_400_000;
    // A table from before the partitions migration takes plain inserts.
    const partitioned = (await db.pool.query(`SELECT relkind FROM pg_class WHERE oid = 'reading'::regclass`)).rows[0].relkind === 'p';
    const months: number[] = [];
    for (let m = 0; Date.UTC(year, m, 1) < end; m++) months.push(m);
    let total = 0;
    const tGen = performance.now();
    await inParallel(months, jobs, async (m) => {
      const from = new Date(Date.UTC(year, m, 1));
      const to = new Date(Math.min(Date.UTC(year, m + 1, 1), end));
      const partition = `reading_y${from.getUTCFullYear()}m${String(from.getUTCMonth() + 1).padStart(2, '0')}`;
      const bare = partitioned && (await db.pool.query('SELECT to_regclass($1) AS r', [partition])).rows[0].r === null;
      const target = bare ? partition : 'reading';
      const t1 = performance.now();
      if (bare) await db.pool.query(`CREATE TABLE ${target} (LIKE reading INCLUDING DEFAULTS)`);
      // A daily and a seasonal swing, and a per-meter size; cheap arithmetic, no per-row hashing.
      const ins = await db.pool.query(
        `INSERT INTO ${target} (meter_id, period_start, period_end, value, quality, batch_id)
         SELECT m.id, t, t + interval '1 hour',
                round(((CASE m.carrier WHEN 'WATER' THEN 0.4 WHEN 'NATURAL_GAS' THEN 1.5 ELSE 8 END) * (1 + (m.id % 17) / 10.0)
                       * (1 + 0.35 * sin(2 * pi() * (extract(hour FROM t) - 6) / 24))
                       * (1 + 0.2 * cos(2 * pi() * extract(doy FROM t) / 365)))::numeric, 2)::float8,
                'MEASURED', $3
           FROM meter m CROSS JOIN generate_series($1::timestamptz, $2::timestamptz - interval '1 hour', interval '1 hour') t
          WHERE m.serial LIKE 'CITY-%'`,
        [from, to, batchId],
      );
      const tAttach = performance.now();
      if (bare) {
        // Attaching builds the partition's indexes and checks its foreign keys in one pass each.
        const upper = new Date(Date.UTC(year, m + 1, 1));
        await db.pool.query(`ALTER TABLE reading ATTACH PARTITION ${target} FOR VALUES FROM ('${from.toISOString()}') TO ('${upper.toISOString()}')`);
      }
      total += ins.rowCount ?? 0;
      console.log(
        `  ${partition}: ${(ins.rowCount ?? 0).toLocaleString('en-US')} rows, generated in ${fmt((tAttach - t1) / 1000, 1)} s` +
          (bare ? `, indexed and attached in ${fmt(seconds(tAttach), 1)} s` : ' (into reading: ordinary insert)') +
          `; ${total.toLocaleString('en-US')} so far, ${Math.round(total / seconds(tGen)).toLocaleString('en-US')} rows/s`,
      );
    });
    const genS = seconds(tGen);
    await db.pool.query('UPDATE reading_batch SET accepted = $1 WHERE id = $2', [total, batchId]);

    const tRoll = performance.now();
    await refreshCityRollups(db, start, end, jobs);
    const rollS = seconds(tRoll);
    const tAnalyze = performance.now();
    await db.pool.query('ANALYZE');
    const size = await db.pool.query<{ bytes: string; parts: number; db: string }>(
      `SELECT sum(pg_total_relation_size(relid))::bigint AS bytes, count(*)::int AS parts, pg_database_size(current_database()) AS db
         FROM pg_partition_tree('reading') WHERE isleaf`,
    );
    const readings = Number((await db.pool.query('SELECT count(*) AS n FROM reading')).rows[0].n);
    console.log(`
readings generated   ${total.toLocaleString('en-US')} in ${fmt(genS, 1)} s (${Math.round(total / genS).toLocaleString('en-US')} rows/s, indexes and foreign-key checks included)
rollups refreshed    ${fmt(rollS, 1)} s (meter_day and meter_month of ${meters} meters, ${jobs} transactions a month); ANALYZE ${fmt(seconds(tAnalyze), 1)} s
readings in all      ${readings.toLocaleString('en-US')} in ${size.rows[0].parts} partitions, ${fmt(Number(size.rows[0].bytes) / 1024 ** 3, 2)} GiB with indexes (database ${fmt(Number(size.rows[0].db) / 1024 ** 3, 2)} GiB)
total                ${fmt(seconds(t0), 1)} s`);
  } finally {
    await db.close();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
