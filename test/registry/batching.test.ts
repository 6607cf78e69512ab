import { InstitutionsWithMetersDocument } from '../../src/generated/graphql';
import { toGlobalId } from '../../src/global-id';
import { meterId } from '../helpers/fixtures';
import { codeOf, startTestHub, type TestHub } from '../helpers/hub';

let t: TestHub;
beforeAll(async () => {
  // Statements of the computing path: the response cache would answer repeated questions with one.
  t = await startTestHub({ EWC_RESPONSE_CACHE: 'off' });
});
afterAll(() => t.close());

describe('DataLoader batching', () => {
  it('institutions { meters profile(year) } costs the same number of SQL statements for 50 institutions as for 5', async () => {
    const run = (first: number) => t.countStatements(() => t.gql(InstitutionsWithMetersDocument, { first, year: 2023 }, t.keys.goa));
    // Warm up: the first request pays for connection setup statements.
    await run(1);
    const five = await run(5);
    const fifty = await run(50);
    const check = await t.gql(InstitutionsWithMetersDocument, { first: 50, year: 2023 }, t.keys.goa);
    expect(check.data!.institutions.nodes).toHaveLength(50);
    expect(check.data!.institutions.nodes.every((i) => i.meters!.length >= 2 && i.profile?.year === 2023)).toBe(true);
    // At N and 10N: a fixed count whatever it is (key lookup, page, count, meters, profiles today).
    expect(fifty).toBe(five);
  });

  it('stays constant for a scoped key too', async () => {
    const run = (first: number) => t.countStatements(() => t.gql(InstitutionsWithMetersDocument, { first, year: 2023 }, t.keys.water));
    await run(1);
    expect(await run(50)).toBe(await run(5));
  });
});

describe('lists of programme and compliance data', () => {
  type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- an untyped GraphQL response, read field by field
  const gql = async (query: string, key = t.keys.goa) => (await t.raw({ query }, key)) as Json;

  it('epcContracts with ESCO, steps, assets and payments: the same statements for 1 contract as for 6', async () => {
    const q = (n: number) => `{ epcContracts(first: ${n}) { nodes { esco { name } transitions { toStatus } assets { name } payments { amountYuan } } } }`;
    const run = (n: number) => t.countStatements(async () => expect((await gql(q(n))).errors).toBeUndefined());
    await run(1);
    const all = await gql(q(6));
    expect(all.data.epcContracts.nodes).toHaveLength(6);
    expect(all.data.epcContracts.nodes.every((c: Json) => c.esco.name && c.transitions.length >= 1)).toBe(true);
    expect(await run(6)).toBe(await run(1));
  });

  it('quotaStandards with their issuer: the same statements for 1 as for 20', async () => {
    const q = (n: number) => `{ quotaStandards(first: ${n}) { nodes { issuer } } }`;
    const run = (n: number) => t.countStatements(async () => expect((await gql(q(n))).errors).toBeUndefined());
    await run(1);
    expect((await gql(q(20))).data.quotaStandards.nodes.length).toBeGreaterThan(1);
    expect(await run(20)).toBe(await run(1));
  });
});

describe('readings and their meter', () => {
  type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- an untyped GraphQL response, read field by field
  const gql = async (query: string, key = t.keys.drc) => (await t.raw({ query }, key)) as Json;
  const run = (query: string) => t.countStatements(async () => expect((await gql(query)).errors).toBeUndefined());

  it('readings { meter }: the same statements for 2 readings as for 20, and none for the meter the check read', async () => {
    const id = await meterId(t, 'SY-hosp-xinning-E1');
    const q = (n: number, meter: boolean) => `{ readings(meterId: "${id}", first: ${n}) { nodes { value ${meter ? 'meter { serial }' : ''} } } }`;
    await run(q(1, true));
    const all = await gql(q(20, true));
    expect(all.data.readings.nodes).toHaveLength(20);
    expect(all.data.readings.nodes.every((r: Json) => r.meter.serial === 'SY-hosp-xinning-E1')).toBe(true);
    expect(await run(q(20, true))).toBe(await run(q(2, true)));
    expect(await run(q(2, true))).toBe(await run(q(2, false)));
  });

  it('nodes(ids) of readings: the same statements for 2 as for 20, each under its meter\'s rules', async () => {
    const rows = await t.sql<{ id: string; value: number }>(
      `SELECT r.id, r.value FROM reading r JOIN meter m ON m.id = r.meter_id WHERE m.carrier = 'ELECTRICITY' ORDER BY r.id LIMIT 20`,
    );
    const ids = rows.map((r) => toGlobalId('Reading', Number(r.id)));
    const q = (n: number) => `{ nodes(ids: ${JSON.stringify(ids.slice(0, n))}) { id ... on Reading { value } } }`;
    await run(q(1));
    expect((await gql(q(20))).data.nodes).toEqual(rows.map((r, i) => ({ id: ids[i], value: r.value })));
    expect(await run(q(20))).toBe(await run(q(2)));
    // The water bureau reads no electricity meter, nor its readings; an id no reading has is NOT_FOUND.
    const node = async (id: string, key: string) => codeOf(await t.raw({ query: `{ node(id: "${id}") { id } }` }, key));
    expect(await node(ids[0], t.keys.water)).toBe('FORBIDDEN');
    expect(await node(toGlobalId('Reading', 2_000_000_000), t.keys.drc)).toBe('NOT_FOUND');
  });
});
