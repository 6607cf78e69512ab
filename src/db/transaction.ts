import type pg from 'pg';

/**
 * A statement of an admin step that a request starts but that may rightly run long (closing a
 * year, an HTTP import's COPY of a large file): its transaction raises the limit to this.
 */
export const LONG_STATEMENT_TIMEOUT_MS = 10 * 60_000;

/**
 * Runs `fn` in a transaction on one connection of the pool: committed if it returns, rolled back if it throws.
 * `statementTimeoutMs` replaces the connection's statement timeout for this transaction only (0: none).
 */
export async function inTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>, opts: { statementTimeoutMs?: number } = {}): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    if (opts.statementTimeoutMs !== undefined) await setLocalStatementTimeout(client, opts.statementTimeoutMs);
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/** Inside a transaction: its statements run under `ms` (0: no limit) instead of the connection's timeout. */
export async function setLocalStatementTimeout(client: pg.ClientBase, ms: number): Promise<void> {
  await client.query(`SET LOCAL statement_timeout = ${Math.max(0, Math.trunc(ms))}`);
}
