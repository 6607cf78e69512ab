import { toGlobalId } from '../../src/graphql/relay';
import { codeOf, startTestHub, type GqlResult, type TestHub } from '../helpers/hub';

/**
 * Reads of assessment rounds, their entries, signatures and rule, and of alerts: plain rows, the
 * key's scope in the statement, and a fixed number of statements whatever the number of rows
 * (counted at N and 10N, never pinned).
 */
type Data = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- an untyped GraphQL response, read field by field

let t: TestHub;
beforeAll(async () => {
  // Statements of the computing path: the response cache would answer repeated questions with one.
  t = await startTestHub({ EWC_RESPONSE_CACHE: 'off', EWC_BUDGETS: 'off' });
});
afterAll(() => t.close());

const run = async (query: string, variables: Record<string, unknown> = {}, key: string = t.keys.goa): Promise<GqlResult<Data>> =>
  (await t.raw({ query, variables }, key)) as GqlResult<Data>;
const ok = (r: GqlResult<Data>): Data => {
  expect(r.errors).toBeUndefined();
  return r.data!;
};
const statementsOf = (query: string, variables: Record<string, unknown> = {}, key: string = t.keys.goa) =>
  t.countStatements(async () => {
    ok(await run(query, variables, key));
  });

const ROUND = `query($first: Int, $after: String, $last: Int, $before: String) { assessmentRound(year: 2023) {
  id year status openedBy scoringRule { id name pointsByStatus deductionPerOpenRectification } signatures { agencyCode signedBy signedAt }
  entries(first: $first, after: $after, last: $last, before: $before) { totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    nodes { id rank score institutionName openRectifications indicators { indicator status value } institution { id name } } } } }`;

describe('an assessment round read as plain rows', () => {
  it('answers the round, its rule, signatures and entries as stored, with the same global ids', async () => {
    const round = ok(await run(ROUND, { first: 100 })).assessmentRound;
    const [stored] = await t.sql<{ id: number; scoring_rule_id: number }>('SELECT id, scoring_rule_id FROM assessment_round WHERE year = 2023');
    expect(round).toMatchObject({ id: toGlobalId('AssessmentRound', stored.id), year: 2023, status: 'FINAL', scoringRule: { id: toGlobalId('ScoringRule', stored.scoring_rule_id) } });
    expect(round.signatures.map((s: Data) => s.agencyCode)).toEqual(['GOA', 'DRC', 'FINANCE']);
    const entries = await t.sql<{ id: number; institution_id: number; rank: number }>('SELECT id, institution_id, rank FROM assessment_entry WHERE round_id = $1 ORDER BY rank, id', [stored.id]);
    expect(round.entries.totalCount).toBe(entries.length);
    expect(round.entries.nodes.map((e: Data) => [e.id, e.rank, e.institution.id])).toEqual(
      entries.slice(0, 100).map((e) => [toGlobalId('AssessmentEntry', e.id), e.rank, toGlobalId('Institution', e.institution_id)]),
    );
    expect(round.entries.nodes[0].indicators.length).toBeGreaterThan(0);
  });

  it('pages entries by (rank, id) forward and backward', async () => {
    const all = ok(await run(ROUND, { first: 100 })).assessmentRound.entries.nodes.map((e: Data) => e.id);
    expect(all.length).toBeGreaterThan(14);
    // Every page of 7 from the start, then from the end: the same entries in the same order.
    const walk = async (backward: boolean) => {
      const ids: string[] = [];
      for (let cursor: string | null = null; ; ) {
        const page: Data = ok(await run(ROUND, backward ? { last: 7, before: cursor } : { first: 7, after: cursor })).assessmentRound.entries;
        const got: string[] = page.nodes.map((e: Data) => e.id);
        if (backward) ids.unshift(...got);
        else ids.push(...got);
        if (!(backward ? page.pageInfo.hasPreviousPage : page.pageInfo.hasNextPage)) return ids;
        cursor = backward ? page.pageInfo.startCursor : page.pageInfo.endCursor;
      }
    };
    expect(await walk(false)).toEqual(all);
    expect(await walk(true)).toEqual(all);
  });

  it("keeps an institution's key to its own entry, in the statement (totalCount counts no other)", async () => {
    const [member] = await t.sql<{ id: number }>('SELECT e.institution_id AS id FROM assessment_entry e JOIN assessment_round r ON r.id = e.round_id WHERE r.year = 2023 ORDER BY e.rank DESC LIMIT 1');
    const created = await run('mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { key } }', {
      input: { institutionId: toGlobalId('Institution', member.id), role: 'viewer', name: 'assessment reader' },
    });
    const key = ok(created).createApiKey.key as string;
    const entries = ok(await run(ROUND, { first: 100 }, key)).assessmentRound.entries;
    expect(entries.totalCount).toBe(1);
    expect(entries.nodes.map((e: Data) => e.institution.id)).toEqual([toGlobalId('Institution', member.id)]);
  });

  it('costs the same statements for 3 entries as for 30', async () => {
    await statementsOf(ROUND, { first: 1 });
    expect(await statementsOf(ROUND, { first: 30 })).toBe(await statementsOf(ROUND, { first: 3 }));
  });
});

describe('node(id) and nodes(ids) of compliance types', () => {
  const NODES = `query($ids: [ID!]!) { nodes(ids: $ids) { __typename id
    ... on AssessmentEntry { rank institutionName institution { name } }
    ... on AssessmentRound { year signatures { agencyCode } scoringRule { name } }
    ... on ScoringRule { name }
    ... on ComplianceAlert { year indicator direction projectedValue at }
    ... on RectificationCase { status history { toStatus } }
    ... on QuotaStandard { indicator constraintValue region { name } } } }`;
  const ids = async (table: string, type: string, n: number, where = 'TRUE') =>
    (await t.sql<{ id: number }>(`SELECT id FROM ${table} WHERE ${where} ORDER BY id LIMIT ${n}`)).map((r) => toGlobalId(type, r.id));

  beforeAll(async () => {
    // Twenty alerts of a year the demo has none of.
    await t.sql(
      `INSERT INTO compliance_alert (institution_id, year, indicator, direction, projected_value, year_to_date_value, constraint_value)
       SELECT id, 2031, 'PER_CAPITA_ENERGY', 'CROSSED_ABOVE', 120, 60, 100 FROM (SELECT id FROM institution ORDER BY id LIMIT 20) i`,
    );
  });

  it('answers each type as its own node(id) does, with a fixed number of statements for 2 ids a type or 20', async () => {
    const some = async (n: number) => [
      ...(await ids('assessment_entry', 'AssessmentEntry', n)),
      ...(await ids('compliance_alert', 'ComplianceAlert', n, 'year = 2031')),
      ...(await ids('rectification_case', 'RectificationCase', n)),
      ...(await ids('quota_standard', 'QuotaStandard', n)),
      ...(await ids('assessment_round', 'AssessmentRound', n)),
      ...(await ids('scoring_rule', 'ScoringRule', n)),
    ];
    const [few, many] = [await some(2), await some(20)];
    expect(many.length).toBeGreaterThan(few.length * 3);
    const answer = ok(await run(NODES, { ids: many })).nodes as Data[];
    expect(answer.map((n) => n.id)).toEqual(many);
    for (const [i, id] of many.entries()) {
      if (i % 7) continue;
      expect(ok(await run(NODES.replace('nodes(ids: $ids)', 'node(id: $id)').replace('$ids: [ID!]!', '$id: ID!'), { id })).node).toEqual(answer[i]);
    }
    await statementsOf(NODES, { ids: few });
    expect(await statementsOf(NODES, { ids: many })).toBe(await statementsOf(NODES, { ids: few }));
  });

  it("refuses another institution's entry, alert and case to an institution's key, and answers NOT_FOUND for none", async () => {
    const [hospital] = await t.sql<{ institution_id: number }>(`SELECT institution_id FROM api_key WHERE name = 'demo: Longhui County People’s Hospital editor'`);
    const other = `institution_id <> ${hospital.institution_id}`;
    for (const id of [...(await ids('assessment_entry', 'AssessmentEntry', 1, other)), ...(await ids('compliance_alert', 'ComplianceAlert', 1, other)), ...(await ids('rectification_case', 'RectificationCase', 1, other))]) {
      expect([id, codeOf(await run('query($id: ID!) { node(id: $id) { id } }', { id }, t.keys.hospital))]).toEqual([id, 'FORBIDDEN']);
    }
    for (const type of ['AssessmentEntry', 'AssessmentRound', 'ComplianceAlert', 'ScoringRule']) {
      expect([type, codeOf(await run('query($id: ID!) { node(id: $id) { id } }', { id: toGlobalId(type, 2_000_000_000) }))]).toEqual([type, 'NOT_FOUND']);
    }
  });
});
