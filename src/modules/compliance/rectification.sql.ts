import type pg from 'pg';
import { RectificationStatus, type IndicatorKind } from './compliance.enums';

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
