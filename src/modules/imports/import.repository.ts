import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Carrier, MeterUnit } from '../metering/metering.enums';
import { BatchSource } from '../metering/reading-batch.entity';
import type { RowProblem } from './reading-row';

/*
 * The SQL of a file import, in the import's transaction: rows are staged in `import_staging`, the
 * stored readings they could meet are copied into `import_near`, and both drop at the commit.
 */

/** Every meter a file's rows may name, by serial or id. */
export async function allMeters(pool: pg.Pool): Promise<{ id: number; serial: string; institution_id: number; carrier: Carrier; unit: MeterUnit }[]> {
  const { rows } = await pool.query<{ id: number; serial: string; institution_id: number; carrier: Carrier; unit: MeterUnit }>('SELECT id, serial, institution_id, carrier, unit FROM meter');
  return rows;
}

/** Creates the staging table and opens the COPY that fills it (tab-separated: row, meter, start, end, value). */
export async function openStaging(client: pg.PoolClient): Promise<ReturnType<typeof copyFrom>> {
  await client.query(
    `CREATE TEMP TABLE import_staging (row_no int NOT NULL, meter_id int NOT NULL, period_start timestamptz NOT NULL,
                                       period_end timestamptz NOT NULL, value float8 NOT NULL) ON COMMIT DROP`,
  );
  return client.query(copyFrom('COPY import_staging FROM STDIN'));
}

/**
 * Gathers the stored readings of the file's meters that could equal or overlap a staged row (none
 * spans over 366 days) into `import_near`, and returns how many there are. Literal bounds let the
 * planner read only those months' partitions, once.
 */
export async function stageNearReadings(client: pg.PoolClient, meterIds: number[], first: Date, lastEnd: Date): Promise<number> {
  // A temporary table has no statistics until analysed; the checks join on it.
  await client.query('ANALYZE import_staging');
  const near = await client.query(
    `CREATE TEMP TABLE import_near ON COMMIT DROP AS
       SELECT meter_id, period_start, period_end, value FROM reading
        WHERE meter_id = ANY($1::int[]) AND period_start > $2::timestamptz - interval '366 days' AND period_start < $3`,
    [meterIds, first, lastEnd],
  );
  const stored = near.rowCount ?? 0;
  if (stored) await client.query('CREATE INDEX ON import_near (meter_id, period_start); ANALYZE import_near');
  return stored;
}

/** Per meter, the last start and end of the stored readings a file's rows could meet. */
const NEAR_LAST = '(SELECT meter_id, max(period_start) AS last_start, max(period_end) AS last_end FROM import_near GROUP BY 1)';

/** Per meter of the stored readings in `import_near`: where the last of them ends. */
export async function nearLastEnds(client: pg.PoolClient): Promise<{ meter_id: number; last_end: Date }[]> {
  const { rows } = await client.query<{ meter_id: number; last_end: Date }>('SELECT meter_id, max(period_end) AS last_end FROM import_near GROUP BY 1');
  return rows;
}

/**
 * Rows that repeat or overlap another row of the file (`withinFile`), and rows that differ from a
 * stored reading or overlap one with other bounds (`againstStored`: `import_near` holds the stored
 * readings that could). The caller leaves out a part that can find nothing.
 */
export async function stagedConflicts(client: pg.PoolClient, look: { withinFile: boolean; againstStored: boolean }): Promise<RowProblem[]> {
  const withinFile = `SELECT row_no AS row, 'period_start' AS column, 'repeats or overlaps row ' || prev_row || ' of the same meter' AS reason
       FROM (SELECT row_no, period_start,
                    max(period_end) OVER (PARTITION BY meter_id ORDER BY period_start, period_end, row_no ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_end,
                    lag(row_no) OVER (PARTITION BY meter_id ORDER BY period_start, period_end, row_no) AS prev_row
               FROM import_staging) w
      WHERE prev_end > period_start`;
  const againstStored = `
     SELECT s.row_no, 'value', s.value || ' differs from the stored ' || r.value || ' (readings already stored with other values)'
       FROM import_staging s JOIN ${NEAR_LAST} n ON n.meter_id = s.meter_id AND s.period_start <= n.last_start
       JOIN import_near r ON r.meter_id = s.meter_id AND r.period_start = s.period_start AND r.period_end = s.period_end
      WHERE r.value <> s.value
     UNION ALL
     SELECT s.row_no, 'period_start', 'overlaps the stored reading ' || to_char(r.period_start AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
                                       || ' to ' || to_char(r.period_end AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') || ' of the same meter'
       FROM import_staging s
       -- A row starting after every stored reading of its meter has ended overlaps none: most rows of
       -- a file that continues the stored data skip the probe (one index lookup per row before).
       JOIN ${NEAR_LAST} n ON n.meter_id = s.meter_id AND s.period_start < n.last_end
       CROSS JOIN LATERAL (SELECT period_start, period_end FROM import_near
                            WHERE meter_id = s.meter_id AND period_start < s.period_end
                            ORDER BY period_start DESC LIMIT 1) r
      WHERE r.period_end > s.period_start AND (r.period_start, r.period_end) <> (s.period_start, s.period_end)`;
  const parts = [...(look.withinFile ? [withinFile] : []), ...(look.againstStored ? [againstStored] : [])];
  if (!parts.length) return [];
  const { rows } = await client.query<{ row: number; column: string; reason: string }>(`${parts.join(' UNION ALL ')} ORDER BY 1`);
  return rows;
}

/**
 * Drops the staged rows already stored with the same value (duplicates) and returns how many.
 * Only rows starting no later than their meter's last stored reading can equal one: a file that
 * continues the stored data then makes no probe per row (the plan chose one index lookup each).
 */
export async function dropStagedDuplicates(client: pg.PoolClient): Promise<number> {
  const dup = await client.query(
    `DELETE FROM import_staging s USING ${NEAR_LAST} n, import_near r
      WHERE n.meter_id = s.meter_id AND s.period_start <= n.last_start
        AND r.meter_id = s.meter_id AND r.period_start = s.period_start AND r.period_end = s.period_end`,
  );
  return dup.rowCount ?? 0;
}

/** The import's batch row; returns its id. */
export async function insertImportBatch(client: pg.PoolClient, batch: { keyId: number | null; submittedBy: string; accepted: number; duplicates: number }): Promise<number> {
  const { rows } = await client.query<{ id: number }>(
    `INSERT INTO reading_batch (source, api_key_id, submitted_by, received_at, accepted, duplicates, corrected)
     VALUES ($1, $2, $3, now(), $4, $5, 0) RETURNING id`,
    [BatchSource.IMPORT, batch.keyId, batch.submittedBy, batch.accepted, batch.duplicates],
  );
  return rows[0].id;
}

/** Per meter of the staged rows: its owner and kind, how many rows, their span and total (the events of the import). */
export async function stagedSpans(client: pg.PoolClient): Promise<{ meter_id: number; institution_id: number; carrier: Carrier; unit: MeterUnit; n: number; s: Date; e: Date; total: number }[]> {
  const { rows } = await client.query<{ meter_id: number; institution_id: number; carrier: Carrier; unit: MeterUnit; n: number; s: Date; e: Date; total: number }>(
    `SELECT s.meter_id, m.institution_id, m.carrier, m.unit, count(*)::int AS n, min(s.period_start) AS s, max(s.period_end) AS e, sum(s.value)::float8 AS total
       FROM import_staging s JOIN meter m ON m.id = s.meter_id GROUP BY 1, 2, 3, 4`,
  );
  return rows;
}
