import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { toGlobalId } from '../../src/graphql/relay';
import { startTestHub, type TestHub } from '../helpers/hub';
import { waitFor, whenSubscribed } from '../helpers/live';
import { logOutputOf } from '../helpers/log';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(() => t.close());

const base = () => t.hub.url.replace(/\/graphql$/, '');

async function metrics(): Promise<string> {
  return (await fetch(`${base()}/metrics`)).text();
}

const valueOf = (text: string, series: string): number => {
  const line = text.split('\n').find((l) => l.startsWith(series + ' '));
  return line ? Number(line.slice(series.length + 1)) : NaN;
};

describe('/metrics after a few operations', () => {
  it('counts requests and latency by known operation name, errors by code, rows ingested, subscriptions and the pool', async () => {
    const before = await metrics();
    const ingestedBefore = valueOf(before, 'ewc_readings_ingested_total');
    for (let i = 0; i < 3; i++) await t.raw({ query: 'query AggregateIndicators { aggregateIndicators(period: { year: 2023 }, groupBy: CITY) { energyKgce } }' }, t.keys.goa);
    await t.raw({ query: 'query Indicators { indicators(period: { year: 2023 }) { totalCount } }' }, t.keys.public);
    const [meter] = await t.sql<{ id: number }>(`SELECT id FROM meter WHERE carrier = 'ELECTRICITY' ORDER BY id LIMIT 1`);
    const ingest = await t.raw(
      {
        query: 'mutation IngestReadings($rows: [ReadingRowInput!]!) { ingestReadings(input: { rows: $rows }) { accepted } }',
        variables: { rows: [1, 2].map((d) => ({ meterId: toGlobalId('Meter', meter.id), periodStart: `2025-02-0${d}T00:00:00+08:00`, periodEnd: `2025-02-0${d + 1}T00:00:00+08:00`, value: 10 })) },
      },
      t.keys.goa,
    );
    expect(ingest.errors).toBeUndefined();

    const client = t.ws(t.keys.goa);
    await whenSubscribed(t.subscriptionsOpen, 1, () => {
      client.subscribe({ query: 'subscription { complianceAlerts { year } }' }, { next: () => undefined, error: () => undefined, complete: () => undefined });
    });

    const text = await metrics();
    expect(valueOf(text, 'ewc_graphql_operations_total{type="query",operation="AggregateIndicators"}')).toBe(3);
    expect(valueOf(text, 'ewc_graphql_duration_seconds_count{operation="AggregateIndicators"}')).toBe(3);
    expect(valueOf(text, 'ewc_graphql_duration_seconds_bucket{le="+Inf",operation="AggregateIndicators"}')).toBe(3);
    expect(valueOf(text, 'ewc_graphql_operations_total{type="mutation",operation="IngestReadings"}')).toBe(1);
    expect(valueOf(text, 'ewc_graphql_errors_total{code="FORBIDDEN"}')).toBeGreaterThanOrEqual(1);
    expect(valueOf(text, 'ewc_readings_ingested_total') - ingestedBefore).toBe(2);
    expect(valueOf(text, 'ewc_subscriptions_open')).toBeGreaterThanOrEqual(1);
    expect(valueOf(text, 'ewc_db_pool_connections')).toBeGreaterThanOrEqual(1);
    expect(text).toMatch(/# TYPE ewc_graphql_duration_seconds histogram/);
    // prom-client's process metrics come along.
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds \S+$/m);
    expect(text).toMatch(/^nodejs_heap_size_used_bytes \S+$/m);
    expect(text).toMatch(/^# TYPE nodejs_gc_duration_seconds histogram$/m);
    await client.dispose();
  });

  it('keeps the series bounded: 200 requests under new operation names add none, and count under "other"', async () => {
    const hubSeries = (text: string) => text.split('\n').filter((l) => l.startsWith('ewc_'));
    const random = () => `Op${Math.random().toString(36).slice(2)}`;
    // One made-up name first, so the "other" series exist before counting.
    await t.raw({ query: `query ${random()} { viewer { role } }` }, t.keys.goa);
    const before = await metrics();
    const otherBefore = valueOf(before, 'ewc_graphql_operations_total{type="query",operation="other"}');
    const names = Array.from({ length: 200 }, random);
    for (let i = 0; i < names.length; i += 20) {
      await Promise.all(names.slice(i, i + 20).map((name, j) => t.raw({ query: `query ${name} { viewer { role } }` }, (i + j) % 2 ? t.keys.goa : t.keys.public)));
    }
    const after = await metrics();
    expect(hubSeries(after).map((l) => l.replace(/ \S+$/, ''))).toEqual(hubSeries(before).map((l) => l.replace(/ \S+$/, '')));
    expect(valueOf(after, 'ewc_graphql_operations_total{type="query",operation="other"}') - otherBefore).toBe(200);
    for (const name of names.slice(0, 5)) expect(after).not.toContain(name);
  });
});

describe('logs', () => {
  let proc: ChildProcess;
  let stderr = '';
  let url = '';

  beforeAll(async () => {
    // A second hub on the same database, started as a user would, to read its real log output.
    proc = spawn(process.execPath, [path.resolve(__dirname, '../../dist/src/main.js'), 'start'], {
      env: { ...process.env, DATABASE_URL: t.db.url, PORT: '0', EWC_DEMO: '0', LOG_LEVEL: 'info', EWC_DATA_DIR: process.env.EWC_TEST_DATA_DIR },
    });
    proc.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    logOutputOf(proc, 'hub');
    let out = '';
    await new Promise<void>((resolve, reject) => {
      proc.once('exit', (code) => reject(new Error(`hub exited with ${code}: ${stderr}`)));
      proc.stdout!.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /GraphQL\s+(\S+)/.exec(out);
        if (m) {
          url = m[1];
          resolve();
        }
      });
    });
  });
  afterAll(async () => {
    proc.removeAllListeners('exit');
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    await new Promise((r) => {
      proc.once('exit', r);
      proc.kill('SIGINT');
    });
  });

  it('are JSON lines with the request id the response carries, and never the key', async () => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${t.keys.goa}`, 'x-request-id': 'trace-42' },
      body: JSON.stringify({ query: '{ viewer { keyName } }' }),
    });
    expect(res.headers.get('x-request-id')).toBe('trace-42');
    const fresh = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ viewer { keyName } }"}' });
    const generated = fresh.headers.get('x-request-id')!;
    expect(generated).toMatch(/^[0-9a-f-]{36}$/);
    // A line is written when its response has finished: wait for both rather than for a while.
    // Complete lines only: the last piece may still be arriving.
    const lines = () => stderr.split('\n').slice(0, -1).filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(await waitFor(() => ['trace-42', generated].every((id) => lines().some((l) => l.requestId === id && l.msg === 'http request')))).toBe(true);
    expect(lines().find((l) => l.requestId === 'trace-42' && l.msg === 'http request')).toMatchObject({ method: 'POST', path: '/graphql', status: 200 });
    expect(lines().find((l) => l.requestId === generated && l.msg === 'http request')).toMatchObject({ status: 401 });
    expect(stderr).not.toContain(t.keys.goa);
    // The secret is base64url and may itself hold '_': everything after `ewc_<prefix>_`.
    expect(stderr).not.toContain(t.keys.goa.split('_').slice(2).join('_'));
  });
});

describe('a subscription sent over HTTP', () => {
  it('is refused with a clear BAD_USER_INPUT and HTTP 400', async () => {
    const r = await t.raw({ query: 'subscription { readingsIngested { rows } }' }, t.keys.goa);
    expect(r.status).toBe(400);
    expect(r.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(r.errors?.[0].message).toMatch(/WebSocket/);
  });
});
