import { InstitutionsWithMetersDocument } from '../../src/generated/graphql';
import { startTestHub, type TestHub } from '../helpers/hub';

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
