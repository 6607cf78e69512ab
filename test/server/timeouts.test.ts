import pg from 'pg';
import { IngestReadingsDocument, MetersDocument } from '../../src/generated/graphql';
import { toGlobalId } from '../../src/graphql/relay';
import { codeOf, startTestHub, type TestHub } from '../helpers/hub';
import { sqlOn, waitUntil } from '../helpers/spawn';

/** A second connection that holds an exclusive lock on `tables` until released: what makes a request slow on purpose. */
async function holdLock(url: string, tables: string[]): Promise<{ release(): Promise<void> }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('BEGIN');
  await client.query(`LOCK TABLE ${tables.join(', ')} IN ACCESS EXCLUSIVE MODE`);
  return {
    release: async () => {
      await client.query('ROLLBACK');
      await client.end();
    },
  };
}

/** Backends of this database waiting for a lock (the requests stuck behind holdLock), seen from a connection of the test's own. */
async function lockWaiters(url: string): Promise<number> {
  const [{ n }] = await sqlOn<{ n: number }>(url, `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`);
  return n;
}

describe('EWC_STATEMENT_TIMEOUT_MS=200', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub({ EWC_STATEMENT_TIMEOUT_MS: '200' });
  });
  afterAll(() => t.close());

  it('is set on the connections the ORM and plain SQL use (one pool)', async () => {
    expect((await t.db.pool.query('SHOW statement_timeout')).rows[0].statement_timeout).toBe('200ms');
    const [row] = await t.db.orm.em.fork().getConnection().execute<{ statement_timeout: string }[]>('SHOW statement_timeout');
    expect(row.statement_timeout).toBe('200ms');
  });

  it('answers a request stuck behind a lock with SERVICE_UNAVAILABLE (HTTP 503) naming the limit, then serves it once the lock goes', async () => {
    await t.gql(MetersDocument, { first: 1 }, t.keys.goa); // the key is looked up (and cached) before the lock
    const lock = await holdLock(t.db.url, ['meter']);
    let slow;
    try {
      slow = await t.gql(MetersDocument, { first: 5 }, t.keys.goa);
    } finally {
      await lock.release();
    }
    expect(slow.status).toBe(503);
    expect(codeOf(slow)).toBe('SERVICE_UNAVAILABLE');
    expect(slow.errors![0].message).toMatch(/took longer than 200 ms/);
    expect(JSON.stringify(slow.errors)).not.toMatch(/select|meter"|57014/i);

    const fine = await t.gql(MetersDocument, { first: 5 }, t.keys.goa);
    expect(fine.status).toBe(200);
    expect(fine.data!.meters.nodes).toHaveLength(5);
  });

  it('times out a mutation (plain SQL) too, and its batch is not stored', async () => {
    const [meter] = await sqlOn<{ id: number }>(t.db.url, `SELECT id FROM meter WHERE carrier = 'ELECTRICITY' ORDER BY id LIMIT 1`);
    const rows = [{ meterId: toGlobalId('Meter', meter.id), periodStart: '2025-03-01T00:00:00+08:00', periodEnd: '2025-03-02T00:00:00+08:00', value: 7 }];
    const count = () => sqlOn(t.db.url, 'SELECT count(*)::int AS n FROM reading WHERE meter_id = $1', [meter.id]);
    const before = await count();
    const lock = await holdLock(t.db.url, ['meter']);
    let slow;
    try {
      slow = await t.gql(IngestReadingsDocument, { input: { rows } }, t.keys.goa);
    } finally {
      await lock.release();
    }
    expect(slow.status).toBe(503);
    expect(codeOf(slow)).toBe('SERVICE_UNAVAILABLE');
    expect(await count()).toEqual(before);
  });
});

describe('a saturated pool', () => {
  let t: TestHub;
  beforeAll(async () => {
    // Long enough that the requests stay stuck until the test lets them go.
    t = await startTestHub({ EWC_STATEMENT_TIMEOUT_MS: '60000' });
  });
  afterAll(() => t.close());

  it('leaves /healthz and /readyz answering while every connection of the pool waits behind a lock', async () => {
    const base = t.hub.url.replace(/\/graphql$/, '');
    const [meter] = await t.sql<{ id: number }>(`SELECT id FROM meter WHERE carrier = 'ELECTRICITY' ORDER BY id LIMIT 1`);
    await t.gql(MetersDocument, { first: 1 }, t.keys.goa);
    const lock = await holdLock(t.db.url, ['meter']);
    let requests: Promise<unknown>[] = [];
    try {
      // 12 reads and 12 ingests on the one pool of 20 (EWC_DB_POOL_MAX): 20 at the lock, 4 more queued.
      requests = [
        ...Array.from({ length: 12 }, () => t.gql(MetersDocument, { first: 5 }, t.keys.goa)),
        ...Array.from({ length: 12 }, (_, i) =>
          t.gql(IngestReadingsDocument, { input: { rows: [{ meterId: toGlobalId('Meter', meter.id), periodStart: `2025-04-${String(i + 1).padStart(2, '0')}T00:00:00+08:00`, periodEnd: `2025-04-${String(i + 2).padStart(2, '0')}T00:00:00+08:00`, value: 1 }] } }, t.keys.goa),
        ),
      ];
      await waitUntil(async () => (await lockWaiters(t.db.url)) >= 20 && t.db.pool.waitingCount > 0, 30_000, 'the pool to be busy');

      const health = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(10_000) });
      expect(health.status).toBe(200);
      const ready = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(10_000) });
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ status: 'ready' });
      expect(t.db.pool.waitingCount).toBeGreaterThan(0); // still saturated when they answered
    } finally {
      await lock.release();
    }
    const results = (await Promise.all(requests)) as { status: number; errors?: unknown }[];
    expect(results.map((r) => r.status)).toEqual(results.map(() => 200));
    expect(results.filter((r) => r.errors)).toEqual([]);
  });
});
