import type pg from 'pg';
import { RectificationStatus, type AlertDirection, type IndicatorKind } from './compliance.enums';

/* SQL of the compliance module: rectification cases, alerts, and what an assessment round reads. */

export interface Breach {
  institutionId: number;
  indicator: IndicatorKind;
  value: number;
  constraintValue: number;
}

/** Days an institution has to find the cause and answer, from the day the case opens. */
export const RECTIFICATION_DAYS = 90;

/** Opens a case per breach of a closed year (in the caller's transaction); an existing case is kept. */
export async function openRectifications(client: pg.PoolClient, year: number, breaches: Breach[], actor: string): Promise<{ id: number; institution_id: number }[]> {
  if (!breaches.length) return [];
  const { rows } = await client.query<{ id: number; institution_id: number }>(
    `INSERT INTO rectification_case (institution_id, year, indicator, value, constraint_value, status, deadline)
     SELECT i, $1, k::indicator_kind, v, c, $6, (now() AT TIME ZONE 'UTC')::date + $7::int
       FROM unnest($2::int[], $3::text[], $4::float8[], $5::float8[]) AS u(i, k, v, c)
     ON CONFLICT (institution_id, year, indicator) DO NOTHING
     RETURNING id, institution_id`,
    [year, breaches.map((b) => b.institutionId), breaches.map((b) => b.indicator), breaches.map((b) => b.value), breaches.map((b) => b.constraintValue), RectificationStatus.OPEN, RECTIFICATION_DAYS],
  );
  if (rows.length) {
    await client.query(
      `INSERT INTO rectification_event (rectification_case_id, from_status, to_status, note, actor, at)
       SELECT id, NULL, $2, $3, $4, now() FROM unnest($1::int[]) AS id`,
      [rows.map((r) => r.id), RectificationStatus.OPEN, `opened when ${year} was closed: over the constraint value`, actor],
    );
  }
  return rows;
}

/** The last day with readings of each institution within [from, to), by institution. */
export async function lastReadingDays(pool: pg.Pool, institutionIds: readonly number[], from: string, to: string): Promise<{ institution_id: number; through: string }[]> {
  const { rows } = await pool.query<{ institution_id: number; through: string }>(
    // The last day per meter is one probe of meter_day's key, not a scan of the year's days.
    `SELECT m.institution_id, to_char(max(x.day), 'YYYY-MM-DD') AS through
       FROM meter m CROSS JOIN LATERAL (
              SELECT day FROM meter_day WHERE meter_id = m.id AND day >= $2::date AND day < $3::date ORDER BY day DESC LIMIT 1) x
      WHERE m.institution_id = ANY($1::int[])
      GROUP BY 1`,
    [institutionIds, from, to],
  );
  return rows;
}

/** The direction of the latest alert of a year for each institution and indicator. */
export async function latestAlertDirections(
  pool: pg.Pool,
  year: number,
  institutionIds: readonly number[],
): Promise<{ institution_id: number; indicator: IndicatorKind; direction: AlertDirection }[]> {
  const { rows } = await pool.query<{ institution_id: number; indicator: IndicatorKind; direction: AlertDirection }>(
    `SELECT DISTINCT ON (institution_id, indicator) institution_id, indicator, direction
       FROM compliance_alert WHERE year = $1 AND institution_id = ANY($2::int[]) ORDER BY institution_id, indicator, id DESC`,
    [year, institutionIds],
  );
  return rows;
}

export interface AlertRow {
  institutionId: number;
  year: number;
  indicator: IndicatorKind;
  direction: AlertDirection;
  projectedValue: number;
  yearToDateValue: number;
  constraintValue: number;
}

/** Records an alert; returns its id. */
export async function insertAlert(pool: pg.Pool, a: AlertRow): Promise<number> {
  const { rows } = await pool.query<{ id: number }>(
    `INSERT INTO compliance_alert (institution_id, year, indicator, direction, projected_value, year_to_date_value, constraint_value, at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, now()) RETURNING id`,
    [a.institutionId, a.year, a.indicator, a.direction, a.projectedValue, a.yearToDateValue, a.constraintValue],
  );
  return rows[0].id;
}

export async function isYearClosed(pool: pg.Pool, year: number): Promise<boolean> {
  return Boolean((await pool.query('SELECT 1 FROM year_closure WHERE year = $1', [year])).rowCount);
}

export interface AppraisalMemberRow {
  id: number;
  name: string;
  name_zh: string;
  credit_code: string;
}

/** The departments in the municipal appraisal, by id. */
export async function appraisalMembers(pool: pg.Pool): Promise<AppraisalMemberRow[]> {
  return (await pool.query<AppraisalMemberRow>('SELECT id, name, name_zh, credit_code FROM institution WHERE in_municipal_appraisal ORDER BY id')).rows;
}

/** Rectification cases of a year not yet accepted, counted by institution. */
export async function openRectificationCounts(pool: pg.Pool, year: number): Promise<Map<number, number>> {
  const { rows } = await pool.query<{ institution_id: number; n: number }>(
    'SELECT institution_id, count(*)::int AS n FROM rectification_case WHERE status <> $1 AND year = $2 GROUP BY 1',
    [RectificationStatus.ACCEPTED, year],
  );
  return new Map(rows.map((r) => [r.institution_id, r.n]));
}
