import type { Database } from '../src/db/database';
import { inTransaction } from '../src/db/transaction';
import { rebuildAllRollups } from '../src/modules/accounting/rollup';

/** Nine more copies of every meter, with the same readings: 10x the meters, readings and rollups. */
export async function multiply(db: Database): Promise<number> {
  await inTransaction(db.pool, async (client) => {
    // Which new meter copies which: nine copies of every original meter, serials `<serial>#1` to `#9`.
    await client.query(`CREATE TEMP TABLE copy_of (src int NOT NULL, made int NOT NULL) ON COMMIT DROP`);
    await client.query(
      `WITH src AS (SELECT id, institution_id, carrier, unit, serial, supplier_id FROM meter WHERE serial NOT LIKE '%#%'),
       made AS (INSERT INTO meter (institution_id, carrier, unit, serial, supplier_id)
                SELECT institution_id, carrier, unit, serial || '#' || k, supplier_id FROM src CROSS JOIN generate_series(1, 9) k
                RETURNING id, serial)
       INSERT INTO copy_of SELECT src.id, made.id FROM made JOIN src ON left(made.serial, -2) = src.serial`,
    );
    await client.query('ANALYZE copy_of');
    // A copy has the same start, so it belongs to the same partition: insert into each leaf from
    // itself (one hash join per month) rather than routing millions of rows through the parent.
    const { rows: leaves } = await client.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'reading'::regclass ORDER BY 1`,
    );
    for (const table of leaves.length ? leaves.map((l) => l.name) : ['reading']) {
      await client.query(
        `INSERT INTO ${table} (meter_id, period_start, period_end, value, quality, batch_id)
         SELECT c.made, r.period_start, r.period_end, r.value, r.quality, r.batch_id FROM ${table} r JOIN copy_of c ON c.src = r.meter_id`,
      );
    }
    await rebuildAllRollups(client, db.timezone);
  });
  await db.pool.query('ANALYZE');
  const { rows } = await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM reading');
  return Number(rows[0].n);
}
