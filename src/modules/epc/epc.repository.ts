import type pg from 'pg';
import { sqlWindow, type PageWindow, type WindowRows } from '../../db/window';
import { toGlobalId } from '../../global-id';
import type { EpcStatus } from './epc.enums';
import type { EpcAssetRow, EpcPaymentRow, EpcTransitionRow, EscoRow } from './epc.types';

/* Reads of ESCOs and of contracts' steps, assets and payments: plain rows, never entities. */

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
export async function escosById(pool: pg.Pool, ids: readonly number[]): Promise<EscoRow[]> {
  const { rows } = await pool.query<EscoRecord>(`SELECT ${ESCO_COLUMNS} FROM esco e WHERE e.id = ANY($1::int[])`, [ids]);
  return rows.map(escoRow);
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
