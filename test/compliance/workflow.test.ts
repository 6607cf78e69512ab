import { toGlobalId } from '../../src/graphql/relay';
import { countRows } from '../helpers/fixtures';
import { codeOf, startTestHub, type GqlResult, type TestHub } from '../helpers/hub';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(() => t.close());

type Data = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- an untyped GraphQL response, read field by field

const run = async (query: string, variables: Record<string, unknown>, key: string | null): Promise<GqlResult<Data>> =>
  (await t.raw({ query, variables }, key)) as GqlResult<Data>;

/** Asserts a successful answer and returns its data. */
const ok = (r: GqlResult<Data>): Data => {
  expect(r.errors).toBeUndefined();
  return r.data!;
};

const CASE_FIELDS = 'id status cause measures history { fromStatus toStatus actor note }';
const RESPOND = `mutation($id: ID!, $cause: String!, $measures: String!) { respondToRectification(id: $id, cause: $cause, measures: $measures) { ${CASE_FIELDS} } }`;
const REVIEW = `mutation($id: ID!, $accept: Boolean!, $note: String) { reviewRectification(id: $id, accept: $accept, note: $note) { ${CASE_FIELDS} } }`;

describe('rectification workflow', () => {
  let caseDbId: number;
  let caseId: string;
  let institutionKey: string;
  const keyName = 'rectification desk';

  const statusInDb = async () => (await t.sql<{ status: string }>('SELECT status FROM rectification_case WHERE id = $1', [caseDbId]))[0].status;
  const respond = (key: string, cause = 'the old boiler ran all winter', measures = 'replace the boiler by June') =>
    run(RESPOND, { id: caseId, cause, measures }, key);
  const review = (key: string, accept: boolean, note?: string | null) => run(REVIEW, { id: caseId, accept, note }, key);

  beforeAll(async () => {
    // A case of an institution other than the hospital, whose demo key must not see it.
    const [hospital] = await t.sql<{ institution_id: number }>(`SELECT institution_id FROM api_key WHERE name = 'demo: Longhui County People’s Hospital editor'`);
    const [row] = await t.sql<{ id: number; institution_id: number }>(
      `SELECT id, institution_id FROM rectification_case WHERE status = 'OPEN' AND institution_id <> $1 ORDER BY id LIMIT 1`,
      [hospital.institution_id],
    );
    expect(row).toBeDefined();
    caseDbId = row.id;
    caseId = toGlobalId('RectificationCase', row.id);
    const created = await run(
      'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { key apiKey { name role } } }',
      { input: { institutionId: toGlobalId('Institution', row.institution_id), role: 'editor', name: keyName } },
      t.keys.goa,
    );
    institutionKey = ok(created).createApiKey.key;
  });

  it('refuses the steps that do not apply to an OPEN case, and who may not take them', async () => {
    expect(codeOf(await review(t.keys.goa, true))).toBe('CONFLICT');
    // Another institution cannot even see the case.
    expect(codeOf(await respond(t.keys.hospital))).toBe('NOT_FOUND');
    // DRC reads cases but only the institution responds.
    expect(codeOf(await respond(t.keys.drc))).toBe('FORBIDDEN');
    const empty = await respond(institutionKey, '   ');
    expect(codeOf(empty)).toBe('BAD_USER_INPUT');
    expect(empty.errors![0].message).toMatch(/cause/);
    expect(await statusInDb()).toBe('OPEN');
  });

  it('goes OPEN → RESPONDED → RETURNED → RESPONDED → ACCEPTED, with a history naming the actors', async () => {
    const first = await respond(institutionKey);
    expect(ok(first).respondToRectification).toMatchObject({ status: 'RESPONDED', cause: 'the old boiler ran all winter', measures: 'replace the boiler by June' });
    expect(await statusInDb()).toBe('RESPONDED');

    expect(codeOf(await respond(institutionKey))).toBe('CONFLICT');

    const noNote = await review(t.keys.goa, false);
    expect(codeOf(noNote)).toBe('BAD_USER_INPUT');
    expect(await statusInDb()).toBe('RESPONDED');

    const returned = await review(t.keys.goa, false, 'say when the boiler will be replaced');
    expect(ok(returned).reviewRectification.status).toBe('RETURNED');

    const again = await respond(institutionKey, 'the old boiler ran all winter', 'new boiler ordered; installed by 2024-06-01');
    expect(ok(again).respondToRectification.status).toBe('RESPONDED');

    const accepted = await review(t.keys.goa, true);
    const final = ok(accepted).reviewRectification;
    expect(final.status).toBe('ACCEPTED');
    expect(await statusInDb()).toBe('ACCEPTED');

    const history = final.history as { fromStatus: string | null; toStatus: string; actor: string; note: string | null }[];
    expect(history.map((e) => e.toStatus)).toEqual(['OPEN', 'RESPONDED', 'RETURNED', 'RESPONDED', 'ACCEPTED']);
    expect(history.map((e) => e.fromStatus)).toEqual([null, 'OPEN', 'RESPONDED', 'RETURNED', 'RESPONDED']);
    expect(history.map((e) => e.actor)).toEqual([expect.stringMatching(/\S/), keyName, 'demo: GOA admin', keyName, 'demo: GOA admin']);
    expect(history[2].note).toBe('say when the boiler will be replaced');

    // An accepted case is final.
    expect(codeOf(await respond(institutionKey))).toBe('CONFLICT');
    expect(codeOf(await review(t.keys.goa, false, 'again'))).toBe('CONFLICT');
  });
});

const ROUND = `query($year: Int!) { assessmentRound(year: $year) { status openedBy entries(first: 100) { totalCount nodes { id rank score comment } } signatures { agencyCode } } }`;
const OPEN_ROUND = 'mutation($year: Int!) { openAssessmentRound(year: $year) { status entries(first: 100) { totalCount nodes { id rank score } } } }';
const SIGN = 'mutation($year: Int!) { signAssessmentRound(year: $year) { status finalisedAt signatures { agencyCode } } }';
const COMMENT = 'mutation($id: ID!, $comment: String!) { commentAssessmentEntry(id: $id, comment: $comment) { id comment } }';

describe('assessment rounds', () => {
  it('keeps the final 2023 round frozen', async () => {
    const round = ok(await run(ROUND, { year: 2023 }, t.keys.goa)).assessmentRound;
    expect(round.status).toBe('FINAL');
    expect(round.entries.totalCount).toBe(await countRows(t, 'institution WHERE in_municipal_appraisal'));
    expect(round.signatures.map((s: { agencyCode: string }) => s.agencyCode).sort()).toEqual(['DRC', 'FINANCE', 'GOA']);

    expect(codeOf(await run(SIGN, { year: 2023 }, t.keys.goa))).toBe('CONFLICT');
    expect(codeOf(await run(SIGN, { year: 2023 }, t.keys.water))).toBe('FORBIDDEN');
    expect(codeOf(await run(ROUND, { year: 2023 }, t.keys.public))).toBe('FORBIDDEN');
    const entryId = round.entries.nodes[0].id;
    expect(codeOf(await run(COMMENT, { id: entryId, comment: 'too late' }, t.keys.goa))).toBe('CONFLICT');
    const after = ok(await run(ROUND, { year: 2023 }, t.keys.goa)).assessmentRound;
    expect(after.entries.nodes[0]).toEqual(round.entries.nodes[0]);
  });

  it('opens the 2021 round, ranks it, and makes it final with the three signatures', async () => {
    expect(ok(await run(ROUND, { year: 2021 }, t.keys.goa)).assessmentRound).toBeNull();

    const opened = ok(await run(OPEN_ROUND, { year: 2021 }, t.keys.goa)).openAssessmentRound;
    expect(opened.status).toBe('OPEN');
    const appraised = await countRows(t, 'institution WHERE in_municipal_appraisal');
    expect(opened.entries.totalCount).toBe(appraised);
    const entries = opened.entries.nodes as { id: string; rank: number; score: number }[];
    expect(entries.map((e) => e.rank)).toEqual(Array.from({ length: appraised }, (_, n) => n + 1));
    expect(entries[0].score).toBe(Math.max(...entries.map((e) => e.score)));
    for (let n = 1; n < entries.length; n++) expect(entries[n].score).toBeLessThanOrEqual(entries[n - 1].score);

    expect(codeOf(await run(OPEN_ROUND, { year: 2021 }, t.keys.goa))).toBe('CONFLICT');
    expect(codeOf(await run(OPEN_ROUND, { year: 2025 }, t.keys.goa))).toBe('CONFLICT');
    expect(codeOf(await run(OPEN_ROUND, { year: 2024 }, t.keys.drc))).toBe('FORBIDDEN');
    expect(ok(await run(ROUND, { year: 2025 }, t.keys.goa)).assessmentRound).toBeNull();

    const entryId = entries[0].id;
    const commented = ok(await run(COMMENT, { id: entryId, comment: '  best in class  ' }, t.keys.goa)).commentAssessmentEntry;
    expect(commented).toEqual({ id: entryId, comment: 'best in class' });

    const byDrc = ok(await run(SIGN, { year: 2021 }, t.keys.drc)).signAssessmentRound;
    expect(byDrc).toMatchObject({ status: 'OPEN', finalisedAt: null, signatures: [{ agencyCode: 'DRC' }] });

    // The first signature freezes the entries.
    expect(codeOf(await run(COMMENT, { id: entryId, comment: 'changed my mind' }, t.keys.goa))).toBe('CONFLICT');
    const afterSign = ok(await run(ROUND, { year: 2021 }, t.keys.goa)).assessmentRound;
    expect(afterSign.entries.nodes[0]).toMatchObject({ id: entryId, comment: 'best in class' });

    expect(codeOf(await run(SIGN, { year: 2021 }, t.keys.drc))).toBe('CONFLICT');
    const byFinance = ok(await run(SIGN, { year: 2021 }, t.keys.finance)).signAssessmentRound;
    expect(byFinance.status).toBe('OPEN');
    const byGoa = ok(await run(SIGN, { year: 2021 }, t.keys.goa)).signAssessmentRound;
    expect(byGoa.status).toBe('FINAL');
    expect(byGoa.finalisedAt).not.toBeNull();
    expect(byGoa.signatures.map((s: { agencyCode: string }) => s.agencyCode)).toEqual(['DRC', 'FINANCE', 'GOA']);

    expect(codeOf(await run(SIGN, { year: 2021 }, t.keys.goa))).toBe('CONFLICT');
    expect(ok(await run(ROUND, { year: 2021 }, t.keys.finance)).assessmentRound.status).toBe('FINAL');
  });
});

describe('closing years', () => {
  const CLOSE = 'mutation($year: Int!) { closeYear(year: $year) { year closedBy } }';
  const RECALC = 'mutation($year: Int!, $reason: String) { recalculateYear(year: $year, reason: $reason) { year } }';

  it('lets only GOA close, and only a past year not yet closed; recalculates only closed years', async () => {
    const closures = async () => (await t.sql<{ year: number }>('SELECT year FROM year_closure ORDER BY year')).map((r) => r.year);
    const before = await closures();
    expect(before).toEqual([2021, 2022, 2023]);

    expect(codeOf(await run(CLOSE, { year: 2024 }, t.keys.drc))).toBe('FORBIDDEN');
    expect(codeOf(await run(CLOSE, { year: 2023 }, t.keys.goa))).toBe('CONFLICT');
    const current = Number(new Intl.DateTimeFormat('en-CA', { timeZone: t.db.timezone, year: 'numeric' }).format(new Date()));
    expect(codeOf(await run(CLOSE, { year: current }, t.keys.goa))).toBe('CONFLICT');
    expect(codeOf(await run(RECALC, { year: 2025, reason: 'late readings' }, t.keys.goa))).toBe('CONFLICT');

    expect(await closures()).toEqual(before);
  });
});
