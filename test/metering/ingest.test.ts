import { IngestReadingsDocument, ReadingsDocument } from '../../src/generated/graphql';
import { fromGlobalId } from '../../src/graphql/relay';
import { dailyRows, meterId, rollupDrift, tableCounts } from '../helpers/fixtures';
import { codeOf, startTestHub, type TestHub } from '../helpers/hub';

let t: TestHub;
let elec: string;
let water: string;
beforeAll(async () => {
  t = await startTestHub();
  elec = await meterId(t, 'SY-hosp-longhui-E1');
  water = await meterId(t, 'SY-hosp-longhui-W1');
});
afterAll(() => t.close());

// The demo's readings end on 2024-06-30; these tests write after that.
describe('ingestReadings', () => {
  it('stores a batch and records who sent it; re-sending it changes nothing', async () => {
    const rows = dailyRows(elec, '2024-07-01', 30);
    const before = await tableCounts(t);
    const first = await t.gql(IngestReadingsDocument, { input: { rows } }, t.keys.hospital);
    expect(first.errors).toBeUndefined();
    expect(first.data!.ingestReadings).toMatchObject({
      accepted: 30,
      duplicates: 0,
      corrected: 0,
      batch: { source: 'GRAPHQL', submittedBy: 'demo: Longhui County People’s Hospital editor', accepted: 30 },
    });
    const afterFirst = await tableCounts(t);
    expect(afterFirst.readings).toBe(before.readings + 30);

    const again = await t.gql(IngestReadingsDocument, { input: { rows } }, t.keys.hospital);
    expect(again.data!.ingestReadings).toEqual({ accepted: 0, duplicates: 30, corrected: 0, batch: null });
    expect(await tableCounts(t)).toEqual(afterFirst);

    const stored = await t.gql(ReadingsDocument, { meterId: elec, from: '2024-07-01T00:00:00+08:00', first: 100 }, t.keys.goa);
    expect(stored.data!.readings.nodes.map((r) => r.value)).toEqual(rows.map((r) => r.value));
  });

  it('answers CONFLICT for a changed value without correction, listing the rows, and writes nothing', async () => {
    const rows = dailyRows(elec, '2024-08-01', 3);
    await t.gql(IngestReadingsDocument, { input: { rows } }, t.keys.goa);
    const before = await tableCounts(t);
    const changed = [...dailyRows(elec, '2024-08-04', 2), { ...rows[1], value: 999 }];
    const r = await t.gql(IngestReadingsDocument, { input: { rows: changed } }, t.keys.goa);
    expect(codeOf(r)).toBe('CONFLICT');
    expect(r.errors![0].message).toMatch(/row 2: value: 999 differs from the stored 101/);
    expect(r.errors![0].extensions!.problems).toEqual([expect.objectContaining({ index: 2, field: 'value' })]);
    expect(await tableCounts(t)).toEqual(before);
  });

  it('applies a correction and keeps the old value in the history', async () => {
    const rows = dailyRows(water, '2024-07-01', 2, () => 50);
    await t.gql(IngestReadingsDocument, { input: { rows } }, t.keys.water);
    const fix = await t.gql(IngestReadingsDocument, { input: { rows: [{ ...rows[0], value: 42.5, quality: 'ESTIMATED', correction: true }, rows[1]] } }, t.keys.water);
    expect(fix.data!.ingestReadings).toMatchObject({ accepted: 0, duplicates: 1, corrected: 1 });
    const stored = await t.gql(ReadingsDocument, { meterId: water, from: rows[0].periodStart, to: rows[0].periodEnd, first: 5 }, t.keys.goa);
    expect(stored.data!.readings.nodes).toHaveLength(1);
    expect(stored.data!.readings.nodes[0]).toMatchObject({ value: 42.5, quality: 'ESTIMATED', history: [{ value: 50, quality: 'MEASURED' }] });
    // The same correction again is a duplicate, not another revision.
    const repeat = await t.gql(IngestReadingsDocument, { input: { rows: [{ ...rows[0], value: 42.5, quality: 'ESTIMATED', correction: true }] } }, t.keys.water);
    expect(repeat.data!.ingestReadings).toMatchObject({ duplicates: 1, corrected: 0 });
  });

  it('rejects the whole batch when any row is bad, listing every bad row by index', async () => {
    const before = await tableCounts(t);
    const good = dailyRows(elec, '2024-09-01', 3);
    const rows = [
      good[0],
      { ...good[1], value: -5 },
      { ...good[2], periodEnd: good[2].periodStart },
      { ...good[0], meterId: 'not-an-id' },
      { meterId: elec, periodStart: '2024-09-10T00:00:00+08:00', periodEnd: '2025-10-10T00:00:00+08:00', value: 1 },
    ];
    const r = await t.gql(IngestReadingsDocument, { input: { rows } }, t.keys.goa);
    expect(codeOf(r)).toBe('BAD_USER_INPUT');
    const problems = r.errors![0].extensions!.problems as { index: number; field: string; message: string }[];
    expect(problems.map((p) => [p.index, p.field])).toEqual([
      [1, 'value'],
      [2, 'periodEnd'],
      [3, 'meterId'],
      [4, 'periodEnd'],
    ]);
    expect(r.errors![0].message).toMatch(/row 1: value: must not be negative/);
    expect(await tableCounts(t)).toEqual(before);
  });

  it('rejects a row that repeats or overlaps another row, or a stored reading with other bounds', async () => {
    const before = await tableCounts(t);
    const [a, b] = dailyRows(elec, '2024-10-01', 2);
    const repeated = await t.gql(IngestReadingsDocument, { input: { rows: [a, b, a] } }, t.keys.goa);
    expect(codeOf(repeated)).toBe('BAD_USER_INPUT');
    expect(repeated.errors![0].message).toMatch(/repeats row/);
    // A 12-hour reading inside a stored demo day would count that energy twice.
    const inside = { meterId: elec, periodStart: '2024-06-30T06:00:00+08:00', periodEnd: '2024-06-30T18:00:00+08:00', value: 10 };
    const overlap = await t.gql(IngestReadingsDocument, { input: { rows: [a, inside] } }, t.keys.goa);
    expect(codeOf(overlap)).toBe('BAD_USER_INPUT');
    expect(overlap.errors![0].message).toMatch(/row 1: periodStart: overlaps the stored reading 2024-06-29T16:00:00.000Z/);
    expect(await tableCounts(t)).toEqual(before);
  });

  // The first look for a meter's last stored reading goes back 32 days; a longer reading is found by a second look.
  it('finds a stored reading that began months before the batch, and corrects readings months apart in one batch', async () => {
    const gas = await meterId(t, 'SY-hosp-longhui-G1');
    const quarter = { meterId: gas, periodStart: '2025-01-01T00:00:00+08:00', periodEnd: '2025-04-01T00:00:00+08:00', value: 900 };
    const later = dailyRows(gas, '2025-06-01', 2, () => 7);
    expect((await t.gql(IngestReadingsDocument, { input: { rows: [quarter, ...later] } }, t.keys.goa)).errors).toBeUndefined();
    const before = await tableCounts(t);
    const inside = dailyRows(gas, '2025-03-20', 1);
    const overlap = await t.gql(IngestReadingsDocument, { input: { rows: inside } }, t.keys.goa);
    expect(codeOf(overlap)).toBe('BAD_USER_INPUT');
    expect(overlap.errors![0].message).toMatch(/row 0: periodStart: overlaps the stored reading 2024-12-31T16:00:00.000Z to 2025-03-31T16:00:00.000Z/);
    expect(await tableCounts(t)).toEqual(before);
    // Right after the quarter: no overlap; and both older readings corrected in the same batch.
    const next = dailyRows(gas, '2025-04-01', 1);
    const fix = await t.gql(IngestReadingsDocument, { input: { rows: [...next, { ...quarter, value: 950, correction: true }, { ...later[1], value: 8, correction: true }] } }, t.keys.goa);
    expect(fix.data!.ingestReadings).toMatchObject({ accepted: 1, duplicates: 0, corrected: 2 });
    expect(await tableCounts(t)).toEqual({ ...before, readings: before.readings + 1, revisions: before.revisions + 2, batches: before.batches + 1 });
    expect(await rollupDrift(t, [Number(fromGlobalId(gas, 'Meter', 'meterId').id)])).toEqual([]);
  });

  it('stores each row with its own quality and its exact instants, milliseconds included', async () => {
    const wm = await meterId(t, 'SY-school-longhui-no1-W1');
    const rows = [
      { meterId: wm, periodStart: '2025-02-01T00:00:00.000Z', periodEnd: '2025-02-01T06:30:00.125Z', value: 1.5, quality: 'ESTIMATED' as const },
      { meterId: wm, periodStart: '2025-02-01T06:30:00.125Z', periodEnd: '2025-02-01T12:00:00.000Z', value: 2.25 },
      { meterId: wm, periodStart: '2025-02-01T12:00:00.000Z', periodEnd: '2025-02-02T00:00:00.999Z', value: 0, quality: 'ESTIMATED' as const },
    ];
    const r = await t.gql(IngestReadingsDocument, { input: { rows } }, t.keys.goa);
    expect(r.data!.ingestReadings).toMatchObject({ accepted: 3 });
    const stored = await t.sql<{ s: string; e: string; value: number; quality: string }>(
      `SELECT to_char(period_start AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS s, to_char(period_end AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS e, value, quality::text
         FROM reading WHERE meter_id = $1 AND period_start >= '2025-02-01T00:00:00Z' ORDER BY period_start`,
      [Number(fromGlobalId(wm, 'Meter', 'meterId').id)],
    );
    expect(stored).toEqual(rows.map((x) => ({ s: x.periodStart, e: x.periodEnd, value: x.value, quality: x.quality ?? 'MEASURED' })));
  });

  it('rejects an empty batch and one over 10,000 rows', async () => {
    const empty = await t.gql(IngestReadingsDocument, { input: { rows: [] } }, t.keys.goa);
    expect(codeOf(empty)).toBe('BAD_USER_INPUT');
    const huge = await t.gql(IngestReadingsDocument, { input: { rows: dailyRows(elec, '2030-01-01', 10_001) } }, t.keys.goa);
    expect(codeOf(huge)).toBe('BAD_USER_INPUT');
    expect(huge.errors![0].message).toMatch(/at most 10000 rows/);
  });

  it('follows the access table: FORBIDDEN for meters the key may not write, whole batch refused', async () => {
    const before = await tableCounts(t);
    const otherHospital = await meterId(t, 'SY-hosp-xinning-E1');
    const mixed = [...dailyRows(elec, '2024-11-01', 1), ...dailyRows(otherHospital, '2024-11-01', 1)];
    const r = await t.gql(IngestReadingsDocument, { input: { rows: mixed } }, t.keys.hospital);
    // Another institution's meter is not even visible to an institution key.
    expect(codeOf(r)).toBe('BAD_USER_INPUT');
    expect(r.errors![0].message).toMatch(/row 1: meterId: no meter/);
    const waterOnElec = await t.gql(IngestReadingsDocument, { input: { rows: dailyRows(elec, '2024-11-01', 1) } }, t.keys.water);
    expect(codeOf(waterOnElec)).toBe('BAD_USER_INPUT');
    for (const who of ['drc', 'finance', 'housing'] as const) {
      const denied = await t.gql(IngestReadingsDocument, { input: { rows: dailyRows(elec, '2024-11-01', 1) } }, t.keys[who]);
      expect(codeOf(denied)).toBe('FORBIDDEN');
    }
    // PUBLIC writes nothing: the policy table refuses the field before any meter is looked up.
    const pub = await t.gql(IngestReadingsDocument, { input: { rows: dailyRows(elec, '2024-11-01', 1) } }, t.keys.public);
    expect(codeOf(pub)).toBe('FORBIDDEN');
    expect(await tableCounts(t)).toEqual(before);
  });

  it('gives BAD_USER_INPUT for a value that is not a number or a date that is not a date', async () => {
    const r = await t.raw(
      { query: 'mutation($i: IngestReadingsInput!) { ingestReadings(input: $i) { accepted } }', variables: { i: { rows: [{ meterId: elec, periodStart: 'yesterday', periodEnd: '2024-01-01T00:00:00Z', value: 'lots' }] } } },
      t.keys.goa,
    );
    expect(r.status).toBe(400);
    expect(codeOf(r)).toBe('BAD_USER_INPUT');
  });
});
