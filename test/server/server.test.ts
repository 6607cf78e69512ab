import { migratorOf } from '../../src/db/database';
import { InstitutionsWithMetersDocument } from '../../src/generated/graphql';
import http from 'node:http';
import { codeOf, startTestHub, type TestHub } from '../helpers/hub';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(() => t.close());

const base = () => t.hub.url.replace(/\/graphql$/, '');

describe('health and metrics', () => {
  it('GET /healthz and /readyz answer 200 on a migrated database', async () => {
    expect((await fetch(`${base()}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base()}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready' });
  });

  it('keeps idle connections for 65 s, so a client reusing one never races the server closing it', async () => {
    const headers = await new Promise<http.IncomingHttpHeaders>((resolve, reject) => {
      const agent = new http.Agent({ keepAlive: true });
      http.get(`${base()}/healthz`, { agent }, (res) => {
        res.resume();
        res.on('end', () => (agent.destroy(), resolve(res.headers)));
      }).on('error', reject);
    });
    expect([headers.connection, headers['keep-alive']]).toEqual(['keep-alive', 'timeout=65']);
  });

  it('GET / redirects to the dashboard, and /favicon.ico is an icon', async () => {
    const root = await fetch(`${base()}/`, { redirect: 'manual' });
    expect([root.status, root.headers.get('location')]).toEqual([302, '/dashboard']);
    const icon = await fetch(`${base()}/favicon.ico`);
    expect([icon.status, icon.headers.get('content-type')]).toEqual([200, 'image/x-icon']);
    const bytes = Buffer.from(await icon.arrayBuffer());
    // ICO header (reserved 0, type 1, one image) and the PNG it holds.
    expect([bytes.readUInt16LE(0), bytes.readUInt16LE(2), bytes.readUInt16LE(4)]).toEqual([0, 1, 1]);
    expect(bytes.subarray(bytes.readUInt32LE(18), bytes.readUInt32LE(18) + 4).toString('latin1')).toBe('\x89PNG');
  });

  it('GET /readyz answers 503 while a migration is pending', async () => {
    await t.sql(`DELETE FROM mikro_orm_migrations`);
    try {
      expect((await fetch(`${base()}/readyz`)).status).toBe(503);
    } finally {
      await t.sql(`INSERT INTO mikro_orm_migrations (name, executed_at) SELECT name, now() FROM unnest($1::text[]) AS name`, [
        (await (await migratorOf(t.db.orm)).getPendingMigrations()).map((m) => m.name),
      ]);
    }
    expect((await fetch(`${base()}/readyz`)).status).toBe(200);
  });

  it('GET /metrics speaks the Prometheus text format', async () => {
    await t.gql(InstitutionsWithMetersDocument, { first: 1, year: 2023 }, t.keys.goa);
    const text = await (await fetch(`${base()}/metrics`)).text();
    expect(text).toMatch(/^# TYPE ewc_sql_statements_total gauge$/m);
    expect(text).toMatch(/^ewc_graphql_operations_total\{type="query",operation="InstitutionsWithMeters"\} \d+$/m);
  });
});

describe('query limits', () => {
  const deep = `{ institutions(first: 1) { nodes { region { parent { parent { children { parent { children { parent { children { parent { code } } } } } } } } } } } }`;

  it('answers QUERY_TOO_COMPLEX for a query that is too deep', async () => {
    const r = await t.raw({ query: deep }, t.keys.goa);
    expect(codeOf(r)).toBe('QUERY_TOO_COMPLEX');
    expect(r.errors![0].message).toMatch(/depth limit of 10/);
  });

  it('answers QUERY_TOO_COMPLEX for too many aliases and too many tokens', async () => {
    const aliases = `{ ${Array.from({ length: 20 }, (_, i) => `a${i}: viewer { role }`).join(' ')} }`;
    expect(codeOf(await t.raw({ query: aliases }, t.keys.goa))).toBe('QUERY_TOO_COMPLEX');
    const tokens = `{ viewer { ${Array.from({ length: 6000 }, () => 'role').join(' ')} } }`;
    expect(codeOf(await t.raw({ query: tokens }, t.keys.goa))).toBe('QUERY_TOO_COMPLEX');
  });

  it('answers QUERY_TOO_COMPLEX over WebSocket too', async () => {
    const client = t.ws(t.keys.goa);
    const error = await new Promise<unknown>((resolve) =>
      client.subscribe({ query: deep }, { next: () => undefined, error: resolve, complete: () => resolve(null) }),
    );
    expect(JSON.stringify(error)).toMatch(/QUERY_TOO_COMPLEX/);
  });

  it('answers BAD_USER_INPUT for a syntax error or an unknown field, and no internal detail leaks', async () => {
    const syntax = await t.raw({ query: '{ viewer { ' }, t.keys.goa);
    expect(codeOf(syntax)).toBe('BAD_USER_INPUT');
    const unknown = await t.raw({ query: '{ nope }' }, t.keys.goa);
    expect(codeOf(unknown)).toBe('BAD_USER_INPUT');
    for (const e of [...syntax.errors!, ...unknown.errors!]) expect(e.extensions).not.toHaveProperty('stacktrace');
  });
});
