import { print } from 'graphql';
import WebSocket from 'ws';
import { IngestReadingsDocument, MetersDocument, ReadingsIngestedDocument } from '../../src/generated/graphql';
import { toGlobalId } from '../../src/graphql/relay';
import { CLOSE_TRY_AGAIN_LATER } from '../../src/server/websocket';
import { codeOf, startTestHub, type TestHub } from '../helpers/hub';
import { sqlOn, waitUntil } from '../helpers/spawn';

/**
 * A database outage for real: the hub's backends are terminated and the database refuses new
 * connections (ALLOW_CONNECTIONS false) — the shared embedded PostgreSQL serves every test file,
 * so only this file's database goes away. Nothing sleeps: every step waits for the event.
 */
let t: TestHub;
let dbName: string;
const adminUrl = () => process.env.EWC_TEST_ADMIN_URL!;

async function outage(): Promise<void> {
  await sqlOn(adminUrl(), `ALTER DATABASE "${dbName}" ALLOW_CONNECTIONS false`);
  await sqlOn(adminUrl(), 'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [dbName]);
}
async function recovery(): Promise<void> {
  await sqlOn(adminUrl(), `ALTER DATABASE "${dbName}" ALLOW_CONNECTIONS true`);
}

/** A graphql-transport-ws subscription on a raw socket, to see the close code the server sends. */
interface Subscription {
  /** False when the server closed the socket instead of acknowledging it. */
  acked: boolean;
  events: unknown[];
  closed: Promise<{ code: number; reason: string }>;
}

function subscribe(url: string, key: string, query: string): Promise<Subscription> {
  const socket = new WebSocket(url, 'graphql-transport-ws');
  const events: unknown[] = [];
  const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    void closed.then(() => resolve({ acked: false, events, closed }));
    socket.once('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${key}` } })));
    socket.on('message', (data: Buffer) => {
      const msg = JSON.parse(data.toString()) as { type: string; payload?: unknown };
      if (msg.type === 'connection_ack') {
        socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query } }));
        resolve({ acked: true, events, closed });
      }
      if (msg.type === 'next') events.push(msg.payload);
    });
  });
}

beforeAll(async () => {
  t = await startTestHub();
  dbName = new URL(t.db.url).pathname.slice(1);
});
afterAll(async () => {
  await recovery();
  await t.close();
});

const base = () => t.hub.url.replace(/\/graphql$/, '');
const ready = async () => (await fetch(`${base()}/readyz`)).status;
const listeners = async () =>
  (await sqlOn<{ n: number }>(adminUrl(), `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND query ILIKE 'LISTEN%'`, [dbName]))[0].n;

describe('a database outage', () => {
  it('answers SERVICE_UNAVAILABLE (503) during it, closes subscriptions with 1013, and serves again once the database is back, without a restart', async () => {
    const [meter] = await t.sql<{ id: number }>(`SELECT id FROM meter WHERE carrier = 'ELECTRICITY' ORDER BY id LIMIT 1`);
    expect((await t.gql(MetersDocument, { first: 1 }, t.keys.goa)).status).toBe(200); // GOA's key is now cached
    const sub = await subscribe(t.hub.wsUrl, t.keys.goa, print(ReadingsIngestedDocument));
    expect(sub.acked).toBe(true);
    expect(await listeners()).toBe(1);

    await outage();
    await waitUntil(async () => (await ready()) === 503, 15_000, '/readyz to report the outage');

    // A read with a cached key, a write, and a key the hub has not seen yet: all 503, none a 500.
    const read = await t.gql(MetersDocument, { first: 1 }, t.keys.goa);
    expect([read.status, codeOf(read)]).toEqual([503, 'SERVICE_UNAVAILABLE']);
    expect(read.errors![0].message).toMatch(/database is unavailable/);
    const write = await t.gql(
      IngestReadingsDocument,
      { input: { rows: [{ meterId: toGlobalId('Meter', meter.id), periodStart: '2025-05-01T00:00:00+08:00', periodEnd: '2025-05-02T00:00:00+08:00', value: 5 }] } },
      t.keys.goa,
    );
    expect([write.status, codeOf(write)]).toEqual([503, 'SERVICE_UNAVAILABLE']);
    const unseen = await t.gql(MetersDocument, { first: 1 }, t.keys.drc);
    expect([unseen.status, codeOf(unseen)]).toEqual([503, 'SERVICE_UNAVAILABLE']);
    expect((await fetch(`${base()}/healthz`)).status).toBe(200);

    // The open subscription is told to come back later; so is a new socket whose key must be looked up.
    expect(await sub.closed).toMatchObject({ code: CLOSE_TRY_AGAIN_LATER, reason: expect.stringMatching(/SERVICE_UNAVAILABLE/) });
    const refused = await subscribe(t.hub.wsUrl, t.keys.drc, print(ReadingsIngestedDocument));
    expect(refused.acked).toBe(false);
    expect(await refused.closed).toMatchObject({ code: CLOSE_TRY_AGAIN_LATER });

    await recovery();
    await waitUntil(async () => (await t.gql(MetersDocument, { first: 1 }, t.keys.goa)).status === 200, 15_000, 'a successful answer');
    expect(await ready()).toBe(200);
    // The LISTEN connection comes back by itself, and a new subscription hears a new ingest.
    await waitUntil(async () => (await listeners()) === 1, 15_000, 'the LISTEN connection');
    const again = await subscribe(t.hub.wsUrl, t.keys.goa, print(ReadingsIngestedDocument));
    expect(again.acked).toBe(true);
    const ok = await t.gql(
      IngestReadingsDocument,
      { input: { rows: [{ meterId: toGlobalId('Meter', meter.id), periodStart: '2025-05-01T00:00:00+08:00', periodEnd: '2025-05-02T00:00:00+08:00', value: 5 }] } },
      t.keys.goa,
    );
    expect(ok.errors).toBeUndefined();
    await waitUntil(() => again.events.length === 1, 15_000, 'the event');
    expect(again.events[0]).toMatchObject({ data: { readingsIngested: { rows: 1 } } });
  });
});
