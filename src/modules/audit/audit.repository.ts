import type pg from 'pg';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { AuditTx, ObjectChange } from './audit.service';
import { bigintKey, sqlKeyset, type PageWindow } from '../../db/window';

/** One audit_event row as SQL returns it. */
export interface AuditRow {
  id: string;
  at: Date;
  key_id: number | null;
  key_name: string;
  subject: string;
  role: string;
  request_id: string;
  operation: string;
  object_ids: string[];
  changes: ObjectChange[];
}

/** Whose events a reader sees: all, or those of its holder (its keys' actions and its objects). */
export type AuditVisibility =
  | { kind: 'all' }
  | { kind: 'agency'; code: string }
  | { kind: 'institution'; id: number }
  | { kind: 'esco'; id: number };

export interface AuditQuery {
  visibility: AuditVisibility;
  id?: string;
  subject?: string;
  objectId?: string;
  operation?: string;
  from?: Date;
  to?: Date;
}

const COLUMNS = 'id, at, key_id, key_name, subject, role, request_id, operation, object_ids, changes';

/** The WHERE clause of a query, its parameters numbered from 1. */
function where(q: AuditQuery): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const and: string[] = [];
  const arg = (v: unknown) => `$${params.push(v)}`;
  const v = q.visibility;
  if (v.kind === 'agency') and.push(`subject = ${arg(v.code)}`);
  if (v.kind === 'institution') and.push(`(actor_institution_id = ${arg(v.id)} OR ${arg(v.id)} = ANY(institution_ids))`);
  if (v.kind === 'esco') and.push(`(actor_esco_id = ${arg(v.id)} OR ${arg(v.id)} = ANY(esco_ids))`);
  if (q.id) and.push(`id = ${arg(q.id)}`);
  if (q.subject) and.push(`subject = ${arg(q.subject)}`);
  if (q.objectId) and.push(`object_ids @> ARRAY[${arg(q.objectId)}::text]`);
  if (q.operation) and.push(`operation = ${arg(q.operation)}`);
  if (q.from) and.push(`at >= ${arg(q.from)}`);
  if (q.to) and.push(`at < ${arg(q.to)}`);
  return { sql: and.length ? `WHERE ${and.join(' AND ')}` : '', params };
}

/** A window of events, newest first in the connection (so `after` goes to older ids). */
export async function pageOfEvents(pool: pg.Pool, q: AuditQuery, window: PageWindow): Promise<AuditRow[]> {
  const w = where(q);
  const params = [...w.params];
  const ks = sqlKeyset(window, 'id', params, 'desc', bigintKey);
  const cursor = ks.where.map((c, i) => `${w.sql || i ? ' AND' : 'WHERE'} ${c}`).join('');
  const { rows } = await pool.query<AuditRow>(`SELECT ${COLUMNS} FROM audit_event ${w.sql}${cursor} ORDER BY ${ks.orderBy} LIMIT $${params.push(window.size + 1)}`, params);
  return rows;
}

export async function countEvents(pool: pg.Pool, q: AuditQuery): Promise<number> {
  const w = where(q);
  const { rows } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_event ${w.sql}`, w.params);
  return rows[0].n;
}

/** Every event from the local day `from` to the local day `to` (both included), oldest first, a page at a time. */
export async function* eventsOnDays(pool: pg.Pool, from: string, to: string, timezone: string, pageSize = 1000): AsyncGenerator<AuditRow> {
  let after = '0';
  for (;;) {
    const { rows } = await pool.query<AuditRow>(
      `SELECT ${COLUMNS} FROM audit_event
        WHERE at >= ($1::date::timestamp AT TIME ZONE $3) AND at < (($2::date + 1)::timestamp AT TIME ZONE $3) AND id > $4
        ORDER BY id LIMIT $5`,
      [from, to, timezone, after, pageSize],
    );
    yield* rows;
    if (rows.length < pageSize) return;
    after = rows[rows.length - 1].id;
  }
}

/** Requests and rows per day of each key in [from, to] (local days). */
export async function usageOf(pool: pg.Pool, keyIds: number[], from: string, to: string): Promise<{ key_id: number; day: string; requests: number; rows: number }[]> {
  const { rows } = await pool.query<{ key_id: number; day: string; requests: number; rows: number }>(
    `SELECT key_id, to_char(day, 'YYYY-MM-DD') AS day, requests::int AS requests, rows::int AS rows
       FROM key_usage WHERE key_id = ANY($1::int[]) AND day BETWEEN $2::date AND $3::date ORDER BY key_id, day`,
    [keyIds, from, to],
  );
  return rows;
}

const INSERT = `INSERT INTO audit_event (key_id, key_name, subject, role, actor_institution_id, actor_esco_id, request_id, operation,
                                         object_ids, institution_ids, esco_ids, changes)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?,
          ARRAY(SELECT jsonb_array_elements_text(?::jsonb)), ARRAY(SELECT jsonb_array_elements_text(?::jsonb)::int),
          ARRAY(SELECT jsonb_array_elements_text(?::jsonb)::int), ?::jsonb)`;
const INSERT_PG = (() => {
  let n = 0;
  return INSERT.replace(/\?/g, () => `$${++n}`);
})();

function isEntityManager(tx: AuditTx): tx is EntityManager {
  return typeof (tx as EntityManager).getConnection === 'function';
}

/**
 * Appends one event (its parameters in INSERT's order) in the caller's transaction: through the
 * EntityManager's connection when the change is the ORM's, else on the pg client inside BEGIN.
 */
export async function insertEvent(tx: AuditTx, params: unknown[]): Promise<void> {
  if (isEntityManager(tx)) {
    if (!tx.isInTransaction()) throw new Error('audit: record() needs the transaction of the change');
    await tx.getConnection('write').execute(INSERT, params, 'run', tx.getTransactionContext());
  } else {
    await tx.query(INSERT_PG, params);
  }
}
