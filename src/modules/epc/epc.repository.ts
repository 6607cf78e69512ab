import type pg from 'pg';
import { sqlRowsById, sqlWindow, type PageWindow, type WindowRows } from '../../db/window';
import { toGlobalId } from '../../global-id';
import type { Carrier } from '../metering/metering.enums';
import type { EpcMeasure } from './epc-contract.entity';
import type { BaselineDriver, EpcStatus, EpcType, SettlementPeriod } from './epc.enums';
import type { EpcAssetRow, EpcContractRow, EpcPaymentRow, EpcTransitionRow, EscoRow } from './epc.types';

/* Reads of ESCOs and of contracts, their steps, assets and payments: plain rows, never entities. */

interface EscoRecord {
  id: number;
  name: string;
  name_zh: string;
  credit_code: string;
}

const ESCO_COLUMNS = 'e.id, e.name, e.name_zh, e.credit_code';

const escoRow = (r: EscoRecord): EscoRow => ({ id: r.id, globalId: toGlobalId('Esco', r.id), name: r.name, nameZh: r.name_zh, creditCode: r.credit_code });

/** A window of ESCOs in id order; `only` is the key's own ESCO when it reads that one alone. */
export function escoWindow(pool: pg.Pool, only: number | null, window: PageWindow): Promise<WindowRows<EscoRow>> {
  const params: unknown[] = [];
  const where = only === null ? [] : [`e.id = $${params.push(only)}`];
  return sqlWindow(pool, { select: ESCO_COLUMNS, from: 'esco e', where, params, column: 'e.id' }, window, escoRow);
}

/** ESCOs by id (no access check: a contract the key may read leads here). */
export function escosById(pool: pg.Pool, ids: readonly number[]): Promise<EscoRow[]> {
  return sqlRowsById(pool, { select: ESCO_COLUMNS, from: 'esco e', column: 'e.id' }, ids, escoRow);
}

/** The steps of the contracts, oldest first. */
export async function transitionsOf(pool: pg.Pool, contractIds: readonly number[]): Promise<EpcTransitionRow[]> {
  const { rows } = await pool.query<{ id: number; contract_id: number; from_status: EpcStatus | null; to_status: EpcStatus; note: string | null; actor: string; at: Date; effective_at: Date }>(
    'SELECT id, contract_id, from_status, to_status, note, actor, at, effective_at FROM epc_transition WHERE contract_id = ANY($1::int[]) ORDER BY id',
    [contractIds],
  );
  return rows.map((r) => ({ id: r.id, contract: { id: r.contract_id }, fromStatus: r.from_status, toStatus: r.to_status, note: r.note, actor: r.actor, at: r.at, effectiveAt: r.effective_at }));
}

/** The assets of the contracts, in id order. */
export async function assetsOf(pool: pg.Pool, contractIds: readonly number[]): Promise<EpcAssetRow[]> {
  const { rows } = await pool.query<{
    id: number; contract_id: number; name: string; quantity: number; value_yuan: string;
    handed_over_at: Date | null; handover_recorded_at: Date | null; handover_recorded_by: string | null;
  }>(
    `SELECT id, contract_id, name, quantity, value_yuan, handed_over_at, handover_recorded_at, handover_recorded_by
       FROM epc_asset WHERE contract_id = ANY($1::int[]) ORDER BY id`,
    [contractIds],
  );
  return rows.map((r) => ({
    id: r.id,
    contract: { id: r.contract_id },
    name: r.name,
    quantity: r.quantity,
    valueYuan: r.value_yuan,
    handedOverAt: r.handed_over_at,
    handoverRecordedAt: r.handover_recorded_at,
    handoverRecordedBy: r.handover_recorded_by,
  }));
}

/** The payments of the contracts, in id order. */
export async function paymentsOf(pool: pg.Pool, contractIds: readonly number[]): Promise<EpcPaymentRow[]> {
  const { rows } = await pool.query<{ id: number; contract_id: number; amount_yuan: string; paid_on: string; note: string | null; recorded_by: string; recorded_at: Date; effective_at: Date | null }>(
    `SELECT id, contract_id, amount_yuan, to_char(paid_on, 'YYYY-MM-DD') AS paid_on, note, recorded_by, recorded_at, effective_at
       FROM epc_payment WHERE contract_id = ANY($1::int[]) ORDER BY id`,
    [contractIds],
  );
  return rows.map((r) => ({
    id: r.id,
    contract: { id: r.contract_id },
    amountYuan: r.amount_yuan,
    paidOn: r.paid_on,
    note: r.note,
    recordedBy: r.recorded_by,
    recordedAt: r.recorded_at,
    effectiveAt: r.effective_at,
  }));
}

/** The contracts a key reads (the policy table's row scope): its own ESCO's, its institutions', or all (null). */
export type ContractScope = { escoId: number } | { institutionIds: number[] } | null;

interface ContractRecord {
  id: number;
  institution_id: number;
  esco_id: number;
  title: string;
  title_zh: string | null;
  type: EpcType;
  status: EpcStatus;
  carriers: Carrier[];
  measures: EpcMeasure[];
  term_start: string;
  term_end: string;
  investment_yuan: string;
  esco_share: string | null;
  guaranteed_savings_rate: string | null;
  prices: Record<string, string>;
  baseline_start: string;
  baseline_driver: BaselineDriver;
  settlement_period: SettlementPeriod;
  created_at: Date;
  created_by: string;
}

// Days as text (YYYY-MM-DD, as the entity gives them: pg would make a local-midnight Date of a `date`); pg leaves an array of an enum as '{...}' text, so carriers come as text[].
const CONTRACT_COLUMNS = `c.id, c.institution_id, c.esco_id, c.title, c.title_zh, c.type, c.status, c.carriers::text[] AS carriers, c.measures,
  to_char(c.term_start, 'YYYY-MM-DD') AS term_start, to_char(c.term_end, 'YYYY-MM-DD') AS term_end, c.investment_yuan, c.esco_share,
  c.guaranteed_savings_rate, c.prices, to_char(c.baseline_start, 'YYYY-MM-DD') AS baseline_start, c.baseline_driver, c.settlement_period, c.created_at, c.created_by`;

const contractRow = (r: ContractRecord): EpcContractRow => ({
  id: r.id,
  globalId: toGlobalId('EpcContract', r.id),
  institution: { id: r.institution_id },
  esco: { id: r.esco_id },
  title: r.title,
  titleZh: r.title_zh,
  type: r.type,
  status: r.status,
  carriers: r.carriers,
  measures: r.measures,
  termStart: r.term_start,
  termEnd: r.term_end,
  investmentYuan: r.investment_yuan,
  escoShare: r.esco_share,
  guaranteedSavingsRate: r.guaranteed_savings_rate,
  prices: r.prices,
  baselineStart: r.baseline_start,
  baselineDriver: r.baseline_driver,
  settlementPeriod: r.settlement_period,
  createdAt: r.created_at,
  createdBy: r.created_by,
});

/** The scope's predicate on `c` (none for all); its parameters are appended to `params`. */
function scopeWhere(scope: ContractScope, params: unknown[]): string[] {
  if (scope === null) return [];
  return 'escoId' in scope ? [`c.esco_id = $${params.push(scope.escoId)}`] : [`c.institution_id = ANY($${params.push(scope.institutionIds)}::int[])`];
}

/** Which contracts a list reads: the key's scope and the filter. */
export interface ContractSelection {
  scope: ContractScope;
  institutionId: number | null;
  escoId: number | null;
  status: EpcStatus | null;
  type: EpcType | null;
}

/** A window of contracts in id order, one statement; the count only when asked. */
export function contractWindow(pool: pg.Pool, s: ContractSelection, window: PageWindow): Promise<WindowRows<EpcContractRow>> {
  const params: unknown[] = [];
  const where = scopeWhere(s.scope, params);
  if (s.institutionId) where.push(`c.institution_id = $${params.push(s.institutionId)}`);
  if (s.escoId) where.push(`c.esco_id = $${params.push(s.escoId)}`);
  if (s.status) where.push(`c.status = $${params.push(s.status)}`);
  if (s.type) where.push(`c.type = $${params.push(s.type)}`);
  return sqlWindow(pool, { select: CONTRACT_COLUMNS, from: 'epc_contract c', where, params, column: 'c.id' }, window, contractRow);
}

/** Contracts by id within the key's scope, one statement; with `ids` null, every contract in id order (a bulk load measures them all). */
export async function contractsById(pool: pg.Pool, ids: readonly number[] | null, scope: ContractScope): Promise<EpcContractRow[]> {
  const params: unknown[] = [];
  const where = scopeWhere(scope, params);
  if (ids) where.push(`c.id = ANY($${params.push(ids)}::int[])`);
  const { rows } = await pool.query<ContractRecord>(`SELECT ${CONTRACT_COLUMNS} FROM epc_contract c ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY c.id`, params);
  return rows.map(contractRow);
}
