/**
 * A list of headline figures (energy, water, profile, the three ratios, coverage, emissions) is one
 * statement that multiplies, sums and divides in SQL (indicators.repository.ts: the frozen sums of
 * a closed year, or the rollups and unmetered vehicle energy of an open one times the exact factors),
 * not the whole computation in JavaScript. It must answer exactly what the whole computation
 * answers: the SQL quotient against decimal.ts' `div` digit for digit, hand-worked figures of
 * schools made here (live, then closed), and every field of closed and open periods for every
 * subject of the policy (errors included), compared with the same request that also asks
 * `byCarrier` (which takes the whole computation).
 */
import { div, formatDecimal, parseDecimal } from '../../src/figures/decimal';
import { QUOTIENT_DIGITS, sqlDivideExact } from '../../src/figures/precision';
import { CloseYearDocument, CreateVehicleDocument, IngestReadingsDocument, IngestVehicleEnergyDocument, UpsertInstitutionProfileDocument } from '../../src/generated/graphql';
import { createMeter, createSchool } from '../helpers/fixtures';
import { startTestHub, type TestHub } from '../helpers/hub';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- an untyped GraphQL response, read field by field

const YEAR = 2025;
const HEADLINE = `institution { id } category closed pendingRecalculation institutionCount suppressed energyKgce waterM3 headcount floorAreaM2
  perCapitaEnergyKgce energyPerAreaKgceM2 perCapitaWaterM3 pvGenerationKwh coverage energyCoverage waterCoverage
  emissions { scope1KgCo2 scope2KgCo2 totalKgCo2 avoidedKgCo2 } period { year from to }`;
const list = (period: string, fields: string, first = 100) => `{ indicators(period: ${period}, first: ${first}) { nodes { ${fields} } } }`;
const halfDay = (d: string) => ({ periodStart: `${d}T00:00:00+08:00`, periodEnd: `${d}T12:00:00+08:00` });

let t: TestHub;
const gql = async (query: string, key = t.keys.goa): Promise<Json> => (await t.raw({ query }, key)) as Json;
/** Decimal text without trailing zeros, to compare values written at different scales. */
const plain = (text: string) => (text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text);

beforeAll(async () => {
  t = await startTestHub({ EWC_BUDGETS: 'off', EWC_RESPONSE_CACHE: 'off' });
});
afterAll(() => t?.close());

describe('the SQL quotient (sqlDivideExact)', () => {
  it('gives the digits of decimal.ts div to 17 significant digits, half up, null for a denominator not above zero', async () => {
    const cases: [string, string][] = [
      ['1', '3'], ['2', '3'], ['15.172005', '3'], ['15.172005', '1234.56'], ['4.3505', '3'], ['0', '7'], ['1', '8'], ['-2', '3'],
      // The 18th significant digit a 5, then a 4: half up, then down.
      ['1.00000000000000005', '1'], ['1.00000000000000004999', '1'], ['123456789012345678.5', '10'],
      ['5', '0'], ['5', '-2'],
    ];
    let seed = 12345;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let i = 0; i < 400; i++) {
      cases.push([(next() * 10 ** Math.floor(next() * 10)).toFixed(Math.floor(next() * 10)), (next() * 10 ** Math.floor(next() * 5) + 0.01).toFixed(Math.floor(next() * 4))]);
    }
    const rows = await t.sql<{ q: string | null }>(
      `SELECT trim_scale(${sqlDivideExact('n', 'd')})::text AS q FROM unnest($1::numeric[], $2::numeric[]) WITH ORDINALITY AS u(n, d, o) ORDER BY o`,
      [cases.map((c) => c[0]), cases.map((c) => c[1])],
    );
    const expected = cases.map(([n, d]) => (Number(d) > 0 ? plain(formatDecimal(div(parseDecimal(n, 'n'), parseDecimal(d, 'd'), QUOTIENT_DIGITS))) : null));
    expect(rows.map((r) => r.q && plain(r.q))).toEqual(expected);
    // Worked by hand: 2/3 to 17 significant digits rounds its last 6 up; 1.00000000000000005 keeps 17 digits, half up.
    expect(rows[1].q).toBe('0.66666666666666667');
    expect(rows[8].q).toBe('1.0000000000000001');
    expect(rows[9].q).toBe('1');
    expect(rows[11].q).toBe(null);
  });
});

describe('headline figures from one statement', () => {
  let school: string;
  let noArea: string;
  let empty: string;
  /** The year's answer while it was open, before beforeAll closes it. */
  let live: Json;

  beforeAll(async () => {
    school = await createSchool(t, 'Statement Test School', '语句测试学校', 9_000_211);
    noArea = await createSchool(t, 'Statement Test School Two', '语句测试学校二', 9_000_212);
    empty = await createSchool(t, 'Statement Test School Three', '语句测试学校三', 9_000_213);
    const elec = await createMeter(t, school, 'ELECTRICITY', 'KWH', 'STMT-E1');
    const water = await createMeter(t, school, 'WATER', 'M3', 'STMT-W1');
    const water2 = await createMeter(t, noArea, 'WATER', 'M3', 'STMT-W2');
    for (const input of [
      { institutionId: school, year: YEAR, headcount: 3, floorAreaM2: 1234.56 },
      { institutionId: noArea, year: YEAR, headcount: 0 },
    ]) {
      expect((await t.gql(UpsertInstitutionProfileDocument, { input }, t.keys.goa)).errors).toBeUndefined();
    }
    const rows = [
      { meterId: elec, ...halfDay('2025-03-10'), value: 100 },
      { meterId: elec, ...halfDay('2025-04-10'), value: 23.45 },
      { meterId: water, ...halfDay('2025-03-10'), value: 4.35 },
      { meterId: water, ...halfDay('2025-05-11'), value: 0.0005 },
      { meterId: water2, ...halfDay('2025-05-11'), value: 7 },
    ];
    const ingest = await t.gql(IngestReadingsDocument, { input: { rows } }, t.keys.goa);
    expect(ingest.errors).toBeUndefined();
    // A petrol car of the school in 2024 (an open year): energy no meter measures, added to the school's.
    const car = await t.gql(CreateVehicleDocument, { input: { institutionId: school, plate: '湘E7S001', type: 'SEDAN', powertrain: 'PETROL', inServiceOn: '2024-01-10' } }, t.keys.goa);
    expect(car.errors).toBeUndefined();
    const fuel = await t.gql(
      IngestVehicleEnergyDocument,
      { input: { rows: [
        { vehicleId: car.data!.createVehicle.id, day: '2024-03-05', energy: 'GASOLINE', quantity: 41.3, odometerKm: 1200 },
        { vehicleId: car.data!.createVehicle.id, day: '2024-08-20', energy: 'GASOLINE', quantity: 38.25, odometerKm: 1650 },
      ] } },
      t.keys.goa,
    );
    expect(fuel.errors).toBeUndefined();
    live = await gql(list(`{ year: ${YEAR} }`, HEADLINE));
    const closed = await t.gql(CloseYearDocument, { year: YEAR }, t.keys.goa);
    expect(closed.errors).toBeUndefined();
  });

  const nodeOf = (r: Json, id: string) => r.data.indicators.nodes.find((n: Json) => n.institution?.id === id);

  /** The figures of the schools made here, worked by hand: the same live and frozen. */
  function expectHandWorked(r: Json, closed: boolean): void {
    expect(r.errors).toBeUndefined();
    expect(nodeOf(r, school).closed).toBe(closed);
    // 123.45 kWh x 0.1229 = 15.172005 kgce → 15.172; per person 5.057335 → 5.05734 (6 significant digits, half up);
    // per m² 15.172005 / 1234.56 = 0.01228940270… → 0.0122894. Water 4.35 + 0.0005 = 4.3505 m³ → 4.351, per person 1.450166… → 1.45017.
    // Each meter covered 2 half days of the year: 86,400 s of 31,536,000 = 0.00273973.
    expect(nodeOf(r, school)).toMatchObject({
      institutionCount: 1, suppressed: false, energyKgce: 15.172, waterM3: 4.351, headcount: 3, floorAreaM2: 1234.56,
      perCapitaEnergyKgce: 5.05734, energyPerAreaKgceM2: 0.0122894, perCapitaWaterM3: 1.45017, pvGenerationKwh: 0,
      coverage: 0.00273973, energyCoverage: 0.00273973, waterCoverage: 0.00273973,
    });
    // A headcount of 0 and no floor area: no ratio (never a division by zero); water only.
    expect(nodeOf(r, noArea)).toMatchObject({ energyKgce: 0, waterM3: 7, headcount: 0, floorAreaM2: null, perCapitaEnergyKgce: null, energyPerAreaKgceM2: null, perCapitaWaterM3: null, energyCoverage: 0 });
    // No profile, no meter: zeros, no ratio, no coverage to speak of.
    expect(nodeOf(r, empty)).toMatchObject({ energyKgce: 0, waterM3: 0, headcount: null, floorAreaM2: null, perCapitaEnergyKgce: null, coverage: null, energyCoverage: 0, waterCoverage: 0 });
  }

  it('sums and divides exactly while the year is open: hand-worked figures of schools made here', () => {
    expectHandWorked(live, false);
  });

  it('and the same once it is closed (frozen sums)', async () => {
    expectHandWorked(await gql(list(`{ year: ${YEAR} }`, HEADLINE)), true);
  });

  it('answers as the whole computation does, field by field, for every subject, closed and open periods', async () => {
    const subjects = Object.entries(t.keys) as [string, string][];
    const periods = [
      `{ year: ${YEAR} }`, '{ year: 2023 }', '{ year: 2022 }', '{ year: 2023, quarter: 3 }', '{ year: 2023, month: 2 }', `{ year: ${YEAR}, through: "${YEAR}-04-15" }`,
      // Open: the rollups (whole months and ragged days) and the school's car.
      '{ year: 2024 }', '{ year: 2024, through: "2024-08-25" }', '{ year: 2024, quarter: 1 }', '{ year: 2024, month: 8 }',
    ];
    const car = nodeOf(await gql(list('{ year: 2024 }', HEADLINE)), school);
    // Only the car used energy at the school in 2024: the statement counts it.
    expect(car.energyKgce).toBeGreaterThan(0);
    expect(car.perCapitaEnergyKgce).toBeNull();
    for (const period of periods) {
      for (const [subject, key] of subjects) {
        const statement = await gql(list(period, HEADLINE), key);
        const whole = await gql(list(period, `${HEADLINE} byCarrier { carrier }`), key);
        for (const n of whole.data?.indicators?.nodes ?? []) delete n.byCarrier;
        const codes = (r: Json) => (r.errors ?? []).map((e: Json) => `${(e.path ?? []).join('.')} ${e.extensions?.code}`);
        expect({ subject, period, codes: codes(statement), data: statement.data }).toEqual({ subject, period, codes: codes(whole), data: whole.data });
      }
    }
  });

  it.each(['{ year: 2023 }', '{ year: 2024 }'])('costs a fixed number of statements, fewer than the whole computation (%s)', async (period) => {
    const run = (first: number, fields = HEADLINE) => t.countStatements(() => gql(list(period, fields, first)));
    await run(1);
    const ten = await run(10);
    expect(await run(100)).toBe(ten);
    expect(ten).toBeLessThan(await run(10, `${HEADLINE} byCarrier { carrier } compliance { status }`));
  });

  it('gives the clear error of the whole computation, not a wrong figure, when a unit has no conversion', async () => {
    await t.sql(`UPDATE unit_conversion SET valid_to = '2021-01-02' WHERE carrier = 'DIESEL'`);
    try {
      const r = await gql(list('{ year: 2024 }', 'energyKgce'));
      expect(r.errors?.[0].extensions?.code).toBe('CONFLICT');
      expect(r.errors?.[0].message).toMatch(/DIESEL meters record in L .* add a unit conversion from L to KG/);
    } finally {
      await t.sql(`UPDATE unit_conversion SET valid_to = NULL WHERE carrier = 'DIESEL'`);
    }
    expect((await gql(list('{ year: 2024 }', 'energyKgce'))).errors).toBeUndefined();
  });
});
