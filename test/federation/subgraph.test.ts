/**
 * The hub as an Apollo Federation 2 subgraph (POST /subgraph): `_service { sdl }` is the committed
 * schema/subgraph.graphql, it composes with the example agency subgraph, and `_entities` answers
 * under the same rule and row scope as `node(id)`, subject by subject.
 */
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SUBJECTS, type Subject } from '../../src/access/policy';
import { toGlobalId } from '../../src/graphql/relay';
import { cli } from '../helpers/cli';
import { codeOf, startTestHub, type GqlResult, type TestHub } from '../helpers/hub';

const ROOT = path.resolve(__dirname, '../..');
let t: TestHub;
let subgraphUrl: string;
const keyOf = {} as Record<Subject, string>;

type Entities = { _entities: ({ __typename: string; id?: string; name?: string } | null)[] };

async function subgraph<T>(query: string, variables: Record<string, unknown>, key: string | null): Promise<GqlResult<T>> {
  const res = await fetch(subgraphUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, ...((await res.json()) as object) } as GqlResult<T>;
}

const ENTITIES = `query ($r: [_Any!]!) { _entities(representations: $r) { __typename ... on Node { id } ... on Institution { name } } }`;
const one = async (sql: string, params: unknown[] = []) => (await t.sql<Record<string, string | number>>(sql, params))[0];

beforeAll(async () => {
  t = await startTestHub();
  subgraphUrl = t.hub.url.replace(/\/graphql$/, '/subgraph');
  const k = t.keys;
  Object.assign(keyOf, { GOA: k.goa, DRC: k.drc, FINANCE: k.finance, WATER: k.water, HOUSING: k.housing, INSTITUTION: k.hospital, ESCO: k.esco, PUBLIC: k.public });
}, 60_000);
afterAll(() => t?.close());

describe('the hub as a Federation 2 subgraph', () => {
  it('answers _service { sdl } with the committed schema/subgraph.graphql, to any key and to no one without a key', async () => {
    const committed = readFileSync(path.join(ROOT, 'schema/subgraph.graphql'), 'utf8');
    for (const key of [t.keys.goa, t.keys.public]) {
      const r = await subgraph<{ _service: { sdl: string } }>('{ _service { sdl } }', {}, key);
      expect(r.errors).toBeUndefined();
      expect(r.data!._service.sdl.trimEnd()).toBe(committed.trimEnd());
    }
    expect(committed).toContain('type Institution implements Node\n  @key(fields: "id")\n  @key(fields: "creditCode")');
    const anonymous = await subgraph('{ _service { sdl } }', {}, null);
    expect(anonymous.status).toBe(401);
    expect(codeOf(anonymous)).toBe('UNAUTHENTICATED');
    expect(anonymous.data ?? null).toBeNull();
  });

  it('prints the committed subgraph SDL with `schema --subgraph`; a bad option exits 2 with one line', async () => {
    const printed = await cli(['schema', '--subgraph'], {});
    expect(printed.status).toBe(0);
    expect(printed.stdout).toBe(readFileSync(path.join(ROOT, 'schema/subgraph.graphql'), 'utf8'));
    const bad = await cli(['schema', '--supergraph'], {});
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split('\n')).toEqual(['ewc-hub: schema: unknown option "--supergraph" (usage: schema [--subgraph])']);
  });

  it('composes with the example housing subgraph: no errors, no warnings', () => {
    const hub = readFileSync(path.join(ROOT, 'schema/subgraph.graphql'), 'utf8');
    const housing = readFileSync(path.join(ROOT, 'examples/housing-subgraph/schema.graphql'), 'utf8');
    const result = composeServices([
      { name: 'hub', url: 'http://hub/subgraph', typeDefs: parse(hub) },
      { name: 'housing', url: 'http://housing/graphql', typeDefs: parse(housing) },
    ]);
    expect(result.errors?.map((e) => e.message) ?? []).toEqual([]);
    expect((result.hints ?? []).filter((h) => h.definition.level.name === 'WARN').map((h) => h.toString())).toEqual([]);
    expect(result.supergraphSdl).toContain('building: Building');
  });

  it('answers _entities as node(id) does, per entity type and subject: the object, or null with FORBIDDEN', async () => {
    const ids: Record<string, string> = {
      Institution: toGlobalId('Institution', (await one(`SELECT id FROM institution WHERE name_zh = '隆回县人民医院'`)).id),
      Region: toGlobalId('Region', (await one(`SELECT id FROM region WHERE code = '430500'`)).id),
      Agency: toGlobalId('Agency', (await one(`SELECT id FROM agency WHERE code = 'HOUSING'`)).id),
      Meter: toGlobalId('Meter', (await one(`SELECT id FROM meter WHERE serial = 'SY-hosp-longhui-E1'`)).id),
      EpcContract: toGlobalId('EpcContract', (await one(`SELECT c.id FROM epc_contract c JOIN institution i ON i.id = c.institution_id WHERE i.name_zh = '隆回县人民医院' LIMIT 1`)).id),
      PvProject: toGlobalId('PvProject', (await one(`SELECT p.id FROM pv_project p JOIN institution i ON i.id = p.institution_id WHERE i.name_zh = '隆回县人民医院' LIMIT 1`)).id),
      // Out of the hospital's and the ESCO's row scope.
      OtherInstitution: toGlobalId('Institution', (await one(`SELECT id FROM institution WHERE name_zh = '邵阳市财政局'`)).id),
    };
    const outcomes = { allowed: 0, FORBIDDEN: 0 };
    const mismatches: string[] = [];
    for (const [label, id] of Object.entries(ids)) {
      const typename = label === 'OtherInstitution' ? 'Institution' : label;
      for (const s of SUBJECTS) {
        const node = await t.raw({ query: `{ node(id: ${JSON.stringify(id)}) { __typename id } }` }, keyOf[s]);
        const want = node.errors?.length ? String(codeOf(node)) : 'allowed';
        const r = await subgraph<Entities>(ENTITIES, { r: [{ __typename: typename, id }] }, keyOf[s]);
        const entity = r.data?._entities[0] ?? null;
        const got = r.errors?.length ? String(codeOf(r)) : 'allowed';
        if (got !== want) mismatches.push(`${label} as ${s}: node(id) ${want}, _entities ${got}`);
        if (got === 'allowed' && (entity?.__typename !== typename || entity.id !== id)) mismatches.push(`${label} as ${s}: wrong entity ${JSON.stringify(entity)}`);
        if (got !== 'allowed') {
          expect(entity).toBeNull();
          expect(r.errors![0].path).toEqual(['_entities', 0]);
        }
        if (got === 'allowed' || got === 'FORBIDDEN') outcomes[got]++;
      }
    }
    expect(mismatches).toEqual([]);
    // Both outcomes occur, so the comparison above could fail either way.
    expect(outcomes.allowed).toBeGreaterThan(10);
    expect(outcomes.FORBIDDEN).toBeGreaterThan(5);
  }, 240_000);

  it('answers many entities, and nodes(ids), with a fixed number of SQL statements whatever their number', async () => {
    const TYPES: [string, string][] = [['institution', 'Institution'], ['meter', 'Meter'], ['epc_contract', 'EpcContract'], ['pv_project', 'PvProject'], ['agency', 'Agency'], ['region', 'Region']];
    const reps = async (n: number) =>
      (
        await Promise.all(
          TYPES.map(async ([table, type]) => (await t.sql<{ id: number }>(`SELECT id FROM ${table} ORDER BY id LIMIT ${n}`)).map((r) => ({ __typename: type, id: toGlobalId(type, r.id) }))),
        )
      ).flat();
    const [small, large] = [await reps(2), await reps(20)];
    expect(large.length).toBeGreaterThan(small.length * 3);
    const count = async (r: { __typename: string; id: string }[], how: 'entities' | 'nodes') => {
      let answer: GqlResult<Entities & { nodes: unknown[] }> | undefined;
      const statements = await t.countStatements(async () => {
        answer =
          how === 'entities'
            ? await subgraph<Entities & { nodes: unknown[] }>(ENTITIES, { r }, t.keys.goa)
            : ((await t.raw({ query: 'query ($ids: [ID!]!) { nodes(ids: $ids) { id } }', variables: { ids: r.map((x) => x.id) } }, t.keys.goa)) as GqlResult<Entities & { nodes: unknown[] }>);
      });
      expect(answer!.errors).toBeUndefined();
      const got = how === 'entities' ? answer!.data!._entities : answer!.data!.nodes;
      expect(got).toHaveLength(r.length);
      expect(got.every((e) => e !== null)).toBe(true);
      return statements;
    };
    for (const how of ['entities', 'nodes'] as const) {
      const [few, many] = [await count(small, how), await count(large, how)];
      expect([how, many]).toEqual([how, few]);
      expect(few).toBeLessThanOrEqual(TYPES.length + 2);
    }
  });

  it('resolves institutions by credit code, the second key, only for keys that may read credit codes and within their scope', async () => {
    const own = await one(`SELECT credit_code, name FROM institution WHERE name_zh = '隆回县人民医院'`);
    const other = await one(`SELECT credit_code, name FROM institution WHERE name_zh = '邵阳市财政局'`);
    const reps = [
      { __typename: 'Institution', creditCode: own.credit_code },
      { __typename: 'Institution', creditCode: other.credit_code },
      { __typename: 'Institution', creditCode: '91430000000000000X' },
    ];
    const goa = await subgraph<Entities>(ENTITIES, { r: reps }, t.keys.goa);
    expect(goa.data!._entities.map((e) => e?.name ?? null)).toEqual([own.name, other.name, null]);
    expect(goa.errors!.map((e) => [e.path, e.extensions!.code])).toEqual([[['_entities', 2], 'NOT_FOUND']]);

    // The hospital reads its own institution only.
    const hospital = await subgraph<Entities>(ENTITIES, { r: reps.slice(0, 2) }, t.keys.hospital);
    expect(hospital.data!._entities.map((e) => e?.name ?? null)).toEqual([own.name, null]);
    expect(hospital.errors!.map((e) => [e.path, e.extensions!.code])).toEqual([[['_entities', 1], 'FORBIDDEN']]);

    // PUBLIC may read institutions but not their credit codes, so not look them up by one either.
    const pub = await subgraph<Entities>(ENTITIES, { r: reps.slice(0, 1) }, t.keys.public);
    expect(pub.data!._entities).toEqual([null]);
    expect(codeOf(pub)).toBe('FORBIDDEN');
  });

  it('refuses a representation that is not a key of its type with BAD_USER_INPUT, and leaves the others answered', async () => {
    const region = toGlobalId('Region', (await one(`SELECT id FROM region WHERE code = '430500'`)).id);
    const r = await subgraph<Entities>(ENTITIES, { r: [{ __typename: 'Institution', id: region }, { __typename: 'Region', id: region }, { __typename: 'Meter', id: 'not an id' }] }, t.keys.goa);
    expect(r.status).toBe(200);
    expect(r.data!._entities.map((e) => e?.__typename ?? null)).toEqual([null, 'Region', null]);
    expect(r.errors!.map((e) => [e.path, e.extensions!.code])).toEqual([
      [['_entities', 0], 'BAD_USER_INPUT'],
      [['_entities', 2], 'BAD_USER_INPUT'],
    ]);
  });
});
