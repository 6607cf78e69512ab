import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';
import { loadConfig } from '../../src/config';
import { sqlStats } from '../../src/db/sql-stats';
import { startTestHub, type GqlResult, type TestHub } from '../helpers/hub';
import { waitFor } from '../helpers/live';
import { spawnHub, sqlOn, type SpawnedHub } from '../helpers/spawn';

/**
 * The response cache with EWC_RESPONSE_CACHE_FRESHNESS=notified (src/db/data-version.ts): the data
 * versions are kept in memory between writes, so a repeated question costs no statement. This
 * hub's own writes are seen by the very next question; another process's once PostgreSQL has
 * delivered the notification its COMMIT sends; and while the listening connection is down, nothing
 * is answered from versions that a missed notification could have moved.
 */
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- an untyped GraphQL response, read field by field

let t: TestHub;
/** A second hub process on the same database (the default, checked freshness). */
let other: SpawnedHub;

beforeAll(async () => {
  t = await startTestHub({ EWC_RESPONSE_CACHE_FRESHNESS: 'notified' });
  other = await spawnHub({ DATABASE_URL: t.db.url, EWC_DATA_DIR: process.env.EWC_TEST_DATA_DIR!, LOG_LEVEL: 'warn' });
});
afterAll(async () => {
  await other?.kill('SIGINT');
  await t?.close();
});

const counter = async (name: string) => Number(new RegExp(`^${name} (\\d+)`, 'm').exec(await t.hub.metrics.render())![1]);
const hits = () => counter('ewc_response_cache_hits_total');
const notifications = () => counter('ewc_response_cache_notifications_total');
const ask = (query: string, key = t.keys.goa) => t.raw({ query }, key) as Promise<GqlResult<Json>>;
/**
 * The fewest statements `fn` took in three runs in a row. The hub's bookkeeping (key usage every
 * 5 s, budget slices) writes too, and any write drops the kept versions: one run may land just after.
 */
const fewestStatements = async (fn: () => Promise<unknown>) => Math.min(await t.countStatements(fn), await t.countStatements(fn), await t.countStatements(fn));

/** A statement run by another process, neither this test's nor a hub's: its write reaches the hub only as a notification. */
async function sqlElsewhere(text: string, params: unknown[]): Promise<void> {
  const script = `const pg = require('pg'); const c = new pg.Client({ connectionString: process.argv[1] });
    c.connect().then(() => c.query(process.argv[2], JSON.parse(process.argv[3]))).then(() => c.end(), (e) => { console.error(e); process.exit(1); });`;
  await promisify(execFile)(process.execPath, ['-e', script, t.db.url, text, JSON.stringify(params)], { cwd: process.cwd() });
}

describe('response cache, notified freshness', () => {
  let gid: string;
  let id: number;
  let query: string;
  const nameNow = async () => (await ask(query)).data!.institution.name as string;

  beforeAll(async () => {
    [{ id }] = await t.sql<{ id: number }>('SELECT id FROM institution ORDER BY id LIMIT 1');
    gid = Buffer.from(`Institution:${id}`).toString('base64url');
    query = `{ institution(id: "${gid}") { name } }`;
  });

  it('answers a repeated question with no statement at all while nothing is written', async () => {
    const LIST = '{ institutions(first: 20) { totalCount nodes { name meters { serial } } } }';
    const first = await ask(LIST);
    expect(first.errors).toBeUndefined();
    await ask(LIST);
    const before = await hits();
    const answers: GqlResult<Json>[] = [];
    expect(await fewestStatements(async () => answers.push(await ask(LIST)))).toBe(0);
    expect(await hits()).toBe(before + 3);
    for (const again of answers) expect(again.data).toEqual(first.data);
  });

  it("sees its own writes in the very next question, without waiting for their notification", async () => {
    const original = await nameNow();
    await nameNow();
    for (const name of ['Renamed here once', 'Renamed here twice', original]) {
      const renamed = await ask(`mutation { updateInstitution(id: "${gid}", input: { name: "${name}" }) { name } }`);
      expect(renamed.errors).toBeUndefined();
      expect(await nameNow()).toBe(name);
      // Kept again once read: the repeated question is back to no statement.
      expect(await fewestStatements(nameNow)).toBe(0);
    }
  });

  it("sees another hub's write and a write outside the hubs once their notification arrives", async () => {
    const original = await nameNow();
    for (const [name, write] of [
      ['Renamed on the other hub', async (name: string) => {
        const res = await fetch(other.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${t.keys.goa}` }, body: JSON.stringify({ query: `mutation { updateInstitution(id: "${gid}", input: { name: "${name}" }) { name } }` }) });
        expect(((await res.json()) as GqlResult<Json>).errors).toBeUndefined();
      }],
      ['Renamed in another process', (name: string) => sqlElsewhere('UPDATE institution SET name = $2 WHERE id = $1', [id, name])],
      [original, (name: string) => sqlElsewhere('UPDATE institution SET name = $2 WHERE id = $1', [id, name])],
    ] as const) {
      await nameNow();
      const heard = await notifications();
      await write(name);
      // The notification is the event: once it is counted, the versions kept before it are gone.
      expect(await waitFor(async () => (await notifications()) > heard)).toBe(true);
      expect(await nameNow()).toBe(name);
    }
  });

  it('answers nothing from kept versions once the listening connection is lost: a write it could not hear is seen', async () => {
    const original = await nameNow();
    await nameNow();
    expect(await counter('ewc_response_cache_listening')).toBe(1);
    // Both hubs' version connections go (the other hub's reopens on its next read).
    const killed = await sqlOn<{ pid: number }>(t.db.url, `SELECT pg_terminate_backend(pid) AS pid FROM pg_stat_activity WHERE application_name = 'ewc-hub versions'`);
    expect(killed.length).toBeGreaterThanOrEqual(1);
    expect(await waitFor(async () => (await counter('ewc_response_cache_listening')) === 0)).toBe(true);
    // Committed while this hub listens nowhere: no notification will ever tell it.
    await sqlElsewhere('UPDATE institution SET name = $2 WHERE id = $1', [id, 'Renamed unheard']);
    // So the next question reads the versions (and listens anew), and sees it.
    let answer = '';
    expect(await t.countStatements(async () => (answer = await nameNow()))).toBeGreaterThan(0);
    expect(answer).toBe('Renamed unheard');
    expect(await counter('ewc_response_cache_listening')).toBe(1);
    const heard = await notifications();
    await sqlElsewhere('UPDATE institution SET name = $2 WHERE id = $1', [id, original]);
    expect(await waitFor(async () => (await notifications()) > heard)).toBe(true);
    expect(await nameNow()).toBe(original);
  });

  it("drops the kept versions when this process completes a write, whatever the table, before any notification", async () => {
    await nameNow();
    expect(await fewestStatements(nameNow)).toBe(0);
    // A temporary table: no version moves and no notification comes; only the write's own completion can tell.
    const client = new pg.Client({ connectionString: t.db.url });
    await client.connect();
    try {
      await client.query('CREATE TEMPORARY TABLE scratch (n int)');
      expect(await t.countStatements(nameNow)).toBeGreaterThan(0);
      expect(await fewestStatements(nameNow)).toBe(0);
      // Reads and a transaction that commits nothing are no writes (in one of three tries: the bookkeeping may write meanwhile).
      const readsOnly = async () => {
        const before = sqlStats.writesSeen;
        await client.query('SELECT n FROM scratch');
        await client.query('BEGIN');
        await client.query('SELECT 1');
        await client.query('ROLLBACK');
        return sqlStats.writesSeen - before;
      };
      expect(Math.min(await readsOnly(), await readsOnly(), await readsOnly())).toBe(0);
      expect(await fewestStatements(nameNow)).toBe(0);
      const seen = sqlStats.writesSeen;
      await client.query('INSERT INTO scratch VALUES (1)');
      expect(sqlStats.writesSeen - seen).toBeGreaterThanOrEqual(1);
      expect(await t.countStatements(nameNow)).toBeGreaterThan(0);
    } finally {
      await client.end();
    }
  });

  it('a write transaction sends one notification however many tables and rows it writes, a transaction that writes nothing none', async () => {
    const listener = new pg.Client({ connectionString: t.db.url });
    const writer = new pg.Client({ connectionString: t.db.url });
    await Promise.all([listener.connect(), writer.connect()]);
    try {
      let heard = 0;
      listener.on('notification', (n) => n.channel === 'ewc_data_version' && heard++);
      await listener.query('LISTEN ewc_data_version');
      await writer.query('BEGIN');
      await writer.query('UPDATE institution SET name = name WHERE id IN (SELECT id FROM institution ORDER BY id LIMIT 5)');
      await writer.query('UPDATE region SET name = name');
      await writer.query('COMMIT');
      await writer.query('BEGIN');
      await writer.query('SELECT count(*) FROM institution');
      await writer.query('COMMIT');
      // One more write: notifications arrive in commit order, so once its own is heard every earlier one is.
      await writer.query('UPDATE region SET name = name WHERE id = (SELECT min(id) FROM region)');
      expect(await waitFor(() => heard >= 2)).toBe(true);
      expect(heard).toBe(2);
    } finally {
      await Promise.all([listener.end(), writer.end()]);
    }
  });

  it('refuses an unknown freshness with the variable named', () => {
    expect(() => loadConfig({ EWC_RESPONSE_CACHE_FRESHNESS: 'sometimes' })).toThrow('EWC_RESPONSE_CACHE_FRESHNESS: expected checked or notified, got "sometimes"');
    expect(loadConfig({}).responseCache.freshness).toBe('checked');
  });
});
