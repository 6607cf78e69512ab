import { InstitutionsWithMetersDocument } from '../../src/generated/graphql';
import { startTestHub, type TestHub } from '../helpers/hub';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
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
    expect(fifty).toBe(five);
    // key lookup, page, count, meters, profiles
    expect(fifty).toBeLessThanOrEqual(5);
  });

  it('stays constant for a scoped key too', async () => {
    const run = (first: number) => t.countStatements(() => t.gql(InstitutionsWithMetersDocument, { first, year: 2023 }, t.keys.water));
    await run(1);
    expect(await run(50)).toBe(await run(5));
  });
});
