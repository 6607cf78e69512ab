import { startTestHub, type TestHub } from '../helpers/hub';

/*
 * institutions() reads the meters and profiles its nodes ask for in its own statement (look-ahead)
 * and primes the loaders with them. The answers must be those of the loaders' own path, which
 * institution(id) takes, for every key's scope, under fragments, aliases, edges and variables.
 */

let t: TestHub;
beforeAll(async () => {
  // Statements of the computing path: the response cache would answer repeated questions with one.
  t = await startTestHub({ EWC_RESPONSE_CACHE: 'off' });
});
afterAll(() => t.close());

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- an untyped GraphQL response, read field by field

const FIELDS = `fragment F on Institution {
  id name
  all: meters { id serial carrier unit institution { id } }
  water: meters(carrier: WATER) { id }
  p: profile(year: $year) { id year headcount floorAreaM2 heatedAreaM2 cooledAreaM2 institution { id } }
  none: profile(year: 2010) { id }
}`;
const LIST = `query($first: Int!, $year: Int!) { institutions(first: $first) { edges { node { ...F } } nodes { id ... on Institution { p2: profile(year: 2022) { year headcount } } } } } ${FIELDS}`;
const ONE = `query($id: ID!, $year: Int!) { institution(id: $id) { ...F p2: profile(year: 2022) { year headcount } } } ${FIELDS}`;

async function gql(query: string, variables: Json, key: string): Promise<Json> {
  const r = (await t.raw({ query, variables }, key)) as Json;
  expect(r.errors).toBeUndefined();
  return r.data;
}

describe('institutions() look-ahead', () => {
  it.each(['goa', 'water', 'hospital', 'esco', 'housing'] as const)('gives the %s key the same meters and profiles as institution(id) does', async (who) => {
    const key = t.keys[who];
    const list = await gql(LIST, { first: 30, year: 2023 }, key);
    const edges: Json[] = list.institutions.edges;
    expect(edges.length).toBeGreaterThan(0);
    for (const [i, { node }] of edges.entries()) {
      const { p2, ...one } = (await gql(ONE, { id: node.id, year: 2023 }, key)).institution;
      expect(node).toEqual(one);
      expect(list.institutions.nodes[i]).toEqual({ id: node.id, p2 });
      expect(node.none).toBeNull();
      expect(node.water.map((m: Json) => m.id)).toEqual(node.all.filter((m: Json) => m.carrier === 'WATER').map((m: Json) => m.id));
    }
  });

  it('reads what a scoped key may not see nowhere: the water bureau gets water meters only', async () => {
    const list = await gql(LIST, { first: 30, year: 2023 }, t.keys.water);
    const carriers = new Set(list.institutions.edges.flatMap((e: Json) => e.node.all.map((m: Json) => m.carrier)));
    expect([...carriers]).toEqual(['WATER']);
  });

  it('answers FORBIDDEN on meters and profiles for PUBLIC, as the fields do', async () => {
    const r = (await t.raw({ query: LIST, variables: { first: 3, year: 2023 } }, t.keys.public)) as Json;
    const codes = new Set((r.errors ?? []).map((e: Json) => e.extensions.code));
    expect([...codes]).toEqual(['FORBIDDEN']);
    const paths = new Set((r.errors ?? []).map((e: Json) => e.path[e.path.length - 1]));
    expect(paths).toEqual(new Set(['all', 'water', 'p', 'none', 'p2']));
  });

  it('costs the same statements for 5 institutions as for 50, with two meter lists and three profile years', async () => {
    const run = (first: number) => t.countStatements(() => gql(LIST, { first, year: 2023 }, t.keys.goa));
    await run(1);
    expect(await run(50)).toBe(await run(5));
  });
});
