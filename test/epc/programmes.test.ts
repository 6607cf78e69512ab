import { roundTo } from '../../src/figures/precision';
import { toGlobalId } from '../../src/graphql/relay';
import { makeCreditCode } from '../../src/modules/registry/credit-code';
import { startTestHub, type TestHub } from '../helpers/hub';
import { daysBetween, seasonalTemperature } from '../helpers/weather';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- an untyped GraphQL response, read field by field

// Hunan is in the Central China grid: 0.5395 kgCO2/kWh from 2022 (factors.data.ts).
const CENTRAL_CHINA_GRID = 0.5395;
// GB/T 2589 electricity, calorific equivalent.
const KGCE_PER_KWH = 0.1229;

const INGEST = `mutation($rows: [ReadingRowInput!]!) { ingestReadings(input: { rows: $rows }) { accepted corrected } }`;
const PROGRAMME = `query($asOf: LocalDate!) { pvProgramme(asOf: $asOf) {
  asOf projectCount operatingCount underConstructionCount investmentYuan expectedAnnualKwh reportedAnnualCo2T computedAnnualCo2T
  emissionFactors { kgCo2PerUnit } } }`;
const CANDIDATES = `query($year: Int!, $thresholds: AuditThresholds) { auditCandidates(year: $year, thresholds: $thresholds) {
  institution { id nameZh } energyKgce floorAreaM2 headcount lastAuditedOn reasons score } }`;
const SAVINGS = `query($id: ID!, $period: PeriodInput!) { epcContract(id: $id) { savings(period: $period) {
  method adjustedBaselineKgce actualKgce savingsKgce savingsRate flagged
  months { month baselineMonth adjustedBaselineKgce actualKgce savingsKgce coverage insufficientData }
  fit { model intercept betaHeating betaCooling heatingBalanceC coolingBalanceC r2 cvRmse n } } } }`;

const THRESHOLDS = { minEnergyKgce: 200_000, minFloorAreaM2: 20_000, minHeadcount: 500, yearsWithoutAudit: 3 };
/** Institutions the demo audits from 2021 on (programmes.data.ts DEMO_AUDITS). */
const AUDITED = {
  '隆回县人民医院': '2022-02-22',
  '新宁县人民医院': '2022-04-28',
  '邵阳市第二人民医院': '2021-11-30',
  '洞口县中医院': '2022-05-17',
  '邵阳市第一中学': '2024-02-26',
  '中共邵阳市委党校': '2023-06-14',
} as const;

/** A synthetic seasonal series: about 6 °C mid-January, 28 °C mid-July, with deterministic wiggles. */
const temperature = (day: string, i: number) => seasonalTemperature(day, i, 11);

const WEATHER_FROM = '2021-09-01';
const WEATHER_TO = '2024-01-01';
const WEATHER = new Map(daysBetween(WEATHER_FROM, WEATHER_TO).map((d, i) => [d, temperature(d, i)]));
// 65 °F, a point of CalTRACK's 30-90 °F grid.
const BALANCE_C = ((65 - 32) * 5) / 9;
const hdd18 = (day: string) => Math.max(0, BALANCE_C - WEATHER.get(day)!);

/** One reading a day, local midnight to midnight in Asia/Shanghai. */
const dayRow = (meterId: string, day: string, value: number) => ({
  meterId,
  periodStart: `${day}T00:00:00+08:00`,
  periodEnd: new Date(Date.parse(`${day}T00:00:00+08:00`) + 86_400_000).toISOString(),
  value,
});

const decode = (gid: string) => Number(Buffer.from(gid, 'base64url').toString().split(':')[1]);

describe('programmes: PV, audits and EPC measurement', () => {
  let t: TestHub;
  const gql = async (query: string, variables: Json = {}, key = t.keys.goa): Promise<Json> => (await t.raw({ query, variables }, key)) as Json;

  beforeAll(async () => {
    t = await startTestHub();
  });
  afterAll(() => t.close());

  describe('PV programme', () => {
    it('adds up to the case figures as of 2023-08-31, CO2 computed with the Central China grid factor apart from the reported figure', async () => {
      const r = await gql(PROGRAMME, { asOf: '2023-08-31' });
      expect(r.errors).toBeUndefined();
      const p = r.data.pvProgramme;
      expect(p.projectCount).toBe(43);
      expect(p.operatingCount + p.underConstructionCount).toBe(43);
      expect(p.investmentYuan).toBe('48950000.00');
      expect(Math.abs(p.expectedAnnualKwh - 8_650_000)).toBeLessThanOrEqual(8_650_000 * 0.001);
      expect(Math.abs(p.reportedAnnualCo2T - 6_266)).toBeLessThanOrEqual(6_266 * 0.001);
      expect(p.emissionFactors.map((f: Json) => f.kgCo2PerUnit)).toEqual([CENTRAL_CHINA_GRID]);
      expect(p.computedAnnualCo2T).toBeCloseTo((p.expectedAnnualKwh * CENTRAL_CHINA_GRID) / 1000, 6);
      // The projects report about 0.724 kg/kWh; the grid factor gives about 4,667 t.
      expect(Math.abs(p.computedAnnualCo2T - p.reportedAnnualCo2T)).toBeGreaterThan(1_000);
    });

    it('counts fewer projects on an earlier day', async () => {
      const now = (await gql(PROGRAMME, { asOf: '2023-08-31' })).data.pvProgramme;
      const r = await gql(PROGRAMME, { asOf: '2022-06-30' });
      expect(r.errors).toBeUndefined();
      expect(r.data.pvProgramme.projectCount).toBeGreaterThan(0);
      expect(r.data.pvProgramme.projectCount).toBeLessThan(now.projectCount);
      expect(r.data.pvProgramme.expectedAnnualKwh).toBeLessThan(now.expectedAnnualKwh);
    });

    it('PUBLIC reads the aggregate but not the projects nor the money; WATER reads neither', async () => {
      const agg = await gql(PROGRAMME, { asOf: '2023-08-31' }, t.keys.public);
      // Investment is money: FORBIDDEN on that field, the rest of the programme answered.
      expect(agg.errors).toHaveLength(1);
      expect(agg.errors[0]).toMatchObject({ path: ['pvProgramme', 'investmentYuan'], extensions: { code: 'FORBIDDEN' } });
      expect(agg.data.pvProgramme.investmentYuan).toBeNull();
      expect(agg.data.pvProgramme.projectCount).toBe(43);
      const rows = await gql(`{ pvProjects(first: 5) { totalCount nodes { name } } }`, {}, t.keys.public);
      expect(rows.errors?.[0].extensions.code).toBe('FORBIDDEN');
      const water = await gql(PROGRAMME, { asOf: '2023-08-31' }, t.keys.water);
      expect(water.errors?.[0].extensions.code).toBe('FORBIDDEN');
    });

    it('HOUSING reads projects without their investment; FINANCE reads the investment', async () => {
      const q = `{ pvProjects(first: 3) { nodes { name capacityKw investmentYuan } } }`;
      const housing = await gql(q, {}, t.keys.housing);
      expect(housing.data.pvProjects.nodes).toHaveLength(3);
      for (const n of housing.data.pvProjects.nodes) {
        expect(n.capacityKw).toBeGreaterThan(0);
        expect(n.investmentYuan).toBeNull();
      }
      expect(housing.errors?.length).toBeGreaterThan(0);
      expect(housing.errors!.every((e: Json) => e.extensions.code === 'FORBIDDEN')).toBe(true);
      const finance = await gql(q, {}, t.keys.finance);
      expect(finance.errors).toBeUndefined();
      for (const n of finance.data.pvProjects.nodes) expect(n.investmentYuan).toMatch(/^\d+\.\d{2}$/);
    });
  });

  describe('PV generation', () => {
    const GEN = `query($filter: PvFilter, $period: PeriodInput!) { pvProjects(filter: $filter, first: 100) { nodes {
      id capacityKw commissionedOn institution { id } generationMeter { id }
      generation(period: $period) { generationKwh specificYieldKwhPerKwp avoidedKgCo2 coverage emissionFactors { kgCo2PerUnit } } } } }`;
    let project: Json;

    beforeAll(async () => {
      const r = await gql(GEN, { filter: { status: 'OPERATING' }, period: { year: 2023 } });
      expect(r.errors).toBeUndefined();
      project = (r.data.pvProjects.nodes as Json[]).find((n) => n.generationMeter && n.commissionedOn < '2023-01-01')!;
      expect(project).toBeDefined();
    });

    it('sums the meter readings of the year, with specific yield and avoided CO2 at the grid factor', async () => {
      const [{ total }] = await t.sql<{ total: number }>(
        `SELECT sum(value)::float8 AS total FROM reading
          WHERE meter_id = $1 AND period_start >= '2023-01-01T00:00:00+08:00' AND period_start < '2024-01-01T00:00:00+08:00'`,
        [decode(project.generationMeter.id)],
      );
      expect(total).toBeGreaterThan(0);
      const g = project.generation;
      expect(Math.abs(g.generationKwh - total) / total).toBeLessThan(1e-6);
      // Figures leave rounded (ratios to 6 significant digits, kWh and kgCO2 to 0.001).
      expect(g.specificYieldKwhPerKwp / (g.generationKwh / project.capacityKw)).toBeCloseTo(1, 5);
      expect(g.avoidedKgCo2).toBeCloseTo(g.generationKwh * CENTRAL_CHINA_GRID, 2);
      expect(g.coverage).toBeCloseTo(1, 6);
      expect(g.emissionFactors.map((f: Json) => f.kgCo2PerUnit)).toEqual([CENTRAL_CHINA_GRID]);
    });

    it('counts a freshly ingested day exactly', async () => {
      const PERIOD = { year: 2025, month: 1 };
      // PvProject is not a node type: find it again among its institution's projects.
      const one = async () => {
        const r = await gql(GEN, { filter: { institutionId: project.institution.id }, period: PERIOD });
        expect(r.errors).toBeUndefined();
        return (r.data.pvProjects.nodes as Json[]).find((n) => n.id === project.id)!.generation;
      };
      expect((await one()).generationKwh).toBe(0);
      const ing = await gql(INGEST, { rows: [dayRow(project.generationMeter.id, '2025-01-01', 1234.5)] });
      expect(ing.errors).toBeUndefined();
      expect(ing.data.ingestReadings.accepted).toBe(1);
      const after = await one();
      expect(after.generationKwh).toBe(1234.5);
      expect(after.avoidedKgCo2).toBe(roundTo(1234.5 * CENTRAL_CHINA_GRID, 'kgCo2'));
    });
  });

  describe('audit candidates', () => {
    it('ranks institutions over a threshold with no audit since 2021, each with reasons matching its figures', async () => {
      const r = await gql(CANDIDATES, { year: 2023, thresholds: THRESHOLDS });
      expect(r.errors).toBeUndefined();
      const list = r.data.auditCandidates as Json[];
      expect(list.length).toBeGreaterThan(0);
      for (let i = 1; i < list.length; i++) expect(list[i - 1].score).toBeGreaterThanOrEqual(list[i].score);
      const names = new Set(list.map((c) => c.institution.nameZh));
      for (const nameZh of Object.keys(AUDITED)) expect(names.has(nameZh)).toBe(false);
      for (const c of list) {
        if (c.lastAuditedOn !== null) expect(c.lastAuditedOn < '2021-01-01').toBe(true);
        const expected: string[] = [];
        if (c.energyKgce >= THRESHOLDS.minEnergyKgce) expected.push('HIGH_CONSUMPTION');
        if ((c.floorAreaM2 ?? 0) >= THRESHOLDS.minFloorAreaM2) expected.push('LARGE_FLOOR_AREA');
        if ((c.headcount ?? 0) >= THRESHOLDS.minHeadcount) expected.push('MANY_OCCUPANTS');
        expect(c.reasons.length).toBeGreaterThan(0);
        expect([...c.reasons].sort()).toEqual(expected.sort());
        const score = c.energyKgce / THRESHOLDS.minEnergyKgce + (c.floorAreaM2 ?? 0) / THRESHOLDS.minFloorAreaM2 + (c.headcount ?? 0) / THRESHOLDS.minHeadcount;
        expect(c.score / score).toBeCloseTo(1, 5);
      }
    });

    it('lets recently audited institutions back in with yearsWithoutAudit: 0', async () => {
      const r = await gql(CANDIDATES, { year: 2023, thresholds: { ...THRESHOLDS, yearsWithoutAudit: 0 } });
      expect(r.errors).toBeUndefined();
      const byName = new Map((r.data.auditCandidates as Json[]).map((c) => [c.institution.nameZh, c]));
      for (const nameZh of ['隆回县人民医院', '新宁县人民医院', '邵阳市第二人民医院', '洞口县中医院'] as const) {
        expect(byName.get(nameZh)?.lastAuditedOn).toBe(AUDITED[nameZh]);
      }
    });

    it('refuses negative thresholds and institution keys', async () => {
      const bad = await gql(CANDIDATES, { year: 2023, thresholds: { ...THRESHOLDS, minEnergyKgce: -1 } });
      expect(bad.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
      // The fuzz test's case: a threshold of 5e-324 made every score infinite (a 500 before).
      const tiny = await gql(CANDIDATES, { year: 2023, thresholds: { ...THRESHOLDS, minEnergyKgce: 5e-324 } });
      expect([tiny.errors?.[0].extensions.code, tiny.errors?.[0].message]).toEqual(['BAD_USER_INPUT', expect.stringMatching(/must be 0 \(no threshold\) or at least 0\.001/)]);
      const badYears = await gql(CANDIDATES, { year: 2023, thresholds: { ...THRESHOLDS, yearsWithoutAudit: -2 } });
      expect(badYears.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
      const hosp = await gql(CANDIDATES, { year: 2023, thresholds: THRESHOLDS }, t.keys.hospital);
      expect(hosp.errors?.[0].extensions.code).toBe('FORBIDDEN');
    });
  });

  describe('degree-day measurement', () => {
    let regionId: number;

    beforeAll(async () => {
      const [row] = await t.sql<{ region_id: number }>('SELECT region_id FROM institution WHERE name_zh = $1', ['新宁县人民医院']);
      regionId = row.region_id;
      // The county gets its own station: it takes precedence over the city's (the demo's), so the series below is the one measured.
      const days = [...WEATHER.keys()];
      const [station] = await t.sql<{ id: number }>(`INSERT INTO weather_station (code, name, region_id, source) VALUES ('XN-TEST', 'Xinning test station', $1, 'synthetic test series') RETURNING id`, [regionId]);
      await t.sql(
        `INSERT INTO weather_day (station_id, day, mean_temp_c, source) SELECT $1, d, temp, 'synthetic test series' FROM unnest($2::date[], $3::float8[]) AS u(d, temp)`,
        [station.id, days, days.map((d) => WEATHER.get(d)!)],
      );
    });

    it('fits the Xinning hospital baseline on the region’s temperatures', async () => {
      const [c] = await t.sql<{ id: number; type: string; baseline_start: string }>(
        `SELECT c.id, c.type, to_char(c.baseline_start, 'YYYY-MM-DD') AS baseline_start
           FROM epc_contract c JOIN institution i ON i.id = c.institution_id WHERE i.name_zh = '新宁县人民医院'`,
      );
      expect(c).toMatchObject({ type: 'GUARANTEED_SAVINGS', baseline_start: '2021-09-01' });
      // Frozen when loaded (on the city station's series); the county's new temperatures change nothing until a rebaselining.
      const id = toGlobalId('EpcContract', c.id);
      const models = async () => (await gql(`query($id: ID!) { epcContract(id: $id) { baselineModel { version dataHash } } }`, { id })).data.epcContract.baselineModel;
      const loaded = await models();
      expect(loaded.version).toBe(1);
      const rb = await gql(`mutation($id: ID!) { rebaselineEpcContract(id: $id, reason: "temperatures imported") { id } }`, { id: toGlobalId('EpcContract', c.id) });
      expect(rb.errors).toBeUndefined();
      const refitted = await models();
      expect(refitted.version).toBe(2);
      expect(refitted.dataHash).not.toBe(loaded.dataHash);
      const r = await gql(SAVINGS, { id: toGlobalId('EpcContract', c.id), period: { year: 2023 } });
      expect(r.errors).toBeUndefined();
      const s = r.data.epcContract.savings;
      expect(['CALTRACK_DAILY', 'MIXED', 'CALTRACK_BILLING']).toContain(s.method);
      expect(s.fit.n).toBeGreaterThanOrEqual(12);
      expect(Number.isFinite(s.fit.cvRmse)).toBe(true);
      expect(s.fit.cvRmse).toBeGreaterThanOrEqual(0);
      expect(s.adjustedBaselineKgce).toBeGreaterThan(0);
      expect(s.months).toHaveLength(12);
    });

    it('recovers a known answer: baseline 50 + 3·HDD18 kgce a day, reporting year at 80% of it', async () => {
      // A fresh institution in the same county, so it shares the series inserted above.
      const [{ code }] = await t.sql<{ code: string }>('SELECT code FROM region WHERE id = $1', [regionId]);
      const inst = await gql(
        `mutation($input: CreateInstitutionInput!) { createInstitution(input: $input) { id } }`,
        { input: { category: 'GOVERNMENT_OFFICE', creditCode: makeCreditCode('11', code, 8_800_123), name: 'Degree-day test office', nameZh: '度日测试办公楼', regionId: toGlobalId('Region', regionId) } },
      );
      expect(inst.errors).toBeUndefined();
      const institutionId = inst.data.createInstitution.id;
      for (const year of [2021, 2022, 2023]) {
        const p = await gql(`mutation($input: InstitutionProfileInput!) { upsertInstitutionProfile(input: $input) { year } }`, {
          input: { institutionId, year, headcount: 80, floorAreaM2: 5_000 },
        });
        expect(p.errors).toBeUndefined();
      }
      const meter = await gql(`mutation($input: CreateMeterInput!) { createMeter(input: $input) { id } }`, {
        input: { institutionId, carrier: 'ELECTRICITY', unit: 'KWH', serial: 'SY-degree-day-test-E1' },
      });
      expect(meter.errors).toBeUndefined();
      const meterId = meter.data.createMeter.id;
      const escos = await gql(`{ escos(first: 1) { nodes { id } } }`);
      const contract = await gql(`mutation($input: CreateEpcContractInput!) { createEpcContract(input: $input) { id } }`, {
        input: {
          institutionId, escoId: escos.data.escos.nodes[0].id, title: 'Degree-day test contract', type: 'GUARANTEED_SAVINGS', guaranteedSavingsRate: '0.1500',
          carriers: ['ELECTRICITY'], measures: [{ name: 'Heat pumps', pillar: 'TECHNOLOGY' }], prices: [{ carrier: 'ELECTRICITY', priceYuan: '0.6532' }],
          termStart: '2022-09-01', termEnd: '2027-09-01', investmentYuan: '100000.00', baselineStart: '2021-09-01',
        },
      });
      expect(contract.errors).toBeUndefined();
      const contractId = contract.data.createEpcContract.id;

      const baselineKgce = (day: string) => 50 + 3 * hdd18(day);
      const rows = [
        ...daysBetween('2021-09-01', '2022-09-01').map((d) => dayRow(meterId, d, baselineKgce(d) / KGCE_PER_KWH)),
        ...daysBetween('2023-01-01', '2024-01-01').map((d) => dayRow(meterId, d, (0.8 * baselineKgce(d)) / KGCE_PER_KWH)),
      ];
      const ing = await gql(INGEST, { rows });
      expect(ing.errors).toBeUndefined();
      expect(ing.data.ingestReadings.accepted).toBe(rows.length);

      const r = await gql(SAVINGS, { id: contractId, period: { year: 2023 } });
      expect(r.errors).toBeUndefined();
      const s = r.data.epcContract.savings;
      expect(s.method).toBe('CALTRACK_DAILY');
      expect(s.flagged).toBe(false);
      expect(s.fit).toMatchObject({ model: 'HDD_ONLY', n: 365 });
      expect(s.fit.heatingBalanceC).toBeCloseTo(BALANCE_C, 3);
      // Each carrier is fitted in its own unit: kWh a day.
      expect(s.fit.intercept / (50 / KGCE_PER_KWH)).toBeCloseTo(1, 5);
      expect(s.fit.betaHeating / (3 / KGCE_PER_KWH)).toBeCloseTo(1, 5);
      expect(s.fit.r2).toBeCloseTo(1, 9);
      expect(s.fit.cvRmse).toBeLessThan(1e-6);
      const expectedBaseline = daysBetween('2023-01-01', '2024-01-01').reduce((sum, d) => sum + baselineKgce(d), 0);
      expect(s.adjustedBaselineKgce).toBeCloseTo(expectedBaseline, 2);
      expect(Math.abs(s.savingsRate - 0.2)).toBeLessThan(1e-3);
      expect(s.savingsKgce).toBeCloseTo(0.2 * expectedBaseline, 2);
    });
  });

  it('flags months without data and keeps them out of the total (school-no1, 2024)', async () => {
    const [c] = await t.sql<{ id: number; baseline_start: string }>(
      `SELECT c.id, to_char(c.baseline_start, 'YYYY-MM-DD') AS baseline_start
         FROM epc_contract c JOIN institution i ON i.id = c.institution_id WHERE i.name_zh = '邵阳市第一中学'`,
    );
    expect(c.baseline_start).toBe('2023-09-01');
    const r = await gql(SAVINGS, { id: toGlobalId('EpcContract', c.id), period: { year: 2024 } });
    expect(r.errors).toBeUndefined();
    const s = r.data.epcContract.savings;
    // Whatever the method (the demo's temperatures give CalTRACK daily), months past the readings are flagged, not computed.
    expect(s.flagged).toBe(true);
    const months = s.months as Json[];
    expect(months.map((m) => m.month)).toEqual(Array.from({ length: 12 }, (_, i) => `2024-${String(i + 1).padStart(2, '0')}-01`));
    for (const m of months) expect(m.insufficientData).toBe(m.month >= '2024-07-01');
    const counted = months.filter((m) => !m.insufficientData);
    // Each figure is rounded once to 0.001: the months' rounded figures add up to the total within their roundings.
    expect(s.savingsKgce).toBeCloseTo(counted.reduce((sum, m) => sum + m.savingsKgce, 0), 1);
    expect(s.adjustedBaselineKgce).toBeCloseTo(counted.reduce((sum, m) => sum + m.adjustedBaselineKgce, 0), 1);
    expect(s.actualKgce).toBeCloseTo(counted.reduce((sum, m) => sum + m.actualKgce, 0), 1);
  });

  it('resolves contracts, PV projects and audits through node(id) with the same access rules', async () => {
    const [pv] = await t.sql<{ id: number }>('SELECT id FROM pv_project ORDER BY id LIMIT 1');
    const [audit] = await t.sql<{ id: number }>('SELECT id FROM energy_audit ORDER BY id LIMIT 1');
    const [contract] = await t.sql<{ id: number }>(`SELECT c.id FROM epc_contract c JOIN institution i ON i.id = c.institution_id WHERE i.name_zh = '新宁县人民医院'`);
    const q = `query($id: ID!) { node(id: $id) { id ... on PvProject { name } ... on EnergyAudit { auditor } ... on EpcContract { title } } }`;
    for (const gid of [toGlobalId('PvProject', pv.id), toGlobalId('EnergyAudit', audit.id), toGlobalId('EpcContract', contract.id)]) {
      const r = await gql(q, { id: gid });
      expect(r.errors).toBeUndefined();
      expect(r.data.node.id).toBe(gid);
    }
    // The ESCO key sees its own contracts only: Xinning's is another ESCO's.
    const other = await gql(q, { id: toGlobalId('EpcContract', contract.id) }, t.keys.esco);
    expect(other.errors?.[0].extensions.code).toBe('NOT_FOUND');
    const water = await gql(q, { id: toGlobalId('PvProject', pv.id) }, t.keys.water);
    expect(water.errors?.[0].extensions.code).toBe('FORBIDDEN');
  });
});
