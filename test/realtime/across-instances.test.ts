/**
 * Two real hub processes (the built CLI, `node dist/src/main.js start`) on one database: a
 * subscriber on A hears mutations made on B through LISTEN/NOTIFY, big payloads included, and
 * keeps hearing them after A's and B's listening connections are killed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { print } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import pg from 'pg';
import WebSocket from 'ws';
import { deriveDemoKeys } from '../../src/demo/demo-keys';
import { IndicatorUpdatedDocument, IngestReadingsDocument, ReadingsIngestedDocument, type IndicatorUpdatedSubscription, type ReadingsIngestedSubscription } from '../../src/generated/graphql';
import { toGlobalId } from '../../src/graphql/relay';
import { EVENTS_CHANNEL, PgPubSub } from '../../src/modules/realtime/pg-pubsub';
import { TOPICS } from '../../src/modules/realtime/pubsub';
import { dailyRows } from '../helpers/fixtures';
import { createDatabaseFromTemplate } from '../helpers/hub';
import { subscriptionsOpen, waitFor, whenSubscribed } from '../helpers/live';
import { logOutputOf } from '../helpers/log';

const MAIN = path.resolve(__dirname, '../../dist/src/main.js');

interface HubProcess {
  child: ChildProcess;
  url: string;
  wsUrl: string;
  stderr: () => string;
}

/** Every hub process started, stopped after the tests even when one never came up. */
const children: ChildProcess[] = [];

/** Starts `ewc-hub start` and resolves with its URL once it prints the GraphQL line (however long a busy machine takes). */
function startHubProcess(databaseUrl: string, label: string): Promise<HubProcess> {
  const child = spawn(process.execPath, [MAIN, 'start'], {
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: '0', EWC_DEMO: '0', LOG_LEVEL: 'warn', EWC_DATA_DIR: process.env.EWC_TEST_DATA_DIR },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  logOutputOf(child, label);
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`hub exited with ${code}:\n${err}`)));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const url = /GraphQL\s+(http:\/\/\S+)/.exec(out)?.[1];
      if (url) resolve({ child, url, wsUrl: url.replace(/^http/, 'ws'), stderr: () => err });
    });
  });
}

function stopHubProcess(child: ChildProcess): Promise<unknown> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGINT');
  return exited;
}

type Readings = NonNullable<ReadingsIngestedSubscription['readingsIngested']>;
type Indicator = NonNullable<IndicatorUpdatedSubscription['indicatorUpdated']>;

let dbUrl: string;
let sql: pg.Pool;
let a: HubProcess;
let b: HubProcess;
let goa: string;
let client: Client;
const readings: Readings[] = [];
const indicators: Indicator[] = [];
const errors: unknown[] = [];
let meter: { id: number; institutionId: number };

async function ingestOnB(day: string): Promise<void> {
  const res = await fetch(b.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${goa}` },
    body: JSON.stringify({ query: print(IngestReadingsDocument), variables: { input: { rows: dailyRows(toGlobalId('Meter', meter.id), day, 2, () => 10) } } }),
  });
  const json = (await res.json()) as { data?: { ingestReadings: { accepted: number } }; errors?: unknown };
  expect(json.errors).toBeUndefined();
  expect(json.data!.ingestReadings.accepted).toBe(2);
}

beforeAll(async () => {
  dbUrl = await createDatabaseFromTemplate();
  sql = new pg.Pool({ connectionString: dbUrl, max: 2 });
  goa = deriveDemoKeys(process.env.EWC_TEST_DATA_DIR!).find((k) => k.label === 'GOA admin')!.key;
  const row = (await sql.query<{ id: number; institution_id: number }>(`SELECT id, institution_id FROM meter WHERE serial = 'SY-hosp-longhui-E1'`)).rows[0];
  meter = { id: row.id, institutionId: row.institution_id };
  [a, b] = await Promise.all([startHubProcess(dbUrl, 'hub A'), startHubProcess(dbUrl, 'hub B')]);

  client = createClient({ url: a.wsUrl, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${goa}` }, retryAttempts: 0, lazy: true });
  const sink = <T>(list: T[], pick: (data: unknown) => T) => ({
    next: (v: { data?: unknown; errors?: unknown }) => {
      if (v.errors) errors.push(v.errors);
      if (v.data) list.push(pick(v.data));
    },
    error: (e: unknown) => errors.push(e),
    complete: () => undefined,
  });
  const openOnA = async () => subscriptionsOpen(await (await fetch(a.url.replace(/\/graphql$/, '/metrics'))).text());
  await whenSubscribed(openOnA, 2, () => {
    client.subscribe({ query: print(ReadingsIngestedDocument) }, sink(readings, (d) => (d as ReadingsIngestedSubscription).readingsIngested));
    client.subscribe({ query: print(IndicatorUpdatedDocument) }, sink(indicators, (d) => (d as IndicatorUpdatedSubscription).indicatorUpdated));
  });
});

afterAll(async () => {
  await client?.dispose();
  await Promise.all(children.map(stopHubProcess));
  await sql?.end();
});

describe('events across hub instances', () => {
  it('a subscriber on A gets readingsIngested and indicatorUpdated for an ingest on B', async () => {
    await ingestOnB('2024-07-01');
    expect(await waitFor(() => readings.length >= 1 && indicators.length >= 1)).toBe(true);
    expect(errors).toEqual([]);

    expect(readings).toHaveLength(1);
    expect(readings[0]).toMatchObject({ meter: { id: toGlobalId('Meter', meter.id), serial: 'SY-hosp-longhui-E1', institution: { id: toGlobalId('Institution', meter.institutionId) } }, carrier: 'ELECTRICITY', unit: 'KWH', rows: 2, total: 20 });
    // DateTime fields: the Dates survived JSON on the way between processes.
    expect(readings[0].periodStart).toBe('2024-07-01T00:00:00+08:00');
    expect(readings[0].periodEnd).toBe('2024-07-03T00:00:00+08:00');

    expect(indicators).toHaveLength(1);
    expect(indicators[0]).toMatchObject({ year: 2024, months: ['2024-07-01'], institution: { id: toGlobalId('Institution', meter.institutionId) } });
    expect(indicators[0].indicators?.energyKgce).toEqual(expect.any(Number));
  });

  it('a payload over 8,000 bytes goes through event_payload and arrives whole, Dates included', async () => {
    // Publisher and second receiver are in-test PgPubSubs on the same database; A is a real process.
    const publisher = new PgPubSub({ pool: sql, url: dbUrl });
    const receiver = new PgPubSub({ pool: sql, url: dbUrl });
    await Promise.all([publisher.start(), receiver.start()]);
    try {
      const heard: unknown[] = [];
      receiver.on(TOPICS.READINGS_INGESTED, (p) => heard.push(p));
      const periodStart = new Date('2024-08-01T16:00:00.000Z');
      const big = {
        meterId: meter.id,
        institutionId: meter.institutionId,
        carrier: 'ELECTRICITY',
        unit: 'KWH',
        batchId: 1,
        rows: 3,
        periodStart,
        periodEnd: new Date('2024-08-02T16:00:00.000Z'),
        total: 42,
        // Not part of the GraphQL type: only here to push the event past NOTIFY's limit.
        padding: Array.from({ length: 400 }, (_, i) => ({ i, at: new Date(Date.UTC(2024, 0, 1, 0, i)) })),
      };
      expect(JSON.stringify(big).length).toBeGreaterThan(8000);
      const before = readings.length;
      const { rows: [{ max }] } = await sql.query<{ max: string | null }>('SELECT max(id) FROM event_payload');

      publisher.publish(TOPICS.READINGS_INGESTED, big);

      expect(await waitFor(() => heard.length === 1 && readings.length === before + 1)).toBe(true);
      expect(heard[0]).toEqual(big);
      expect((heard[0] as typeof big).periodStart).toBeInstanceOf(Date);
      expect((heard[0] as typeof big).padding[399].at).toEqual(new Date(Date.UTC(2024, 0, 1, 0, 399)));
      expect(readings[before]).toMatchObject({ rows: 3, total: 42, periodStart: '2024-08-02T00:00:00+08:00', periodEnd: '2024-08-03T00:00:00+08:00' });
      const stored = await sql.query('SELECT id FROM event_payload WHERE id > $1', [max ?? 0]);
      expect(stored.rowCount).toBe(1);
    } finally {
      await Promise.all([publisher.close(), receiver.close()]);
    }
    expect(errors).toEqual([]);
  });

  it('the events of one change travel as one message, stored whole when large, and arrive in order', async () => {
    const publisher = new PgPubSub({ pool: sql, url: dbUrl });
    const receiver = new PgPubSub({ pool: sql, url: dbUrl });
    await Promise.all([publisher.start(), receiver.start()]);
    try {
      const heard: { topic: string; i: number }[] = [];
      // Topics of their own: hub A's subscribers must not get these made-up payloads.
      receiver.on('TEST_R', (p) => heard.push({ topic: 'r', i: (p as { i: number }).i }));
      receiver.on('TEST_U', (p) => heard.push({ topic: 'u', i: (p as { i: number }).i }));
      const { rows: [{ max }] } = await sql.query<{ max: string | null }>('SELECT max(id) FROM event_payload');
      // 200 events of a batch of 100 meters: far past NOTIFY's 8,000 bytes, so one stored row.
      const events = Array.from({ length: 200 }, (_, i) => ({ topic: i % 2 ? 'TEST_U' : 'TEST_R', payload: { i, at: new Date(Date.UTC(2024, 0, 1, 0, i)), pad: 'x'.repeat(40) } }));
      publisher.publishAll(events);
      expect(await waitFor(() => heard.length === 200, 10_000)).toBe(true);
      expect(heard).toEqual(events.map((e, i) => ({ topic: e.topic === 'TEST_U' ? 'u' : 'r', i })));
      const stored = await sql.query('SELECT id FROM event_payload WHERE id > $1', [max ?? 0]);
      expect(stored.rowCount).toBe(1);
    } finally {
      await Promise.all([publisher.close(), receiver.close()]);
    }
  });

  it('an ingest of several meters and months is one notification carrying every event, and each arrives on A', async () => {
    const listener = new pg.Client({ connectionString: dbUrl });
    await listener.connect();
    const notes: { topics: string[] }[] = [];
    listener.on('notification', (n) => {
      const envelope = JSON.parse(n.payload!) as { events?: { topic: string; payload: { meterId?: number; institutionId: number; months?: string[] } }[]; topic?: string };
      notes.push({ topics: envelope.events ? envelope.events.map((e) => `${e.topic}:${e.payload.meterId ?? e.payload.institutionId}:${(e.payload.months ?? []).join(',')}`) : [envelope.topic!] });
    });
    await listener.query(`LISTEN ${EVENTS_CHANNEL}`);
    try {
      const picked = (await sql.query<{ id: number; institution_id: number }>(
        `SELECT id, institution_id FROM meter WHERE serial IN ('SY-hosp-longhui-E1', 'SY-hosp-longhui-W1', 'SY-school-longhui-no1-W1') ORDER BY id`,
      )).rows;
      const rows = picked.flatMap((m) => dailyRows(toGlobalId('Meter', m.id), '2024-10-31', 2, () => 5));
      const before = { readings: readings.length, indicators: indicators.length };
      const res = await fetch(b.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${goa}` },
        body: JSON.stringify({ query: print(IngestReadingsDocument), variables: { input: { rows } } }),
      });
      expect(((await res.json()) as { data?: { ingestReadings: { accepted: number } } }).data!.ingestReadings.accepted).toBe(6);
      const institutions = [...new Set(picked.map((m) => m.institution_id))];
      expect(await waitFor(() => readings.length === before.readings + 3 && indicators.length === before.indicators + institutions.length)).toBe(true);
      expect(await waitFor(() => notes.some((n) => n.topics.some((t) => t.startsWith(TOPICS.READINGS_INGESTED))))).toBe(true);

      // One message for the batch: a readings event per meter and an indicator event per institution, both months in it.
      const batchNotes = notes.filter((n) => n.topics.some((t) => t.startsWith(TOPICS.READINGS_INGESTED) || t.startsWith(TOPICS.INDICATOR_UPDATED)));
      expect(batchNotes).toHaveLength(1);
      expect([...batchNotes[0].topics].sort()).toEqual([
        ...picked.map((m) => `${TOPICS.READINGS_INGESTED}:${m.id}:`),
        ...institutions.map((i) => `${TOPICS.INDICATOR_UPDATED}:${i}:2024-10-01,2024-11-01`),
      ].sort());
      // Every event reached the subscriber on A.
      expect(readings.slice(before.readings).map((r) => r.meter.id).sort()).toEqual(picked.map((m) => toGlobalId('Meter', m.id)).sort());
      expect(readings.slice(before.readings).every((r) => r.rows === 2 && r.total === 10)).toBe(true);
      expect(indicators.slice(before.indicators).map((i) => [i.institution.id, i.year, i.months]).sort()).toEqual(
        institutions.map((i) => [toGlobalId('Institution', i), 2024, ['2024-10-01', '2024-11-01']]).sort(),
      );
      expect(errors).toEqual([]);
    } finally {
      await listener.end();
    }
  });

  it('after the listening connections are killed, A reconnects and still hears B', async () => {
    // Terminating backends stands in for a database restart: the embedded PostgreSQL is shared
    // by every test file, so it is not restarted. Only this test's database is touched.
    const listeners = `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query ILIKE 'LISTEN%' AND pid <> pg_backend_pid()`;
    const old = (await sql.query<{ pid: number }>(listeners)).rows.map((r) => r.pid);
    expect(old).toHaveLength(2);
    await sql.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid = ANY($1::int[])', [old]);

    // Both hubs listen again on new connections (backoff starts at 100 ms).
    expect(
      await waitFor(async () => {
        const now = (await sql.query<{ pid: number }>(listeners)).rows.map((r) => r.pid);
        return now.length === 2 && now.every((pid) => !old.includes(pid));
      }),
    ).toBe(true);
    expect(a.stderr()).toMatch(/event listener connection lost/);

    const before = { readings: readings.length, indicators: indicators.length };
    await ingestOnB('2024-09-01');
    expect(await waitFor(() => readings.length > before.readings && indicators.length > before.indicators)).toBe(true);
    expect(readings.at(-1)).toMatchObject({ rows: 2, total: 20, periodStart: '2024-09-01T00:00:00+08:00' });
    expect(indicators.at(-1)).toMatchObject({ year: 2024, months: ['2024-09-01'] });
    expect(errors).toEqual([]);
  });
});
