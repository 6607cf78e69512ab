import type pg from 'pg';
import type { MeterUnit } from '../metering/metering.enums';

/* SQL of the solar module: generation meters' monthly figures and the regions of projects' institutions. */

export interface GenerationMonthRow {
  meter_id: number;
  unit: MeterUnit;
  /** The month's first day, YYYY-MM-DD. */
  month: string;
  /** Exact numeric, as text. */
  value: string;
  covered_s: number;
}

/** Monthly rollups of the meters over the months of [from, to) (from's month included). */
export async function generationMonths(pool: pg.Pool, meterIds: readonly number[], from: string, to: string): Promise<GenerationMonthRow[]> {
  const { rows } = await pool.query<GenerationMonthRow>(
    `SELECT mm.meter_id, m.unit, to_char(mm.month, 'YYYY-MM-DD') AS month, mm.value::numeric AS value, mm.covered_s
       FROM meter_month mm JOIN meter m ON m.id = mm.meter_id
      WHERE mm.meter_id = ANY($1::int[]) AND mm.month >= date_trunc('month', $2::date) AND mm.month < $3::date`,
    [meterIds, from, to],
  );
  return rows;
}

/** The region of each institution, by institution id. */
export async function regionsOfInstitutions(pool: pg.Pool, institutionIds: readonly number[]): Promise<Map<number, number>> {
  const { rows } = await pool.query<{ id: number; region_id: number }>('SELECT id, region_id FROM institution WHERE id = ANY($1::int[])', [institutionIds]);
  return new Map(rows.map((r) => [r.id, r.region_id]));
}
