import { toGlobalId } from '../../src/graphql/relay';
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

/** A day `days` before now, YYYY-MM-DD (UTC, as the audit rule counts). */
const daysAgo = (days: number): string => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);

/** Yuan as a decimal string → integer fen, exactly. */
const fen = (yuan: string): bigint => {
  expect(yuan).toMatch(/^-?\d+(\.\d{1,2})?$/);
  const negative = yuan.startsWith('-');
  const [whole, frac = ''] = yuan.replace('-', '').split('.');
  const value = BigInt(whole) * 100n + BigInt((frac + '00').slice(0, 2));
  return negative ? -value : value;
};

const DEMO_TITLES = {
  longhui: 'Longhui County People’s Hospital energy performance contract',
  xinning: 'Xinning County People’s Hospital energy performance contract',
  syNo2: 'Shaoyang No. 2 People’s Hospital energy performance contract',
  dongkou: 'Dongkou County Hospital of TCM energy cost trusteeship',
  school: 'Shaoyang No. 1 Middle School lighting and heat-pump retrofit',
  publicSecurity: 'Shaoyang Public Security Bureau HVAC control',
};

const demoContractId = async (title: string): Promise<number> => {
  const rows = await t.sql<{ id: number }>('SELECT id FROM epc_contract WHERE title = $1', [title]);
  expect(rows).toHaveLength(1);
  return rows[0].id;
};

const CONTRACT_FIELDS = 'id status transitions { fromStatus toStatus actor note at } assets { name quantity valueYuan owner handedOverAt }';
const CREATE = `mutation($input: CreateEpcContractInput!) { createEpcContract(input: $input) { ${CONTRACT_FIELDS} } }`;
const TRANSITION = `mutation($id: ID!, $to: EpcStatus!, $note: String) { transitionEpcContract(id: $id, to: $to, note: $note) { ${CONTRACT_FIELDS} } }`;
const CONTRACT = `query($id: ID!) { epcContract(id: $id) { ${CONTRACT_FIELDS} } }`;
const ADD_ASSET = 'mutation($id: ID!, $input: EpcAssetInput!) { addEpcAsset(contractId: $id, input: $input) { name quantity valueYuan owner handedOverAt } }';
const PAY = 'mutation($id: ID!, $amount: Decimal!, $paidOn: LocalDate!, $note: String) { recordEpcPayment(contractId: $id, amountYuan: $amount, paidOn: $paidOn, note: $note) { amountYuan paidOn note recordedBy } }';
const RECORD_AUDIT = 'mutation($input: EnergyAuditInput!) { recordEnergyAudit(input: $input) { id auditedOn } }';
const ESCOS = 'query { escos(first: 100) { totalCount nodes { id name } } }';
const CONTRACTS_MONEY = 'query { epcContracts(first: 100) { totalCount nodes { id title investmentYuan } } }';

const GOA_ACTOR = 'demo: GOA admin';
const FINANCE_ACTOR = 'demo: FINANCE editor';
const ESCO_ACTOR = 'demo: Hunan Green Energy ESCO editor';

const contractInput = (institutionDbId: number, escoId: string, overrides: Record<string, unknown> = {}) => ({
  institutionId: toGlobalId('Institution', institutionDbId),
  escoId,
  title: 'Lighting and HVAC retrofit under EPC',
  type: 'BENEFIT_SHARING',
  carriers: ['ELECTRICITY', 'NATURAL_GAS'],
  measures: [
    { name: 'LED lighting', pillar: 'TECHNOLOGY' },
    { name: 'HVAC scheduling', pillar: 'AUTOMATION' },
  ],
  termStart: '2026-01-01',
  termEnd: '2034-01-01',
  investmentYuan: '1580000.00',
  escoShare: '0.7000',
  prices: [
    { carrier: 'ELECTRICITY', priceYuan: '0.65' },
    { carrier: 'NATURAL_GAS', priceYuan: '3.20' },
  ],
  baselineStart: '2025-01-01',
  baselineDriver: 'FLOOR_AREA',
  settlementPeriod: 'QUARTER',
  ...overrides,
});

const auditInput = (institutionDbId: number, auditedOn: string) => ({
  institutionId: toGlobalId('Institution', institutionDbId),
  auditor: 'Shaoyang Energy Audit Institute',
  auditedOn,
  triggers: ['EPC_PREPARATION'],
  findings: 'Fluorescent lighting throughout; HVAC runs without schedules.',
  measures: [{ name: 'LED lighting', pillar: 'TECHNOLOGY', estimatedSavingsKgce: 12_000, costYuan: '350000.00' }],
  suitsEpc: true,
});

let hunanGreenId: string;
let xiangjiangId: string;
/** An institution with no audit and no contract: a clean site for fresh contracts. */
let freshInstitutionIds: number[];

beforeAll(async () => {
  const escos = ok(await run(ESCOS, {}, t.keys.goa)).escos.nodes as { id: string; name: string }[];
  hunanGreenId = escos.find((e) => /Hunan Green Energy/.test(e.name))!.id;
  xiangjiangId = escos.find((e) => /Xiangjiang/.test(e.name))!.id;
  expect(hunanGreenId).toBeDefined();
  expect(xiangjiangId).toBeDefined();
  const rows = await t.sql<{ id: number }>(
    `SELECT id FROM institution
      WHERE id NOT IN (SELECT institution_id FROM energy_audit)
        AND id NOT IN (SELECT institution_id FROM epc_contract)
      ORDER BY id LIMIT 3`,
  );
  expect(rows).toHaveLength(3);
  freshInstitutionIds = rows.map((r) => r.id);
});

const contractCount = async (): Promise<number> => (await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM epc_contract'))[0].n;

/** Status and number of transitions of a contract, straight from the database. */
const stateOf = async (dbId: number): Promise<{ status: string; transitions: number }> => {
  const [row] = await t.sql<{ status: string; transitions: number }>(
    'SELECT c.status, (SELECT count(*)::int FROM epc_transition tr WHERE tr.contract_id = c.id) AS transitions FROM epc_contract c WHERE c.id = $1',
    [dbId],
  );
  return row;
};

// Runs first: the lifecycle below adds a contract of the demo ESCO.
describe('access to contracts and their money fields, by role', () => {
  it('GOA sees every contract with its money', async () => {
    const r = ok(await run(CONTRACTS_MONEY, {}, t.keys.goa)).epcContracts;
    expect(r.totalCount).toBeGreaterThanOrEqual(6);
    expect(r.totalCount).toBe(await contractCount());
    expect(r.nodes).toHaveLength(r.totalCount);
    for (const n of r.nodes) expect(n.investmentYuan).toMatch(/^\d+(\.\d+)?$/);
    const longhui = r.nodes.find((n: Data) => n.title === DEMO_TITLES.longhui);
    expect(Number(longhui.investmentYuan)).toBe(6_850_000);
  });

  it.each(['water', 'housing'] as const)('%s sees the contracts but not their money', async (who) => {
    const r = await run(CONTRACTS_MONEY, {}, t.keys[who]);
    const page = r.data!.epcContracts;
    expect(page.totalCount).toBe(await contractCount());
    expect(page.nodes.length).toBe(page.totalCount);
    for (const n of page.nodes) {
      expect(n.title).toEqual(expect.any(String));
      expect(n.investmentYuan).toBeNull();
    }
    expect(r.errors!.length).toBeGreaterThan(0);
    for (const e of r.errors!) {
      expect(e.extensions?.code).toBe('FORBIDDEN');
      expect(e.path).toEqual(expect.arrayContaining(['investmentYuan']));
    }
  });

  it('PUBLIC may not read contracts at all', async () => {
    const r = await run(CONTRACTS_MONEY, {}, t.keys.public);
    expect(codeOf(r)).toBe('FORBIDDEN');
    expect(r.data?.epcContracts ?? null).toBeNull();
    expect(codeOf(await run(CONTRACT, { id: toGlobalId('EpcContract', await demoContractId(DEMO_TITLES.longhui)) }, t.keys.public))).toBe('FORBIDDEN');
  });

  it('the hospital sees only its own contract, money included', async () => {
    const r = ok(await run(CONTRACTS_MONEY, {}, t.keys.hospital)).epcContracts;
    expect(r.totalCount).toBe(1);
    expect(r.nodes).toEqual([{ id: toGlobalId('EpcContract', await demoContractId(DEMO_TITLES.longhui)), title: DEMO_TITLES.longhui, investmentYuan: expect.stringMatching(/^6850000(\.0+)?$/) }]);
    // Another hospital's contract does not exist for it.
    const other = toGlobalId('EpcContract', await demoContractId(DEMO_TITLES.xinning));
    expect(codeOf(await run(CONTRACT, { id: other }, t.keys.hospital))).toBe('NOT_FOUND');
  });

  it('the ESCO sees exactly its two contracts and their money', async () => {
    const r = ok(await run(CONTRACTS_MONEY, {}, t.keys.esco)).epcContracts;
    expect(r.totalCount).toBe(2);
    expect(r.nodes.map((n: Data) => n.title).sort()).toEqual([DEMO_TITLES.longhui, DEMO_TITLES.syNo2].sort());
    const money = Object.fromEntries(r.nodes.map((n: Data) => [n.title, Number(n.investmentYuan)]));
    expect(money).toEqual({ [DEMO_TITLES.longhui]: 6_850_000, [DEMO_TITLES.syNo2]: 9_650_000 });
    // A contract of another ESCO does not exist for it.
    const other = toGlobalId('EpcContract', await demoContractId(DEMO_TITLES.dongkou));
    expect(codeOf(await run(CONTRACT, { id: other }, t.keys.esco))).toBe('NOT_FOUND');
    // Its ESCO list is itself.
    const escos = ok(await run(ESCOS, {}, t.keys.esco)).escos;
    expect(escos.totalCount).toBe(1);
    expect(escos.nodes[0].id).toBe(hunanGreenId);
  });

  it('recordEpcPayment: FINANCE only, on an operating contract, a positive amount', async () => {
    const longhui = await demoContractId(DEMO_TITLES.longhui);
    const draft = await demoContractId(DEMO_TITLES.publicSecurity);
    const payments = async () => (await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM epc_payment'))[0].n;
    const before = await payments();
    const draftBefore = await stateOf(draft);

    const byGoa = await run(PAY, { id: toGlobalId('EpcContract', longhui), amount: '1000.00', paidOn: '2024-01-15' }, t.keys.goa);
    expect(codeOf(byGoa)).toBe('FORBIDDEN');
    const onDraft = await run(PAY, { id: toGlobalId('EpcContract', draft), amount: '1000.00', paidOn: '2024-01-15' }, t.keys.finance);
    expect(codeOf(onDraft)).toBe('CONFLICT');
    expect(onDraft.errors![0].message).toMatch(/DRAFT/);
    const negative = await run(PAY, { id: toGlobalId('EpcContract', longhui), amount: '-5', paidOn: '2024-01-15' }, t.keys.finance);
    expect(codeOf(negative)).toBe('BAD_USER_INPUT');
    expect(negative.errors![0].message).toMatch(/amount/i);

    expect(await payments()).toBe(before);
    expect(await stateOf(draft)).toEqual(draftBefore);
  });
});

describe('savings of the demo hospital contracts', () => {
  const SAVINGS = `query($id: ID!, $period: PeriodInput!) { epcContract(id: $id) { savings(period: $period) { savingsRate flagged method months { month insufficientData } } } }`;
  const hospitals = ['longhui', 'xinning', 'syNo2', 'dongkou'] as const;

  it('each of the four hospitals saved 20% or more in 2023, measured by CalTRACK daily on the demo station', async () => {
    const rates: number[] = [];
    for (const h of hospitals) {
      const id = toGlobalId('EpcContract', await demoContractId(DEMO_TITLES[h]));
      const s = ok(await run(SAVINGS, { id, period: { year: 2023 } }, t.keys.goa)).epcContract.savings;
      expect({ hospital: h, method: s.method }).toEqual({ hospital: h, method: 'CALTRACK_DAILY' });
      expect(s.savingsRate).not.toBeNull();
      expect(s.savingsRate).toBeGreaterThanOrEqual(0.2);
      expect(s.savingsRate).toBeLessThan(1);
      expect(s.months).toHaveLength(12);
      rates.push(s.savingsRate);
    }
    const average = rates.reduce((a, b) => a + b, 0) / rates.length;
    expect(average).toBeGreaterThanOrEqual(0.2);
  });

  it('flags a period without readings instead of computing it', async () => {
    const id = toGlobalId('EpcContract', await demoContractId(DEMO_TITLES.longhui));
    const s = ok(await run(SAVINGS, { id, period: { year: 2025 } }, t.keys.goa)).epcContract.savings;
    expect(s.flagged).toBe(true);
    expect(s.months.length).toBeGreaterThan(0);
    for (const m of s.months) expect({ month: m.month, insufficientData: m.insufficientData }).toEqual({ month: m.month, insufficientData: true });
  });

  it('refuses settlement money to HOUSING with FORBIDDEN on each money field, and still gives it the savings', async () => {
    const id = toGlobalId('EpcContract', await demoContractId(DEMO_TITLES.longhui));
    const q = `query($id: ID!) { epcContract(id: $id) { settlements(asOf: "2023-12-31") { periodStart savingsValueYuan savings { flagged } } } }`;
    const r = await run(q, { id }, t.keys.housing);
    const rows = r.data!.epcContract.settlements as Data[];
    expect(rows.length).toBe(5);
    for (const row of rows) {
      expect(row.savingsValueYuan).toBeNull();
      expect(row.savings.flagged).toBe(false);
    }
    expect(r.errors!.map((e) => [e.extensions?.code, e.path?.[e.path.length - 1]])).toEqual(rows.map(() => ['FORBIDDEN', 'savingsValueYuan']));
  });

  it('settles the Longhui contract quarterly from 2022-10, the shares adding up to the fen', async () => {
    const id = toGlobalId('EpcContract', await demoContractId(DEMO_TITLES.longhui));
    const q = `query($id: ID!) { epcContract(id: $id) { settlementPeriod settlements(asOf: "2023-12-31") { periodStart periodEnd savingsValueYuan escoShareYuan clientShareYuan shortfallYuan savings { flagged } } } }`;
    const c = ok(await run(q, { id }, t.keys.goa)).epcContract;
    expect(c.settlementPeriod).toBe('QUARTER');
    const rows = c.settlements as Data[];
    expect(rows.map((r) => [r.periodStart, r.periodEnd])).toEqual([
      ['2022-10-01', '2023-01-01'],
      ['2023-01-01', '2023-04-01'],
      ['2023-04-01', '2023-07-01'],
      ['2023-07-01', '2023-10-01'],
      ['2023-10-01', '2024-01-01'],
    ]);
    for (const r of rows) {
      expect(r.savings.flagged).toBe(false);
      expect(r.escoShareYuan).toMatch(/^-?\d+(\.\d{1,2})?$/);
      expect(r.clientShareYuan).toMatch(/^-?\d+(\.\d{1,2})?$/);
      expect(r.savingsValueYuan).toMatch(/^-?\d+(\.\d{1,2})?$/);
      expect(fen(r.escoShareYuan) + fen(r.clientShareYuan)).toBe(fen(r.savingsValueYuan));
      expect(fen(r.savingsValueYuan)).toBeGreaterThan(0n);
      // 70% to the ESCO, to within a fen of rounding.
      const expected = (fen(r.savingsValueYuan) * 7n) / 10n;
      expect(fen(r.escoShareYuan) - expected).toBeGreaterThanOrEqual(-1n);
      expect(fen(r.escoShareYuan) - expected).toBeLessThanOrEqual(1n);
    }
  });
});

describe('createEpcContract refuses bad input and writes nothing', () => {
  it.each([
    ['BENEFIT_SHARING without escoShare', { escoShare: null }, 'escoShare'],
    ['termEnd before termStart', { termStart: '2026-01-01', termEnd: '2025-06-01' }, 'termEnd'],
    ['a baseline not starting on the 1st', { baselineStart: '2025-01-15' }, 'baselineStart'],
    ['a carrier without a price', { prices: [{ carrier: 'ELECTRICITY', priceYuan: '0.65' }] }, 'prices'],
  ])('%s', async (_label, overrides, field) => {
    const before = await contractCount();
    const r = await run(CREATE, { input: contractInput(freshInstitutionIds[0], hunanGreenId, overrides) }, t.keys.goa);
    expect(codeOf(r)).toBe('BAD_USER_INPUT');
    expect(r.data?.createEpcContract ?? null).toBeNull();
    expect(r.errors![0].message).toContain(field);
    const problems = r.errors![0].extensions!.problems as { field: string }[];
    expect(problems.map((p) => p.field)).toContain(field);
    expect(await contractCount()).toBe(before);
  });

  it('names every bad field at once', async () => {
    const before = await contractCount();
    const transitions = (await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM epc_transition'))[0].n;
    const r = await run(
      CREATE,
      {
        input: contractInput(freshInstitutionIds[0], hunanGreenId, {
          escoShare: null,
          termEnd: '2025-06-01',
          baselineStart: '2025-01-15',
          prices: [{ carrier: 'ELECTRICITY', priceYuan: '0.65' }],
        }),
      },
      t.keys.goa,
    );
    expect(codeOf(r)).toBe('BAD_USER_INPUT');
    const fields = (r.errors![0].extensions!.problems as { field: string }[]).map((p) => p.field);
    expect(fields).toEqual(expect.arrayContaining(['escoShare', 'termEnd', 'baselineStart', 'prices']));
    for (const f of ['escoShare', 'termEnd', 'baselineStart', 'prices']) expect(r.errors![0].message).toContain(f);
    expect(await contractCount()).toBe(before);
    expect((await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM epc_transition'))[0].n).toBe(transitions);
  });

  it('is for GOA only', async () => {
    const before = await contractCount();
    for (const key of [t.keys.drc, t.keys.finance, t.keys.esco]) {
      expect(codeOf(await run(CREATE, { input: contractInput(freshInstitutionIds[0], hunanGreenId) }, key))).toBe('FORBIDDEN');
    }
    expect(await contractCount()).toBe(before);
  });
});

describe('the lifecycle of a fresh contract', () => {
  let dbId: number;
  let id: string;
  let institutionDbId: number;
  let otherEscoKey: string;

  const transition = (key: string, to: string, note?: string | null) => run(TRANSITION, { id, to, note }, key);

  /** Runs a mutation that must be refused with `code`, and checks that the contract did not move. */
  const refused = async (p: () => Promise<GqlResult<Data>>, code: string): Promise<GqlResult<Data>> => {
    const before = await stateOf(dbId);
    const r = await p();
    expect(codeOf(r)).toBe(code);
    expect(r.data?.transitionEpcContract ?? null).toBeNull();
    expect(await stateOf(dbId)).toEqual(before);
    return r;
  };

  const moved = async (key: string, to: string, note?: string): Promise<Data> => {
    const before = await stateOf(dbId);
    const c = ok(await transition(key, to, note)).transitionEpcContract;
    expect(c.status).toBe(to);
    expect(await stateOf(dbId)).toEqual({ status: to, transitions: before.transitions + 1 });
    return c;
  };

  beforeAll(async () => {
    institutionDbId = freshInstitutionIds[1];
    // A key of another ESCO, which must not see this contract.
    const created = await run(
      'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { key } }',
      { input: { escoId: xiangjiangId, role: 'editor', name: 'xiangjiang desk' } },
      t.keys.goa,
    );
    otherEscoKey = ok(created).createApiKey.key;
  });

  it('drafts a contract (GOA) with the demo ESCO', async () => {
    const before = await contractCount();
    const c = ok(await run(CREATE, { input: contractInput(institutionDbId, hunanGreenId) }, t.keys.goa)).createEpcContract;
    expect(c.status).toBe('DRAFT');
    expect(c.transitions).toEqual([{ fromStatus: null, toStatus: 'DRAFT', actor: GOA_ACTOR, note: expect.anything(), at: expect.any(String) }]);
    id = c.id;
    const [row] = await t.sql<{ id: number }>('SELECT id FROM epc_contract ORDER BY id DESC LIMIT 1');
    dbId = row.id;
    expect(id).toBe(toGlobalId('EpcContract', dbId));
    expect(await contractCount()).toBe(before + 1);
    expect(await stateOf(dbId)).toEqual({ status: 'DRAFT', transitions: 1 });
  });

  it('refuses DRAFT > AUDITED without an audit, and with one older than two years', async () => {
    const none = await refused(() => transition(t.keys.goa, 'AUDITED'), 'CONFLICT');
    expect(none.errors![0].message).toMatch(/audit/i);

    ok(await run(RECORD_AUDIT, { input: auditInput(institutionDbId, daysAgo(3 * 365)) }, t.keys.goa));
    const old = await refused(() => transition(t.keys.goa, 'AUDITED'), 'CONFLICT');
    expect(old.errors![0].message).toMatch(/audit/i);

    // Not GOA's to skip ahead or DRC's to take.
    await refused(() => transition(t.keys.drc, 'AUDITED'), 'FORBIDDEN');
    const skip = await refused(() => transition(t.keys.goa, 'APPROVED'), 'CONFLICT');
    expect(skip.errors![0].message).toContain('AUDITED');
  });

  it('moves DRAFT > AUDITED once GOA has recorded a recent audit', async () => {
    ok(await run(RECORD_AUDIT, { input: auditInput(institutionDbId, daysAgo(30)) }, t.keys.goa));
    await moved(t.keys.goa, 'AUDITED');
  });

  it('AUDITED > APPROVED is FINANCE’s decision', async () => {
    await refused(() => transition(t.keys.drc, 'APPROVED'), 'FORBIDDEN');
    await refused(() => transition(t.keys.goa, 'APPROVED'), 'FORBIDDEN');
    await refused(() => transition(t.keys.esco, 'APPROVED'), 'FORBIDDEN');
    await moved(t.keys.finance, 'APPROVED');
  });

  it('refuses skipping a step, naming the allowed one', async () => {
    const r = await refused(() => transition(t.keys.goa, 'OPERATING'), 'CONFLICT');
    expect(r.errors![0].message).toContain('SIGNED');
    expect(r.errors![0].message).toContain('OPERATING');
    await refused(() => transition(t.keys.goa, 'DRAFT'), 'CONFLICT');
  });

  it('APPROVED > SIGNED by GOA, not FINANCE', async () => {
    await refused(() => transition(t.keys.finance, 'SIGNED'), 'FORBIDDEN');
    await moved(t.keys.goa, 'SIGNED');
  });

  it('another ESCO cannot see the contract; its own ESCO moves it to IMPLEMENTING', async () => {
    expect(codeOf(await run(CONTRACT, { id }, otherEscoKey))).toBe('NOT_FOUND');
    await refused(() => transition(otherEscoKey, 'IMPLEMENTING'), 'NOT_FOUND');
    const contracts = ok(await run(CONTRACTS_MONEY, {}, otherEscoKey)).epcContracts;
    expect(contracts.nodes.map((n: Data) => n.id)).not.toContain(id);
    // The institution's neighbours and the demo hospital cannot see it either.
    expect(codeOf(await run(CONTRACT, { id }, t.keys.hospital))).toBe('NOT_FOUND');

    // The demo ESCO sees it now, with its money.
    const mine = ok(await run(CONTRACTS_MONEY, {}, t.keys.esco)).epcContracts;
    expect(mine.nodes.find((n: Data) => n.id === id)).toMatchObject({ investmentYuan: expect.stringMatching(/^1580000(\.0+)?$/) });

    await refused(() => transition(t.keys.drc, 'IMPLEMENTING'), 'FORBIDDEN');
    await moved(t.keys.esco, 'IMPLEMENTING');
  });

  it('IMPLEMENTING > OPERATING by GOA only', async () => {
    await refused(() => transition(t.keys.esco, 'OPERATING'), 'FORBIDDEN');
    await refused(() => transition(t.keys.finance, 'OPERATING'), 'FORBIDDEN');
    await moved(t.keys.goa, 'OPERATING');
  });

  it('records assets (GOA) and a payment (FINANCE) while operating', async () => {
    const a1 = ok(await run(ADD_ASSET, { id, input: { name: 'LED panel 600×600', quantity: 840, valueYuan: '201600.00' } }, t.keys.goa)).addEpcAsset;
    expect(a1).toEqual({ name: 'LED panel 600×600', quantity: 840, valueYuan: expect.stringMatching(/^201600(\.0+)?$/), owner: 'ESCO', handedOverAt: null });
    const a2 = ok(await run(ADD_ASSET, { id, input: { name: 'Building automation controller', quantity: 2, valueYuan: '86000.00' } }, t.keys.goa)).addEpcAsset;
    expect(a2.owner).toBe('ESCO');

    expect(codeOf(await run(ADD_ASSET, { id, input: { name: 'Pump', quantity: 1, valueYuan: '1.00' } }, t.keys.drc))).toBe('FORBIDDEN');
    // Paid the day it started operating (a payment before that day is refused).
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
    expect(codeOf(await run(PAY, { id, amount: '50000.00', paidOn: today }, t.keys.goa))).toBe('FORBIDDEN');

    const paid = ok(await run(PAY, { id, amount: '50000.00', paidOn: today, note: 'first instalment' }, t.keys.finance)).recordEpcPayment;
    expect(paid).toEqual({ amountYuan: expect.stringMatching(/^50000(\.0+)?$/), paidOn: today, note: 'first instalment', recordedBy: FINANCE_ACTOR });
    const rows = await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM epc_payment WHERE contract_id = $1', [dbId]);
    expect(rows[0].n).toBe(1);
    expect(await stateOf(dbId)).toEqual({ status: 'OPERATING', transitions: 6 });
  });

  it('OPERATING > HANDED_OVER by GOA: the assets pass to the institution', async () => {
    await refused(() => transition(t.keys.esco, 'HANDED_OVER'), 'FORBIDDEN');
    await refused(() => transition(t.keys.finance, 'HANDED_OVER'), 'FORBIDDEN');
    const c = await moved(t.keys.goa, 'HANDED_OVER', 'end of term');
    expect(c.assets).toHaveLength(2);
    for (const a of c.assets) {
      expect(a.owner).toBe('INSTITUTION');
      expect(a.handedOverAt).toEqual(expect.any(String));
      expect(Number.isNaN(Date.parse(a.handedOverAt))).toBe(false);
    }
    const [row] = await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM epc_asset WHERE contract_id = $1 AND handed_over_at IS NULL', [dbId]);
    expect(row.n).toBe(0);
  });

  it('a handed-over contract moves no more', async () => {
    for (const to of ['OPERATING', 'HANDED_OVER', 'DRAFT', 'IMPLEMENTING']) {
      const r = await refused(() => transition(t.keys.goa, to), 'CONFLICT');
      expect(r.errors![0].message).toMatch(/HANDED_OVER/);
    }
    await refused(() => transition(t.keys.goa, 'TERMINATED', 'too late'), 'CONFLICT');
    expect(codeOf(await run(ADD_ASSET, { id, input: { name: 'Pump', quantity: 1, valueYuan: '1.00' } }, t.keys.goa))).toBe('CONFLICT');
  });

  it('lists every step in order, with the actors', async () => {
    const c = ok(await run(CONTRACT, { id }, t.keys.goa)).epcContract;
    const steps = c.transitions as Data[];
    expect(steps.map((s) => [s.fromStatus, s.toStatus, s.actor])).toEqual([
      [null, 'DRAFT', GOA_ACTOR],
      ['DRAFT', 'AUDITED', GOA_ACTOR],
      ['AUDITED', 'APPROVED', FINANCE_ACTOR],
      ['APPROVED', 'SIGNED', GOA_ACTOR],
      ['SIGNED', 'IMPLEMENTING', ESCO_ACTOR],
      ['IMPLEMENTING', 'OPERATING', GOA_ACTOR],
      ['OPERATING', 'HANDED_OVER', GOA_ACTOR],
    ]);
    expect(steps[6].note).toBe('end of term');
    const times = steps.map((s) => Date.parse(s.at));
    for (let n = 1; n < times.length; n++) expect(times[n]).toBeGreaterThanOrEqual(times[n - 1]);
  });
});

describe('terminating a contract', () => {
  let dbId: number;
  let id: string;

  const transition = (key: string, to: string, note?: string | null) => run(TRANSITION, { id, to, note }, key);

  beforeAll(async () => {
    const c = ok(await run(CREATE, { input: contractInput(freshInstitutionIds[2], xiangjiangId, { title: 'Boiler replacement' }) }, t.keys.goa)).createEpcContract;
    id = c.id;
    dbId = Number(Buffer.from(id, 'base64url').toString('utf8').split(':')[1]);
    expect(id).toBe(toGlobalId('EpcContract', dbId));
  });

  it('refuses DRC, and GOA without a note; terminates with one', async () => {
    const start = await stateOf(dbId);
    expect(start).toEqual({ status: 'DRAFT', transitions: 1 });

    expect(codeOf(await transition(t.keys.drc, 'TERMINATED', 'DRC wants out'))).toBe('FORBIDDEN');
    expect(await stateOf(dbId)).toEqual(start);
    expect(codeOf(await transition(t.keys.finance, 'TERMINATED', 'FINANCE wants out'))).toBe('FORBIDDEN');
    expect(await stateOf(dbId)).toEqual(start);

    const noNote = await transition(t.keys.goa, 'TERMINATED');
    expect(codeOf(noNote)).toBe('CONFLICT');
    expect(noNote.errors![0].message).toMatch(/note/);
    expect(await stateOf(dbId)).toEqual(start);
    expect(codeOf(await transition(t.keys.goa, 'TERMINATED', '   '))).toBe('CONFLICT');
    expect(await stateOf(dbId)).toEqual(start);

    const done = ok(await transition(t.keys.goa, 'TERMINATED', '  the site is to be demolished  ')).transitionEpcContract;
    expect(done.status).toBe('TERMINATED');
    expect(done.transitions.at(-1)).toMatchObject({ fromStatus: 'DRAFT', toStatus: 'TERMINATED', actor: GOA_ACTOR, note: 'the site is to be demolished' });
    expect(await stateOf(dbId)).toEqual({ status: 'TERMINATED', transitions: 2 });

    // Terminated is final.
    for (const to of ['AUDITED', 'TERMINATED']) {
      expect(codeOf(await transition(t.keys.goa, to, 'again'))).toBe('CONFLICT');
      expect(await stateOf(dbId)).toEqual({ status: 'TERMINATED', transitions: 2 });
    }
  });

  it('terminates from a later open status too (the demo APPROVED school contract)', async () => {
    const schoolDbId = await demoContractId(DEMO_TITLES.school);
    const schoolId = toGlobalId('EpcContract', schoolDbId);
    const start = await stateOf(schoolDbId);
    expect(start.status).toBe('APPROVED');
    expect(codeOf(await run(TRANSITION, { id: schoolId, to: 'TERMINATED', note: 'no' }, t.keys.drc))).toBe('FORBIDDEN');
    expect(codeOf(await run(TRANSITION, { id: schoolId, to: 'TERMINATED' }, t.keys.goa))).toBe('CONFLICT');
    expect(await stateOf(schoolDbId)).toEqual(start);
    const done = ok(await run(TRANSITION, { id: schoolId, to: 'TERMINATED', note: 'budget withdrawn' }, t.keys.goa)).transitionEpcContract;
    expect(done.status).toBe('TERMINATED');
    expect(await stateOf(schoolDbId)).toEqual({ status: 'TERMINATED', transitions: start.transitions + 1 });
  });
});
