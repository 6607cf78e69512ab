import type pg from 'pg';
import type { Principal } from '../../access/principal';
import type { Database } from '../../db/database';
import { MvService } from './mv.service';
import type { Carrier } from '../metering/metering.enums';
import { mvLoaders } from './mv.loaders';
import { fitBaselineSet } from './savings';
import { contractsById } from './epc.repository';

/**
 * Freezes a baseline (version 1) for every signed contract that has none: what signing does,
 * for contracts loaded in bulk (the demo). Skips nothing silently: each one is fitted on its data.
 */
export async function freezeSignedBaselines(pool: pg.Pool, by: string): Promise<number> {
  const { rows } = await pool.query<{ id: number; institution_id: number; region_id: number; carriers: Carrier[]; baseline_start: string }>(
    `SELECT c.id, c.institution_id, i.region_id, c.carriers::text[] AS carriers, to_char(c.baseline_start, 'YYYY-MM-DD') AS baseline_start
       FROM epc_contract c JOIN institution i ON i.id = c.institution_id
      WHERE c.status IN ('SIGNED', 'IMPLEMENTING', 'OPERATING', 'HANDED_OVER') AND NOT EXISTS (SELECT 1 FROM epc_baseline b WHERE b.contract_id = c.id)`,
  );
  // Fitted together: their data is read in a fixed number of statements.
  const data = mvLoaders(pool).source;
  const sets = await Promise.all(rows.map((c) => fitBaselineSet(data, { baselineStart: c.baseline_start, carriers: c.carriers, institution: { id: c.institution_id } }, c.region_id)));
  for (const [i, c] of rows.entries()) {
    const set = sets[i];
    const models = { ...set, frozen: undefined, version: undefined, reason: undefined, fittedBy: undefined, fittedAt: undefined };
    await pool.query(`INSERT INTO epc_baseline (contract_id, version, models, data_count, data_hash, reason, fitted_by) VALUES ($1, 1, $2::jsonb, $3, $4, 'signed (loaded with its data)', $5)`, [
      c.id, JSON.stringify(models), set.dataCount, set.dataHash, by,
    ]);
  }
  return rows.length;
}

/** Measures and stores the M&V months of every contract over [from, through or today, the later] (see MvService.measureMonths): for contracts loaded in bulk. */
export async function measureLoadedContracts(db: Database, principal: Principal, from: string, through: string): Promise<number> {
  const contracts = await contractsById(db.pool, null, null);
  const mv = new MvService(db, db.orm.em.fork(), principal);
  // Settlements and balances are asked as of today by default: measured through today too.
  await mv.measureMonths(contracts, from, [through, mv.today()].sort()[1]);
  return contracts.length;
}
