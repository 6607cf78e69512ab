import type pg from 'pg';
import { ReadingQuality } from '../metering/metering.enums';

/** The partition of `reading` holding the UTC month that starts at `month` (migration "partitions" names them so). */
export const partitionName = (month: Date) => `reading_y${month.getUTCFullYear()}m${String(month.getUTCMonth() + 1).padStart(2, '0')}`;

/** The first instant of the UTC month holding `t` (partitions are UTC months of period_start). */
export const utcMonthOf = (t: number) => {
  const d = new Date(t);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
};

/**
 * Writes the rows staged in `staging` (meter_id, period_start, period_end, value; already checked)
 * into `reading` as batch `batchId`, month by month. A month without a partition yet is loaded into
 * a table of its own, its keys are built once over the sorted rows and it is attached as the month's
 * partition; a month that has one gets its rows in one insert. Either way no per-row trigger runs:
 * the meters and the batch are checked once, as a set. Runs in the caller's transaction.
 *
 * Attaching takes SHARE UPDATE EXCLUSIVE on `reading` (readers and writers of other months go on);
 * the advisory lock is the one `ewc_ensure_reading_partitions` takes, so a batch that needs the same
 * month waits for this import and then finds the month made.
 */
export async function writeMonths(client: pg.PoolClient, staging: string, months: number[], batchId: number, meterIds: number[]): Promise<{ attached: number; merged: number }> {
  await client.query(`SELECT pg_advisory_xact_lock(hashtext('ewc_reading_partitions'))`);
  const { rows: parts } = await client.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'reading'::regclass`,
  );
  const existing = new Set(parts.map((p) => p.name));
  // One check for every row whatever its month: the statement triggers do not fire on an attach.
  // `meterIds` (the meters of the staged rows, or more) comes from the caller, which saw every row.
  await client.query(`SELECT ewc_reading_refs_exist($2::int[], ARRAY[$1::int])`, [batchId, meterIds]);
  // Files are mostly in time order: a block range index finds a month's rows without reading the rest.
  if (months.length > 1) await client.query(`CREATE INDEX ON ${staging} USING brin (period_start)`);

  const merged: [Date, Date][] = [];
  let attached = 0;
  for (const m of [...months].sort((a, b) => a - b)) {
    const from = new Date(m);
    const to = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth() + 1, 1));
    const name = partitionName(from);
    if (existing.has(name)) {
      merged.push([from, to]);
      continue;
    }
    await client.query(`CREATE TABLE ${name} (LIKE reading INCLUDING DEFAULTS)`);
    await client.query(
      `INSERT INTO ${name} (meter_id, period_start, period_end, value, quality, batch_id)
       SELECT meter_id, period_start, period_end, value, $1::reading_quality, $2 FROM ${staging}
        WHERE period_start >= $3 AND period_start < $4 ORDER BY meter_id, period_start`,
      [ReadingQuality.MEASURED, batchId, from, to],
    );
    // The keys as constraints, so the attach adopts them instead of building its own; the check
    // spares the attach its scan for rows outside the month.
    await client.query(
      `ALTER TABLE ${name} ADD CONSTRAINT ${name}_pkey PRIMARY KEY (id, period_start),
         ADD CONSTRAINT ${name}_meter_id_period_start_period_end_key UNIQUE (meter_id, period_start, period_end),
         ADD CONSTRAINT ${name}_month CHECK (period_start >= '${from.toISOString()}' AND period_start < '${to.toISOString()}')`,
    );
    await client.query(`ALTER TABLE reading ATTACH PARTITION ${name} FOR VALUES FROM ('${from.toISOString()}') TO ('${to.toISOString()}')`);
    await client.query(`ALTER TABLE ${name} DROP CONSTRAINT ${name}_month`);
    // An attach fires no trigger: move reading's data version here, or cached answers would not see these rows.
    await client.query(`SELECT ewc_note_written(ARRAY['reading'])`);
    attached++;
  }
  if (merged.length) {
    const ranges = merged.map((_, i) => `(period_start >= $${3 + 2 * i} AND period_start < $${4 + 2 * i})`).join(' OR ');
    await client.query(
      `INSERT INTO reading (meter_id, period_start, period_end, value, quality, batch_id)
       SELECT meter_id, period_start, period_end, value, $1::reading_quality, $2 FROM ${staging} WHERE ${ranges}`,
      [ReadingQuality.MEASURED, batchId, ...merged.flat()],
    );
  }
  return { attached, merged: merged.length };
}
