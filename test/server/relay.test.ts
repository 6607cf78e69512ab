import { InstitutionsDocument, InstitutionsFromEndDocument, NodesDocument } from '../../src/generated/graphql';
import { institutionId, meterId } from '../helpers/fixtures';
import { codeOf, startTestHub, type GqlResult, type TestHub } from '../helpers/hub';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(() => t.close());

type PageInfo = { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
type Conn = { pageInfo: PageInfo; edges: { cursor: string; node: { id: string } }[] };

/** Walks a connection from the end to the start with `last`, pages of `size`; returns the ids in connection order. */
async function walkBackward(fetch: (last: number, before: string | null) => Promise<Conn>, size: number): Promise<string[]> {
  const ids: string[] = [];
  let before: string | null = null;
  for (let pages = 0; pages < 1000; pages++) {
    const page: Conn = await fetch(size, before);
    ids.unshift(...page.edges.map((e) => e.node.id));
    // A page reached with `before` has a next page: the one it came from.
    expect(page.pageInfo.hasNextPage).toBe(before !== null);
    expect(page.pageInfo.startCursor).toBe(page.edges[0]?.cursor ?? null);
    expect(page.pageInfo.endCursor).toBe(page.edges.at(-1)?.cursor ?? null);
    if (!page.pageInfo.hasPreviousPage) return ids;
    before = page.pageInfo.startCursor;
  }
  throw new Error('no first page');
}

describe('Relay connections: last/before and the four PageInfo fields', () => {
  it('pages institutions backward to the same list, in the same order, as forward', async () => {
    const forward = await t.gql(InstitutionsDocument, { first: 100 }, t.keys.goa);
    const all = forward.data!.institutions.edges.map((e) => e.node.id);
    expect(all.length).toBeGreaterThan(7);
    expect(forward.data!.institutions.pageInfo).toMatchObject({ hasPreviousPage: false, startCursor: forward.data!.institutions.edges[0].cursor });
    const back = await walkBackward(async (last, before) => (await t.gql(InstitutionsFromEndDocument, { last, before }, t.keys.goa)).data!.institutions, 7);
    expect(back).toEqual(all);
  });

  it('cuts a window between after and before, from either end', async () => {
    const edges = (await t.gql(InstitutionsDocument, { first: 10 }, t.keys.goa)).data!.institutions.edges;
    const [after, before] = [edges[1].cursor, edges[7].cursor];
    const inner = edges.slice(2, 7).map((e) => e.node.id);
    const fromStart = await t.raw({ query: 'query($a: String, $b: String) { institutions(first: 3, after: $a, before: $b) { pageInfo { hasNextPage hasPreviousPage } nodes { id } } }', variables: { a: after, b: before } }, t.keys.goa);
    expect(fromStart.data).toEqual({ institutions: { pageInfo: { hasNextPage: true, hasPreviousPage: true }, nodes: inner.slice(0, 3).map((id) => ({ id })) } });
    const fromEnd = await t.raw({ query: 'query($a: String, $b: String) { institutions(last: 10, after: $a, before: $b) { pageInfo { hasNextPage hasPreviousPage } nodes { id } } }', variables: { a: after, b: before } }, t.keys.goa);
    expect(fromEnd.data).toEqual({ institutions: { pageInfo: { hasNextPage: true, hasPreviousPage: false }, nodes: inner.map((id) => ({ id })) } });
  });

  it('pages readings (ordered by period start, then id) and the newest-first audit trail backward as forward', async () => {
    const meter = await meterId(t, 'SY-hosp-longhui-E1');
    const q = 'query($m: ID!, $first: Int, $last: Int, $before: String) { readings(meterId: $m, from: "2024-01-01T00:00:00+08:00", to: "2024-01-20T00:00:00+08:00", first: $first, last: $last, before: $before) { pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id } } } }';
    const forward = (await t.raw({ query: q, variables: { m: meter, first: 100 } }, t.keys.goa)) as GqlResult<{ readings: Conn }>;
    const all = forward.data!.readings.edges.map((e) => e.node.id);
    expect(all.length).toBeGreaterThan(5);
    const back = await walkBackward(async (last, before) => ((await t.raw({ query: q, variables: { m: meter, last, before } }, t.keys.goa)) as GqlResult<{ readings: Conn }>).data!.readings, 4);
    expect(back).toEqual(all);

    const events = 'query($first: Int, $last: Int, $before: String) { auditEvents(first: $first, last: $last, before: $before) { pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id } } } }';
    const newest = ((await t.raw({ query: events, variables: { first: 100 } }, t.keys.goa)) as GqlResult<{ auditEvents: Conn }>).data!.auditEvents;
    const tail = ((await t.raw({ query: events, variables: { last: 2 } }, t.keys.goa)) as GqlResult<{ auditEvents: Conn }>).data!.auditEvents;
    if (!newest.pageInfo.hasNextPage) expect(tail.edges.map((e) => e.node.id)).toEqual(newest.edges.slice(-2).map((e) => e.node.id));
    expect(tail.pageInfo.hasNextPage).toBe(false);
  });

  it('answers every paging mistake with BAD_USER_INPUT naming each argument, never a 5xx', async () => {
    const meter = await meterId(t, 'SY-hosp-longhui-E1');
    const forged = (key: unknown[]) => Buffer.from(JSON.stringify(key)).toString('base64url');
    const cases: [string, Record<string, unknown>, string[]][] = [
      ['query($f: Int) { institutions(first: $f) { nodes { id } } }', { f: 0 }, ['first']],
      ['query($l: Int) { institutions(last: $l) { nodes { id } } }', { l: 101 }, ['last']],
      ['{ institutions(first: 2, last: 2) { nodes { id } } }', {}, ['last']],
      ['query($a: String, $b: String) { institutions(first: 0, after: $a, before: $b) { nodes { id } } }', { a: 'not a cursor', b: forged([1, 2]) }, ['first', 'after', 'before']],
      ['query($b: String) { institutions(last: 2, before: $b) { nodes { id } } }', { b: forged(['x']) }, ['before']],
      ['query($m: ID!, $b: String) { readings(meterId: $m, last: 2, before: $b) { nodes { id } } }', { m: meter, b: forged(['not a date', '1']) }, ['before']],
      ['query($a: String) { auditEvents(first: 2, after: $a) { nodes { id } } }', { a: forged([-5]) }, ['after']],
      ['query($b: String) { apiKeys(last: 2, before: $b) { nodes { id } } }', { b: forged([1e300]) }, ['before']],
    ];
    for (const [query, variables, fields] of cases) {
      const r = await t.raw({ query, variables }, t.keys.goa);
      expect({ query, code: codeOf(r), status: r.status < 500 }).toEqual({ query, code: 'BAD_USER_INPUT', status: true });
      const problems = (r.errors![0].extensions!.problems as { field: string }[]).map((p) => p.field);
      expect(problems).toEqual(fields);
    }
  });
});

describe('nodes(ids)', () => {
  it('answers each id in order under the node rule: a forbidden or absent one is null with its own error', async () => {
    const longhui = await institutionId(t, '隆回县人民医院');
    const xinning = await institutionId(t, '新宁县人民医院');
    const missing = Buffer.from('Institution:999999').toString('base64url');
    const r = await t.gql(NodesDocument, { ids: [longhui, xinning, missing] }, t.keys.hospital);
    expect(r.data!.nodes).toEqual([{ __typename: 'Institution', id: longhui }, null, null]);
    const byPath = Object.fromEntries(r.errors!.map((e) => [e.path!.join('.'), e.extensions!.code]));
    expect(byPath).toEqual({ 'nodes.1': 'FORBIDDEN', 'nodes.2': 'NOT_FOUND' });
    // GOA reads all three kinds asked at once.
    const meter = await meterId(t, 'SY-hosp-longhui-E1');
    const goa = await t.gql(NodesDocument, { ids: [meter, xinning] }, t.keys.goa);
    expect(goa.errors).toBeUndefined();
    expect(goa.data!.nodes.map((n) => n?.__typename)).toEqual(['Meter', 'Institution']);
  });

  it('refuses more than 100 ids and a malformed one with BAD_USER_INPUT', async () => {
    const longhui = await institutionId(t, '隆回县人民医院');
    const many = await t.gql(NodesDocument, { ids: Array.from({ length: 101 }, () => longhui) }, t.keys.goa);
    expect([codeOf(many), many.status < 500]).toEqual(['BAD_USER_INPUT', true]);
    const bad = await t.gql(NodesDocument, { ids: [longhui, 'garbage'] }, t.keys.goa);
    expect(bad.data!.nodes[0]).toEqual({ __typename: 'Institution', id: longhui });
    expect(bad.errors!.map((e) => [e.path!.join('.'), e.extensions!.code])).toEqual([['nodes.1', 'BAD_USER_INPUT']]);
  });
});

describe('which mistake answers first when a request has several', () => {
  it('keeps the order: FORBIDDEN, then the filter and period, then the paging (issue 16 moved the decoding, not the order)', async () => {
    const meter = await meterId(t, 'SY-hosp-longhui-E1');
    const garbage = 'garbage';
    const cases: [string, Record<string, unknown>, string, string, string[] | null][] = [
      ['{ auditEvents(first: 0) { nodes { id } } }', {}, t.keys.public, 'FORBIDDEN', null],
      ['query($op: String) { auditEvents(first: 0, filter: { operation: $op }) { nodes { id } } }', { op: 'x'.repeat(101) }, t.keys.goa, 'BAD_USER_INPUT', ['filter.operation']],
      ['{ indicators(period: { year: 1999 }, first: 0) { nodes { __typename } } }', {}, t.keys.public, 'FORBIDDEN', null],
      ['{ indicators(period: { year: 1999 }, first: 0) { nodes { __typename } } }', {}, t.keys.goa, 'BAD_USER_INPUT', ['period.year']],
      ['query($r: ID) { indicators(period: { year: 1999 }, filter: { regionId: $r }, first: 0) { nodes { __typename } } }', { r: garbage }, t.keys.goa, 'BAD_USER_INPUT', ['filter.regionId']],
      ['{ recyclingRecords(first: 0) { nodes { id } } }', {}, t.keys.housing, 'FORBIDDEN', null],
      ['query($i: ID) { recyclingRecords(first: 0, filter: { institutionId: $i }) { nodes { id } } }', { i: garbage }, t.keys.goa, 'BAD_USER_INPUT', ['filter.institutionId']],
      ['query($r: ID) { aggregateRecycling(period: { year: 1999 }, groupBy: CITY, filter: { inMunicipalAppraisal: false, regionId: $r }) { __typename } }', { r: garbage }, t.keys.public, 'FORBIDDEN', null],
      ['query($r: ID) { aggregateRecycling(period: { year: 1999 }, groupBy: CITY, filter: { regionId: $r }) { __typename } }', { r: garbage }, t.keys.goa, 'BAD_USER_INPUT', ['period.year']],
      ['{ meters(first: 0) { nodes { id } } }', {}, t.keys.public, 'FORBIDDEN', null],
      ['query($i: ID) { meters(first: 0, filter: { institutionId: $i }) { nodes { id } } }', { i: garbage }, t.keys.goa, 'BAD_USER_INPUT', ['filter.institutionId']],
      ['query($m: ID!) { readings(meterId: $m, first: 0) { nodes { id } } }', { m: meter }, t.keys.water, 'FORBIDDEN', null],
      ['query($m: ID!) { readings(meterId: $m, from: "2024-02-01T00:00:00+08:00", to: "2024-01-01T00:00:00+08:00", first: 0) { nodes { id } } }', { m: meter }, t.keys.goa, 'BAD_USER_INPUT', ['to']],
    ];
    for (const [query, variables, key, code, fields] of cases) {
      const r = await t.raw({ query, variables }, key);
      const problems = (r.errors?.[0]?.extensions?.problems as { field: string }[] | undefined)?.map((p) => p.field) ?? null;
      expect({ query, code: codeOf(r), problems }).toEqual({ query, code, problems: fields });
    }
  });
});
