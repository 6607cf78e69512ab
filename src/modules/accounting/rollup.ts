import type pg from 'pg';
import { numberArray, timestampArray } from '../../db/sql-arrays';

/** A meter and the span of readings a batch changed for it. */
export interface TouchedSpan {
  meterId: number;
  start: Date;
  end: Date;
}

/** What a refresh changed: the meters and the local months (YYYY-MM-01) whose totals were rebuilt. */
export interface RefreshResult {
  meterIds: number[];
  months: string[];
}

/** The UTC calendar day of an instant: a bound on local days, given the 26 h margins around it. */
const utcDay = (d: Date) => d.toISOString().slice(0, 10);

/** A local day starts at most this long before an instant that falls in it (26 h covers any DST shift). */
const DAY_MARGIN_MS = 26 * 3600 * 1000;

/**
 * Rebuilds the daily and monthly totals of the given meters over the local days their spans
 * cover, and nothing else. Runs in the caller's transaction, so totals commit with the readings.
 *
 * Readings are partitioned by month of `period_start`. The days' readings are found between two
 * bounds passed as parameters, so the planner reads only the partitions of the batch's span (bounds
 * from a CTE pruned nothing: the insert read every partition, about 1 s a batch on a year of data).
 * A reading that began before a meter's first day can still reach into it; stored readings never
 * overlap, so it is the meter's last reading starting before that day: one index probe per meter.
 * Totals are upserted: readings are never removed, so a day or month that had a total keeps one.
 */
export async function refreshRollups(client: pg.PoolClient, spans: TouchedSpan[], tz: string): Promise<RefreshResult> {
  if (!spans.length) return { meterIds: [], months: [] };
  const lo = new Date(spans.reduce((m, s) => Math.min(m, s.start.getTime()), Infinity) - DAY_MARGIN_MS);
  const hi = new Date(spans.reduce((m, s) => Math.max(m, s.end.getTime()), -Infinity) + DAY_MARGIN_MS);
  // One span per meter (its first start to its last end) keeps the parameters small.
  const perMeter = new Map<number, { start: Date; end: Date }>();
  for (const s of spans) {
    const m = perMeter.get(s.meterId);
    if (!m) perMeter.set(s.meterId, { start: s.start, end: s.end });
    else {
      if (s.start < m.start) m.start = s.start;
      if (s.end > m.end) m.end = s.end;
    }
  }
  const ids = [...perMeter.keys()];
  const params = [numberArray(ids), timestampArray(ids.map((id) => perMeter.get(id)!.start)), timestampArray(ids.map((id) => perMeter.get(id)!.end)), tz];
  const range = `
    WITH t AS (SELECT meter_id, min(s) AS s, max(e) AS e FROM unnest($1::int[], $2::timestamptz[], $3::timestamptz[]) AS u(meter_id, s, e) GROUP BY meter_id),
    k AS (SELECT meter_id, (s AT TIME ZONE $4)::date AS d0, ((e - interval '1 microsecond') AT TIME ZONE $4)::date AS d1 FROM t)`;
  await client.query(
    `${range},
     b AS (SELECT meter_id, d0, d1, d0::timestamp AT TIME ZONE $4 AS t0, (d1 + 1)::timestamp AT TIME ZONE $4 AS t1 FROM k),
     r AS (SELECT r.meter_id, r.period_start, r.period_end, r.value, b.d0, b.d1
             FROM reading r JOIN b ON r.meter_id = b.meter_id AND r.period_start >= b.t0 AND r.period_start < b.t1
            WHERE r.meter_id = ANY($1::int[]) AND r.period_start >= $5::timestamptz AND r.period_start < $6::timestamptz
           UNION ALL
           SELECT b.meter_id, p.period_start, p.period_end, p.value, b.d0, b.d1
             FROM b CROSS JOIN LATERAL (
                    SELECT period_start, period_end, value FROM reading
                     WHERE meter_id = b.meter_id AND period_start < b.t0
                       -- No reading spans more than 366 days: the older partitions cannot hold it.
                       AND period_start > b.t0 - interval '367 days'
                     ORDER BY period_start DESC LIMIT 1) p
            WHERE p.period_end > b.t0)
     INSERT INTO meter_day (meter_id, day, value, covered_s)
     ${allocated('r', '$4', true)}
     ON CONFLICT (meter_id, day) DO UPDATE SET value = excluded.value, covered_s = excluded.covered_s`,
    [...params, lo, hi],
  );
  const monthRange = `${range}, m AS (SELECT meter_id, date_trunc('month', d0)::date AS m0, date_trunc('month', d1)::date AS m1 FROM k)`;
  const months = [...params, `${utcDay(lo).slice(0, 7)}-01`, `${utcDay(hi).slice(0, 7)}-01`];
  const changed = await client.query<{ month: string }>(
    `${monthRange},
     ins AS (INSERT INTO meter_month (meter_id, month, value, covered_s)
             SELECT md.meter_id, date_trunc('month', md.day)::date, sum(md.value::numeric), sum(md.covered_s)
               FROM m JOIN meter_day md ON md.meter_id = m.meter_id AND md.day >= m.m0 AND md.day < (m.m1 + interval '1 month')
              WHERE md.meter_id = ANY($1::int[]) AND md.day >= $5::date AND md.day < ($6::date + interval '1 month')
              GROUP BY 1, 2
             ON CONFLICT (meter_id, month) DO UPDATE SET value = excluded.value, covered_s = excluded.covered_s
             RETURNING month)
     SELECT DISTINCT to_char(month, 'YYYY-MM-DD') AS month FROM ins ORDER BY 1`,
    months,
  );
  return { meterIds: ids, months: changed.rows.map((r) => r.month) };
}

/** A change a batch makes to the readings: a new reading (`counts`), or a correction's difference of value over an existing one. */
export interface RollupDelta {
  meterId: number;
  start: Date;
  end: Date;
  value: number;
  /** A new reading adds its seconds to the coverage; a correction covers nothing new. */
  counts: boolean;
}

/**
 * Adds a batch's readings to the daily and monthly totals, from the batch's own rows: no stored
 * reading is read again. Totals are sums of allocations that are linear in the value, readings are
 * never removed, and the meters are locked by the writer, so the new total is the old one plus the
 * batch's share (a correction adds new minus old). One statement; runs in the caller's transaction.
 */
export async function addToRollups(client: pg.PoolClient, deltas: RollupDelta[], tz: string): Promise<RefreshResult> {
  if (!deltas.length) return { meterIds: [], months: [] };
  return addSource(
    client,
    `SELECT * FROM unnest($2::int[], $3::timestamptz[], $4::timestamptz[], $5::float8[], $6::float8[]) AS u(meter_id, period_start, period_end, value, w)`,
    [
      tz,
      numberArray(deltas.map((d) => d.meterId)),
      timestampArray(deltas.map((d) => d.start)),
      timestampArray(deltas.map((d) => d.end)),
      numberArray(deltas.map((d) => d.value)),
      numberArray(deltas.map((d) => (d.counts ? 1 : 0))),
    ],
  );
}

/**
 * The same for new readings staged in a table (meter_id, period_start, period_end, value): a file
 * import. `days` holds each distinct (period_start, period_end) of the staged rows with the local
 * days of its two ends (made by `stageLocalDays`): a file has few distinct periods and many rows, so
 * each row takes its days from one hash lookup. (With the instants in a CTE, as for a batch, the
 * planner could not size them and sorted a million rows twice to merge-join them: 15 s of 1,000,000.)
 */
export async function addStagedToRollups(client: pg.PoolClient, table: string, days: string, tz: string): Promise<RefreshResult> {
  const { rows } = await client.query<{ meter_id: number; month: string }>(
    `WITH rollup_src AS NOT MATERIALIZED (
       SELECT s.meter_id, s.period_start, s.period_end, s.value, 1::float8 AS w, p.d0, p.d1
         FROM ${table} s JOIN ${days} p ON p.period_start = s.period_start AND p.period_end = s.period_end),
     ${rollupDayCtes('rollup_src', '$1')}
     SELECT meter_id, to_char(month, 'YYYY-MM-DD') AS month FROM rollup_months`,
    [tz],
  );
  return { meterIds: [...new Set(rows.map((r) => r.meter_id))], months: [...new Set(rows.map((r) => r.month))].sort() };
}

/**
 * Makes the temporary table `days` (period_start, period_end, d0, d1), dropped at the commit: the
 * periods given (parallel arrays of their ends), or with `periods` null each distinct period of
 * `table`'s rows, with the local days of its start and of its last instant.
 */
export async function stageLocalDays(client: pg.PoolClient, days: string, table: string, periods: { starts: string[]; ends: string[] } | null, tz: string): Promise<void> {
  const source = periods
    ? 'SELECT * FROM unnest($2::timestamptz[], $3::timestamptz[]) AS u(period_start, period_end)'
    : `SELECT DISTINCT period_start, period_end FROM ${table}`;
  await client.query(
    `CREATE TEMP TABLE ${days} ON COMMIT DROP AS
       SELECT period_start, period_end, (period_start AT TIME ZONE $1)::date AS d0, ((period_end - interval '1 microsecond') AT TIME ZONE $1)::date AS d1
         FROM (${source}) x`,
    periods ? [tz, periods.starts, periods.ends] : [tz],
  );
  await client.query(`ANALYZE ${days}`);
}

async function addSource(client: pg.PoolClient, source: string, params: unknown[]): Promise<RefreshResult> {
  const { rows } = await client.query<{ meter_id: number; month: string }>(
    `WITH src AS (${source}), ${rollupDeltaCtes('src', '$1')}
     SELECT meter_id, to_char(month, 'YYYY-MM-DD') AS month FROM rollup_months`,
    params,
  );
  return { meterIds: [...new Set(rows.map((r) => r.meter_id))], months: [...new Set(rows.map((r) => r.month))].sort() };
}

/**
 * Common table expressions that add the rows of CTE `src` (meter_id, period_start, period_end,
 * value, w) to `meter_day` and `meter_month`, for a caller's statement that writes the readings too;
 * `rollup_months` then holds (meter_id, month) of each monthly total changed. The local day of each
 * distinct instant is computed once: a batch or file holds few distinct hours and many meters, and
 * `AT TIME ZONE` on every row's two ends was most of the statement's time.
 */
export function rollupDeltaCtes(src: string, tz: string): string {
  return `rollup_instants AS (
       SELECT t, (t AT TIME ZONE ${tz})::date AS day
         FROM (SELECT period_start FROM ${src} UNION SELECT period_end - interval '1 microsecond' FROM ${src}) x(t)),
     rollup_src AS (
       SELECT s.meter_id, s.period_start, s.period_end, s.value, s.w, i0.day AS d0, i1.day AS d1
         FROM ${src} s JOIN rollup_instants i0 ON i0.t = s.period_start JOIN rollup_instants i1 ON i1.t = s.period_end - interval '1 microsecond'),
     ${rollupDayCtes('rollup_src', tz)}`;
}

/**
 * The common table expressions that add the rows of `dayed` (meter_id, period_start, period_end,
 * value, w, and d0 and d1, the local days of its start and of its last instant) to `meter_day` and
 * `meter_month`; `rollup_months` then holds (meter_id, month) of each monthly total changed.
 */
function rollupDayCtes(dayed: string, tz: string): string {
  return `rollup_days AS (
       SELECT a.meter_id, a.day, sum(a.value::numeric) AS value, sum(a.covered_s) AS covered_s FROM (
         SELECT r.meter_id, r.d0 AS day, r.value, extract(epoch FROM r.period_end - r.period_start)::float8 * r.w AS covered_s
           FROM ${dayed} r WHERE r.d0 = r.d1
         UNION ALL
         SELECT r.meter_id, x.day, x.value, x.covered_s * r.w
           FROM ${dayed} r CROSS JOIN LATERAL ewc_allocate(r.period_start, r.period_end, r.value, ${tz}) x WHERE r.d0 <> r.d1
       ) a GROUP BY a.meter_id, a.day),
     rollup_day_upsert AS (
       INSERT INTO meter_day (meter_id, day, value, covered_s) SELECT meter_id, day, value, covered_s FROM rollup_days
       ON CONFLICT (meter_id, day) DO UPDATE SET value = meter_day.value::numeric + excluded.value::numeric, covered_s = meter_day.covered_s + excluded.covered_s),
     rollup_months AS (
       INSERT INTO meter_month (meter_id, month, value, covered_s)
       SELECT meter_id, date_trunc('month', day)::date, sum(value), sum(covered_s) FROM rollup_days GROUP BY 1, 2
       ON CONFLICT (meter_id, month) DO UPDATE SET value = meter_month.value::numeric + excluded.value::numeric, covered_s = meter_month.covered_s + excluded.covered_s
       RETURNING meter_id, month)`;
}

/** Rebuilds every rollup from the readings: after a bulk load, and as the reference the tests compare against. */
export async function rebuildAllRollups(client: pg.PoolClient, tz: string): Promise<void> {
  await client.query('TRUNCATE meter_day, meter_month');
  await client.query(`INSERT INTO meter_day (meter_id, day, value, covered_s) ${allocated('reading', '$1', false)}`, [tz]);
  await client.query(
    `INSERT INTO meter_month (meter_id, month, value, covered_s)
     SELECT meter_id, date_trunc('month', day)::date, sum(value::numeric), sum(covered_s) FROM meter_day GROUP BY 1, 2`,
  );
}

/**
 * Readings spread over local days, summed per meter and day, exactly: values are summed as numeric
 * (each float8 at its 15 significant digits, PostgreSQL's cast), and the float8 columns keep the
 * float nearest each sum, so three readings of 0.1 m³ make 0.3 and not 0.30000000000000004. Most readings lie within one day
 * and take the fast path; the rest go through ewc_allocate. `source` is a table or CTE of readings
 * (meter_id, period_start, period_end, value); with `clip`, it also has d0 and d1, and only the days
 * between them are kept.
 */
function allocated(source: string, tz: string, clip: boolean): string {
  const startDay = `(r.period_start AT TIME ZONE ${tz})::date`;
  const endDay = `((r.period_end - interval '1 microsecond') AT TIME ZONE ${tz})::date`;
  const bounds = clip ? ', r.d0, r.d1' : '';
  return `SELECT a.meter_id, a.day, sum(a.value::numeric) AS value, sum(a.covered_s) AS covered_s FROM (
            SELECT r.meter_id, ${startDay} AS day, r.value, extract(epoch FROM r.period_end - r.period_start)::float8 AS covered_s${bounds}
              FROM ${source} r WHERE ${startDay} = ${endDay}
            UNION ALL
            SELECT r.meter_id, x.day, x.value, x.covered_s${bounds}
              FROM ${source} r CROSS JOIN LATERAL ewc_allocate(r.period_start, r.period_end, r.value, ${tz}) x WHERE ${startDay} <> ${endDay}
          ) a ${clip ? 'WHERE a.day BETWEEN a.d0 AND a.d1' : ''}
          GROUP BY a.meter_id, a.day`;
}
