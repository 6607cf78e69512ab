import type { EntityManager } from '@mikro-orm/postgresql';
import type pg from 'pg';

/**
 * A statement of an admin step that a request starts but that may rightly run long (closing a
 * year, an HTTP import's COPY of a large file): its transaction raises the limit to this.
 */
export const LONG_STATEMENT_TIMEOUT_MS = 10 * 60_000;

export interface TransactionOptions {
  /** Replaces the connection's statement timeout for this transaction only (0: none). */
  statementTimeoutMs?: number;
}

/**
 * The one way to open a transaction: committed if `fn` returns, rolled back if it throws.
 * On the pool, `fn` gets one connection inside BEGIN (plain SQL: rollups, COPY, partitions); on an
 * EntityManager, the manager itself with its transaction begun, so what `fn` flushes commits together.
 */
export async function inTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>, opts?: TransactionOptions): Promise<T>;
export async function inTransaction<T>(em: EntityManager, fn: (em: EntityManager) => Promise<T>, opts?: TransactionOptions): Promise<T>;
export async function inTransaction<T>(
  on: pg.Pool | EntityManager,
  fn: ((client: pg.PoolClient) => Promise<T>) | ((em: EntityManager) => Promise<T>),
  opts: TransactionOptions = {},
): Promise<T> {
  if (isEntityManager(on)) return inEmTransaction(on, fn as (em: EntityManager) => Promise<T>, opts);
  const client = await on.connect();
  try {
    await client.query('BEGIN');
    if (opts.statementTimeoutMs !== undefined) await setLocalStatementTimeout(client, opts.statementTimeoutMs);
    const result = await (fn as (client: pg.PoolClient) => Promise<T>)(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

async function inEmTransaction<T>(em: EntityManager, fn: (em: EntityManager) => Promise<T>, opts: TransactionOptions): Promise<T> {
  await em.begin();
  try {
    if (opts.statementTimeoutMs !== undefined) await em.execute(statementTimeoutSql(opts.statementTimeoutMs));
    const result = await fn(em);
    await em.commit();
    return result;
  } catch (err) {
    // A failed rollback must not hide why the transaction failed.
    await em.rollback().catch(() => undefined);
    throw err;
  }
}

function isEntityManager(on: pg.Pool | EntityManager): on is EntityManager {
  return typeof (on as EntityManager).begin === 'function';
}

function statementTimeoutSql(ms: number): string {
  return `SET LOCAL statement_timeout = ${Math.max(0, Math.trunc(ms))}`;
}

/** Inside a transaction: its statements run under `ms` (0: no limit) instead of the connection's timeout. */
export async function setLocalStatementTimeout(client: pg.ClientBase, ms: number): Promise<void> {
  await client.query(statementTimeoutSql(ms));
}
