import type pg from 'pg';
import { sqlWindow, type PageWindow, type WindowRows } from '../../db/window';
import { toGlobalId } from '../../global-id';
import type { RecyclingRow } from './recycling-ingest.service';
import type { RecyclingStream, WasteDisposition } from './recycling.enums';
import type { RecyclingRecordRow } from './recycling.types';

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
 * The records a period's figures read: those frozen when its year was closed (closed_recycling
 * holds only that year's months, so the period's month bounds select them), else the live ones.
 */
const recordsOf = (closed: boolean) => (closed ? 'closed_recycling' : 'recycling_record');

/**
 * Exact sums (numeric) per institution, stream and disposition over local months [from, to), with
 * the months they cover as a bit mask (a period is at most a year): one hash aggregate, one
 * statement whatever the number of institutions.
 */
export async function recyclingSums(pool: pg.Pool, ids: number[] | null, from: string, to: string, closed = false): Promise<RecyclingSumRow[]> {
  const first = Number(from.slice(0, 4)) * 12 + Number(from.slice(5, 7));
  const { rows } = await pool.query<RecyclingSumRow>(
    `SELECT institution_id, stream, disposition, sum(quantity_kg)::text AS kg,
            bit_or(1::bigint << ((extract(year FROM month)::int * 12 + extract(month FROM month)::int) - $4::int))::text AS months
       FROM ${recordsOf(closed)}
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

/** One institution's recycled and total kilograms over a period (numeric text). */
export interface RecyclingRateRow {
  institution_id: number;
  recycled: string;
  total: string;
}

/** Recycled and total kilograms per institution over local months [from, to): one statement for any number of institutions. */
export async function recyclingRateSums(pool: pg.Pool, ids: number[], from: string, to: string, closed: boolean): Promise<RecyclingRateRow[]> {
  const { rows } = await pool.query<RecyclingRateRow>(
    `SELECT institution_id, coalesce(sum(quantity_kg) FILTER (WHERE disposition = 'RECYCLED'), 0)::text AS recycled, sum(quantity_kg)::text AS total
       FROM ${recordsOf(closed)}
      WHERE month >= date_trunc('month', $1::date) AND month < $2::date AND institution_id = ANY($3::int[])
      GROUP BY institution_id`,
    [from, to, ids],
  );
  return rows;
}

/** Freezes a year's records as they are now (closing or recalculating it), in the caller's transaction. */
export async function freezeRecyclingYear(client: pg.ClientBase, year: number): Promise<void> {
  await client.query('DELETE FROM closed_recycling WHERE year = $1', [year]);
  await client.query(
    `INSERT INTO closed_recycling (year, institution_id, month, stream, disposition, quantity_kg)
     SELECT $1::int, institution_id, month, stream, disposition, quantity_kg FROM recycling_record WHERE month >= make_date($1::int, 1, 1) AND month < make_date($1::int + 1, 1, 1)`,
    [year],
  );
}

/** A record locked for a correction (its institution's batches wait), or null. */
export async function lockRecyclingRecord(client: pg.ClientBase, id: number): Promise<{ institution_id: number; month: string; quantity_kg: string } | null> {
  const { rows } = await client.query<{ institution_id: number; month: string; quantity_kg: string }>(
    `SELECT institution_id, to_char(month, 'YYYY-MM-DD') AS month, quantity_kg::text FROM recycling_record WHERE id = $1 FOR UPDATE`,
    [id],
  );
  return rows[0] ?? null;
}

/** Keeps the record's quantity as a revision and writes the new one. */
export async function storeRecyclingCorrection(client: pg.ClientBase, id: number, quantityKg: string, by: string): Promise<void> {
  await client.query(
    `WITH kept AS (INSERT INTO recycling_record_revision (record_id, quantity_kg, replaced_by) SELECT id, quantity_kg, $3 FROM recycling_record WHERE id = $1)
     UPDATE recycling_record SET quantity_kg = $2::numeric WHERE id = $1`,
    [id, quantityKg, by],
  );
}

/** Earlier quantities of the records, oldest first: one statement for a page of records. */
export async function recyclingRevisions(pool: pg.Pool, ids: number[]): Promise<{ record_id: number; quantity_kg: string; replaced_by: string; replaced_at: Date }[]> {
  const { rows } = await pool.query<{ record_id: number; quantity_kg: string; replaced_by: string; replaced_at: Date }>(
    'SELECT record_id, quantity_kg::text, replaced_by, replaced_at FROM recycling_record_revision WHERE record_id = ANY($1::int[]) ORDER BY id',
    [ids],
  );
  return rows;
}

/** Which records a list reads, access included: `ids` is the key's row scope (null: all). */
export interface RecyclingRecordSelection {
  ids: number[] | null;
  institutionId: number | null;
  stream: RecyclingStream | null;
  from: string | null;
  to: string | null;
}

interface RecyclingRecordRecord {
  id: number;
  institution_id: number;
  month: string;
  stream: RecyclingStream;
  disposition: WasteDisposition;
  quantity_kg: string;
}

/** A window of records in id order, plain rows, one statement; the count only when asked. */
export function recyclingRecordWindow(pool: pg.Pool, s: RecyclingRecordSelection, window: PageWindow): Promise<WindowRows<RecyclingRecordRow>> {
  const params: unknown[] = [];
  const where: string[] = [];
  if (s.ids) where.push(`r.institution_id = ANY($${params.push(s.ids)}::int[])`);
  if (s.institutionId) where.push(`r.institution_id = $${params.push(s.institutionId)}`);
  if (s.stream) where.push(`r.stream = $${params.push(s.stream)}`);
  if (s.from) where.push(`r.month >= $${params.push(s.from)}::date`);
  if (s.to) where.push(`r.month < $${params.push(s.to)}::date`);
  return sqlWindow(
    pool,
    { select: "r.id, r.institution_id, to_char(r.month, 'YYYY-MM-DD') AS month, r.stream, r.disposition, r.quantity_kg", from: 'recycling_record r', where, params, column: 'r.id' },
    window,
    (r: RecyclingRecordRecord) => ({
      id: r.id,
      globalId: toGlobalId('RecyclingRecord', r.id),
      institution: { id: r.institution_id },
      month: r.month,
      stream: r.stream,
      disposition: r.disposition,
      quantityKg: r.quantity_kg,
    }),
  );
}
