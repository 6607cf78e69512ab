import type pg from 'pg';

/* SQL of the audits module: what ranking audit candidates reads. */

/** Every institution's id, in order. */
export async function allInstitutionIds(pool: pg.Pool): Promise<number[]> {
  return (await pool.query<{ id: number }>('SELECT id FROM institution ORDER BY id')).rows.map((r) => r.id);
}

/** The day of each institution's latest energy audit (YYYY-MM-DD), by institution id. */
export async function lastAuditDays(pool: pg.Pool): Promise<Map<number, string>> {
  const { rows } = await pool.query<{ institution_id: number; last: string }>(
    `SELECT institution_id, to_char(max(audited_on), 'YYYY-MM-DD') AS last FROM energy_audit GROUP BY 1`,
  );
  return new Map(rows.map((r) => [r.institution_id, r.last]));
}
