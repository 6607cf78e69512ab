import type pg from 'pg';
import { sqlRowsById } from '../../db/window';
import { toGlobalId } from '../../global-id';
import type { YearClosureRow, YearRecalculationRow } from './accounting.types';

/* The SQL of closing and recalculating a year, in the caller's transaction (see ClosingService), and the reads of both. */

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

type ClosureRecord = Omit<YearClosureRow, 'globalId' | 'pendingRecalculation'>;
type RecalculationRecord = Omit<YearRecalculationRow, 'globalId'>;

const CLOSURE_COLUMNS = `year, closed_by AS "closedBy", closed_at AS "closedAt", energy_kgce AS "energyKgce", emissions_kg_co2 AS "emissionsKgCo2",
  pending_rows AS "pendingRows", pending_since AS "pendingSince"`;
const RECALCULATION_COLUMNS = `id, year, recalculated_by AS "recalculatedBy", reason, at, old_energy_kgce AS "oldEnergyKgce", new_energy_kgce AS "newEnergyKgce",
  old_emissions_kg_co2 AS "oldEmissionsKgCo2", new_emissions_kg_co2 AS "newEmissionsKgCo2"`;

const closureRow = (r: ClosureRecord): YearClosureRow => ({ ...r, globalId: toGlobalId('YearClosure', r.year), pendingRecalculation: r.pendingRows > 0 });
const recalculationRow = (r: RecalculationRecord): YearRecalculationRow => ({ ...r, globalId: toGlobalId('YearRecalculation', r.id) });

/** Closed years, oldest first, one statement. */
export async function yearClosures(pool: pg.Pool): Promise<YearClosureRow[]> {
  const { rows } = await pool.query<ClosureRecord>(`SELECT ${CLOSURE_COLUMNS} FROM year_closure ORDER BY year`);
  return rows.map(closureRow);
}

/** The closures of some years (a closure's key), one statement. */
export function yearClosuresByYear(pool: pg.Pool, years: readonly number[]): Promise<YearClosureRow[]> {
  return sqlRowsById(pool, { select: CLOSURE_COLUMNS, from: 'year_closure', column: 'year' }, years, closureRow);
}

/** Recalculations of one year (null: of every year), newest first, one statement. */
export async function yearRecalculations(pool: pg.Pool, year: number | null): Promise<YearRecalculationRow[]> {
  const params: unknown[] = [];
  const where = year === null ? '' : `WHERE year = $${params.push(year)}`;
  const { rows } = await pool.query<RecalculationRecord>(`SELECT ${RECALCULATION_COLUMNS} FROM year_recalculation ${where} ORDER BY id DESC`, params);
  return rows.map(recalculationRow);
}

/** Recalculations by id, one statement. */
export function yearRecalculationsById(pool: pg.Pool, ids: readonly number[]): Promise<YearRecalculationRow[]> {
  return sqlRowsById(pool, { select: RECALCULATION_COLUMNS, from: 'year_recalculation', column: 'id' }, ids, recalculationRow);
}
