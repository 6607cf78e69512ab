/**
 * `npm run bench:seed -- [--meters 10000] [--days 365] [--year 2025] [rollups]`: a city on top of the demo,
 * for benchmarks at scale. Institutions of five meters each (four electricity, one water) with
 * hourly readings from 1 January of the year, on the database `npm start` uses (EWC_DATA_DIR or
 * DATABASE_URL), so `npm start` afterwards serves it.
 *
 * Each month is generated in SQL into a bare table and attached as that month's partition:
 * indexes are built once and foreign keys checked in one pass, instead of per row. A month whose
 * partition already exists is inserted into it as an ordinary (slower) insert.
 */
import 'reflect-metadata';
import { loadConfig } from '../src/config';
import { parseFlags } from '../src/cli/args';
import { openDatabase, type Database } from '../src/db/database';
import { seedDemo } from '../src/db/demo/demo.seeder';
import { refreshRollups } from '../src/modules/accounting/rollup';
import { makeCreditCode } from '../src/modules/registry/credit-code';
import { fmt } from './lib';

const METERS_PER_INSTITUTION = 5;
const CATEGORIES = ['GOVERNMENT_OFFICE', 'HOSPITAL', 'SCHOOL', 'OTHER_PUBLIC'];

const seconds = (t0: number) => (performance.now() - t0) / 1000;

/**
 * Rollups of the seeded meters, a month at a time: one refresh of a whole year is one aggregate
 * of every reading, which spills to disk; twelve of a month each stay in memory.
 */
async function refreshCityRollups(db: Database, start: number, end: number): Promise<void> {
  const ids = (await db.pool.query<{ id: number }>(`SELECT id FROM meter WHERE serial LIKE 'CITY-%'`)).rows.map((r) => r.id);
  const client = await db.pool.connect();
  try {
    const year = new Date(start).getUTCFullYear();
    for (let m = 0; Date.UTC(year, m, 1) < end; m++) {
      const t0 = performance.now();
      const from = new Date(Math.max(Date.UTC(year, m, 1), start));
      const to = new Date(Math.min(Date.UTC(year, m + 1, 1), end));
      await client.query('BEGIN');
      await refreshRollups(client, ids.map((meterId) => ({ meterId, start: from, end: to })), db.timezone);
      await client.query('COMMIT');
      console.log(`  rollups to ${to.toISOString().slice(0, 10)}: ${fmt(seconds(t0), 1)} s`);
    }
  } finally {
    client.release();
  }
}

async function main(): Promise<void> {
  const { flags, positional } = parseFlags(process.argv.slice(2), ['meters', 'days', 'year']);
  // `rollups`: only (re)build the rollups of a city seeded before (after an interrupted run).
  const rollupsOnly = positional[0] === 'rollups';
  const meters = Number(flags.meters ?? 10_000);
  const days = Number(flags.days ?? 365);
  const year = Number(flags.year ?? 2025);
  if (!(meters >= METERS_PER_INSTITUTION && days >= 1 && days <= 366 && year >= 2000 && year < 2100)) {
    throw new Error('usage: bench:seed -- [--meters N>=5] [--days 1..366] [--year YYYY]');
  }
  const config = loadConfig(process.env);
  const db = await openDatabase(config);
  try {
    if (config.demo) await seedDemo(db, config.dataDir);
    if (rollupsOnly) {
      const t0 = performance.now();
      await refreshCityRollups(db, Date.UTC(year, 0, 1), Date.UTC(year, 0, 1) + days * 86_400_000);
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
    await db.pool.query(
      `INSERT INTO meter (institution_id, carrier, unit, serial)
       SELECT i.id, CASE WHEN k = 5 THEN 'WATER' ELSE 'ELECTRICITY' END::carrier, CASE WHEN k = 5 THEN 'M3' ELSE 'KWH' END::meter_unit, 'CITY-' || i.id || '-' || k
         FROM unnest($1::int[]) AS i(id) CROSS JOIN generate_series(1, $2) k
        ORDER BY i.id, k LIMIT $3`,
      [made.rows.map((r) => r.id), METERS_PER_INSTITUTION, meters],
    );
    const batch = await db.pool.query<{ id: number }>(
      `INSERT INTO reading_batch (source, submitted_by, received_at, accepted, duplicates, corrected) VALUES ('IMPORT', 'bench:seed', now(), 0, 0, 0) RETURNING id`,
    );
    const batchId = batch.rows[0].id;
    console.log(`${institutions} institutions and ${meters} meters in ${fmt(seconds(t0), 1)} s; ${days} days of hourly readings for ${year}:`);

    const start = Date.UTC(year, 0, 1);
    const end = start + days * 86_400_000;
    let total = 0;
    const tGen = performance.now();
    for (let m = 0; Date.UTC(year, m, 1) < end; m++) {
      const from = new Date(Date.UTC(year, m, 1));
      const to = new Date(Math.min(Date.UTC(year, m + 1, 1), end));
      const partition = `reading_y${from.getUTCFullYear()}m${String(from.getUTCMonth() + 1).padStart(2, '0')}`;
      const exists = (await db.pool.query('SELECT to_regclass($1) AS r', [partition])).rows[0].r !== null;
      const target = exists ? 'reading' : `${partition}`;
      const t1 = performance.now();
      if (!exists) await db.pool.query(`CREATE TABLE ${target} (LIKE reading INCLUDING DEFAULTS)`);
      // A daily and a seasonal swing, and a per-meter size; cheap arithmetic, no per-row hashing.
      const ins = await db.pool.query(
        `INSERT INTO ${target} (meter_id, period_start, period_end, value, quality, batch_id)
         SELECT m.id, t, t + interval '1 hour',
                round(((CASE WHEN m.carrier = 'WATER' THEN 0.4 ELSE 8 END) * (1 + (m.id % 17) / 10.0)
                       * (1 + 0.35 * sin(2 * pi() * (extract(hour FROM t) - 6) / 24))
                       * (1 + 0.2 * cos(2 * pi() * extract(doy FROM t) / 365)))::numeric, 2)::float8,
                'MEASURED', $3
           FROM meter m CROSS JOIN generate_series($1::timestamptz, $2::timestamptz - interval '1 hour', interval '1 hour') t
          WHERE m.serial LIKE 'CITY-%'`,
        [from, to, batchId],
      );
      const tAttach = performance.now();
      if (!exists) {
        const upper = new Date(Date.UTC(year, m + 1, 1));
        await db.pool.query(`ALTER TABLE reading ATTACH PARTITION ${target} FOR VALUES FROM ('${from.toISOString()}') TO ('${upper.toISOString()}')`);
      }
      total += ins.rowCount ?? 0;
      console.log(
        `  ${partition}: ${(ins.rowCount ?? 0).toLocaleString('en-US')} rows, generated in ${fmt((tAttach - t1) / 1000, 1)} s` +
          (exists ? ' (existing partition: ordinary insert)' : `, indexed and attached in ${fmt(seconds(tAttach), 1)} s`) +
          `; ${total.toLocaleString('en-US')} so far, ${Math.round(total / seconds(tGen)).toLocaleString('en-US')} rows/s`,
      );
    }
    const genS = seconds(tGen);
    await db.pool.query('UPDATE reading_batch SET accepted = $1 WHERE id = $2', [total, batchId]);

    const tRoll = performance.now();
    await refreshCityRollups(db, start, end);
    const rollS = seconds(tRoll);
    const tAnalyze = performance.now();
    await db.pool.query('ANALYZE');
    const size = await db.pool.query<{ bytes: string; parts: number }>(
      `SELECT sum(pg_total_relation_size(relid))::bigint AS bytes, count(*)::int AS parts FROM pg_partition_tree('reading') WHERE isleaf`,
    );
    const readings = Number((await db.pool.query('SELECT count(*) AS n FROM reading')).rows[0].n);
    console.log(`
readings generated   ${total.toLocaleString('en-US')} in ${fmt(genS, 1)} s (${Math.round(total / genS).toLocaleString('en-US')} rows/s, indexes and foreign-key checks included)
rollups refreshed    ${fmt(rollS, 1)} s (meter_day and meter_month of ${meters} meters); ANALYZE ${fmt(seconds(tAnalyze), 1)} s
readings in all      ${readings.toLocaleString('en-US')} in ${size.rows[0].parts} partitions, ${fmt(Number(size.rows[0].bytes) / 1024 ** 3, 2)} GiB with indexes
total                ${fmt(seconds(t0), 1)} s`);
  } finally {
    await db.close();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
