/**
 * Quantities are summed exactly and rounded once, at the API boundary: a fresh institution whose
 * readings, added as floats, land on the wrong side of a rounding half (4.35 + 0.0005 m³ is
 * 4.3504999999999995 as a float, 0.614 kgce instead of 0.615), read through the real server, live
 * and again after its year is closed (frozen sums). Expected figures are worked by hand.
 */
import {
  CloseYearDocument,
  IngestReadingsDocument,
  InstitutionIndicatorsDocument,
  UpsertInstitutionProfileDocument,
} from '../../src/generated/graphql';
import { createMeter, createSchool } from '../helpers/fixtures';
import { startTestHub, type TestHub } from '../helpers/hub';

const YEAR = 2025;
const day = (d: string) => ({ periodStart: `${d}T00:00:00+08:00`, periodEnd: `${d}T12:00:00+08:00` });

let t: TestHub;
let institution: string;

beforeAll(async () => {
  t = await startTestHub({ EWC_BUDGETS: 'off' });
  institution = await createSchool(t, 'Exact Sums Test School', '精确求和测试学校', 9_000_017);
  const elec = await createMeter(t, institution, 'ELECTRICITY', 'KWH', 'EXACT-E1');
  const water = await createMeter(t, institution, 'WATER', 'M3', 'EXACT-W1');
  const profile = await t.gql(UpsertInstitutionProfileDocument, { input: { institutionId: institution, year: YEAR, headcount: 1, floorAreaM2: 8 } }, t.keys.goa);
  expect(profile.errors).toBeUndefined();
  const rows = [
    // March: 4.35 + 0.0005 m³ = 4.3505 → 4.351 (as floats 4.3504999999999995 → 4.35).
    { meterId: water, ...day('2025-03-10'), value: 4.35 },
    { meterId: water, ...day('2025-03-11'), value: 0.0005 },
    // May: three readings of 0.1 m³ are 0.3 (as floats 0.30000000000000004).
    { meterId: water, ...day('2025-05-10'), value: 0.1 },
    { meterId: water, ...day('2025-05-11'), value: 0.1 },
    { meterId: water, ...day('2025-05-12'), value: 0.1 },
    // June: 3.3 + 0.000005 m³ = 3.300005, per capita 3.30001 to 6 significant digits (as floats 3.3000049999999996 → 3.3).
    { meterId: water, ...day('2025-06-10'), value: 3.3 },
    { meterId: water, ...day('2025-06-11'), value: 0.000005 },
    // 1 kWh in March and 4 in April: 5 kWh x 0.1229 = 0.6145 kgce → 0.615 (as floats 0.1229 + 0.4916 = 0.6144999999999999 → 0.614).
    { meterId: elec, ...day('2025-03-10'), value: 1 },
    { meterId: elec, ...day('2025-04-10'), value: 4 },
  ];
  const ingest = await t.gql(IngestReadingsDocument, { input: { rows } }, t.keys.goa);
  expect(ingest.errors).toBeUndefined();
  expect(ingest.data!.ingestReadings.accepted).toBe(rows.length);
});

afterAll(async () => {
  await t?.close();
});

async function indicators(period: { year: number; month?: number }) {
  const r = await t.gql(InstitutionIndicatorsDocument, { id: institution, period }, t.keys.goa);
  expect(r.errors).toBeUndefined();
  return r.data!.institution!.indicators!;
}

/** The year's figures, worked by hand; the same live and frozen. */
async function expectYear(closed: boolean) {
  const v = await indicators({ year: YEAR });
  expect(v.closed).toBe(closed);
  // 4.3505 + 0.3 + 3.300005 = 7.950505 m³ → 7.951.
  expect(v.waterM3).toBe(7.951);
  expect(v.perCapitaWaterM3).toBe(7.95051);
  // 5 kWh x 0.1229 = 0.6145 kgce → 0.615; per person 0.6145 (a ratio keeps 6 significant digits), per m² 0.6145 / 8 = 0.0768125.
  expect(v.energyKgce).toBe(0.615);
  expect(v.perCapitaEnergyKgce).toBe(0.6145);
  expect(v.energyPerAreaKgceM2).toBe(0.0768125);
  const elec = v.byCarrier.find((c) => c.carrier === 'ELECTRICITY')!;
  expect(elec).toMatchObject({ quantity: 5, unit: 'KWH', kgce: 0.615 });
  // Central China grid 0.5395 kgCO2/kWh: 5 x 0.5395 = 2.6975 → 2.698.
  expect(elec.kgCo2).toBe(2.698);
  expect(v.emissions).toMatchObject({ scope1KgCo2: 0, scope2KgCo2: 2.698, totalKgCo2: 2.698 });
}

test('a month of readings whose float sum falls below the half is rounded from its exact sum', async () => {
  expect((await indicators({ year: YEAR, month: 3 })).waterM3).toBe(4.351);
  expect((await indicators({ year: YEAR, month: 5 })).waterM3).toBe(0.3);
  const june = await indicators({ year: YEAR, month: 6 });
  expect(june.waterM3).toBe(3.3);
  expect(june.perCapitaWaterM3).toBe(3.30001);
});

test('the year: quantities, CO2 = quantity x factor and ratios of exact totals', async () => {
  await expectYear(false);
});

test('closing the year freezes the same exact sums', async () => {
  const closed = await t.gql(CloseYearDocument, { year: YEAR }, t.keys.goa);
  expect(closed.errors).toBeUndefined();
  await expectYear(true);
  expect((await indicators({ year: YEAR, month: 3 })).waterM3).toBe(4.351);
});
