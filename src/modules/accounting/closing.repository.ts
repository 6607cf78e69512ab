import type pg from 'pg';

/* The SQL of closing and recalculating a year, in the caller's transaction (see ClosingService). */

export interface YearTotals {
  energyKgce: number;
  emissionsKgCo2: number;
}

export async function insertYearClosure(client: pg.PoolClient, year: number, closedBy: string, totals: YearTotals): Promise<void> {
  await client.query('INSERT INTO year_closure (year, closed_by, closed_at, energy_kgce, emissions_kg_co2) VALUES ($1, $2, now(), $3, $4)', [
    year, closedBy, totals.energyKgce, totals.emissionsKgCo2,
  ]);
}

/** The closed year's totals, its row locked until the transaction ends. */
export async function lockYearClosure(client: pg.PoolClient, year: number): Promise<{ energy_kgce: number; emissions_kg_co2: number }> {
  const old = await client.query<{ energy_kgce: number; emissions_kg_co2: number }>('SELECT energy_kgce, emissions_kg_co2 FROM year_closure WHERE year = $1 FOR UPDATE', [year]);
  return old.rows[0];
}

/** New totals for a closed year; the readings written since closing are in them, so nothing is pending. */
export async function updateYearClosure(client: pg.PoolClient, year: number, totals: YearTotals): Promise<void> {
  await client.query('UPDATE year_closure SET energy_kgce = $2, emissions_kg_co2 = $3, pending_rows = 0, pending_since = NULL WHERE year = $1', [year, totals.energyKgce, totals.emissionsKgCo2]);
}

/** Records a recalculation with the totals before and after; returns its id. */
export async function insertRecalculation(
  client: pg.PoolClient,
  r: { year: number; by: string; reason: string | null; old: { energy_kgce: number; emissions_kg_co2: number }; totals: YearTotals },
): Promise<number> {
  const rec = await client.query<{ id: number }>(
    `INSERT INTO year_recalculation (year, recalculated_by, reason, at, old_energy_kgce, new_energy_kgce, old_emissions_kg_co2, new_emissions_kg_co2)
     VALUES ($1, $2, $3, now(), $4, $5, $6, $7) RETURNING id`,
    [r.year, r.by, r.reason, r.old.energy_kgce, r.totals.energyKgce, r.old.emissions_kg_co2, r.totals.emissionsKgCo2],
  );
  return rec.rows[0].id;
}
