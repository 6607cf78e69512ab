import pg from 'pg';
import { backgroundQuery, installSqlCounter, sqlStats } from '../../src/db/sql-stats';
import { waitUntil } from '../helpers/spawn';

/**
 * The statement counts the N+1 tests compare leave out the hub's bookkeeping (budget refills, key
 * usage). A bookkeeping statement that waited for a connection is sent later than it was asked for:
 * it must leave the count of whatever runs when it is sent unchanged.
 */
it('counts a bookkeeping statement as background when it is sent, not when it is asked for', async () => {
  installSqlCounter();
  const pool = new pg.Pool({ connectionString: process.env.EWC_TEST_ADMIN_URL, max: 1 });
  const held = await pool.connect();
  let released = false;
  try {
    const queued = pool.query(backgroundQuery('SELECT $1::int AS one', [1]));
    await waitUntil(() => pool.waitingCount === 1, 30_000, 'the statement waiting for the connection');
    const before = { all: sqlStats.statements, background: sqlStats.backgroundStatements };
    held.release();
    released = true;
    const { rows } = await queued;
    expect(rows).toEqual([{ one: 1 }]);
    expect(sqlStats.statements - before.all).toBe(1);
    expect(sqlStats.backgroundStatements - before.background).toBe(1);
  } finally {
    if (!released) held.release();
    await pool.end();
  }
});
