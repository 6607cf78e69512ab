import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  AssessmentRoundDocument,
  CreateInstitutionDocument,
  InstitutionDocument,
  InstitutionsDocument,
  PvProgrammeDocument,
  ReadingsDocument,
  RecalculateYearDocument,
  UpdateInstitutionDocument,
} from '../../src/generated/graphql';
import { institutionId, meterId } from '../helpers/fixtures';
import { codeOf, startTestHub, type GqlResult, type TestHub } from '../helpers/hub';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(() => t.close());

const b64 = (s: string) => Buffer.from(s).toString('base64url');
/** The fields a BAD_USER_INPUT names. */
const fieldsOf = (r: GqlResult<unknown>) => ((r.errors?.[0]?.extensions?.problems ?? []) as { field: string }[]).map((p) => p.field);
const LONGHUI = '隆回县人民医院';

describe('forged cursors are BAD_USER_INPUT, not a failed statement', () => {
  const FORGED = [b64('["x"]'), b64('[1e30,"x"]'), b64('{"id":1}'), b64('[-1]'), b64('[2147483648]'), '!!not base64!!', b64('[]')];

  it.each(FORGED)('institutions(after: %s)', async (after) => {
    const r = await t.gql(InstitutionsDocument, { first: 2, after }, t.keys.goa);
    expect(codeOf(r)).toBe('BAD_USER_INPUT');
    expect(fieldsOf(r)).toEqual(['after']);
  });

  it('readings and assessment entries check their two-part cursors', async () => {
    const meter = await meterId(t, 'SY-hosp-longhui-E1');
    for (const after of [...FORGED, b64('["0000-01-01T00:00:00Z","1"]'), b64('["2024-01-01T00:00:00Z",1.5]'), b64('["2024-01-01T00:00:00Z","99999999999999999999"]')]) {
      expect(codeOf(await t.gql(ReadingsDocument, { meterId: meter, first: 2, after }, t.keys.goa))).toBe('BAD_USER_INPUT');
    }
    for (const after of [...FORGED, b64('[1,"x"]'), b64('[1e30,1]')]) {
      expect(codeOf(await t.gql(AssessmentRoundDocument, { year: 2023, first: 2, after }, t.keys.goa))).toBe('BAD_USER_INPUT');
    }
  });

  it('a real cursor still pages', async () => {
    const first = await t.gql(InstitutionsDocument, { first: 2 }, t.keys.goa);
    const next = await t.gql(InstitutionsDocument, { first: 2, after: first.data!.institutions.pageInfo.endCursor }, t.keys.goa);
    expect(next.errors).toBeUndefined();
    expect(next.data!.institutions.edges[0].node.id).not.toBe(first.data!.institutions.edges[0].node.id);
  });
});

describe('string limits and NUL', () => {
  it('states the limits in the committed schema', () => {
    const sdl = readFileSync(path.join(__dirname, '../../schema/schema.graphql'), 'utf8');
    expect(sdl).toMatch(/At most 100 characters, no NUL\.\s*"""\s*search: String/);
    expect(sdl).toMatch(/At most 4,000 characters, no NUL\.\s*"""\s*reason: String/);
    expect(sdl).toMatch(/At most 200 characters, no NUL\.\s*"""\s*nameZh: String!/);
  });

  it('search: 100 characters pass, 101 and a NUL are refused naming the field', async () => {
    expect((await t.gql(InstitutionsDocument, { first: 1, filter: { search: 'x'.repeat(100) } }, t.keys.goa)).errors).toBeUndefined();
    const long = await t.gql(InstitutionsDocument, { first: 1, filter: { search: 'x'.repeat(101) } }, t.keys.goa);
    expect(codeOf(long)).toBe('BAD_USER_INPUT');
    expect(fieldsOf(long)).toEqual(['filter.search']);
    expect(long.errors![0].message).toMatch(/at most 100 characters/);
    const nul = await t.gql(InstitutionsDocument, { first: 1, filter: { search: 'a\u0000b' } }, t.keys.goa);
    expect(codeOf(nul)).toBe('BAD_USER_INPUT');
    expect(fieldsOf(nul)).toEqual(['filter.search']);
    // Half of a surrogate pair: no UTF-8 text can hold it (the fuzz test found it as a 500 in a mutation's audit record).
    const lone = await t.gql(InstitutionsDocument, { first: 1, filter: { search: 'a\ud800b' } }, t.keys.goa);
    expect(codeOf(lone)).toBe('BAD_USER_INPUT');
    expect(fieldsOf(lone)).toEqual(['filter.search']);
    expect((await t.gql(InstitutionsDocument, { first: 1, filter: { search: '\ud83c\udfe5' } }, t.keys.goa)).errors).toBeUndefined();
  });

  it('counts characters, not bytes: 100 Chinese characters are a valid search', async () => {
    expect((await t.gql(InstitutionsDocument, { first: 1, filter: { search: '院'.repeat(100) } }, t.keys.goa)).errors).toBeUndefined();
  });

  it('an over-long or NUL name in a mutation is refused and changes nothing', async () => {
    const before = await t.sql('SELECT count(*)::int AS n FROM institution');
    const region = (await t.gql(InstitutionDocument, { id: await institutionId(t, LONGHUI), year: 2023 }, t.keys.goa)).data!.institution.region!.id;
    const input = { category: 'HOSPITAL', creditCode: '12430500MB1234567X', name: 'A clinic', nameZh: '诊所', regionId: region } as const;
    for (const [patch, field] of [
      [{ nameZh: '诊'.repeat(201) }, 'input.nameZh'],
      [{ name: 'A\u0000clinic' }, 'input.name'],
      [{ creditCode: '1'.repeat(19) }, 'input.creditCode'],
    ] as const) {
      const r = await t.gql(CreateInstitutionDocument, { input: { ...input, ...patch } }, t.keys.goa);
      expect(codeOf(r)).toBe('BAD_USER_INPUT');
      expect(fieldsOf(r)).toContain(field);
    }
    expect(await t.sql('SELECT count(*)::int AS n FROM institution')).toEqual(before);

    const id = await institutionId(t, LONGHUI);
    const rename = await t.gql(UpdateInstitutionDocument, { id, input: { name: 'x'.repeat(10_000) } }, t.keys.goa);
    expect(codeOf(rename)).toBe('BAD_USER_INPUT');
    expect((await t.gql(InstitutionDocument, { id, year: 2023 }, t.keys.goa)).data!.institution.nameZh).toBe(LONGHUI);
  });

  it('free text: a reason of 4,001 characters is refused, nothing is recalculated', async () => {
    const before = await t.sql('SELECT count(*)::int AS n FROM year_recalculation');
    const r = await t.gql(RecalculateYearDocument, { year: 2022, reason: 'r'.repeat(4_001) }, t.keys.goa);
    expect(codeOf(r)).toBe('BAD_USER_INPUT');
    expect(fieldsOf(r)).toEqual(['reason']);
    expect(await t.sql('SELECT count(*)::int AS n FROM year_recalculation')).toEqual(before);
  });
});

describe('ids, dates and years are checked for range', () => {
  it('an out-of-range or malformed id is BAD_USER_INPUT; an id of another type too', async () => {
    for (const id of [b64('Institution:99999999999'), b64('Institution:2147483648'), b64('Institution:1.5'), b64('Institution:'), 'zz!!', 'a\u0000b']) {
      expect(codeOf(await t.gql(InstitutionDocument, { id, year: 2023 }, t.keys.goa))).toBe('BAD_USER_INPUT');
    }
    const meter = await meterId(t, 'SY-hosp-longhui-E1');
    expect(codeOf(await t.gql(InstitutionDocument, { id: meter, year: 2023 }, t.keys.goa))).toBe('BAD_USER_INPUT');
    expect(codeOf(await t.gql(InstitutionDocument, { id: b64('Institution:2147483647'), year: 2023 }, t.keys.goa))).toBe('NOT_FOUND');
  });

  it('year 0 and the far future are BAD_USER_INPUT in DateTime, LocalDate and Int years', async () => {
    const meter = await meterId(t, 'SY-hosp-longhui-E1');
    for (const from of ['0000-01-01T00:00:00Z', '9999-12-31T00:00:00Z']) {
      const r = await t.gql(ReadingsDocument, { meterId: meter, first: 1, from }, t.keys.goa);
      expect(r.status).toBe(400);
      expect(codeOf(r)).toBe('BAD_USER_INPUT');
    }
    for (const asOf of ['0000-01-01', '9999-12-31']) expect(codeOf(await t.gql(PvProgrammeDocument, { asOf }, t.keys.goa))).toBe('BAD_USER_INPUT');
    for (const year of [0, -1, 2_147_483_647]) {
      const r = await t.gql(AssessmentRoundDocument, { year, first: 1 }, t.keys.goa);
      expect(codeOf(r)).toBe('BAD_USER_INPUT');
      expect(fieldsOf(r)).toEqual(['year']);
    }
  });
});

describe('subscriptions check their arguments the same way', () => {
  it('a NUL or over-long id in a subscription filter is BAD_USER_INPUT over WebSocket', async () => {
    const client = t.ws(t.keys.goa);
    for (const institutionId of ['a\u0000b', 'x'.repeat(101)]) {
      const answer = await new Promise<unknown>((resolve) =>
        client.subscribe(
          { query: 'subscription($f: ComplianceAlertFilter) { complianceAlerts(filter: $f) { year } }', variables: { f: { institutionId } } },
          { next: resolve, error: resolve, complete: () => resolve(null) },
        ),
      );
      expect(JSON.stringify(answer)).toMatch(/BAD_USER_INPUT/);
      expect(JSON.stringify(answer)).toMatch(/filter\.institutionId/);
    }
  });
});
