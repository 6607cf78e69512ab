/**
 * Live figures add the months that share a factor set before multiplying (one exact product per
 * run of months): a conversion factor version valid from mid-July applies from August, so a year
 * with readings in June, July and August is (June + July) x the old factor plus August x the new
 * one, worked by hand; the same live, to a mid-month day (the ragged days from meter_day), per
 * month, and frozen per month at closing.
 */
import {
  AddConversionFactorDocument,
  CloseYearDocument,
  IngestReadingsDocument,
  InstitutionIndicatorsDocument,
} from '../../src/generated/graphql';
import { createMeter, createSchool } from '../helpers/fixtures';
import { startTestHub, type TestHub } from '../helpers/hub';

const YEAR = 2025;
const day = (d: string) => ({ periodStart: `${d}T00:00:00+08:00`, periodEnd: `${d}T12:00:00+08:00` });

let t: TestHub;
let institution: string;

beforeAll(async () => {
  t = await startTestHub({ EWC_BUDGETS: 'off' });
  institution = await createSchool(t, 'Factor Runs Test School', '因子分段测试学校', 9_000_019);
  const meterId = await createMeter(t, institution, 'ELECTRICITY', 'KWH', 'RUNS-E1');
  const rows = [
    { meterId, ...day('2025-06-10'), value: 1 },
    { meterId, ...day('2025-07-10'), value: 2 },
    { meterId, ...day('2025-08-10'), value: 4 },
  ];
  const ingest = await t.gql(IngestReadingsDocument, { input: { rows } }, t.keys.goa);
  expect(ingest.errors).toBeUndefined();
  // Valid from July 15: a month takes the versions valid on its first day, so August on.
  const added = await t.gql(
    AddConversionFactorDocument,
    { input: { carrier: 'ELECTRICITY', unit: 'KWH', kgcePerUnit: 0.3, validFrom: '2025-07-15', source: 'factor runs test' } },
    t.keys.drc,
  );
  expect(added.errors).toBeUndefined();
});

afterAll(async () => {
  await t?.close();
});

async function indicators(period: { year: number; month?: number; through?: string }) {
  const r = await t.gql(InstitutionIndicatorsDocument, { id: institution, period }, t.keys.goa);
  expect(r.errors).toBeUndefined();
  return r.data!.institution!.indicators!;
}

async function expectYear(closed: boolean) {
  const v = await indicators({ year: YEAR });
  expect(v.closed).toBe(closed);
  // (1 + 2) kWh x 0.1229 + 4 kWh x 0.3 = 0.3687 + 1.2 = 1.5687 kgce -> 1.569.
  expect(v.energyKgce).toBe(1.569);
  const elec = v.byCarrier.find((c) => c.carrier === 'ELECTRICITY')!;
  // 7 kWh x 0.5395 kgCO2 = 3.7765 -> 3.777 (one grid factor all year).
  expect(elec).toMatchObject({ quantity: 7, unit: 'KWH', kgce: 1.569, kgCo2: 3.777 });
  // 36 hours of 8,760: 0.004109589... -> 6 significant digits.
  expect(v.energyCoverage).toBe(0.00410959);
}

test('a year across a factor change: each run of months multiplied by its own factor', async () => {
  await expectYear(false);
});

test('months and a year to date ending mid-month give the same exact figures', async () => {
  expect((await indicators({ year: YEAR, month: 7 })).energyKgce).toBe(0.246); // 2 x 0.1229 = 0.2458
  expect((await indicators({ year: YEAR, month: 8 })).energyKgce).toBe(1.2);
  // Through August 12: August's days from meter_day, at the new factor.
  expect((await indicators({ year: YEAR, through: '2025-08-12' })).energyKgce).toBe(1.569);
  // Through August 5: August has no reading yet, 3 x 0.1229 = 0.3687.
  expect((await indicators({ year: YEAR, through: '2025-08-05' })).energyKgce).toBe(0.369);
});

test('closing freezes the same figures, month by month', async () => {
  const closed = await t.gql(CloseYearDocument, { year: YEAR }, t.keys.goa);
  expect(closed.errors).toBeUndefined();
  const [{ n }] = await t.sql<{ n: number }>(
    `SELECT count(*)::int AS n FROM closed_month c JOIN institution i ON i.id = c.institution_id WHERE c.year = $1 AND i.name = 'Factor Runs Test School'`,
    [YEAR],
  );
  expect(n).toBe(12);
  await expectYear(true);
  expect((await indicators({ year: YEAR, month: 8 })).energyKgce).toBe(1.2);
});
