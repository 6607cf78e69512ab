import { randomBytes } from 'node:crypto';
import { print } from 'graphql';
import { CreateApiKeyDocument } from '../../src/generated/graphql';
import { deriveDemoKeys } from '../../src/demo/demo-keys';
import { createDatabaseFromTemplate } from '../helpers/hub';
import { spawnHub, sqlOn, waitUntil, type SpawnedHub } from '../helpers/spawn';

/**
 * The built hub's real log output (a child process, LOG_LEVEL=info) when the database refuses a
 * write: the ORM's error quotes the INSERT with its values (the new key's prefix and hash, the
 * name sent) and PostgreSQL's detail the failing row. None of it may reach the log.
 */
describe('logs of a database error', () => {
  let url: string;
  let hub: SpawnedHub;
  const goa = deriveDemoKeys(process.env.EWC_TEST_DATA_DIR!).find((k) => k.label === 'GOA admin')!.key;

  beforeAll(async () => {
    url = await createDatabaseFromTemplate();
    hub = await spawnHub({ DATABASE_URL: url, EWC_DATA_DIR: process.env.EWC_TEST_DATA_DIR! });
  }, 60_000);
  afterAll(() => hub?.kill('SIGINT'));

  const post = async (body: unknown) => {
    const res = await fetch(hub.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${goa}` }, body: JSON.stringify(body) });
    return { status: res.status, ...((await res.json()) as { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] }) };
  };

  it('carry neither the SQL, its values nor key material, and no line is longer than a few KB', async () => {
    // Every new key row now violates a check: the INSERT fails inside PostgreSQL, with the values in hand.
    await sqlOn(url, 'ALTER TABLE api_key ADD CONSTRAINT test_refuses_new_keys CHECK (false) NOT VALID');
    const canary = `canary-${randomBytes(6).toString('hex')}`;
    // As long as a name may be (longer ones are refused before any SQL, as BAD_USER_INPUT).
    const long = `${canary}-${'x'.repeat(200 - canary.length - 1)}`;
    for (const name of [canary, long]) {
      const r = await post({ query: print(CreateApiKeyDocument), variables: { input: { agency: 'DRC', role: 'viewer' as const, name } } });
      expect(r.errors?.[0].extensions?.code).toBe('INTERNAL_SERVER_ERROR');
      expect(JSON.stringify(r.errors)).not.toMatch(/insert|api_key|canary/i);
    }
    await waitUntil(() => hub.logLines().filter((l) => l.msg === 'unexpected error').length >= 2, 10_000, 'the error lines');

    const lines = hub.stderr().split('\n').filter(Boolean);
    const logged = hub.logLines().filter((l) => l.msg === 'unexpected error');
    // The line says what failed, by SQLSTATE and constraint name...
    expect(logged[0].error).toMatchObject({ sqlState: '23514', constraint: 'test_refuses_new_keys' });
    // ...and carries no statement, no value sent, no key or key hash, no failing row.
    const text = hub.stderr();
    expect(text).not.toContain(canary);
    expect(text).not.toMatch(/insert into/i);
    expect(text).not.toMatch(/\b[0-9a-f]{64}\b/);
    expect(text).not.toMatch(/ewc_[0-9a-f]{12}_/);
    expect(text).not.toMatch(/Failing row/);
    expect(text).not.toContain(goa);
    for (const line of lines) expect(Buffer.byteLength(line)).toBeLessThan(4096);
  });
});
