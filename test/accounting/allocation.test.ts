import { startTestHub, type TestHub } from '../helpers/hub';

// ewc_allocate(start, end, value, tz) spreads a reading's consumption over [start, end) by time
// across the local calendar days (in tz) it covers. Months, quarters and years are sums of days.

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(() => t.close());

interface Row {
  day: string;
  value: number;
  covered_s: number;
}

async function allocate(start: string, end: string, value: number, tz: string): Promise<Row[]> {
  return t.sql<Row>(
    `select day::text as day, value, covered_s from ewc_allocate($1::timestamptz, $2::timestamptz, $3::float8, $4) order by day`,
    [start, end, value, tz],
  );
}

/** Sums the day shares by date_trunc(unit, day), as the hub does for months, quarters and years. */
async function grouped(unit: 'month' | 'quarter' | 'year', start: string, end: string, value: number, tz: string) {
  return t.sql<{ period: string; value: number; covered_s: number }>(
    `select date_trunc($5, day)::date::text as period, sum(value) as value, sum(covered_s) as covered_s
       from ewc_allocate($1::timestamptz, $2::timestamptz, $3::float8, $4)
      group by 1 order by 1`,
    [start, end, value, tz, unit],
  );
}

function expectRows(actual: Row[], expected: Row[]) {
  expect(actual.map((r) => r.day)).toEqual(expected.map((r) => r.day));
  expected.forEach((e, i) => {
    expect(actual[i].value).toBeCloseTo(e.value, 9);
    expect(actual[i].covered_s).toBeCloseTo(e.covered_s, 6);
  });
}

describe('ewc_allocate', () => {
  it('keeps a reading within one local day on that day', async () => {
    // 09:00-11:00 +08:00 on 2023-03-05 = 2 h = 7200 s, all inside 2023-03-05: 5 * 7200/7200 = 5.
    expectRows(await allocate('2023-03-05T09:00:00+08:00', '2023-03-05T11:00:00+08:00', 5, 'Asia/Shanghai'), [
      { day: '2023-03-05', value: 5, covered_s: 7200 },
    ]);
  });

  it('splits a reading across local midnight, which is also a month end', async () => {
    // 2023-01-31 20:00 to 2023-02-01 04:00 +08:00 = 8 h. Jan 31: 20:00-24:00 = 4 h = 14400 s -> 8 * 4/8 = 4;
    // Feb 1: 00:00-04:00 = 4 h = 14400 s -> 4.
    const start = '2023-01-31T20:00:00+08:00';
    const end = '2023-02-01T04:00:00+08:00';
    expectRows(await allocate(start, end, 8, 'Asia/Shanghai'), [
      { day: '2023-01-31', value: 4, covered_s: 14400 },
      { day: '2023-02-01', value: 4, covered_s: 14400 },
    ]);
    // By month: January = Jan 31 = 4, February = Feb 1 = 4.
    const months = await grouped('month', start, end, 8, 'Asia/Shanghai');
    expect(months.map((m) => m.period)).toEqual(['2023-01-01', '2023-02-01']);
    expect(months[0].value).toBeCloseTo(4, 9);
    expect(months[1].value).toBeCloseTo(4, 9);
  });

  it('splits a reading across a year end, grouped by year and by quarter', async () => {
    // 2022-12-31 18:00 to 2023-01-01 06:00 +08:00 = 12 h. Dec 31: 18:00-24:00 = 6 h = 21600 s -> 12 * 6/12 = 6;
    // Jan 1: 00:00-06:00 = 6 h = 21600 s -> 6. Years 2022 = 6, 2023 = 6; quarters 2022 Q4 = 6, 2023 Q1 = 6.
    const start = '2022-12-31T18:00:00+08:00';
    const end = '2023-01-01T06:00:00+08:00';
    expectRows(await allocate(start, end, 12, 'Asia/Shanghai'), [
      { day: '2022-12-31', value: 6, covered_s: 21600 },
      { day: '2023-01-01', value: 6, covered_s: 21600 },
    ]);
    const years = await grouped('year', start, end, 12, 'Asia/Shanghai');
    expect(years.map((y) => y.period)).toEqual(['2022-01-01', '2023-01-01']);
    expect(years[0].value).toBeCloseTo(6, 9);
    expect(years[1].value).toBeCloseTo(6, 9);
    const quarters = await grouped('quarter', start, end, 12, 'Asia/Shanghai');
    expect(quarters.map((q) => q.period)).toEqual(['2022-10-01', '2023-01-01']);
    expect(quarters[0].value).toBeCloseTo(6, 9);
    expect(quarters[1].value).toBeCloseTo(6, 9);
  });

  it('splits a month-long bill that is not aligned to months by days', async () => {
    // 2023-01-16 00:00 to 2023-02-15 00:00 +08:00 = 30 days (16 in January: 16..31; 14 in February: 1..14).
    // Each day 86400 s -> 300/30 = 10. January 16 * 10 = 160 (1382400 s), February 14 * 10 = 140 (1209600 s).
    const start = '2023-01-16T00:00:00+08:00';
    const end = '2023-02-15T00:00:00+08:00';
    const rows = await allocate(start, end, 300, 'Asia/Shanghai');
    expect(rows).toHaveLength(30);
    expect(rows[0].day).toBe('2023-01-16');
    expect(rows[29].day).toBe('2023-02-14');
    for (const r of rows) {
      expect(r.value).toBeCloseTo(10, 9);
      expect(r.covered_s).toBeCloseTo(86400, 6);
    }
    const months = await grouped('month', start, end, 300, 'Asia/Shanghai');
    expect(months.map((m) => m.period)).toEqual(['2023-01-01', '2023-02-01']);
    expect(months[0].value).toBeCloseTo(160, 9);
    expect(months[0].covered_s).toBeCloseTo(16 * 86400, 6);
    expect(months[1].value).toBeCloseTo(140, 9);
    expect(months[1].covered_s).toBeCloseTo(14 * 86400, 6);
  });

  it('uses the local day of the given time zone, not the UTC day', async () => {
    // 2023-01-31 17:00Z-19:00Z = 2023-02-01 01:00-03:00 in Asia/Shanghai (+08:00): 7200 s, all on Feb 1 -> 2.
    expectRows(await allocate('2023-01-31T17:00:00Z', '2023-01-31T19:00:00Z', 2, 'Asia/Shanghai'), [
      { day: '2023-02-01', value: 2, covered_s: 7200 },
    ]);
    // In UTC the same instants are 2023-01-31 17:00-19:00: 7200 s, all on Jan 31 -> 2.
    expectRows(await allocate('2023-01-31T17:00:00Z', '2023-01-31T19:00:00Z', 2, 'UTC'), [
      { day: '2023-01-31', value: 2, covered_s: 7200 },
    ]);
  });

  it('gives a daylight saving day its real length (spring: 23 h, autumn: 25 h)', async () => {
    // Spring: 2023-03-11 00:00 EST (05:00Z) to 2023-03-13 00:00 EDT (04:00Z) = 48 h - 1 h = 47 h, value 47 (1 per hour).
    // Mar 11: 24 h = 86400 s -> 24; Mar 12 (clocks 02:00 -> 03:00): 23 h = 82800 s -> 23.
    expectRows(await allocate('2023-03-11T00:00:00-05:00', '2023-03-13T00:00:00-04:00', 47, 'America/New_York'), [
      { day: '2023-03-11', value: 24, covered_s: 86400 },
      { day: '2023-03-12', value: 23, covered_s: 82800 },
    ]);
    // Autumn: 2023-11-05 00:00 EDT (04:00Z) to 2023-11-06 00:00 EST (05:00Z) = 25 h = 90000 s, one local day -> 25.
    expectRows(await allocate('2023-11-05T00:00:00-04:00', '2023-11-06T00:00:00-05:00', 25, 'America/New_York'), [
      { day: '2023-11-05', value: 25, covered_s: 90000 },
    ]);
  });

  it('gives no zero-length row to the day a reading ends at midnight of', async () => {
    // 2023-05-01 00:00 to 2023-05-02 00:00 +08:00 = exactly 2023-05-01 (86400 s): [start, end) never touches May 2.
    expectRows(await allocate('2023-05-01T00:00:00+08:00', '2023-05-02T00:00:00+08:00', 7, 'Asia/Shanghai'), [
      { day: '2023-05-01', value: 7, covered_s: 86400 },
    ]);
  });

  it('shares add up to the value and covered seconds to the span over a long uneven span', async () => {
    // 2023-01-01 07:13 to 2023-04-09 19:41 +08:00: Jan 1 -> Apr 9 is 31 + 28 + 31 + 8 = 98 days, plus 12 h 28 min
    // = 98 * 86400 + 44880 = 8512080 s. Days Jan 1 .. Apr 9 = 99 rows: first 24:00 - 07:13 = 60420 s,
    // 97 full days, last 00:00 - 19:41 = 70860 s (60420 + 97 * 86400 + 70860 = 8512080).
    const rows = await allocate('2023-01-01T07:13:00+08:00', '2023-04-09T19:41:00+08:00', 1234.5, 'Asia/Shanghai');
    expect(rows).toHaveLength(99);
    expect(rows[0]).toEqual({ day: '2023-01-01', value: expect.any(Number), covered_s: expect.any(Number) });
    expect(rows[0].covered_s).toBeCloseTo(60420, 6);
    expect(rows[0].value).toBeCloseTo((1234.5 * 60420) / 8512080, 9);
    expect(rows[98].day).toBe('2023-04-09');
    expect(rows[98].covered_s).toBeCloseTo(70860, 6);
    expect(rows.slice(1, 98).every((r) => Math.abs(r.covered_s - 86400) < 1e-6)).toBe(true);
    const [sum] = await t.sql<{ value: number; covered_s: number }>(
      `select sum(value) as value, sum(covered_s) as covered_s
         from ewc_allocate('2023-01-01T07:13:00+08:00', '2023-04-09T19:41:00+08:00', 1234.5, 'Asia/Shanghai')`,
    );
    expect(sum.value).toBeCloseTo(1234.5, 9);
    expect(sum.covered_s).toBeCloseTo(8512080, 6);
  });
});
