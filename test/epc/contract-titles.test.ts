import { toGlobalId } from '../../src/graphql/relay';
import { codeOf, startTestHub, type TestHub } from '../helpers/hub';

/** Contract titles in both languages: the demo data carries both, a new contract may give its Chinese title. */
let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(() => t.close());

type Contract = { title: string; titleZh: string | null; status: string };

const CONTRACTS = 'query { epcContracts(first: 100) { nodes { id title titleZh status } } }';
const CREATE = 'mutation($input: CreateEpcContractInput!) { createEpcContract(input: $input) { id title titleZh } }';

const input = async (overrides: Record<string, unknown>) => {
  const [institution] = await t.sql<{ id: number }>("SELECT id FROM institution WHERE name_zh = '邵阳市第一中学'");
  const [esco] = await t.sql<{ id: number }>('SELECT id FROM esco ORDER BY id LIMIT 1');
  return {
    institutionId: toGlobalId('Institution', institution.id),
    escoId: toGlobalId('Esco', esco.id),
    title: 'Canteen kitchen electrification',
    type: 'BENEFIT_SHARING',
    carriers: ['ELECTRICITY'],
    measures: [{ name: 'Induction cooking', pillar: 'TECHNOLOGY' }],
    termStart: '2026-01-01',
    termEnd: '2032-01-01',
    investmentYuan: '420000.00',
    escoShare: '0.7000',
    prices: [{ carrier: 'ELECTRICITY', priceYuan: '0.65' }],
    baselineStart: '2025-01-01',
    baselineDriver: 'FLOOR_AREA',
    settlementPeriod: 'QUARTER',
    ...overrides,
  };
};

it('the demo contracts carry their titles in English and in Chinese', async () => {
  const r = await t.raw({ query: CONTRACTS }, t.keys.goa);
  expect(r.errors).toBeUndefined();
  const nodes = (r.data as { epcContracts: { nodes: Contract[] } }).epcContracts.nodes;
  expect(nodes.length).toBeGreaterThanOrEqual(6);
  for (const c of nodes) {
    expect(c.title).toMatch(/^[\x20-\x7e’]+$/);
    expect(c.titleZh).toMatch(/[\u4e00-\u9fff]/);
  }
  expect(nodes.map((c) => c.titleZh)).toContain('隆回县人民医院合同能源管理项目');
});

it('a new contract keeps the Chinese title it is given, and has none when given none', async () => {
  const withZh = await t.raw({ query: CREATE, variables: { input: await input({ titleZh: '  食堂厨房电气化改造  ' }) } }, t.keys.goa);
  expect(withZh.errors).toBeUndefined();
  expect((withZh.data as { createEpcContract: Contract }).createEpcContract).toMatchObject({ title: 'Canteen kitchen electrification', titleZh: '食堂厨房电气化改造' });

  const without = await t.raw({ query: CREATE, variables: { input: await input({ title: 'Roof insulation' }) } }, t.keys.goa);
  expect(without.errors).toBeUndefined();
  expect((without.data as { createEpcContract: Contract }).createEpcContract).toMatchObject({ title: 'Roof insulation', titleZh: null });
});

it('an over-long Chinese title is BAD_USER_INPUT and creates nothing', async () => {
  const [{ count: before }] = await t.sql<{ count: string }>('SELECT count(*) FROM epc_contract');
  const r = await t.raw({ query: CREATE, variables: { input: await input({ titleZh: '长'.repeat(201) }) } }, t.keys.goa);
  expect(codeOf(r)).toBe('BAD_USER_INPUT');
  const [{ count: after }] = await t.sql<{ count: string }>('SELECT count(*) FROM epc_contract');
  expect(after).toBe(before);
});
