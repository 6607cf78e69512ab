import type pg from 'pg';
import type { Principal } from '../../access/principal';
import { toGlobalId } from '../../global-id';
import { meterReadSql } from './meter-scope';
import type { MeterAccessRow, MeterReadRow, ReadingAccessRow, ReadingBatchRow, ReadingRevisionRow, ReadingRow } from './metering.types';
import { numberArray, timestampArray } from '../../db/sql-arrays';
import { bigintKey, dateKey, sqlWindow, type PageWindow, type WindowRows } from '../../db/window';
import { rollupDeltaCtes } from '../accounting/rollup';
import type { Carrier, MeterUnit, ReadingQuality } from './metering.enums';
import type { BatchSource } from './reading-batch.entity';

/* The SQL of a readings batch, in the batch's transaction (see IngestService). */

export interface MeterRow {
  id: number;
  institution_id: number;
  carrier: Carrier;
  unit: MeterUnit;
}

/** A stored reading a batch may repeat, correct or overlap. */
export interface ExistingRow {
  id: string;
  meter_id: number;
  period_start: Date;
  period_end: Date;
  value: number;
  quality: ReadingQuality;
  batch_id: number;
}

/** A reading's meter and period. */
export interface ReadingSpan {
  meterId: number;
  periodStart: Date;
  periodEnd: Date;
}

/** A reading to store: new, or the new value of a correction. */
export interface ReadingValue extends ReadingSpan {
  value: number;
  quality: ReadingQuality;
}

/**
 * Locks the meters (in id order, so two writers never deadlock): two batches, or a batch and an
 * import, for one meter apply one after the other. Returns the meters that exist.
 */
export async function lockMeters(client: pg.PoolClient, meterIds: number[]): Promise<MeterRow[]> {
  const { rows } = await client.query<MeterRow>('SELECT id, institution_id, carrier, unit FROM meter WHERE id = ANY($1::int[]) ORDER BY id FOR NO KEY UPDATE', [meterIds]);
  return rows;
}

/** How far back the first look for a meter's last reading before the batch goes: past a monthly bill. */
const SHORT_LOOKBACK_MS = 32 * 24 * 3600 * 1000;
/** No reading spans more than 366 days (periodProblem), so none starting earlier can reach the batch. */
const LONG_LOOKBACK_MS = 367 * 24 * 3600 * 1000;

/**
 * The stored readings a batch can meet: for each meter, those starting within the batch's span for
 * it, and the last one starting before if it reaches into that span (stored readings never overlap,
 * so only that one can). Every bound the planner sees is a constant, so the plan holds only the
 * partitions of the span and of a short look-back (32 days); the meters with no reading in that
 * look-back (a new meter, a quarterly bill) are looked up again over 367 days, by a second statement
 * that a stream of batches seldom needs. One look-back over 367 days planned a dozen partitions for
 * every meter of every batch.
 */
export async function storedAround(client: pg.PoolClient, rows: ReadingSpan[]): Promise<ExistingRow[]> {
  const span = new Map<number, { s: number; e: number }>();
  for (const r of rows) {
    const m = span.get(r.meterId);
    const s = r.periodStart.getTime();
    const e = r.periodEnd.getTime();
    if (!m) span.set(r.meterId, { s, e });
    else {
      m.s = Math.min(m.s, s);
      m.e = Math.max(m.e, e);
    }
  }
  const ids = [...span.keys()];
  const first = Math.min(...[...span.values()].map((v) => v.s));
  const last = Math.max(...[...span.values()].map((v) => v.e));
  const spans = [numberArray(ids), timestampArray(ids.map((id) => new Date(span.get(id)!.s))), timestampArray(ids.map((id) => new Date(span.get(id)!.e)))];
  const found = await client.query<ExistingRow & { before: boolean }>(
    `WITH k AS (SELECT * FROM unnest($1::int[], $2::timestamptz[], $3::timestamptz[]) AS k(meter_id, s, e))
     SELECT r.id, r.meter_id, r.period_start, r.period_end, r.value, r.quality, r.batch_id, false AS before
       FROM k JOIN reading r ON r.meter_id = k.meter_id AND r.period_start >= k.s AND r.period_start < k.e
      WHERE r.meter_id = ANY($1::int[]) AND r.period_start >= $4::timestamptz AND r.period_start < $5::timestamptz
     UNION ALL
     SELECT p.id, p.meter_id, p.period_start, p.period_end, p.value, p.quality, p.batch_id, true
       FROM k CROSS JOIN LATERAL (
              SELECT id, meter_id, period_start, period_end, value, quality, batch_id FROM reading
               WHERE meter_id = k.meter_id AND period_start < k.s AND period_start >= $6::timestamptz AND period_start < $5::timestamptz
               ORDER BY period_start DESC LIMIT 1) p`,
    [...spans, new Date(first), new Date(last), new Date(first - SHORT_LOOKBACK_MS)],
  );
  const out: ExistingRow[] = [];
  const seen = new Set<number>();
  const keep = (r: ExistingRow & { before?: boolean }) => {
    const { before, ...row } = r;
    if (before) seen.add(row.meter_id);
    // The last reading before the span matters only if it reaches into it.
    if (!before || row.period_end.getTime() > span.get(row.meter_id)!.s) out.push(row);
  };
  found.rows.forEach(keep);
  const unseen = ids.filter((id) => !seen.has(id));
  if (!unseen.length) return out;
  const older = await client.query<ExistingRow & { before: boolean }>(
    `SELECT p.id, p.meter_id, p.period_start, p.period_end, p.value, p.quality, p.batch_id, true AS before
       FROM unnest($1::int[], $2::timestamptz[]) AS k(meter_id, s) CROSS JOIN LATERAL (
              SELECT id, meter_id, period_start, period_end, value, quality, batch_id FROM reading
               WHERE meter_id = k.meter_id AND period_start < k.s AND period_start >= $3::timestamptz AND period_start < $4::timestamptz
               ORDER BY period_start DESC LIMIT 1) p`,
    [numberArray(unseen), timestampArray(unseen.map((id) => new Date(span.get(id)!.s))), new Date(first - LONG_LOOKBACK_MS), new Date(first - SHORT_LOOKBACK_MS)],
  );
  older.rows.forEach(keep);
  return out;
}

const qualityIndex = (list: ReadingQuality[], q: ReadingQuality): number => {
  const i = list.indexOf(q);
  return i >= 0 ? i + 1 : list.push(q);
};

/**
 * Writes a batch in one statement: its row, its new readings, its corrections (the old values kept
 * as revisions) and its share of the rollups. Returns the batch id and the local months (YYYY-MM-01)
 * whose rollups changed.
 *
 * A batch without corrections leaves out the revision and update parts: planning an UPDATE of
 * `reading` plans it for every monthly partition, which cost more than writing 1,000 new rows. With
 * corrections, the update carries the corrected readings' first and last start as constants, so the
 * plan holds only the partitions between them. New readings travel as numbers (instants as epoch
 * milliseconds, quality as an index into the batch's qualities): ISO text and a quoted enum per row
 * were half of the bytes sent and the longest part of parsing them.
 */
export async function writeBatch(
  client: pg.PoolClient,
  b: { source: BatchSource; keyId: number | null; submittedBy: string; duplicates: number; fresh: ReadingValue[]; corrections: { row: ReadingValue; old: ExistingRow }[]; timezone: string },
): Promise<{ batchId: number; months: string[] }> {
  const { fresh, corrections } = b;
  // The batch's few distinct qualities once, and an index per row (1-based, as SQL arrays are).
  const qualities: ReadingQuality[] = [];
  const params: unknown[] = [
    b.source, b.keyId, b.submittedBy, fresh.length, b.duplicates, corrections.length, b.timezone,
    numberArray(fresh.map((r) => r.meterId)), numberArray(fresh.map((r) => r.periodStart.getTime())), numberArray(fresh.map((r) => r.periodEnd.getTime())),
    numberArray(fresh.map((r) => r.value)), numberArray(fresh.map((r) => qualityIndex(qualities, r.quality))), qualities,
  ];
  let corrected = '';
  if (corrections.length) {
    const starts = corrections.map((c) => c.old.period_start.getTime());
    params.push(
      numberArray(corrections.map((c) => c.old.id)), timestampArray(corrections.map((c) => c.old.period_start)), timestampArray(corrections.map((c) => c.row.periodEnd)),
      numberArray(corrections.map((c) => c.row.meterId)), numberArray(corrections.map((c) => c.old.value)), corrections.map((c) => c.old.quality),
      numberArray(corrections.map((c) => c.old.batch_id)), numberArray(corrections.map((c) => c.row.value)), corrections.map((c) => c.row.quality),
      new Date(Math.min(...starts)), new Date(Math.max(...starts)),
    );
    corrected = `,
     c AS (SELECT * FROM unnest($14::bigint[], $15::timestamptz[], $16::timestamptz[], $17::int[], $18::float8[], $19::text[], $20::int[], $21::float8[], $22::text[])
             AS c(id, period_start, period_end, meter_id, old_value, old_quality, old_batch_id, value, quality)),
     rev AS (
       INSERT INTO reading_revision (reading_id, reading_period_start, value, quality, batch_id, replaced_by_id, replaced_at)
       SELECT c.id, c.period_start, c.old_value, c.old_quality::reading_quality, c.old_batch_id, b.id, now() FROM c CROSS JOIN b),
     upd AS (
       UPDATE reading r SET value = c.value, quality = c.quality::reading_quality, batch_id = b.id
         FROM c CROSS JOIN b WHERE r.id = c.id AND r.period_start = c.period_start
          AND r.period_start >= $23::timestamptz AND r.period_start <= $24::timestamptz)`;
  }
  const written = await client.query<{ batch_id: number; months: string[] }>(
    `WITH b AS (
       INSERT INTO reading_batch (source, api_key_id, submitted_by, received_at, accepted, duplicates, corrected)
       VALUES ($1, $2, $3, now(), $4, $5, $6) RETURNING id),
     u AS (SELECT meter_id, timestamptz 'epoch' + s * interval '1 millisecond' AS period_start, timestamptz 'epoch' + e * interval '1 millisecond' AS period_end, value,
                  ($13::reading_quality[])[q] AS quality
             FROM unnest($8::int[], $9::int8[], $10::int8[], $11::float8[], $12::int[]) AS u(meter_id, s, e, value, q)),
     ins AS (
       INSERT INTO reading (meter_id, period_start, period_end, value, quality, batch_id)
       SELECT u.meter_id, u.period_start, u.period_end, u.value, u.quality, b.id FROM u CROSS JOIN b)${corrected},
     -- A new reading adds its value and seconds; a correction its difference of value and no seconds.
     src AS (SELECT meter_id, period_start, period_end, value, 1::float8 AS w FROM u
             ${corrections.length ? 'UNION ALL SELECT meter_id, period_start, period_end, value - old_value, 0::float8 FROM c' : ''}),
     ${rollupDeltaCtes('src', '$7')}
     SELECT b.id AS batch_id, array(SELECT DISTINCT to_char(month, 'YYYY-MM-DD') FROM rollup_months ORDER BY 1) AS months FROM b`,
    params,
  );
  return { batchId: written.rows[0].batch_id, months: written.rows[0].months };
}

/* Meters as reads give them: plain rows, the key's scope in the statement. */

export interface MeterRecord {
  id: number;
  institution_id: number;
  carrier: Carrier;
  unit: MeterUnit;
  serial: string;
}

/** The meters of the institutions that the principal may read, in id order, one statement. */
export async function metersOfInstitutions(pool: pg.Pool, principal: Principal, institutionIds: readonly number[]): Promise<MeterReadRow[]> {
  const params: unknown[] = [institutionIds];
  const scope = meterReadSql(principal, params);
  if (!scope) return [];
  const { rows } = await pool.query<MeterRecord>(
    `SELECT m.id, m.institution_id, m.carrier, m.unit, m.serial FROM meter m WHERE m.institution_id = ANY($1::int[]) AND ${scope} ORDER BY m.id`,
    params,
  );
  return rows.map(meterReadRow);
}

/** A meter's row as reads give it (the list's statement builds the same from its JSON). */
export function meterReadRow(r: MeterRecord): MeterReadRow {
  return { id: r.id, globalId: toGlobalId('Meter', r.id), institution: { id: r.institution_id }, carrier: r.carrier, unit: r.unit, serial: r.serial };
}

/** Which meters a list reads (the key's scope is added from the principal). */
export interface MeterSelection {
  institutionId: number | null;
  carrier: Carrier | null;
}

/** A window of the meters the principal may read, in id order; null when it may read none. */
export async function meterWindow(pool: pg.Pool, principal: Principal, s: MeterSelection, window: PageWindow): Promise<WindowRows<MeterReadRow> | null> {
  const params: unknown[] = [];
  const scope = meterReadSql(principal, params);
  if (!scope) return null;
  const where = [scope];
  if (s.institutionId) where.push(`m.institution_id = $${params.push(s.institutionId)}`);
  if (s.carrier) where.push(`m.carrier = $${params.push(s.carrier)}`);
  return sqlWindow(pool, { select: 'm.id, m.institution_id, m.carrier, m.unit, m.serial', from: 'meter m', where, params, column: 'm.id' }, window, meterReadRow);
}

/**
 * Meters by id, each with whether the principal may read it (the key's scope as a column of the
 * statement, so a lookup tells an absent meter from one out of scope with one read), one statement.
 */
export async function metersById(pool: pg.Pool, principal: Principal, ids: readonly number[]): Promise<MeterAccessRow[]> {
  const params: unknown[] = [ids];
  const scope = meterReadSql(principal, params) ?? 'false';
  const { rows } = await pool.query<MeterRecord & { readable: boolean }>(
    `SELECT m.id, m.institution_id, m.carrier, m.unit, m.serial, ${scope} AS readable FROM meter m WHERE m.id = ANY($1::int[])`,
    params,
  );
  return rows.map((r) => ({ meter: meterReadRow(r), readable: r.readable }));
}

/**
 * A window of one meter's readings overlapping [from, to), by (period start, id): the keyset as a
 * row comparison; the count only when asked.
 */
export async function readingWindow(pool: pg.Pool, meterId: number, from: Date | undefined, to: Date | undefined, window: PageWindow): Promise<WindowRows<ReadingRow>> {
  const params: unknown[] = [meterId];
  const where = ['r.meter_id = $1'];
  if (to) where.push(`r.period_start < $${params.push(to)}`);
  if (from) where.push(`r.period_end > $${params.push(from)}`);
  const countParams = [...params];
  const beyond = (side: 'after' | 'before') => {
    const key = window[side];
    if (!key) return [];
    const start = `$${params.push(dateKey(key[0], side))}`;
    const id = `$${params.push(bigintKey(key[1], side))}::bigint`;
    return [`(r.period_start, r.id) ${side === 'after' ? '>' : '<'} (${start}, ${id})`];
  };
  const keyset = [...beyond('after'), ...beyond('before')];
  const dir = window.backward ? 'DESC' : 'ASC';
  const { rows } = await pool.query<ExistingRow>(
    `SELECT r.id, r.meter_id, r.period_start, r.period_end, r.value, r.quality, r.batch_id FROM reading r
      WHERE ${[...where, ...keyset].join(' AND ')} ORDER BY r.period_start ${dir}, r.id ${dir} LIMIT ${window.size + 1}`,
    params,
  );
  return {
    rows: rows.map(readingRow),
    count: async () => (await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM reading r WHERE ${where.join(' AND ')}`, countParams)).rows[0].n,
  };
}

/**
 * Readings by id (bigint text), each with whether the principal may read its meter (the key's scope
 * as a column of the statement), one statement.
 */
export async function readingsById(pool: pg.Pool, principal: Principal, ids: readonly string[]): Promise<ReadingAccessRow[]> {
  const params: unknown[] = [ids];
  const scope = meterReadSql(principal, params) ?? 'false';
  const { rows } = await pool.query<ExistingRow & { readable: boolean }>(
    `SELECT r.id, r.meter_id, r.period_start, r.period_end, r.value, r.quality, r.batch_id, ${scope} AS readable
       FROM reading r JOIN meter m ON m.id = r.meter_id WHERE r.id = ANY($1::bigint[])`,
    params,
  );
  return rows.map((r) => ({ reading: readingRow(r), readable: r.readable }));
}

/** A stored reading as reads give it. */
function readingRow(r: ExistingRow): ReadingRow {
  return {
    id: r.id,
    globalId: toGlobalId('Reading', r.id),
    meter: { id: r.meter_id },
    periodStart: r.period_start,
    periodEnd: r.period_end,
    value: r.value,
    quality: r.quality,
    batch: { id: r.batch_id },
  };
}

/** Readings batches by id. */
export async function batchesById(pool: pg.Pool, ids: readonly number[]): Promise<ReadingBatchRow[]> {
  const { rows } = await pool.query<{ id: number; source: BatchSource; submitted_by: string; received_at: Date; accepted: number; duplicates: number; corrected: number }>(
    'SELECT id, source, submitted_by, received_at, accepted, duplicates, corrected FROM reading_batch WHERE id = ANY($1::int[])',
    [ids],
  );
  return rows.map((r) => ({
    id: r.id,
    globalId: toGlobalId('ReadingBatch', r.id),
    source: r.source,
    submittedBy: r.submitted_by,
    receivedAt: r.received_at,
    accepted: r.accepted,
    duplicates: r.duplicates,
    corrected: r.corrected,
  }));
}

/** Earlier values of the readings (id, period start), oldest first, one statement. */
export async function revisionsOf(pool: pg.Pool, readings: readonly { id: string; periodStart: Date }[]): Promise<ReadingRevisionRow[]> {
  const { rows } = await pool.query<{ reading_id: string; reading_period_start: Date; value: number; quality: ReadingQuality; replaced_at: Date }>(
    `SELECT v.reading_id, v.reading_period_start, v.value, v.quality, v.replaced_at FROM reading_revision v
      WHERE (v.reading_id, v.reading_period_start) IN (SELECT * FROM unnest($1::bigint[], $2::timestamptz[])) ORDER BY v.id`,
    [readings.map((r) => r.id), timestampArray(readings.map((r) => r.periodStart))],
  );
  return rows.map((r) => ({ readingId: r.reading_id, readingPeriodStart: r.reading_period_start, value: r.value, quality: r.quality, replacedAt: r.replaced_at }));
}
