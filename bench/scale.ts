import type { Database } from '../src/db/database';
import { rebuildAllRollups } from '../src/modules/accounting/rollup';

/** Nine more copies of every meter, with the same readings: 10x the meters, readings and rollups. */
export async function multiply(db: Database): Promise<number> {
  const client = await db.pool.connect();
  try {
    await client.query('BEGIN');
    for (let copy = 1; copy <= 9; copy++) {
      await client.query(
        `WITH src AS (SELECT id, institution_id, carrier, unit, serial, supplier_id FROM meter WHERE serial NOT LIKE '%#%'),
         made AS (INSERT INTO meter (institution_id, carrier, unit, serial, supplier_id)
                  SELECT institution_id, carrier, unit, serial || '#' || $1, supplier_id FROM src RETURNING id, serial)
         INSERT INTO reading (meter_id, period_start, period_end, value, quality, batch_id)
         SELECT made.id, r.period_start, r.period_end, r.value, r.quality, r.batch_id
           FROM made JOIN src ON made.serial = src.serial || '#' || $1 JOIN reading r ON r.meter_id = src.id`,
        [copy],
      );
    }
    await rebuildAllRollups(client, db.timezone);
    await client.query('COMMIT');
    await client.query('ANALYZE');
    const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM reading');
    return Number(rows[0].n);
  } finally {
    client.release();
  }
}

