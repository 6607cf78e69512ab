import { ComplianceStatus } from '../../src/modules/compliance/compliance.enums';
import { statusOf } from '../../src/modules/compliance/quota-book';
import { toGlobalId } from '../../src/graphql/relay';
import { startTestHub, type TestHub } from '../helpers/hub';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- an untyped GraphQL response, read field by field

const INGEST = `mutation($rows: [ReadingRowInput!]!) { ingestReadings(input: { rows: $rows }) { accepted corrected } }`;
const ONE = `query($id: ID!, $period: PeriodInput!) { institution(id: $id) { indicators(period: $period) {
  energyKgce waterM3 perCapitaEnergyKgce closed energyCoverage
  byCarrier { carrier quantity unit kgce coverage }
  emissions { scope1KgCo2 scope2KgCo2 avoidedKgCo2 }
  conversionFactors { kgcePerUnit } emissionFactors { kgCo2PerUnit } } } }`;

describe('indicators', () => {
  let t: TestHub;
  let hospital: { id: number; gid: string; elec: string; gas: string };
  const gql = async (query: string, variables: Json, key = t.keys.goa): Promise<Json> => (await t.raw({ query, variables }, key)) as Json;

  beforeAll(async () => {
    t = await startTestHub();
    const [row] = await t.sql<{ id: number; elec: number; gas: number }>(
      `SELECT i.id, e.id AS elec, g.id AS gas FROM institution i
         JOIN meter e ON e.institution_id = i.id AND e.carrier = 'ELECTRICITY'
         JOIN meter g ON g.institution_id = i.id AND g.carrier = 'NATURAL_GAS'
        WHERE i.category = 'HOSPITAL' ORDER BY i.id LIMIT 1`,
    );
    hospital = { id: row.id, gid: toGlobalId('Institution', row.id), elec: toGlobalId('Meter', row.elec), gas: toGlobalId('Meter', row.gas) };
  });
  afterAll(() => t.close());

  it('converts to standard coal by hand-worked figures: 1,000 kWh and 100 m³ of gas is 244.33 kgce', async () => {
    const day = { periodStart: '2025-03-10T00:00:00+08:00', periodEnd: '2025-03-11T00:00:00+08:00' };
    const r = await gql(INGEST, { rows: [{ meterId: hospital.elec, ...day, value: 1000 }, { meterId: hospital.gas, ...day, value: 100 }] });
    expect(r.errors).toBeUndefined();
    const res = await gql(ONE, { id: hospital.gid, period: { year: 2025, month: 3 } });
    const v = res.data.institution.indicators;
    // 1,000 x 0.1229 + 100 x 1.2143 = 122.9 + 121.43
    expect(v.energyKgce).toBeCloseTo(244.33, 6);
    // Hunan is in the Central China grid (0.5395 from 2022); gas 2.1622 kgCO2/m³
    expect(v.emissions.scope2KgCo2).toBeCloseTo(539.5, 6);
    expect(v.emissions.scope1KgCo2).toBeCloseTo(216.22, 6);
    const elec = v.byCarrier.find((c: Json) => c.carrier === 'ELECTRICITY');
    expect(elec).toMatchObject({ quantity: 1000, unit: 'KWH' });
    // One day of readings out of March's 31 on each meter.
    expect(elec.coverage).toBeCloseTo(1 / 31, 6);
    expect(v.closed).toBe(false);
    expect(v.conversionFactors.map((f: Json) => f.kgcePerUnit).sort()).toEqual([0.1229, 1.2143]);
  });

  it('prorates a reading across a month end in the configured time zone', async () => {
    // 20:00 to 04:00 Shanghai time: 4 hours in March, 4 in April.
    await gql(INGEST, { rows: [{ meterId: hospital.elec, periodStart: '2025-03-31T20:00:00+08:00', periodEnd: '2025-04-01T04:00:00+08:00', value: 8 }] });
    const april = await gql(ONE, { id: hospital.gid, period: { year: 2025, month: 4 } });
    expect(april.data.institution.indicators.byCarrier.find((c: Json) => c.carrier === 'ELECTRICITY').quantity).toBeCloseTo(4, 9);
    const q1 = await gql(ONE, { id: hospital.gid, period: { year: 2025, quarter: 1 } });
    expect(q1.data.institution.indicators.byCarrier.find((c: Json) => c.carrier === 'ELECTRICITY').quantity).toBeCloseTo(1004, 9);
  });

  it('aggregates as ratios of sums, never means of ratios', async () => {
    const list = await gql(`{ indicators(period: { year: 2023 }, first: 100) { totalCount nodes { energyKgce headcount perCapitaEnergyKgce } } }`, {});
    const nodes = list.data.indicators.nodes as Json[];
    expect(list.data.indicators.totalCount).toBe(nodes.length);
    const energy = nodes.reduce((s, n) => s + n.energyKgce, 0);
    const heads = nodes.reduce((s, n) => s + n.headcount, 0);
    const city = await gql(`{ aggregateIndicators(period: { year: 2023 }, groupBy: CITY) { institutionCount energyKgce headcount perCapitaEnergyKgce } }`, {});
    const c = city.data.aggregateIndicators[0];
    expect(c.institutionCount).toBe(nodes.length);
    // Each figure is rounded once, to 0.001 (ratios to 6 significant digits): a sum of rounded parts is within their roundings.
    expect(c.energyKgce).toBeCloseTo(energy, 1);
    expect(c.perCapitaEnergyKgce / (energy / heads)).toBeCloseTo(1, 5);
    const meanOfRatios = nodes.reduce((s, n) => s + n.perCapitaEnergyKgce, 0) / nodes.length;
    expect(Math.abs(c.perCapitaEnergyKgce - meanOfRatios)).toBeGreaterThan(1);
  });

  it('sums an open year per group in SQL to the same figures as its institutions one by one', async () => {
    const figures = 'energyKgce waterM3 headcount energyCoverage waterCoverage emissions { scope1KgCo2 scope2KgCo2 }';
    const list = await gql(`{ indicators(period: { year: 2024, through: "2024-09-15" }, first: 100) { nodes { institution { category region { id } } ${figures} } } }`, {});
    const byRegion = await gql(`{ aggregateIndicators(period: { year: 2024, through: "2024-09-15" }, groupBy: REGION) { region { id } institutionCount closed ${figures} } }`, {});
    expect(byRegion.errors).toBeUndefined();
    const nodes = list.data.indicators.nodes as Json[];
    const groups = byRegion.data.aggregateIndicators as Json[];
    expect(groups.length).toBeGreaterThan(1);
    for (const g of groups) {
      expect(g.closed).toBe(false);
      const members = nodes.filter((n) => n.institution.region.id === g.region.id);
      expect(g.institutionCount).toBe(members.length);
      const sum = (f: (n: Json) => number) => members.reduce((s, n) => s + f(n), 0);
      // Sums of parts rounded to 0.001 each: within their roundings.
      expect(g.energyKgce).toBeCloseTo(sum((n) => n.energyKgce), 1);
      expect(g.waterM3).toBeCloseTo(sum((n) => n.waterM3), 1);
      expect(g.emissions.scope2KgCo2).toBeCloseTo(sum((n) => n.emissions.scope2KgCo2), 1);
      expect(g.emissions.scope1KgCo2).toBeCloseTo(sum((n) => n.emissions.scope1KgCo2), 1);
    }
    const categories = await gql(`{ aggregateIndicators(period: { year: 2024 }, groupBy: CATEGORY) { category energyKgce } }`, {});
    const year = await gql(`{ indicators(period: { year: 2024 }, first: 100) { nodes { institution { category } energyKgce } } }`, {});
    for (const g of categories.data.aggregateIndicators as Json[]) {
      const members = (year.data.indicators.nodes as Json[]).filter((n) => n.institution.category === g.category);
      expect(g.energyKgce).toBeCloseTo(members.reduce((s, n) => s + n.energyKgce, 0), 1);
    }
  });

  it('keeps a closed year as it was when a new factor version arrives; recalculating is explicit and recorded', async () => {
    const before = (await gql(ONE, { id: hospital.gid, period: { year: 2023 } })).data.institution.indicators;
    expect(before.closed).toBe(true);
    const open2024 = (await gql(ONE, { id: hospital.gid, period: { year: 2024 } })).data.institution.indicators;
    const added = await gql(
      `mutation { addConversionFactor(input: { carrier: ELECTRICITY, unit: KWH, kgcePerUnit: 0.3, validFrom: "2023-07-01", source: "equal-value test" }) { validFrom validTo } }`,
      {},
      t.keys.drc,
    );
    expect(added.errors).toBeUndefined();
    const after = (await gql(ONE, { id: hospital.gid, period: { year: 2023 } })).data.institution.indicators;
    expect(after.energyKgce).toBe(before.energyKgce);
    const later2024 = (await gql(ONE, { id: hospital.gid, period: { year: 2024 } })).data.institution.indicators;
    expect(later2024.energyKgce).toBeGreaterThan(open2024.energyKgce);

    const denied = await gql(`mutation { recalculateYear(year: 2023) { year } }`, {}, t.keys.drc);
    expect(denied.errors?.[0].extensions.code).toBe('FORBIDDEN');
    const rec = await gql(`mutation { recalculateYear(year: 2023, reason: "new electricity coefficient") { year recalculatedBy oldEnergyKgce newEnergyKgce } }`, {});
    expect(rec.errors).toBeUndefined();
    expect(rec.data.recalculateYear.newEnergyKgce).toBeGreaterThan(rec.data.recalculateYear.oldEnergyKgce);
    const recalculated = (await gql(ONE, { id: hospital.gid, period: { year: 2023 } })).data.institution.indicators;
    expect(recalculated.energyKgce).toBeGreaterThan(before.energyKgce);
    const log = await gql(`{ yearRecalculations(year: 2023) { reason } }`, {});
    expect(log.data.yearRecalculations).toEqual([{ reason: 'new electricity coefficient' }]);
  });

  it('refuses a factor version dated before the current one', async () => {
    const r = await gql(`mutation { addConversionFactor(input: { carrier: NATURAL_GAS, unit: M3, kgcePerUnit: 1.2, validFrom: "2020-01-01", source: "x" }) { id } }`, {}, t.keys.drc);
    expect(r.errors?.[0].extensions.code).toBe('CONFLICT');
    const bad = await gql(`mutation { addConversionFactor(input: { carrier: WATER, unit: M3, kgcePerUnit: -1, validFrom: "2026-01-01", source: "" }) { id } }`, {}, t.keys.drc);
    expect(bad.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(bad.errors?.[0].message).toMatch(/kgcePerUnit/);
    const [{ n }] = await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM conversion_factor WHERE carrier = 'WATER' OR valid_from = '2020-01-01'`);
    expect(n).toBe(0);
    const goa = await gql(`mutation { addConversionFactor(input: { carrier: COAL, unit: KG, kgcePerUnit: 0.7, validFrom: "2026-01-01", source: "x" }) { id } }`, {});
    expect(goa.errors?.[0].extensions.code).toBe('FORBIDDEN');
  });

  it('gives a clear error, not a wrong figure, when a unit has no conversion', async () => {
    await t.sql(`UPDATE unit_conversion SET valid_to = '2021-01-02' WHERE carrier = 'DIESEL'`);
    const res = await gql(ONE, { id: hospital.gid, period: { year: 2024 } });
    expect(res.errors?.[0].extensions.code).toBe('CONFLICT');
    expect(res.errors?.[0].message).toMatch(/DIESEL meters record in L .* add a unit conversion from L to KG/);
    await t.sql(`UPDATE unit_conversion SET valid_to = NULL WHERE carrier = 'DIESEL'`);
  });

  it('costs a fixed number of SQL statements for a list of institutions with their indicators', async () => {
    const q = (n: number) => `{ institutions(first: ${n}) { nodes { name indicators(period: { year: 2024 }) { energyKgce compliance { status } emissionFactors { id } } } } }`;
    const counts: number[] = [];
    // The first request after a change loads the reference data (factors, regions, institutions) once.
    await gql(q(1), {});
    // At N and 10N (and the whole demo): the same count, whatever it is.
    for (const n of [5, 50, 100]) {
      counts.push(await t.countStatements(async () => expect((await gql(q(n), {})).errors).toBeUndefined()));
    }
    expect(new Set(counts).size).toBe(1);
  });

  it("reads a closed year from its sums made at closing, equal to the sum of its quarters' months", async () => {
    const figures = 'energyKgce waterM3 energyCoverage emissions { scope2KgCo2 } conversionFactors { id } emissionFactors { id }';
    const r = await gql(`query($id: ID!) { institution(id: $id) { year: indicators(period: { year: 2023 }) { closed ${figures} }
      ${[1, 2, 3, 4].map((q) => `q${q}: indicators(period: { year: 2023, quarter: ${q} }) { ${figures} }`).join(' ')} } }`, { id: hospital.gid });
    expect(r.errors).toBeUndefined();
    const { year, ...quarters } = r.data.institution as Record<string, Json>;
    expect(year.closed).toBe(true);
    expect(year.energyKgce).toBeGreaterThan(0);
    const sum = (f: (v: Json) => number) => Object.values(quarters).reduce((s, v) => s + f(v), 0);
    // Four quarters rounded to 0.001 each add up to the year within 0.002.
    expect(year.energyKgce).toBeCloseTo(sum((v) => v.energyKgce), 2);
    expect(year.waterM3).toBeCloseTo(sum((v) => v.waterM3), 2);
    expect(year.emissions.scope2KgCo2).toBeCloseTo(sum((v) => v.emissions.scope2KgCo2), 2);
    expect(year.energyCoverage).toBeCloseTo(sum((v) => v.energyCoverage) / 4, 2);
    const ids = (key: string, list: Json[]) => [...new Set(list.flatMap((v) => (v[key] as Json[]).map((f) => f.id as string)))].sort();
    expect(ids('conversionFactors', [year])).toEqual(ids('conversionFactors', Object.values(quarters)));
    expect(ids('emissionFactors', [year])).toEqual(ids('emissionFactors', Object.values(quarters)));
    // The same for every institution and carrier, straight from the tables.
    const [{ differ }] = await t.sql<{ differ: number }>(
      `SELECT count(*)::int AS differ FROM closed_year y FULL JOIN (
         SELECT year, institution_id, carrier, sum(quantity) AS quantity, sum(covered_s) AS covered_s FROM closed_month GROUP BY 1, 2, 3) m USING (year, institution_id, carrier)
        WHERE y.year IS NULL OR m.year IS NULL OR abs(y.quantity - m.quantity) > 1e-6 * greatest(1, abs(m.quantity)) OR y.covered_s <> m.covered_s`,
    );
    expect(differ).toBe(0);
  });

  describe('reference data kept in memory', () => {
    const ELEC = `query($id: ID!) { institution(id: $id) { indicators(period: { year: 2024 }) { byCarrier { carrier kgce } } } }`;
    const elecKgce = async () => {
      const r = await gql(ELEC, { id: hospital.gid });
      expect(r.errors).toBeUndefined();
      return (r.data.institution.indicators.byCarrier as Json[]).find((c) => c.carrier === 'ELECTRICITY')!.kgce as number;
    };

    it('reads factors, regions and institutions again only when they changed, and sees a factor changed outside the hub on the next request', async () => {
      const before = await elecKgce();
      expect(before).toBeGreaterThan(0);
      // Warm: the same statements on every request. After a change, more (factors, regions,
      // institutions and closures read again), once; then as warm as before. Compared, not pinned.
      const warm = await t.countStatements(elecKgce);
      expect(await t.countStatements(elecKgce)).toBe(warm);
      await t.sql(`UPDATE conversion_factor SET kgce_per_unit = kgce_per_unit * 2 WHERE carrier = 'ELECTRICITY'`);
      try {
        let doubled = 0;
        expect(await t.countStatements(async () => (doubled = await elecKgce()))).toBeGreaterThan(warm);
        expect(doubled).toBeCloseTo(before * 2, 2);
        expect(await t.countStatements(elecKgce)).toBe(warm);
      } finally {
        await t.sql(`UPDATE conversion_factor SET kgce_per_unit = kgce_per_unit / 2 WHERE carrier = 'ELECTRICITY'`);
      }
      expect(await elecKgce()).toBeCloseTo(before, 6);
    });

    it('sees an institution moved to another category at once', async () => {
      const count = async (category: string) =>
        (await gql(`{ indicators(period: { year: 2024 }, filter: { category: ${category} }, first: 1) { totalCount } }`, {})).data.indicators.totalCount as number;
      const hospitals = await count('HOSPITAL');
      const [{ category }] = await t.sql<{ category: string }>('SELECT category FROM institution WHERE id = $1', [hospital.id]);
      expect(category).toBe('HOSPITAL');
      await t.sql(`UPDATE institution SET category = 'SCHOOL' WHERE id = $1`, [hospital.id]);
      try {
        expect(await count('HOSPITAL')).toBe(hospitals - 1);
      } finally {
        await t.sql(`UPDATE institution SET category = 'HOSPITAL' WHERE id = $1`, [hospital.id]);
      }
      expect(await count('HOSPITAL')).toBe(hospitals);
    });
  });

  describe('access', () => {
    it('WATER reads water figures and gets FORBIDDEN on energy ones', async () => {
      const r = await gql(`{ indicators(period: { year: 2023 }, first: 1) { nodes { waterM3 energyKgce } } }`, {}, t.keys.water);
      expect(r.data.indicators.nodes[0].waterM3).toBeGreaterThan(0);
      expect(r.data.indicators.nodes[0].energyKgce).toBeNull();
      expect(r.errors?.[0].extensions.code).toBe('FORBIDDEN');
    });

    it('PUBLIC sees aggregates only, and no group of fewer than 3 institutions', async () => {
      const single = await gql(`{ indicators(period: { year: 2023 }, first: 5) { totalCount } }`, {}, t.keys.public);
      expect(single.errors?.[0].extensions.code).toBe('FORBIDDEN');
      const groups = await gql(`{ aggregateIndicators(period: { year: 2023 }, groupBy: CATEGORY) { category institutionCount suppressed energyKgce } }`, {}, t.keys.public);
      for (const g of groups.data.aggregateIndicators as Json[]) {
        expect(g.suppressed).toBe(g.institutionCount < 3);
        if (g.suppressed) expect(g.energyKgce).toBeNull();
        else expect(g.energyKgce).toBeGreaterThan(0);
      }
    });

    it('an institution sees its own figures only', async () => {
      const r = await gql(`{ indicators(period: { year: 2023 }, first: 100) { totalCount nodes { institution { category } } } }`, {}, t.keys.hospital);
      expect(r.data.indicators.totalCount).toBe(1);
    });
  });
});

describe('statusOf', () => {
  const quota = { constraintValue: 100, baselineValue: 80, guideValue: 60 };
  it.each([
    [59.9, ComplianceStatus.ADVANCED],
    [60, ComplianceStatus.ADVANCED],
    [60.1, ComplianceStatus.COMPLIANT],
    [80, ComplianceStatus.COMPLIANT],
    [80.1, ComplianceStatus.ABOVE_BASELINE],
    [100, ComplianceStatus.ABOVE_BASELINE],
    [100.1, ComplianceStatus.OVER_CONSTRAINT],
  ])('%d against 60/80/100 is %s', (value, status) => {
    expect(statusOf(value, 1, quota)).toBe(status);
  });

  it('needs 90% coverage for a verdict', () => {
    expect(statusOf(50, 0.899, quota)).toBe(ComplianceStatus.INSUFFICIENT_DATA);
    expect(statusOf(50, 0.9, quota)).toBe(ComplianceStatus.ADVANCED);
    expect(statusOf(null, 1, quota)).toBe(ComplianceStatus.INSUFFICIENT_DATA);
  });

  it('without baseline or guide, at or under the constraint is COMPLIANT', () => {
    expect(statusOf(100, 1, { constraintValue: 100, baselineValue: null, guideValue: null })).toBe(ComplianceStatus.COMPLIANT);
  });
});
