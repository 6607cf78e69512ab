import { ensurePartitionsAhead, MONTHS_AHEAD } from '../../src/modules/metering/partitions';
import { meterId, rollupDrift } from '../helpers/fixtures';
import { codeOf, startTestHub, type TestHub } from '../helpers/hub';

const INGEST = `mutation($rows: [ReadingRowInput!]!) { ingestReadings(input: { rows: $rows }) { accepted corrected } }`;
const READINGS = `query($id: ID!) { readings(meterId: $id, first: 10, from: "2030-12-31T00:00:00Z") { nodes { periodStart value history { value } } } }`;

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- an untyped GraphQL response, read field by field

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(() => t.close());

const partitions = async () =>
  (await t.sql<{ name: string; bound: string }>(
    `SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound
       FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'reading'::regclass ORDER BY c.relname`,
  )).map((p) => p.name);
const partitionOf = async (start: string) =>
  (await t.sql<{ part: string }>(`SELECT tableoid::regclass::text AS part FROM reading WHERE period_start = $1`, [start]))[0]?.part;

describe('readings partitioned by month', () => {
  it('has a partition per month of the demo and months made ahead of today', async () => {
    const names = await partitions();
    expect(names).toContain('reading_y2021m01');
    expect(names).toContain('reading_y2024m06');
    const now = new Date();
    const ahead = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + MONTHS_AHEAD, 1));
    expect(names).toContain(`reading_y${ahead.getUTCFullYear()}m${String(ahead.getUTCMonth() + 1).padStart(2, '0')}`);
    // Making them again is a no-op.
    expect(await ensurePartitionsAhead(t.db.pool)).toBe(0);
  });

  it('creates the months an ingest needs across a year boundary, and corrections and history work across them', async () => {
    const meter = await meterId(t, 'SY-hosp-longhui-E1');
    expect(await partitions()).not.toContain('reading_y2030m12');
    // Two hours either side of midnight UTC on New Year's Eve 2030.
    const rows = ['2030-12-31T22:00:00.000Z', '2030-12-31T23:00:00.000Z', '2031-01-01T00:00:00.000Z', '2031-01-01T01:00:00.000Z'].map((s, i) => ({
      meterId: meter,
      periodStart: s,
      periodEnd: new Date(Date.parse(s) + 3_600_000).toISOString(),
      value: 10 + i,
    }));
    const r = (await t.raw({ query: INGEST, variables: { rows } }, t.keys.goa)) as Json;
    expect(r.errors).toBeUndefined();
    expect(r.data.ingestReadings.accepted).toBe(4);
    expect(await partitions()).toEqual(expect.arrayContaining(['reading_y2030m12', 'reading_y2031m01']));
    expect(await partitionOf('2030-12-31T23:00:00Z')).toBe('reading_y2030m12');
    expect(await partitionOf('2031-01-01T00:00:00Z')).toBe('reading_y2031m01');

    // A correction in the new year's partition keeps the old value as history.
    const fix = (await t.raw({ query: INGEST, variables: { rows: [{ ...rows[2], value: 99, correction: true }] } }, t.keys.goa)) as Json;
    expect(fix.data.ingestReadings.corrected).toBe(1);
    const read = (await t.raw({ query: READINGS, variables: { id: meter } }, t.keys.goa)) as Json;
    expect(read.errors).toBeUndefined();
    expect(read.data.readings.nodes.map((n: Json) => [n.value, n.history.map((h: Json) => h.value)])).toEqual([
      [10, []],
      [11, []],
      [99, [12]],
      [13, []],
    ]);
    const id = (await t.sql<{ meter_id: number }>(`SELECT meter_id FROM reading WHERE period_start = '2031-01-01T00:00:00Z'`))[0].meter_id;
    expect(await rollupDrift(t, [id])).toEqual([]);
  });

  it('refuses a range of more than a century, and a batch that fails leaves no readings behind', async () => {
    const meter = await meterId(t, 'SY-hosp-longhui-E1');
    const before = await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM reading');
    const rows = [
      { meterId: meter, periodStart: '1900-01-01T00:00:00Z', periodEnd: '1900-01-01T01:00:00Z', value: 1 },
      { meterId: meter, periodStart: '2040-01-01T00:00:00Z', periodEnd: '2040-01-01T01:00:00Z', value: 1 },
    ];
    const r = (await t.raw({ query: INGEST, variables: { rows } }, t.keys.goa)) as Json;
    expect(codeOf(r as never)).toBe('BAD_USER_INPUT');
    expect(r.errors[0].message).toMatch(/periodStart/);
    expect(await t.sql('SELECT count(*)::int AS n FROM reading')).toEqual(before);
    await expect(t.sql(`SELECT ewc_ensure_reading_partitions('1900-01-01', '2040-01-01')`)).rejects.toThrow(/more than 100 years/);
  });

  it('refuses, per statement, a reading whose meter or batch does not exist, and a meter or batch deleted or renumbered under its readings', async () => {
    // The foreign keys' per-row lookups are replaced by a check of the whole set (migration reading_set_checks).
    const [{ meter_id: meter, batch_id: batch }] = await t.sql<{ meter_id: number; batch_id: number }>('SELECT meter_id, batch_id FROM reading ORDER BY id LIMIT 1');
    const [{ none }] = await t.sql<{ none: number }>('SELECT max(id) + 1000 AS none FROM meter');
    const [{ noBatch }] = await t.sql<{ noBatch: number }>('SELECT max(id) + 1000 AS "noBatch" FROM reading_batch');
    const before = await t.sql('SELECT count(*)::int AS n FROM reading');
    const insert = (meterId: number, batchId: number) =>
      t.sql(
        `INSERT INTO reading (meter_id, period_start, period_end, value, quality, batch_id)
         VALUES ($1, '2031-06-01T00:00:00Z', '2031-06-01T01:00:00Z', 1, 'MEASURED', $3), ($2, '2031-06-01T01:00:00Z', '2031-06-01T02:00:00Z', 1, 'MEASURED', $3)`,
        [meter, meterId, batchId],
      );
    await t.sql(`SELECT ewc_ensure_reading_partitions('2031-06-01', '2031-06-02')`);
    await expect(insert(none, batch)).rejects.toMatchObject({ code: '23503', message: expect.stringMatching(/meter that does not exist/) });
    await expect(insert(meter, noBatch)).rejects.toMatchObject({ code: '23503', message: expect.stringMatching(/batch that does not exist/) });
    await expect(t.sql(`UPDATE reading SET meter_id = $1 WHERE meter_id = $2`, [none, meter])).rejects.toMatchObject({ code: '23503' });
    expect(await t.sql('SELECT count(*)::int AS n FROM reading')).toEqual(before);

    await expect(t.sql('DELETE FROM meter WHERE id = $1', [meter])).rejects.toMatchObject({ code: '23503', message: expect.stringMatching(/readings still name this meter/) });
    await expect(t.sql('UPDATE meter SET id = $1 WHERE id = $2', [none, meter])).rejects.toMatchObject({ code: '23503' });
    await expect(t.sql('DELETE FROM reading_batch WHERE id = $1', [batch])).rejects.toMatchObject({ code: '23503', message: expect.stringMatching(/readings still name this reading batch/) });
    expect(await t.sql('SELECT count(*)::int AS n FROM meter WHERE id = $1', [meter])).toEqual([{ n: 1 }]);
    // A meter no reading names may still be renamed and its row updated.
    await t.sql('UPDATE meter SET serial = serial WHERE id = $1', [meter]);
    // Both meters existing: the same insert goes in.
    await insert(meter === 1 ? 2 : 1, batch);
    expect((await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM reading'))[0].n).toBe((before[0] as { n: number }).n + 2);
  });
});
