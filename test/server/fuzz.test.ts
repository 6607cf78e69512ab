import { OperationGenerator, poolQueries, type Pool } from '../helpers/fuzz-gen';
import { startTestHub, type TestHub } from '../helpers/hub';

/**
 * Thousands of hostile operations generated from the schema, against the real hub, with a fixed
 * seed: none may be a 5xx, an INTERNAL_SERVER_ERROR, or carry a stack, SQL or a file path.
 * Mutations change this test's own copy of the database, which is the point.
 */
const SEED = 20261201;
const OPERATIONS = Number(process.env.FUZZ_OPS ?? 5_000);
/** Requests in flight at once: the machine is shared. */
const CONCURRENCY = 4;

/** What must never reach a client: stack frames, file paths, SQL text, PostgreSQL's own wording. */
const LEAKS = [
  /\n\s+at \S/,
  /\.(ts|js):\d+/,
  /\/(work|home|tmp|usr)\//,
  /node_modules/,
  /\b(from|into|update|join) "[a-z_]+"/i,
  /\bselect\s+(\*|"|[a-z_]+\.|distinct\b|count\()/i,
  /violates|out of range for type|invalid input syntax|duplicate key|relation "|DriverException|QueryFailed/i,
];

let t: TestHub;
beforeAll(async () => {
  // Cost budgets off: how many requests a key's budget lets through depends on how fast the machine
  // runs them, and this test's counts must not (the budgets have their own tests).
  t = await startTestHub({ EWC_BUDGETS: 'off' });
});
afterAll(() => t.close());

async function collectPool(): Promise<Pool> {
  const pool: Pool = { ids: [], cursors: [] };
  for (const query of poolQueries(t.hub.schema)) {
    const r = await t.raw({ query }, t.keys.goa);
    for (const conn of Object.values((r.data ?? {}) as Record<string, { nodes: { id: string }[]; pageInfo: { endCursor: string | null } }>)) {
      // Not the demo keys' own ids: revoking them would leave the rest of the run unauthenticated.
      if (!conn.nodes.some((n) => Buffer.from(n.id, 'base64url').toString().startsWith('ApiKey:'))) pool.ids.push(...conn.nodes.map((n) => n.id));
      if (conn.pageInfo.endCursor) pool.cursors.push(conn.pageInfo.endCursor);
    }
  }
  return pool;
}

interface Finding {
  body: unknown;
  status: number;
  text: string;
}

/** Bounds a hang only: on a machine shared with other jobs the run takes minutes, alone well under one. */
const HANG_MS = 900_000;

it(`${OPERATIONS} generated operations: no 5xx, no INTERNAL_SERVER_ERROR, no leak`, async () => {
  const cpu = process.cpuUsage();
  const pool = await collectPool();
  expect(pool.ids.length).toBeGreaterThan(10);
  expect(pool.cursors.length).toBeGreaterThan(3);
  const gen = new OperationGenerator(t.hub.schema, pool, SEED);
  const keys = [t.keys.goa, t.keys.goa, t.keys.goa, t.keys.drc, t.keys.finance, t.keys.hospital, t.keys.esco, t.keys.public];
  const bodies = Array.from({ length: OPERATIONS }, () => ({ body: gen.operation(), key: gen.pick(keys) }));

  const codes = new Map<string, number>();
  const statuses = new Map<number, number>();
  const findings: Finding[] = [];
  const timings: [number, string][] = [];
  let withData = 0;
  let next = 0;
  const worker = async () => {
    while (next < bodies.length) {
      const { body, key } = bodies[next++];
      let res: Response | null = null;
      let text = '';
      const t0 = performance.now();
      // One retry on a reset: the client may reuse a keep-alive socket the server is just closing.
      for (let attempt = 0; attempt < 2 && !res; attempt++) {
        try {
          res = await fetch(t.hub.url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
            body: JSON.stringify(body),
          });
          text = await res.text();
        } catch (err) {
          res = null;
          text = String((err as Error).cause ?? err);
        }
      }
      if (process.env.FUZZ_DUMP) timings.push([performance.now() - t0, JSON.stringify(body).slice(0, 200)]);
      if (!res) {
        // A dropped connection, twice, is a server failure too.
        findings.push({ body, status: 0, text });
        continue;
      }
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      const json = JSON.parse(text) as { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: Record<string, unknown> }[] };
      if (json.data && Object.values(json.data).some((v) => v !== null)) withData++;
      const errorText = JSON.stringify(json.errors ?? []);
      for (const e of json.errors ?? []) {
        const code = String(e.extensions?.code);
        codes.set(code, (codes.get(code) ?? 0) + 1);
      }
      if (res.status >= 500 || errorText.includes('INTERNAL_SERVER_ERROR') || LEAKS.some((re) => re.test(errorText))) {
        findings.push({ body, status: res.status, text: text.slice(0, 600) });
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));

  const used = process.cpuUsage(cpu);
  const summary = { operations: bodies.length, hubCpuS: Math.round((used.user + used.system) / 1e5) / 10, withData, statuses: Object.fromEntries(statuses), codes: Object.fromEntries([...codes].sort()) };
  console.log(`fuzz: ${JSON.stringify(summary)}`);
  if (process.env.FUZZ_DUMP) require('node:fs').writeFileSync(process.env.FUZZ_DUMP, JSON.stringify({ findings, slow: timings.sort((a, b) => b[0] - a[0]).slice(0, 60) }, null, 1));
  // The first few findings in full, so a failure says what to fix.
  expect(findings.slice(0, 5)).toEqual([]);
  // It reached the resolvers, not only the validator: some answers carry data, and errors have codes.
  expect(withData).toBeGreaterThan(OPERATIONS / 20);
  expect([...codes.keys()]).toEqual(expect.arrayContaining(['BAD_USER_INPUT', 'QUERY_TOO_COMPLEX']));
  expect(codes.has('undefined')).toBe(false);
}, HANG_MS);
