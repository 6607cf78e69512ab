import { print } from 'graphql';
import pg from 'pg';
import { deriveDemoKeys } from '../../src/demo/demo-keys';
import { IngestReadingsDocument } from '../../src/generated/graphql';
import { toGlobalId } from '../../src/graphql/relay';
import { createDatabaseFromTemplate } from '../helpers/hub';
import { spawnHub, sqlOn, waitUntil, type SpawnedHub } from '../helpers/spawn';

/**
 * The built hub killed with SIGKILL while a batch is inside its transaction. To kill it there and
 * nowhere else, the test holds a lock on the daily rollups: the batch's readings are written, then
 * its transaction waits for the rollup refresh, and pg_stat_activity shows it waiting. After the
 * kill the batch must be wholly absent (its transaction never committed), and sending it again to a
 * restarted hub must store exactly its rows.
 */
const ROWS = 480;
let url: string;
let hub: SpawnedHub | null = null;
const goa = deriveDemoKeys(process.env.EWC_TEST_DATA_DIR!).find((k) => k.label === 'GOA admin')!.key;
const start = async () => (hub = await spawnHub({ DATABASE_URL: url, EWC_DATA_DIR: process.env.EWC_TEST_DATA_DIR!, LOG_LEVEL: 'warn' }));

beforeAll(async () => {
  url = await createDatabaseFromTemplate();
});
afterAll(async () => {
  await hub?.kill('SIGINT');
});

function hourly(from: string, n: number): { start: Date; end: Date; value: number }[] {
  const t0 = new Date(from).getTime();
  return Array.from({ length: n }, (_, i) => ({ start: new Date(t0 + i * 3600_000), end: new Date(t0 + (i + 1) * 3600_000), value: 1 + (i % 7) }));
}

async function readingsOf(meterId: number, from: Date, to: Date): Promise<number> {
  const [{ n }] = await sqlOn<{ n: number }>(url, 'SELECT count(*)::int AS n FROM reading WHERE meter_id = $1 AND period_start >= $2 AND period_start < $3', [meterId, from, to]);
  return n;
}

/**
 * Sends a batch with `send` while the daily rollups are locked, waits until its transaction (a
 * backend that has written, `backend_xid` set) waits for that lock, kills the hub with SIGKILL,
 * lets the lock go and waits until PostgreSQL has ended the orphaned backend.
 */
async function killDuring(send: () => Promise<unknown>): Promise<void> {
  const locker = new pg.Client({ connectionString: url });
  await locker.connect();
  await locker.query('BEGIN');
  await locker.query('LOCK TABLE meter_day IN ACCESS EXCLUSIVE MODE');
  const inFlight = send().catch(() => 'killed');
  let pid = 0;
  try {
    await waitUntil(async () => {
      const rows = await sqlOn<{ pid: number }>(
        url,
        `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND backend_xid IS NOT NULL AND pid <> $1`,
        [(locker as pg.Client & { processID: number }).processID],
      );
      pid = rows[0]?.pid ?? 0;
      return pid !== 0;
    }, 30_000, 'the batch to wait inside its transaction');
    await hub!.kill('SIGKILL');
    expect(await inFlight).toBe('killed');
  } finally {
    await locker.query('ROLLBACK');
    await locker.end();
  }
  // The backend finds its client gone at its next read and rolls the transaction back.
  await waitUntil(async () => (await sqlOn(url, 'SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid])).length === 0, 30_000, 'the orphaned backend to end');
}

describe('SIGKILL of the hub in the middle of a batch', () => {
  it('ingestReadings: the batch is not there after the kill, and sending it again stores exactly its rows', async () => {
    const [meter] = await sqlOn<{ id: number }>(url, `SELECT id FROM meter WHERE carrier = 'ELECTRICITY' ORDER BY id LIMIT 1`);
    const rows = hourly('2025-06-01T00:00:00+08:00', ROWS);
    const [from, to] = [rows[0].start, rows[ROWS - 1].end];
    const body = JSON.stringify({
      query: print(IngestReadingsDocument),
      variables: { input: { rows: rows.map((r) => ({ meterId: toGlobalId('Meter', meter.id), periodStart: r.start.toISOString(), periodEnd: r.end.toISOString(), value: r.value })) } },
    });
    const send = async () => {
      const res = await fetch(hub!.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${goa}` }, body });
      return (await res.json()) as { data?: { ingestReadings: { accepted: number; duplicates: number } }; errors?: unknown[] };
    };
    const batchesBefore = await sqlOn(url, 'SELECT id FROM reading_batch');
    expect(await readingsOf(meter.id, from, to)).toBe(0);

    await start();
    await killDuring(send);
    expect(await readingsOf(meter.id, from, to)).toBe(0);
    expect(await sqlOn(url, 'SELECT id FROM reading_batch')).toEqual(batchesBefore);

    await start();
    const again = await send();
    expect(again.errors).toBeUndefined();
    expect(again.data!.ingestReadings).toMatchObject({ accepted: ROWS, duplicates: 0 });
    expect(await readingsOf(meter.id, from, to)).toBe(ROWS);
    // And once more: every row a duplicate, nothing added.
    expect((await send()).data!.ingestReadings).toMatchObject({ accepted: 0, duplicates: ROWS });
    expect(await readingsOf(meter.id, from, to)).toBe(ROWS);
    await hub!.kill('SIGINT');
  }, 180_000);

  it('POST /import/readings: the file is not there after the kill, and sending it again stores exactly its rows', async () => {
    const [meter] = await sqlOn<{ id: number; serial: string }>(url, `SELECT id, serial FROM meter WHERE carrier = 'ELECTRICITY' ORDER BY id LIMIT 1 OFFSET 1`);
    const rows = hourly('2025-07-01T00:00:00+08:00', ROWS);
    const [from, to] = [rows[0].start, rows[ROWS - 1].end];
    const local = (d: Date) => new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
    const csv = `serial,start,end,value\n${rows.map((r) => `${meter.serial},${local(r.start)},${local(r.end)},${r.value}`).join('\n')}\n`;
    const send = async () => {
      const res = await fetch(`${hub!.base}/import/readings`, { method: 'POST', headers: { 'content-type': 'text/csv', authorization: `Bearer ${goa}` }, body: csv });
      return { status: res.status, json: (await res.json()) as { accepted?: number; duplicates?: number; errors?: unknown[] } };
    };
    const batchesBefore = await sqlOn(url, 'SELECT id FROM reading_batch');
    expect(await readingsOf(meter.id, from, to)).toBe(0);

    await start();
    await killDuring(send);
    expect(await readingsOf(meter.id, from, to)).toBe(0);
    expect(await sqlOn(url, 'SELECT id FROM reading_batch')).toEqual(batchesBefore);

    await start();
    const again = await send();
    expect(again).toMatchObject({ status: 200, json: { accepted: ROWS, duplicates: 0 } });
    expect(await readingsOf(meter.id, from, to)).toBe(ROWS);
    expect((await send()).json).toMatchObject({ accepted: 0, duplicates: ROWS });
    expect(await readingsOf(meter.id, from, to)).toBe(ROWS);
    await hub!.kill('SIGINT');
  }, 180_000);
});
