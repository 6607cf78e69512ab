import {
  CreateInstitutionDocument,
  InstitutionDocument,
  InstitutionsDocument,
  InstitutionsWithDetailDocument,
  NodeDocument,
  RegionsDocument,
  UpdateInstitutionDocument,
  UpsertInstitutionProfileDocument,
} from '../../src/generated/graphql';
import { DEMO_INSTITUTIONS } from '../../src/demo/shaoyang.data';
import { makeCreditCode } from '../../src/modules/registry/credit-code';
import { toGlobalId } from '../../src/graphql/relay';
import { codeOf, startTestHub, type GqlResult, type TestHub } from '../helpers/hub';
import { countRows } from '../helpers/fixtures';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(() => t.close());

async function regionId(code: string): Promise<string> {
  const r = await t.gql(RegionsDocument, { first: 100 }, t.keys.goa);
  return r.data!.regions.nodes.find((n) => n.code === code)!.id;
}

async function institutionIdByZh(nameZh: string): Promise<string> {
  const r = await t.gql(InstitutionsDocument, { first: 5, filter: { search: nameZh } }, t.keys.goa);
  return r.data!.institutions.edges[0].node.id;
}

describe('regions', () => {
  it('lists Hunan, Shaoyang and its twelve county-level divisions as a tree', async () => {
    const r = await t.gql(RegionsDocument, { first: 100 }, t.keys.public);
    expect(r.errors).toBeUndefined();
    expect(r.data!.regions.totalCount).toBe(14);
    const shaoyang = r.data!.regions.nodes.find((n) => n.code === '430500')!;
    expect(shaoyang).toMatchObject({ nameZh: '邵阳市', level: 'CITY', parent: { code: '430000' } });
    expect(shaoyang.children).toHaveLength(12);
    const counties = await t.gql(RegionsDocument, { first: 100, filter: { level: 'COUNTY' } }, t.keys.public);
    expect(counties.data!.regions.totalCount).toBe(12);
  });

  it('filters by parent and pages with cursors both ways without gaps or repeats', async () => {
    type Page = { regions: { totalCount: number; nodes: { code: string; parent: { code: string } }[]; pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string } } };
    const page = async (args: string, filter: Record<string, unknown>) =>
      (await t.raw({ query: `query($f: RegionFilter) { regions(${args}, filter: $f) { totalCount nodes { code parent { code } } pageInfo { hasNextPage hasPreviousPage endCursor } } }`, variables: { f: filter } }, t.keys.public)) as GqlResult<Page>;
    const below = { parentId: await regionId('430500') };
    const first = await page('first: 5', below);
    expect(first.errors).toBeUndefined();
    expect(first.data!.regions).toMatchObject({ totalCount: 12, pageInfo: { hasNextPage: true } });
    const rest = await page(`first: 100, after: "${first.data!.regions.pageInfo.endCursor}"`, below);
    const codes = [...first.data!.regions.nodes, ...rest.data!.regions.nodes].map((n) => n.code);
    expect(new Set(codes).size).toBe(12);
    expect([...first.data!.regions.nodes, ...rest.data!.regions.nodes].every((n) => n.parent.code === '430500')).toBe(true);
    expect(rest.data!.regions.pageInfo.hasNextPage).toBe(false);
    const last = await page('last: 3', below);
    expect(last.data!.regions.nodes.map((n) => n.code)).toEqual(codes.slice(-3));
    expect(last.data!.regions.pageInfo.hasPreviousPage).toBe(true);
    // The city level holds Shaoyang alone; a county has no region below it.
    expect((await page('first: 10', { level: 'CITY' })).data!.regions.nodes.map((n) => n.code)).toEqual(['430500']);
    expect((await page('first: 10', { parentId: await regionId(codes[0]) })).data!.regions.totalCount).toBe(0);
  });
});

describe('institutions', () => {
  it('has the 87 municipal departments in the appraisal and the four hospitals of the case', async () => {
    const apprais = await t.gql(InstitutionsWithDetailDocument, { first: 100, filter: { inMunicipalAppraisal: true } }, t.keys.goa);
    expect(apprais.data!.institutions.totalCount).toBe(87);
    const hospitals = await t.gql(InstitutionsDocument, { first: 10, filter: { category: 'HOSPITAL' } }, t.keys.drc);
    expect(hospitals.data!.institutions.edges.map((e) => e.node.nameZh).sort()).toEqual(
      ['洞口县中医院', '新宁县人民医院', '邵阳市第二人民医院', '隆回县人民医院'].sort(),
    );
  });

  it('filters by region including the regions below it, and searches names in either language', async () => {
    const longhui = await t.gql(InstitutionsDocument, { first: 20, filter: { regionId: await regionId('430524') } }, t.keys.goa);
    expect(longhui.data!.institutions.edges.map((e) => e.node.nameZh)).toEqual(expect.arrayContaining(['隆回县人民医院']));
    const city = await t.gql(InstitutionsDocument, { first: 1, filter: { regionId: await regionId('430500') } }, t.keys.goa);
    const province = await t.gql(InstitutionsDocument, { first: 1, filter: { regionId: await regionId('430000') } }, t.keys.goa);
    // Every institution of the demo is in Shaoyang, so in Hunan too.
    const all = await countRows(t, 'institution');
    expect(province.data!.institutions.totalCount).toBe(all);
    expect(city.data!.institutions.totalCount).toBe(all);
    const en = await t.gql(InstitutionsDocument, { first: 5, filter: { search: 'xinning county' } }, t.keys.goa);
    expect(en.data!.institutions.edges.map((e) => e.node.nameZh)).toEqual(['新宁县人民医院']);
    const noMatch = await t.gql(InstitutionsDocument, { first: 5, filter: { search: '100%_' } }, t.keys.goa);
    expect(noMatch.data!.institutions.totalCount).toBe(0);
  });

  it('pages with cursors without gaps or repeats, and caps first at 100', async () => {
    const all = await countRows(t, 'institution');
    expect(all).toBeGreaterThan(40 * 2); // more than two pages
    const seen: string[] = [];
    let after: string | null | undefined = null;
    for (;;) {
      const page: Awaited<ReturnType<typeof t.gql<import('../../src/generated/graphql').InstitutionsQuery, unknown>>> = await t.gql(
        InstitutionsDocument,
        { first: 40, after },
        t.keys.goa,
      );
      const conn = page.data!.institutions;
      expect(conn.totalCount).toBe(all);
      seen.push(...conn.edges.map((e) => e.node.id));
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(all);
    expect(new Set(seen).size).toBe(all);

    const tooMany = await t.gql(InstitutionsDocument, { first: 101 }, t.keys.goa);
    expect(codeOf(tooMany)).toBe('BAD_USER_INPUT');
    expect(tooMany.errors![0].message).toMatch(/first/);
    const badCursor = await t.gql(InstitutionsDocument, { first: 5, after: 'nonsense' }, t.keys.goa);
    expect(codeOf(badCursor)).toBe('BAD_USER_INPUT');
  });

  it('answers node(id) with the same rules as the typed query', async () => {
    const id = await institutionIdByZh('隆回县人民医院');
    const r = await t.gql(NodeDocument, { id }, t.keys.finance);
    expect(r.data!.node).toMatchObject({ id, name: "Longhui County People's Hospital" });
    expect(codeOf(await t.gql(NodeDocument, { id: 'garbage!' }, t.keys.goa))).toBe('BAD_USER_INPUT');
    const other = await institutionIdByZh('新宁县人民医院');
    expect(codeOf(await t.gql(NodeDocument, { id: other }, t.keys.hospital))).toBe('FORBIDDEN');
  });

  it("answers node(id) of a yearly profile under its institution's scope, and nodes(ids) of many in the same statements as of few", async () => {
    type Profile = { id: string; year: number; headcount: number | null; institution: { id: string } };
    const query = 'query($id: ID!) { node(id: $id) { id ... on InstitutionProfile { year headcount institution { id } } } }';
    const node = async (id: string, key: string) => (await t.raw({ query, variables: { id } }, key)) as GqlResult<{ node: Profile | null }>;
    const profileOf = async (nameZh: string) => {
      const [p] = await t.sql<{ id: number; year: number; headcount: number | null }>(
        'SELECT p.id, p.year, p.headcount FROM institution_profile p JOIN institution i ON i.id = p.institution_id WHERE i.name_zh = $1 ORDER BY p.id LIMIT 1',
        [nameZh],
      );
      return { ...p, globalId: toGlobalId('InstitutionProfile', p.id) };
    };
    const own = await profileOf('隆回县人民医院');
    const other = await profileOf('新宁县人民医院');
    expect((await node(own.globalId, t.keys.hospital)).data!.node).toEqual({
      id: own.globalId,
      year: own.year,
      headcount: own.headcount,
      institution: { id: await institutionIdByZh('隆回县人民医院') },
    });
    // Another institution's profile: FORBIDDEN, and nothing of it in the answer.
    const denied = await node(other.globalId, t.keys.hospital);
    expect([codeOf(denied), denied.data?.node ?? null]).toEqual(['FORBIDDEN', null]);
    expect((await node(other.globalId, t.keys.goa)).data!.node).toMatchObject({ id: other.globalId, year: other.year });
    expect(codeOf(await node(toGlobalId('InstitutionProfile', 2_000_000_000), t.keys.goa))).toBe('NOT_FOUND');

    const ids = (await t.sql<{ id: number }>('SELECT id FROM institution_profile ORDER BY id LIMIT 20')).map((r) => toGlobalId('InstitutionProfile', r.id));
    expect(ids).toHaveLength(20);
    const statements = async (some: string[]) =>
      t.countStatements(async () => {
        const r = (await t.raw({ query: 'query($ids: [ID!]!) { nodes(ids: $ids) { id ... on InstitutionProfile { institution { id } } } }', variables: { ids: some } }, t.keys.goa)) as GqlResult<{ nodes: ({ id: string } | null)[] }>;
        expect(r.errors).toBeUndefined();
        expect(r.data!.nodes.map((n) => n?.id)).toEqual(some);
      });
    expect(await statements(ids)).toBe(await statements(ids.slice(0, 2)));
  });
});

describe('createInstitution', () => {
  const input = async (over: Record<string, unknown> = {}) => ({
    name: 'Shaoyang Test Kindergarten',
    nameZh: '邵阳市测试幼儿园',
    creditCode: makeCreditCode('12', '430502', 9_000_001),
    category: 'SCHOOL' as const,
    regionId: await regionId('430502'),
    ...over,
  });

  it('lets GOA create an institution that then shows up in queries', async () => {
    const r = await t.gql(CreateInstitutionDocument, { input: await input() }, t.keys.goa);
    expect(r.errors).toBeUndefined();
    expect(r.data!.createInstitution).toMatchObject({ nameZh: '邵阳市测试幼儿园', category: 'SCHOOL', inMunicipalAppraisal: false, region: { code: '430502' } });
    const found = await t.gql(InstitutionsDocument, { first: 5, filter: { search: '测试幼儿园' } }, t.keys.drc);
    expect(found.data!.institutions.totalCount).toBe(1);
  });

  it('rejects a bad credit code, empty names and an unknown region, naming each field, and writes nothing', async () => {
    const before = await countRows(t, 'institution');
    const code = makeCreditCode('12', '430502', 9_000_002);
    const wrongCheck = code.slice(0, 17) + (code[17] === '0' ? '1' : '0');
    const r = await t.gql(
      CreateInstitutionDocument,
      { input: await input({ creditCode: wrongCheck, name: ' ', regionId: Buffer.from('Region:99999').toString('base64url') }) },
      t.keys.goa,
    );
    expect(codeOf(r)).toBe('BAD_USER_INPUT');
    expect(r.errors![0].message).toMatch(/creditCode: check character should be/);
    expect(r.errors![0].message).toMatch(/name: must not be empty/);
    expect(r.errors![0].message).toMatch(/regionId: no region/);
    expect(await countRows(t, 'institution')).toBe(before);
  });

  it('answers CONFLICT for a credit code already in use', async () => {
    const taken = await t.gql(InstitutionDocument, { id: await institutionIdByZh('隆回县人民医院'), year: 2023 }, t.keys.goa);
    const r = await t.gql(CreateInstitutionDocument, { input: await input({ creditCode: taken.data!.institution.creditCode }) }, t.keys.goa);
    expect(codeOf(r)).toBe('CONFLICT');
    expect(r.errors![0].message).toMatch(/creditCode/);
  });

  it.each([
    ['DRC', 'drc'],
    ['FINANCE', 'finance'],
    ['WATER', 'water'],
    ['HOUSING', 'housing'],
    ['an institution', 'hospital'],
    ['PUBLIC', 'public'],
  ] as const)('is FORBIDDEN to %s', async (_label, who) => {
    const before = await countRows(t, 'institution');
    const r = await t.gql(CreateInstitutionDocument, { input: await input({ creditCode: makeCreditCode('12', '430502', 9_000_003) }) }, t.keys[who]);
    expect(codeOf(r)).toBe('FORBIDDEN');
    expect(await countRows(t, 'institution')).toBe(before);
  });
});

describe('updateInstitution', () => {
  it('updates the fields given and keeps the others', async () => {
    const id = await institutionIdByZh('邵阳市统计局');
    const r = await t.gql(UpdateInstitutionDocument, { id, input: { name: 'Shaoyang Bureau of Statistics' } }, t.keys.goa);
    expect(r.data!.updateInstitution).toMatchObject({ name: 'Shaoyang Bureau of Statistics', nameZh: '邵阳市统计局', inMunicipalAppraisal: true });
  });

  it('rejects bad input and an unknown id without changing the row', async () => {
    const id = await institutionIdByZh('邵阳市审计局');
    const before = await t.sql('SELECT * FROM institution WHERE name_zh = $1', ['邵阳市审计局']);
    const bad = await t.gql(UpdateInstitutionDocument, { id, input: { nameZh: '', creditCode: 'ABC' } }, t.keys.goa);
    expect(codeOf(bad)).toBe('BAD_USER_INPUT');
    expect(bad.errors![0].message).toMatch(/nameZh/);
    expect(bad.errors![0].message).toMatch(/creditCode: wrong length/);
    expect(await t.sql('SELECT * FROM institution WHERE name_zh = $1', ['邵阳市审计局'])).toEqual(before);
    const missing = await t.gql(UpdateInstitutionDocument, { id: Buffer.from('Institution:99999').toString('base64url'), input: { name: 'x' } }, t.keys.goa);
    expect(codeOf(missing)).toBe('NOT_FOUND');
  });

  it('is FORBIDDEN to an institution, even for itself', async () => {
    const id = await institutionIdByZh('隆回县人民医院');
    const r = await t.gql(UpdateInstitutionDocument, { id, input: { name: 'renamed' } }, t.keys.hospital);
    expect(codeOf(r)).toBe('FORBIDDEN');
  });
});

describe('institution profiles', () => {
  it('GOA upserts a profile; a second upsert updates it in place', async () => {
    const institutionId = await institutionIdByZh('邵阳市林业局');
    const first = await t.gql(UpsertInstitutionProfileDocument, { input: { institutionId, year: 2025, headcount: 88, floorAreaM2: 4321.5 } }, t.keys.goa);
    expect(first.data!.upsertInstitutionProfile).toMatchObject({ year: 2025, headcount: 88, floorAreaM2: 4321.5 });
    const second = await t.gql(UpsertInstitutionProfileDocument, { input: { institutionId, year: 2025, headcount: 90 } }, t.keys.goa);
    expect(second.data!.upsertInstitutionProfile).toMatchObject({ id: first.data!.upsertInstitutionProfile.id, headcount: 90, floorAreaM2: 4321.5 });
  });

  it('HOUSING may set floor areas but not headcounts', async () => {
    const institutionId = await institutionIdByZh('邵阳市林业局');
    const ok = await t.gql(UpsertInstitutionProfileDocument, { input: { institutionId, year: 2023, floorAreaM2: 5000 } }, t.keys.housing);
    expect(ok.errors).toBeUndefined();
    expect(ok.data!.upsertInstitutionProfile.floorAreaM2).toBe(5000);
    const denied = await t.gql(UpsertInstitutionProfileDocument, { input: { institutionId, year: 2023, headcount: 1 } }, t.keys.housing);
    expect(codeOf(denied)).toBe('FORBIDDEN');
    expect(denied.errors![0].message).toMatch(/headcount/);
  });

  it('an institution writes its own profile only', async () => {
    const own = await institutionIdByZh('隆回县人民医院');
    const other = await institutionIdByZh('新宁县人民医院');
    const ok = await t.gql(UpsertInstitutionProfileDocument, { input: { institutionId: own, year: 2024, headcount: 1650 } }, t.keys.hospital);
    expect(ok.data!.upsertInstitutionProfile.headcount).toBe(1650);
    const denied = await t.gql(UpsertInstitutionProfileDocument, { input: { institutionId: other, year: 2024, headcount: 1 } }, t.keys.hospital);
    expect(codeOf(denied)).toBe('FORBIDDEN');
    const viewer = await t.gql(UpsertInstitutionProfileDocument, { input: { institutionId: own, year: 2024, headcount: 1 } }, t.keys.public);
    expect(codeOf(viewer)).toBe('FORBIDDEN');
  });

  it('rejects impossible figures, naming the fields, and writes nothing', async () => {
    const institutionId = await institutionIdByZh('邵阳市林业局');
    const before = await t.sql('SELECT * FROM institution_profile ORDER BY id');
    // A year out of range is refused at the schema's boundary, before the service sees the figures.
    const century = await t.gql(UpsertInstitutionProfileDocument, { input: { institutionId, year: 1899, headcount: 10 } }, t.keys.goa);
    expect(codeOf(century)).toBe('BAD_USER_INPUT');
    expect(century.errors![0].message).toContain('input.year:');
    const r = await t.gql(
      UpsertInstitutionProfileDocument,
      { input: { institutionId, year: 2022, headcount: -3, floorAreaM2: -10 } },
      t.keys.goa,
    );
    expect(codeOf(r)).toBe('BAD_USER_INPUT');
    for (const field of ['headcount', 'floorAreaM2']) expect(r.errors![0].message).toContain(`${field}:`);
    const tooHot = await t.gql(UpsertInstitutionProfileDocument, { input: { institutionId, year: 2022, heatedAreaM2: 10_000_000 } }, t.keys.goa);
    expect(codeOf(tooHot)).toBe('BAD_USER_INPUT');
    const nothing = await t.gql(UpsertInstitutionProfileDocument, { input: { institutionId, year: 2022 } }, t.keys.goa);
    expect(codeOf(nothing)).toBe('BAD_USER_INPUT');
    expect(await t.sql('SELECT * FROM institution_profile ORDER BY id')).toEqual(before);
  });
});

describe('what each key sees of institutions', () => {
  it('an institution key sees its own institution only, and totalCount counts only that', async () => {
    const r = await t.gql(InstitutionsDocument, { first: 100 }, t.keys.hospital);
    expect(r.data!.institutions.totalCount).toBe(1);
    expect(r.data!.institutions.edges[0].node.nameZh).toBe('隆回县人民医院');
  });

  it('PUBLIC sees names, category and region, and gets FORBIDDEN on the credit code and profiles', async () => {
    const list = await t.gql(InstitutionsDocument, { first: 3 }, t.keys.public);
    expect(list.errors).toBeUndefined();
    const all = await t.gql(InstitutionsDocument, { first: 1 }, t.keys.goa);
    expect(list.data!.institutions.totalCount).toBe(all.data!.institutions.totalCount);
    const detail = await t.gql(InstitutionDocument, { id: list.data!.institutions.edges[0].node.id, year: 2023 }, t.keys.public);
    expect(codeOf(detail)).toBe('FORBIDDEN');
    expect(detail.data!.institution).toMatchObject({ name: list.data!.institutions.edges[0].node.name, creditCode: null, profile: null, meters: null });
    expect(detail.errors!.every((e) => e.extensions?.code === 'FORBIDDEN')).toBe(true);
    const paths = detail.errors!.map((e) => e.path?.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['institution.creditCode', 'institution.profile', 'institution.meters']));
  });

  it('an agency reads everything of an institution, and the right profile year', async () => {
    const id = await institutionIdByZh('隆回县人民医院');
    const r = await t.gql(InstitutionDocument, { id, year: 2023 }, t.keys.drc);
    expect(r.errors).toBeUndefined();
    const demo = DEMO_INSTITUTIONS.find((i) => i.key === 'hosp-longhui')!;
    // The demo opens a 12,000 m² wing at Longhui in 2023.
    expect(r.data!.institution.profile).toMatchObject({ year: 2023, floorAreaM2: demo.floorAreaM2 + 12_000 });
    expect(r.data!.institution.profiles!.map((p) => p.year)).toEqual([2021, 2022, 2023, 2024]);
    expect(r.data!.institution.meters!.map((m) => m.carrier).sort()).toEqual(['DIESEL', 'ELECTRICITY', 'NATURAL_GAS', 'PV_GENERATION', 'WATER']);
  });
});
