import { toGlobalId } from '../../src/graphql/relay';
import { rollupDrift } from '../helpers/fixtures';
import { listen, waitFor } from '../helpers/live';
import { startTestHub, type TestHub } from '../helpers/hub';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- an untyped GraphQL response, read field by field

const INGEST = `mutation($rows: [ReadingRowInput!]!) { ingestReadings(input: { rows: $rows }) { accepted corrected } }`;

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(() => t.close());

const gql = async (query: string, variables: Json, key = t.keys.goa): Promise<Json> => (await t.raw({ query, variables }, key)) as Json;


describe('rollups', () => {
  it('after random readings and corrections, equal a full recomputation from the readings', async () => {
    const meters = await t.sql<{ id: number }>(`SELECT id FROM meter WHERE carrier = 'ELECTRICITY' ORDER BY id DESC LIMIT 5`);
    let seed = 42;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    // Readings of odd lengths (1 to 50 hours) from 2025-01-01, back to back per meter, crossing days and a month end.
    const rows: Json[] = [];
    for (const m of meters) {
      let at = Date.parse('2025-01-25T00:00:00+08:00') + Math.floor(rnd() * 24) * 3_600_000;
      for (let n = 0; n < 40; n++) {
        const hours = 1 + Math.floor(rnd() * 50);
        rows.push({ meterId: toGlobalId('Meter', m.id), periodStart: new Date(at).toISOString(), periodEnd: new Date(at + hours * 3_600_000).toISOString(), value: Math.round(rnd() * 5000) / 10 });
        at += hours * 3_600_000;
      }
    }
    expect((await gql(INGEST, { rows })).errors).toBeUndefined();
    const corrections = rows.filter((_, i) => i % 7 === 0).map((r) => ({ ...r, value: r.value + 11.5, correction: true }));
    const corrected = await gql(INGEST, { rows: corrections });
    expect(corrected.data.ingestReadings.corrected).toBe(corrections.length);

    const diff = await rollupDrift(t, meters.map((m) => m.id));
    expect(diff).toEqual([]);
  });

  it('count a stored reading from an earlier month in the day a later batch starts on', async () => {
    // The refresh reads only the partitions of the batch's span; the long reading begun in March
    // (another partition) must still count in 2 April, the day the second batch touches.
    const [m] = await t.sql<{ id: number }>(`SELECT id FROM meter WHERE carrier = 'ELECTRICITY' ORDER BY id LIMIT 1`);
    const meterId = toGlobalId('Meter', m.id);
    const long = { meterId, periodStart: '2026-03-28T12:00:00+08:00', periodEnd: '2026-04-02T12:00:00+08:00', value: 1200 };
    const short = { meterId, periodStart: '2026-04-02T12:00:00+08:00', periodEnd: '2026-04-02T18:00:00+08:00', value: 60 };
    expect((await gql(INGEST, { rows: [long] })).errors).toBeUndefined();
    expect((await gql(INGEST, { rows: [short] })).errors).toBeUndefined();
    const [day] = await t.sql<{ value: number }>(`SELECT value FROM meter_day WHERE meter_id = $1 AND day = '2026-04-02'`, [m.id]);
    expect(day.value).toBeCloseTo(1200 * (12 / 120) + 60, 9);
    expect(await rollupDrift(t, [m.id])).toEqual([]);
  });
});

describe('live indicators and compliance alerts', () => {
  it('sends indicatorUpdated after an ingest, and an alert when the projected year crosses the constraint value and when it comes back', async () => {
    // A department with only an electricity meter among its energy meters, with a 2025 profile.
    const [inst] = await t.sql<{ id: number; meter: number; floor: number }>(
      `SELECT i.id, min(m.id) AS meter, p.floor_area_m2 AS floor FROM institution i
         JOIN meter m ON m.institution_id = i.id JOIN institution_profile p ON p.institution_id = i.id AND p.year = 2024
        WHERE i.category = 'GOVERNMENT_OFFICE'
        GROUP BY i.id, p.floor_area_m2 HAVING count(*) FILTER (WHERE m.carrier <> 'WATER') = 1 AND bool_and(m.carrier IN ('ELECTRICITY', 'WATER'))
        ORDER BY i.id LIMIT 1`,
    );
    await t.sql(`INSERT INTO institution_profile (institution_id, year, headcount, floor_area_m2) SELECT institution_id, 2025, headcount, floor_area_m2 FROM institution_profile WHERE institution_id = $1 AND year = 2024`, [inst.id]);
    const [elec] = await t.sql<{ id: number }>(`SELECT id FROM meter WHERE institution_id = $1 AND carrier = 'ELECTRICITY'`, [inst.id]);

    const alerts = await listen(t, t.ws(t.keys.goa), `subscription { complianceAlerts { direction indicator projectedValue constraintValue through institution { name } } }`);
    const updates = await listen(t, t.ws(t.keys.goa), `subscription { indicatorUpdated { year months institution { id } } }`);
    const otherInstitution = await listen(t, t.ws(t.keys.hospital), `subscription { indicatorUpdated { year } }`);

    // January 2025 at 12 kgce/m² a year: the government-office constraint is 8.5.
    const day = (d: number) => ({ periodStart: `2025-01-${String(d).padStart(2, '0')}T00:00:00+08:00`, periodEnd: d === 31 ? '2025-02-01T00:00:00+08:00' : `2025-01-${String(d + 1).padStart(2, '0')}T00:00:00+08:00` });
    const daily = (kgcePerM2: number) => (inst.floor * kgcePerM2) / 0.1229 / 365;
    const rows = Array.from({ length: 31 }, (_, i) => ({ meterId: toGlobalId('Meter', elec.id), ...day(i + 1), value: daily(12) }));
    expect((await gql(INGEST, { rows })).errors).toBeUndefined();

    expect(await waitFor(() => updates.length > 0)).toBe(true);
    expect(updates[0].data.indicatorUpdated).toEqual({ year: 2025, months: ['2025-01-01'], institution: { id: toGlobalId('Institution', inst.id) } });
    expect(await waitFor(() => alerts.some((a) => a.data?.complianceAlerts.indicator === 'ENERGY_PER_AREA'))).toBe(true);
    const up = alerts.find((a) => a.data.complianceAlerts.indicator === 'ENERGY_PER_AREA')!.data.complianceAlerts;
    expect(up).toMatchObject({ direction: 'CROSSED_ABOVE', constraintValue: 8.5, through: '2025-01-31' });
    expect(up.projectedValue).toBeCloseTo(12, 6);

    // Corrected readings bring the projection back under.
    const lower = rows.map((r) => ({ ...r, value: daily(6), correction: true }));
    expect((await gql(INGEST, { rows: lower })).errors).toBeUndefined();
    expect(await waitFor(() => alerts.filter((a) => a.data?.complianceAlerts.indicator === 'ENERGY_PER_AREA').length === 2)).toBe(true);
    const down = alerts.filter((a) => a.data.complianceAlerts.indicator === 'ENERGY_PER_AREA')[1].data.complianceAlerts;
    expect(down.direction).toBe('BACK_UNDER');
    expect(down.projectedValue).toBeCloseTo(6, 6);
    expect(otherInstitution).toEqual([]);
    const [{ n }] = await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM compliance_alert WHERE institution_id = $1 AND indicator = 'ENERGY_PER_AREA'`, [inst.id]);
    expect(n).toBe(2);
  });
});
