import { startTestHub, type TestHub } from '../helpers/hub';

/**
 * Computed fields of a list cost a fixed number of statements whatever the list's length: each
 * is batched by a loader keyed by (parent, arguments). Counted at N and 10N, never pinned.
 */
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- an untyped GraphQL response, read field by field

let t: TestHub;
beforeAll(async () => {
  // Statements of the computing path: the response cache would answer repeated questions with one.
  t = await startTestHub({ EWC_RESPONSE_CACHE: 'off' });
});
afterAll(() => t.close());

const gql = async (query: string, key = t.keys.goa) => (await t.raw({ query }, key)) as Json;
const statementsOf = (query: string, key = t.keys.goa) =>
  t.countStatements(async () => {
    const r = await gql(query, key);
    expect(r.errors).toBeUndefined();
  });

describe('computed fields of a list: the same statements at N as at 10N', () => {
  it('rectificationCases { history }: 2 cases and 20 cases', async () => {
    // Twenty cases of a year no demo case has, each with two steps (one case per institution, year and indicator).
    const cases = await t.sql<{ id: number }>(
      `INSERT INTO rectification_case (institution_id, year, indicator, value, constraint_value, deadline)
       SELECT id, 2031, 'PER_CAPITA_ENERGY', 100, 90, '2032-06-30' FROM (SELECT id FROM institution ORDER BY id LIMIT 20) i RETURNING id`,
    );
    await t.sql(
      `INSERT INTO rectification_event (rectification_case_id, from_status, to_status, actor)
       SELECT id, s.f::rectification_status, s.t::rectification_status, 'test' FROM unnest($1::int[]) id,
              (VALUES (NULL, 'OPEN'), ('OPEN', 'RESPONDED')) s(f, t)`,
      [cases.map((c) => c.id)],
    );
    const q = (n: number) => `{ rectificationCases(first: ${n}, filter: { year: 2031 }) { nodes { status history { fromStatus toStatus } } } }`;
    await statementsOf(q(1));
    const all = await gql(q(20));
    expect(all.data.rectificationCases.nodes).toHaveLength(20);
    for (const c of all.data.rectificationCases.nodes) expect(c.history.map((e: Json) => e.toStatus)).toEqual(['OPEN', 'RESPONDED']);
    expect(await statementsOf(q(20))).toBe(await statementsOf(q(2)));
  });

  it('pvProjects { generation(period) } with two periods: 3 projects and 30', async () => {
    const q = (n: number) =>
      `{ pvProjects(first: ${n}) { nodes { name y23: generation(period: { year: 2023 }) { generationKwh coverage } y22: generation(period: { year: 2022, quarter: 3 }) { generationKwh } } } }`;
    await statementsOf(q(1));
    const all = await gql(q(30));
    expect(all.data.pvProjects.nodes).toHaveLength(30);
    expect(all.data.pvProjects.nodes.some((p: Json) => p.y23.generationKwh > 0)).toBe(true);
    // Batched figures are the figures of each project asked alone.
    const one = await gql(`{ pvProjects(first: 1) { nodes { y23: generation(period: { year: 2023 }) { generationKwh coverage } } } }`);
    expect(one.data.pvProjects.nodes[0].y23).toEqual(all.data.pvProjects.nodes[0].y23);
    expect(await statementsOf(q(30))).toBe(await statementsOf(q(3)));
  });

  it('apiKeys { agency institution }: 2 keys and 20', async () => {
    const agencies = ['DRC', 'FINANCE', 'WATER', 'HOUSING', 'PUBLIC'];
    for (let i = 0; i < 20; i++) {
      const r = await gql(`mutation { createApiKey(input: { agency: "${agencies[i % 5]}", role: viewer, name: "batching ${i}" }) { key } }`);
      expect(r.errors).toBeUndefined();
    }
    const q = (n: number) => `{ apiKeys(first: ${n}) { nodes { name agency { code } institution { name } } } }`;
    await statementsOf(q(1));
    const all = await gql(q(20));
    expect(all.data.apiKeys.nodes.map((k: Json) => k.agency.code)).toEqual(Array.from({ length: 20 }, (_, i) => agencies[(19 - i) % 5]));
    expect(await statementsOf(q(20))).toBe(await statementsOf(q(2)));
  });
});
