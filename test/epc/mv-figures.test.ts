import { toGlobalId } from '../../src/graphql/relay';
import { startTestHub, type TestHub } from '../helpers/hub';

/**
 * Stored M&V figures (epc_month_figure, epc_live_baseline): a read uses a stored month while the
 * hash of its inputs holds, and measures it again once a reading, a temperature or the data a live
 * baseline is fitted on is written, by the hub or by plain SQL. On the demo's contracts.
 */
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- an untyped GraphQL response, read field by field

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub({ EWC_RESPONSE_CACHE: 'off' });
});
afterAll(() => t?.close());

const SAVINGS = `query($id: ID!) { epcContract(id: $id) { savings(period: { year: 2023 }) { kgce adjustedBaselineKgce actualKgce flagged } } }`;
const savingsOf = async (id: number): Promise<Json> => {
  const r = (await t.raw({ query: SAVINGS, variables: { id: toGlobalId('EpcContract', id) } }, t.keys.goa)) as Json;
  expect(r.errors).toBeUndefined();
  return r.data.epcContract.savings;
};

/** The contract's electricity meter and the first reading of a day, to correct. */
async function readingOf(contractId: number, day: string) {
  const [r] = await t.sql<{ meter_id: number; s: Date; e: Date; value: number }>(
    `SELECT m.id AS meter_id, r.period_start AS s, r.period_end AS e, r.value FROM epc_contract c JOIN meter m ON m.institution_id = c.institution_id AND m.carrier = 'ELECTRICITY'
       JOIN reading r ON r.meter_id = m.id AND r.period_start >= ($2::date::timestamp AT TIME ZONE 'Asia/Shanghai') AND r.period_start < (($2::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')
      WHERE c.id = $1 ORDER BY m.id, r.period_start LIMIT 1`,
    [contractId, day],
  );
  return r;
}

async function correct(contractId: number, day: string, addKwh: number): Promise<void> {
  const r = await readingOf(contractId, day);
  const ing = (await t.raw({
    query: `mutation($rows: [ReadingRowInput!]!) { ingestReadings(input: { rows: $rows }) { corrected } }`,
    variables: { rows: [{ meterId: toGlobalId('Meter', r.meter_id), periodStart: r.s.toISOString(), periodEnd: r.e.toISOString(), value: r.value + addKwh, correction: true }] },
  }, t.keys.goa)) as Json;
  expect(ing.errors).toBeUndefined();
  expect(ing.data.ingestReadings.corrected).toBe(1);
}

describe('stored M&V figures', () => {
  it('reads a measured month as stored, and measures it again when a temperature of it is written (even with the same value, by SQL)', async () => {
    const [{ id }] = await t.sql<{ id: number }>(`SELECT id FROM epc_contract WHERE status = 'OPERATING' ORDER BY id LIMIT 1`);
    const measured = await savingsOf(id);
    const stored = await t.sql<{ month: string }>(`SELECT to_char(month, 'YYYY-MM-DD') AS month FROM epc_month_figure WHERE contract_id = $1 AND month >= '2023-01-01' AND month < '2024-01-01' ORDER BY month`, [id]);
    expect(stored).toHaveLength(12);

    // A stored month is what a read uses: lower its actual by 1,000 kgce and the year's savings rise by as much.
    await t.sql(
      `UPDATE epc_month_figure SET figures = jsonb_set(figures, '{actualKgce}', to_jsonb((figures->>'actualKgce')::float8 - 1000)) WHERE contract_id = $1 AND month = '2023-05-01'`,
      [id],
    );
    expect((await savingsOf(id)).kgce).toBeCloseTo(measured.kgce + 1000, 3);

    // Rewriting one temperature of May (the same value) moves its inputs: May is measured again, and the year is as first measured.
    await t.sql(`UPDATE weather_day SET mean_temp_c = mean_temp_c WHERE day = '2023-05-10'`);
    expect(await savingsOf(id)).toEqual(measured);
  });

  it('measures a month again after a correction of one of its readings', async () => {
    const [{ id }] = await t.sql<{ id: number }>(`SELECT id FROM epc_contract WHERE status = 'OPERATING' ORDER BY id OFFSET 1 LIMIT 1`);
    const before = await savingsOf(id);
    await correct(id, '2023-08-16', 1000);
    const after = await savingsOf(id);
    // 1,000 kWh more used on a measured day: 122.9 kgce less saved (0.1229 kgce per kWh), the adjusted baseline unchanged.
    expect(after.kgce).toBeCloseTo(before.kgce - 1000 * 0.1229, 3);
    expect(after.adjustedBaselineKgce).toBeCloseTo(before.adjustedBaselineKgce, 3);
  });

  it('fits a contract not yet signed once, and again when a reading of its baseline year changes', async () => {
    const [{ id }] = await t.sql<{ id: number }>(
      `SELECT c.id FROM epc_contract c WHERE c.status IN ('DRAFT', 'APPROVED') AND NOT EXISTS (SELECT 1 FROM epc_baseline b WHERE b.contract_id = c.id) ORDER BY c.id LIMIT 1`,
    );
    const before = await savingsOf(id);
    const [fit] = await t.sql<{ inputs: string; computed_at: Date }>('SELECT inputs, computed_at FROM epc_live_baseline WHERE contract_id = $1', [id]);
    expect(fit).toBeDefined();
    expect(await savingsOf(id)).toEqual(before);
    expect(await t.sql('SELECT inputs, computed_at FROM epc_live_baseline WHERE contract_id = $1', [id])).toEqual([fit]);

    const [{ baseline_start: start }] = await t.sql<{ baseline_start: string }>(`SELECT to_char(baseline_start + 45, 'YYYY-MM-DD') AS baseline_start FROM epc_contract WHERE id = $1`, [id]);
    await correct(id, start, 5000);
    const after = await savingsOf(id);
    const [refit] = await t.sql<{ inputs: string }>('SELECT inputs FROM epc_live_baseline WHERE contract_id = $1', [id]);
    expect(refit.inputs).not.toBe(fit.inputs);
    expect(after.adjustedBaselineKgce).not.toBeCloseTo(before.adjustedBaselineKgce, 3);
  });
});

describe("the demo's Longhui wing", () => {
  it('is a non-routine event worth a baseline year per m² over 12,000 m² in 2023', async () => {
    const [{ id }] = await t.sql<{ id: number }>(`SELECT c.id FROM epc_contract c JOIN institution i ON i.id = c.institution_id WHERE i.name LIKE 'Longhui County People%Hospital'`);
    const r = (await t.raw({
      query: `query($id: ID!) { epcContract(id: $id) { baseline { from to kgce } nonRoutineEvents { from to adjustmentKgce }
        savings(period: { year: 2023 }) { nonRoutineAdjustmentKgce } } }`,
      variables: { id: toGlobalId('EpcContract', id) },
    }, t.keys.goa)) as Json;
    expect(r.errors).toBeUndefined();
    const c = r.data.epcContract;
    expect(c.nonRoutineEvents).toEqual([{ from: '2023-01-01', to: '2024-07-01', adjustmentKgce: 346371.238 }]);
    // The baseline year (365 days on 98,000 m²) per m² over the wing's 12,000 m², for 2023's 365 days.
    expect(c.baseline).toMatchObject({ from: '2021-07-01', to: '2022-07-01' });
    expect(c.savings.nonRoutineAdjustmentKgce).toBeCloseTo((c.baseline.kgce * 12_000) / 98_000, 2);
  });
});
