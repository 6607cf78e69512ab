import type pg from 'pg';
import type { RecyclingRow } from './recycling-ingest.service';

/** SQL of the recycling module that is not plain entity reads: batches of records and sums. */

/**
 * Locks the batch's institutions against another batch for them (two batches of one institution
 * apply one after the other), and says which exist.
 */
export async function lockInstitutions(client: pg.ClientBase, ids: number[]): Promise<Set<number>> {
  const { rows } = await client.query<{ id: number }>('SELECT id FROM institution WHERE id = ANY($1::int[]) ORDER BY id FOR NO KEY UPDATE', [ids]);
  return new Set(rows.map((r) => r.id));
}

const keyArrays = (rows: RecyclingRow[]) => [rows.map((r) => r.institutionId), rows.map((r) => r.month), rows.map((r) => r.stream), rows.map((r) => r.disposition)];

/** Stored quantities of the rows' keys, by `institution|month|stream|disposition`. */
export async function storedRecyclingKeys(client: pg.ClientBase, rows: RecyclingRow[]): Promise<Map<string, string>> {
  const { rows: found } = await client.query<{ k: string; kg: string }>(
    `SELECT r.institution_id || '|' || to_char(r.month, 'YYYY-MM-DD') || '|' || r.stream || '|' || r.disposition AS k, r.quantity_kg::text AS kg
       FROM unnest($1::int[], $2::date[], $3::text[], $4::text[]) AS k(i, m, s, d)
       JOIN recycling_record r ON r.institution_id = k.i AND r.month = k.m AND r.stream = k.s::recycling_stream AND r.disposition = k.d::waste_disposition`,
    keyArrays(rows),
  );
  return new Map(found.map((r) => [r.k, r.kg]));
}

export async function insertRecyclingRecords(client: pg.ClientBase, rows: RecyclingRow[], createdBy: string): Promise<void> {
  await client.query(
    `INSERT INTO recycling_record (institution_id, month, stream, disposition, quantity_kg, created_by)
     SELECT i, m, s::recycling_stream, d::waste_disposition, q, $6 FROM unnest($1::int[], $2::date[], $3::text[], $4::text[], $5::numeric[]) AS u(i, m, s, d, q)`,
    [...keyArrays(rows), rows.map((r) => String(r.quantityKg)), createdBy],
  );
}

/** One institution's kilograms of one stream and disposition over a period. */
export interface RecyclingSumRow {
  institution_id: number;
  stream: string;
  disposition: string;
  kg: string;
  /** Months of the period with a record of this stream and disposition: bit n is the n-th month from the period's first. */
  months: string;
}

/**
 * Exact sums (numeric) per institution, stream and disposition over local months [from, to), with
 * the months they cover as a bit mask (a period is at most a year): one hash aggregate, one
 * statement whatever the number of institutions.
 */
export async function recyclingSums(pool: pg.Pool, ids: number[] | null, from: string, to: string): Promise<RecyclingSumRow[]> {
  const first = Number(from.slice(0, 4)) * 12 + Number(from.slice(5, 7));
  const { rows } = await pool.query<RecyclingSumRow>(
    `SELECT institution_id, stream, disposition, sum(quantity_kg)::text AS kg,
            bit_or(1::bigint << ((extract(year FROM month)::int * 12 + extract(month FROM month)::int) - $4::int))::text AS months
       FROM recycling_record
      WHERE month >= date_trunc('month', $1::date) AND month < $2::date AND ($3::int[] IS NULL OR institution_id = ANY($3::int[]))
      GROUP BY institution_id, stream, disposition`,
    [from, to, ids, first],
  );
  return rows;
}

/** Months with any record among an institution's rows (the union of their masks). */
export function monthsReported(rows: Pick<RecyclingSumRow, 'months'>[]): number {
  let mask = 0n;
  for (const r of rows) mask |= BigInt(r.months);
  let n = 0;
  for (; mask; mask &= mask - 1n) n++;
  return n;
}
