import type { EntityManager } from '@mikro-orm/postgresql';
import type pg from 'pg';
import type { BaselineSet, NonRoutineEvent, SavingsResult } from './savings';

/** SQL of the frozen M&V records: baseline versions, non-routine events, settlements frozen by a payment. */

interface BaselineRow {
  contract_id: number;
  version: number;
  models: BaselineSet;
  reason: string;
  fitted_by: string;
  fitted_at: Date;
  superseded_at: Date | null;
}

const asSet = (r: BaselineRow): BaselineSet => ({ ...r.models, frozen: true, version: r.version, reason: r.reason, fittedBy: r.fitted_by, fittedAt: r.fitted_at.toISOString() });

/** Every version of each contract's baseline, oldest first; one statement for a list of contracts. */
export async function baselineVersions(pool: pg.Pool, contractIds: readonly number[]): Promise<Map<number, BaselineSet[]>> {
  const { rows } = await pool.query<BaselineRow>('SELECT contract_id, version, models, reason, fitted_by, fitted_at, superseded_at FROM epc_baseline WHERE contract_id = ANY($1::int[]) ORDER BY contract_id, version', [contractIds]);
  const out = new Map<number, BaselineSet[]>();
  for (const r of rows) out.set(r.contract_id, [...(out.get(r.contract_id) ?? []), asSet(r)]);
  return out;
}

/** Stores a new version and supersedes the current one, in the caller's transaction. */
export async function storeBaseline(em: EntityManager, contractId: number, set: BaselineSet, reason: string, by: string): Promise<void> {
  await em.execute('UPDATE epc_baseline SET superseded_at = now() WHERE contract_id = ? AND superseded_at IS NULL', [contractId]);
  const models = { ...set, frozen: undefined, version: undefined, reason: undefined, fittedBy: undefined, fittedAt: undefined };
  await em.execute(
    `INSERT INTO epc_baseline (contract_id, version, models, data_count, data_hash, reason, fitted_by)
     VALUES (?, (SELECT coalesce(max(version), 0) + 1 FROM epc_baseline WHERE contract_id = ?), ?::jsonb, ?, ?, ?, ?)`,
    [contractId, contractId, JSON.stringify(models), set.dataCount, set.dataHash, reason, by],
  );
}

export async function nonRoutineEvents(pool: pg.Pool, contractIds: readonly number[]): Promise<Map<number, NonRoutineEvent[]>> {
  const { rows } = await pool.query<{ id: number; contract_id: number; from_day: string; to_day: string; adjustment_kgce: string; reason: string; recorded_by: string; recorded_at: Date }>(
    `SELECT id, contract_id, to_char(from_day, 'YYYY-MM-DD') AS from_day, to_char(to_day, 'YYYY-MM-DD') AS to_day, adjustment_kgce, reason, recorded_by, recorded_at
       FROM epc_non_routine_event WHERE contract_id = ANY($1::int[]) ORDER BY id`,
    [contractIds],
  );
  const out = new Map<number, NonRoutineEvent[]>();
  for (const r of rows) {
    const e = { id: r.id, from: r.from_day, to: r.to_day, adjustmentKgce: Number(r.adjustment_kgce), reason: r.reason, recordedBy: r.recorded_by, recordedAt: r.recorded_at };
    out.set(r.contract_id, [...(out.get(r.contract_id) ?? []), e]);
  }
  return out;
}

export async function insertNonRoutineEvent(em: EntityManager, contractId: number, from: string, to: string, adjustmentKgce: string, reason: string, by: string): Promise<number> {
  const rows = await em.execute<{ id: number }[]>(
    'INSERT INTO epc_non_routine_event (contract_id, from_day, to_day, adjustment_kgce, reason, recorded_by) VALUES (?, ?, ?, ?, ?, ?) RETURNING id',
    [contractId, from, to, adjustmentKgce, reason, by],
  );
  return rows[0].id;
}

export interface FrozenSettlement {
  periodStart: string;
  periodEnd: string;
  figures: SavingsResult;
  frozenAt: Date;
  frozenBy: string;
  paymentId: number;
  history: { figures: SavingsResult; acceptedAt: string; acceptedBy: string }[];
}

/** Each contract's settlements frozen by a payment, by period start; one statement for a list of contracts. */
export async function frozenSettlementsOf(pool: pg.Pool, contractIds: readonly number[]): Promise<Map<number, Map<string, FrozenSettlement>>> {
  const { rows } = await pool.query<{ contract_id: number; period_start: string; period_end: string; figures: SavingsResult; frozen_at: Date; frozen_by: string; payment_id: number; history: FrozenSettlement['history'] }>(
    `SELECT contract_id, to_char(period_start, 'YYYY-MM-DD') AS period_start, to_char(period_end, 'YYYY-MM-DD') AS period_end, figures, frozen_at, frozen_by, payment_id, history
       FROM epc_settlement WHERE contract_id = ANY($1::int[])`,
    [contractIds],
  );
  const out = new Map<number, Map<string, FrozenSettlement>>();
  for (const r of rows) {
    const m = out.get(r.contract_id) ?? new Map<string, FrozenSettlement>();
    m.set(r.period_start, { periodStart: r.period_start, periodEnd: r.period_end, figures: r.figures, frozenAt: r.frozen_at, frozenBy: r.frozen_by, paymentId: r.payment_id, history: r.history });
    out.set(r.contract_id, m);
  }
  return out;
}

/** Freezes settlement periods not frozen yet (in the caller's transaction). */
export async function freezeSettlements(em: EntityManager, contractId: number, rows: { periodStart: string; periodEnd: string; figures: SavingsResult }[], paymentId: number, by: string): Promise<void> {
  for (const r of rows) {
    await em.execute(
      `INSERT INTO epc_settlement (contract_id, period_start, period_end, figures, frozen_by, payment_id) VALUES (?, ?, ?, ?::jsonb, ?, ?) ON CONFLICT (contract_id, period_start) DO NOTHING`,
      [contractId, r.periodStart, r.periodEnd, JSON.stringify(r.figures), by, paymentId],
    );
  }
}

/** Replaces a frozen settlement's figures with the live ones, keeping the old ones in its history. */
export async function acceptDifference(em: EntityManager, contractId: number, periodStart: string, figures: SavingsResult, by: string): Promise<void> {
  await em.execute(
    `UPDATE epc_settlement SET history = history || jsonb_build_array(jsonb_build_object('figures', figures, 'acceptedAt', now(), 'acceptedBy', ?::text)), figures = ?::jsonb
      WHERE contract_id = ? AND period_start = ?::date`,
    [by, JSON.stringify(figures), contractId, periodStart],
  );
}

/** When each contract began operating: its last OPERATING step's effective time. */
export async function operatingSince(pool: pg.Pool, contractIds: readonly number[]): Promise<Map<number, Date>> {
  const { rows } = await pool.query<{ contract_id: number; effective_at: Date }>(
    `SELECT DISTINCT ON (contract_id) contract_id, effective_at FROM epc_transition
      WHERE contract_id = ANY($1::int[]) AND to_status = 'OPERATING' ORDER BY contract_id, id DESC`,
    [contractIds],
  );
  return new Map(rows.map((r) => [r.contract_id, r.effective_at]));
}

/** Each contract's payment amounts (yuan, exact decimal text). */
export async function paymentAmounts(pool: pg.Pool, contractIds: readonly number[]): Promise<Map<number, string[]>> {
  const { rows } = await pool.query<{ contract_id: number; amount_yuan: string }>(
    'SELECT contract_id, amount_yuan::text AS amount_yuan FROM epc_payment WHERE contract_id = ANY($1::int[]) ORDER BY id',
    [contractIds],
  );
  const out = new Map<number, string[]>();
  for (const r of rows) out.set(r.contract_id, [...(out.get(r.contract_id) ?? []), r.amount_yuan]);
  return out;
}

/** The region of each contract's site. */
export async function regionsOfContracts(pool: pg.Pool, contractIds: readonly number[]): Promise<Map<number, number>> {
  const { rows } = await pool.query<{ id: number; region_id: number }>(
    'SELECT c.id, i.region_id FROM epc_contract c JOIN institution i ON i.id = c.institution_id WHERE c.id = ANY($1::int[])',
    [contractIds],
  );
  return new Map(rows.map((r) => [r.id, r.region_id]));
}
