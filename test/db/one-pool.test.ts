import pg from 'pg';
import { loadConfig } from '../../src/config';
import { startTestHub, type TestHub } from '../helpers/hub';
import { sqlOn, waitUntil } from '../helpers/spawn';

/**
 * Issue 16: the ORM and plain SQL take their connections from one pool of EWC_DB_POOL_MAX, with one
 * statement timeout; /readyz, the data versions' and the LISTEN connection stay outside it (database.ts says why).
 */
let t: TestHub;
beforeAll(async () => {
  // Long enough that the statements stuck behind the lock wait until the test lets them go.
  t = await startTestHub({ EWC_DB_POOL_MAX: '3', EWC_STATEMENT_TIMEOUT_MS: '60000' });
});
afterAll(() => t.close());

/** Backends of this database waiting for a lock, seen from a connection of the test's own. */
async function lockWaiters(): Promise<number> {
  const [{ n }] = await sqlOn<{ n: number }>(t.db.url, `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`);
  return n;
}

describe('one pool', () => {
  it('serves the ORM and plain SQL from the same EWC_DB_POOL_MAX connections: past them both wait', async () => {
    const lock = new pg.Client({ connectionString: t.db.url });
    await lock.connect();
    let stuck: Promise<unknown>[] = [];
    try {
      await lock.query('BEGIN');
      await lock.query('LOCK TABLE meter IN ACCESS EXCLUSIVE MODE');
      // Three through the ORM and three as plain SQL: with a pool each, all six would reach the lock.
      stuck = [
        ...Array.from({ length: 3 }, () => t.db.orm.em.fork().getConnection().execute('SELECT count(*) FROM meter')),
        ...Array.from({ length: 3 }, () => t.db.pool.query('SELECT count(*) FROM meter')),
      ];
      await waitUntil(async () => (await lockWaiters()) >= 3 && t.db.pool.waitingCount >= 3, 30_000, 'three statements at the lock and three waiting');
      expect(await lockWaiters()).toBe(3);
      expect(t.db.pool.totalCount).toBe(3);
      expect(t.db.pool.waitingCount).toBeGreaterThanOrEqual(3);
    } finally {
      await lock.query('ROLLBACK');
      await lock.end();
    }
    expect(await Promise.all(stuck)).toHaveLength(6);
  });

  it('keeps the statement timeout on every connection, and each side its own reading of timestamps', async () => {
    const em = t.db.orm.em.fork();
    const [orm] = await em.getConnection().execute<{ t: unknown; timeout: string }[]>(`SELECT timestamptz '2025-01-02 03:04:05+00' AS t, current_setting('statement_timeout') AS timeout`);
    const { rows: [plain] } = await t.db.pool.query<{ t: unknown; timeout: string }>(`SELECT timestamptz '2025-01-02 03:04:05+00' AS t, current_setting('statement_timeout') AS timeout`);
    // The ORM parses timestamps itself from text; plain SQL gets pg's Date.
    expect(typeof orm.t).toBe('string');
    expect(plain.t).toEqual(new Date('2025-01-02T03:04:05Z'));
    expect([orm.timeout, plain.timeout]).toEqual(['1min', '1min']);
  });

  it('refuses an EWC_DB_POOL_MAX that is not a whole number of at least 1, naming the variable', () => {
    expect(() => loadConfig({ EWC_DB_POOL_MAX: '0' })).toThrow(/^EWC_DB_POOL_MAX: expected a whole number of at least 1, got "0"/);
    expect(() => loadConfig({ EWC_DB_POOL_MAX: 'ten' })).toThrow(/^EWC_DB_POOL_MAX: /);
    expect(loadConfig({}).dbPoolMax).toBe(20);
  });
});
