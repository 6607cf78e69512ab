import type pg from 'pg';

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

/**
 * Rebuilds the daily and monthly totals of the given meters over the local days their spans
 * cover, and nothing else. Runs in the caller's transaction, so totals commit with the readings.
 * Readings never overlap and last at most 366 days, which bounds the scan per meter.
 */
export async function refreshRollups(client: pg.PoolClient, spans: TouchedSpan[], tz: string): Promise<RefreshResult> {
  if (!spans.length) return { meterIds: [], months: [] };
  const params = [spans.map((s) => s.meterId), spans.map((s) => s.start), spans.map((s) => s.end), tz];
  const range = `
    WITH t AS (SELECT meter_id, min(s) AS s, max(e) AS e FROM unnest($1::int[], $2::timestamptz[], $3::timestamptz[]) AS u(meter_id, s, e) GROUP BY meter_id),
    k AS (SELECT meter_id, (s AT TIME ZONE $4)::date AS d0, ((e - interval '1 microsecond') AT TIME ZONE $4)::date AS d1 FROM t)`;
  await client.query(`${range} DELETE FROM meter_day md USING k WHERE md.meter_id = k.meter_id AND md.day BETWEEN k.d0 AND k.d1`, params);
  await client.query(
    `${range}
     INSERT INTO meter_day (meter_id, day, value, covered_s)
     ${allocated(`JOIN k ON r.meter_id = k.meter_id
                     AND r.period_start < ((k.d1 + 1)::timestamp AT TIME ZONE $4)
                     AND r.period_start > (k.d0::timestamp AT TIME ZONE $4) - interval '367 days'
                     AND r.period_end > (k.d0::timestamp AT TIME ZONE $4)`, '$4', true)}`,
    params,
  );
  const monthRange = `${range}, m AS (SELECT meter_id, date_trunc('month', d0)::date AS m0, date_trunc('month', d1)::date AS m1 FROM k)`;
  await client.query(`${monthRange} DELETE FROM meter_month mm USING m WHERE mm.meter_id = m.meter_id AND mm.month BETWEEN m.m0 AND m.m1`, params);
  const months = await client.query<{ month: string }>(
    `${monthRange},
     ins AS (INSERT INTO meter_month (meter_id, month, value, covered_s)
             SELECT md.meter_id, date_trunc('month', md.day)::date, sum(md.value), sum(md.covered_s)
               FROM m JOIN meter_day md ON md.meter_id = m.meter_id AND md.day >= m.m0 AND md.day < (m.m1 + interval '1 month')
              GROUP BY 1, 2
             RETURNING month)
     SELECT DISTINCT to_char(month, 'YYYY-MM-DD') AS month FROM ins ORDER BY 1`,
    params,
  );
  return { meterIds: [...new Set(spans.map((s) => s.meterId))], months: months.rows.map((r) => r.month) };
}

/** Rebuilds every rollup from the readings: after a bulk load, and as the reference the tests compare against. */
export async function rebuildAllRollups(client: pg.PoolClient, tz: string): Promise<void> {
  await client.query('TRUNCATE meter_day, meter_month');
  await client.query(`INSERT INTO meter_day (meter_id, day, value, covered_s) ${allocated('', '$1', false)}`, [tz]);
  await client.query(
    `INSERT INTO meter_month (meter_id, month, value, covered_s)
     SELECT meter_id, date_trunc('month', day)::date, sum(value), sum(covered_s) FROM meter_day GROUP BY 1, 2`,
  );
}

/**
 * Readings spread over local days, summed per meter and day. Most readings lie within one day
 * and take the fast path; the rest go through ewc_allocate. `join` narrows the readings (alias r);
 * with `clip`, only the days between k.d0 and k.d1 of the join are kept.
 */
function allocated(join: string, tz: string, clip: boolean): string {
  const startDay = `(r.period_start AT TIME ZONE ${tz})::date`;
  const endDay = `((r.period_end - interval '1 microsecond') AT TIME ZONE ${tz})::date`;
  const bounds = clip ? ', k.d0, k.d1' : '';
  return `SELECT a.meter_id, a.day, sum(a.value), sum(a.covered_s) FROM (
            SELECT r.meter_id, ${startDay} AS day, r.value, extract(epoch FROM r.period_end - r.period_start)::float8 AS covered_s${bounds}
              FROM reading r ${join} WHERE ${startDay} = ${endDay}
            UNION ALL
            SELECT r.meter_id, x.day, x.value, x.covered_s${bounds}
              FROM reading r ${join} CROSS JOIN LATERAL ewc_allocate(r.period_start, r.period_end, r.value, ${tz}) x WHERE ${startDay} <> ${endDay}
          ) a ${clip ? 'WHERE a.day BETWEEN a.d0 AND a.d1' : ''}
          GROUP BY a.meter_id, a.day`;
}
