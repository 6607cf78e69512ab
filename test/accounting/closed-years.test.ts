import { toGlobalId } from '../../src/graphql/relay';
import { projectionScale } from '../../src/modules/accounting/indicators.build';
import { ComplianceStatus } from '../../src/modules/compliance/compliance.enums';
import { statusOf } from '../../src/modules/compliance/quota-book';
import { startTestHub, type TestHub } from '../helpers/hub';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- an untyped GraphQL response, read field by field

describe('projection of part of a year (pure)', () => {
  it('scales by days of the year over days elapsed, and leaves a whole year alone', () => {
    expect(projectionScale({ year: 2024, from: '2024-01-01', to: '2024-07-01' })).toBeCloseTo(366 / 182, 12);
    expect(projectionScale({ year: 2023, from: '2023-01-01', to: '2023-01-02' })).toBe(365);
    expect(projectionScale({ year: 2024, from: '2024-01-01', to: '2025-01-01' })).toBeNull();
  });
});

describe('closed years and the year in progress', () => {
  let t: TestHub;
  const gql = async (query: string, variables: Json = {}, key = t.keys.goa): Promise<Json> => (await t.raw({ query, variables }, key)) as Json;
  let meterId: string;
  let institutionId: string;
  /** Another hospital, with the demo's meters only. */
  let untouchedId: string;
  const INGEST = `mutation($rows: [ReadingRowInput!]!) { ingestReadings(input: { rows: $rows }) { accepted corrected closedYearRows closedYears } }`;
  const PENDING = `query($id: ID!) { closedYears { year pendingRecalculation pendingRows }
    institution(id: $id) { y2023: indicators(period: { year: 2023 }) { closed pendingRecalculation } y2024: indicators(period: { year: 2024 }) { closed pendingRecalculation } } }`;

  beforeAll(async () => {
    t = await startTestHub();
    const [inst, other] = await t.sql<{ id: number }>(`SELECT id FROM institution WHERE category = 'HOSPITAL' ORDER BY id LIMIT 2`);
    institutionId = toGlobalId('Institution', inst.id);
    untouchedId = toGlobalId('Institution', other.id);
    const m = await gql(`mutation($input: CreateMeterInput!) { createMeter(input: $input) { id } }`, { input: { institutionId, carrier: 'ELECTRICITY', unit: 'KWH', serial: 'SY-closed-year-E9' } });
    expect(m.errors).toBeUndefined();
    meterId = m.data.createMeter.id;
  });
  afterAll(() => t?.close());

  it('reports rows sent into a closed year and shows the year pending until it is recalculated', async () => {
    const before = await gql(PENDING, { id: institutionId });
    expect(before.data.closedYears.find((y: Json) => y.year === 2023)).toEqual({ year: 2023, pendingRecalculation: false, pendingRows: 0 });
    expect(before.data.institution.y2023).toEqual({ closed: true, pendingRecalculation: false });

    // An open year alone: nothing to report.
    const open = await gql(INGEST, { rows: [{ meterId, periodStart: '2024-03-01T00:00:00+08:00', periodEnd: '2024-03-02T00:00:00+08:00', value: 10 }] });
    expect(open.data.ingestReadings).toEqual({ accepted: 1, corrected: 0, closedYearRows: 0, closedYears: [] });

    // One row in 2023, one over New Year 2023/2024 (in 2023 for 4 hours), one in 2024.
    const rows = [
      { meterId, periodStart: '2023-06-01T00:00:00+08:00', periodEnd: '2023-06-02T00:00:00+08:00', value: 100 },
      { meterId, periodStart: '2023-12-31T20:00:00+08:00', periodEnd: '2024-01-01T04:00:00+08:00', value: 8 },
      { meterId, periodStart: '2024-03-02T00:00:00+08:00', periodEnd: '2024-03-03T00:00:00+08:00', value: 10 },
    ];
    const r = await gql(INGEST, { rows });
    expect(r.errors).toBeUndefined();
    expect(r.data.ingestReadings).toEqual({ accepted: 3, corrected: 0, closedYearRows: 2, closedYears: [2023] });
    // The same batch again changes nothing and so reports nothing.
    expect((await gql(INGEST, { rows })).data.ingestReadings).toMatchObject({ accepted: 0, closedYearRows: 0, closedYears: [] });

    const pending = await gql(PENDING, { id: institutionId });
    expect(pending.data.closedYears.find((y: Json) => y.year === 2023)).toEqual({ year: 2023, pendingRecalculation: true, pendingRows: 2 });
    expect(pending.data.institution.y2023).toEqual({ closed: true, pendingRecalculation: true });
    expect(pending.data.institution.y2024).toEqual({ closed: false, pendingRecalculation: false });

    // A correction in the closed year counts too.
    const fix = await gql(INGEST, { rows: [{ ...rows[0], value: 120, correction: true }] });
    expect(fix.data.ingestReadings).toMatchObject({ corrected: 1, closedYearRows: 1, closedYears: [2023] });

    const rec = await gql(`mutation { recalculateYear(year: 2023, reason: "late readings of a new meter") { year } }`);
    expect(rec.errors).toBeUndefined();
    const after = await gql(PENDING, { id: institutionId });
    expect(after.data.closedYears.find((y: Json) => y.year === 2023)).toEqual({ year: 2023, pendingRecalculation: false, pendingRows: 0 });
    expect(after.data.institution.y2023).toEqual({ closed: true, pendingRecalculation: false });

    // nodes(ids) answers the closure and its recalculation as the lists do; a year never closed is NOT_FOUND.
    const lists = await gql('{ closedYears { id year pendingRecalculation pendingRows energyKgce } yearRecalculations(year: 2023) { id year reason newEnergyKgce } }');
    const closure = lists.data.closedYears.find((y: Json) => y.year === 2023);
    const recalculation = lists.data.yearRecalculations[0];
    expect(recalculation.reason).toBe('late readings of a new meter');
    const FIELDS = '... on YearClosure { year pendingRecalculation pendingRows energyKgce } ... on YearRecalculation { year reason newEnergyKgce }';
    const nodes = await gql(`query($ids: [ID!]!) { nodes(ids: $ids) { id ${FIELDS} } }`, { ids: [closure.id, recalculation.id] });
    expect(nodes.data.nodes).toEqual([closure, recalculation]);
    const never = await gql('query($id: ID!) { node(id: $id) { id } }', { id: toGlobalId('YearClosure', 1999) });
    expect([never.errors?.[0]?.extensions?.code, never.data?.node ?? null]).toEqual(['NOT_FOUND', null]);
  });

  it('reports closed-year rows of a file imported over HTTP', async () => {
    const csv = 'serial,start,end,value\nSY-closed-year-E9,2022-05-01 00:00,2022-05-02 00:00,40\nSY-closed-year-E9,2024-05-01 00:00,2024-05-02 00:00,41\n';
    const res = await fetch(t.hub.url.replace(/\/graphql$/, '/import/readings'), { method: 'POST', headers: { 'content-type': 'text/csv', authorization: `Bearer ${t.keys.goa}` }, body: csv });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ rows: 2, accepted: 2, closedYearRows: 1, closedYears: [2022] });
    const y = await gql('{ closedYears { year pendingRows } }');
    expect(y.data.closedYears.find((c: Json) => c.year === 2022)).toEqual({ year: 2022, pendingRows: 1 });
  });

  it('judges half a year on its projection to the whole year, with coverage over the days elapsed; the whole year keeps the rule', async () => {
    // The demo's readings end on 2024-06-30: half of 2024.
    const Q = `query($id: ID!, $p: PeriodInput!) { institution(id: $id) { indicators(period: $p) { period { kind from to } perCapitaEnergyKgce energyCoverage
      compliance { indicator status value yearToDateValue projected coverage constraintValue baselineValue guideValue } } } }`;
    const half = await gql(Q, { id: untouchedId, p: { year: 2024, through: '2024-06-30' } });
    expect(half.errors).toBeUndefined();
    const v = half.data.institution.indicators;
    const c = v.compliance.find((x: Json) => x.indicator === 'PER_CAPITA_ENERGY');
    expect(c.projected).toBe(true);
    // Each figure is rounded once at the boundary (ratios to 6 significant digits).
    expect(c.yearToDateValue).toBeCloseTo(v.perCapitaEnergyKgce, 2);
    expect(c.value).toBeCloseTo((v.perCapitaEnergyKgce * 366) / 182, 1);
    expect(c.coverage).toBeGreaterThan(0.9);
    expect(c.status).not.toBe(ComplianceStatus.INSUFFICIENT_DATA);
    expect(c.status).toBe(statusOf(c.value, c.coverage, c));

    const whole = await gql(Q, { id: untouchedId, p: { year: 2024 } });
    const w = whole.data.institution.indicators.compliance.find((x: Json) => x.indicator === 'PER_CAPITA_ENERGY');
    expect(w).toMatchObject({ projected: false, yearToDateValue: null, status: ComplianceStatus.INSUFFICIENT_DATA });
    expect(w.coverage).toBeLessThan(0.6);
  });

  it('measures a year asked for while it runs over the days elapsed, and projects it', async () => {
    const today = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
    const year = Number(today().slice(0, 4));
    const day0 = today();
    const r = await gql(`query($id: ID!, $y: Int!) { institution(id: $id) { indicators(period: { year: $y }) { period { kind from to } compliance { projected } } } }`, { id: institutionId, y: year });
    expect(r.errors).toBeUndefined();
    const v = r.data.institution.indicators;
    if (day0.endsWith('-01-01')) return; // No day of the year has passed yet: nothing to project.
    expect(v.period.kind).toBe('YEAR_TO_DATE');
    expect(v.period.from).toBe(`${year}-01-01`);
    expect([day0, today()]).toContain(v.period.to);
    expect(v.compliance.every((c: Json) => c.projected)).toBe(true);
  });
});
