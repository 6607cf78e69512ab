import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { print } from 'graphql';
import {
  AggregateRecyclingDocument, AggregateTargetsDocument, CorrectRecyclingRecordDocument, CreateInstitutionDocument, InstitutionTargetsDocument, InstitutionsRecyclingDocument,
  RecalculateYearDocument, RecordRecyclingDocument, RecyclingChangedDocument, SetCityTargetDocument,
} from '../../src/generated/graphql';
import { toGlobalId } from '../../src/graphql/relay';
import { makeCreditCode } from '../../src/modules/registry/credit-code';
import { cli } from '../helpers/cli';
import { codeOf, startTestHub, type TestHub } from '../helpers/hub';
import { handWorkedMonth, recyclingRow } from '../helpers/recycling';
import { listen, waitFor } from '../helpers/live';

/**
 * The RECYCLING_RATE city target measured from the recycling records, corrections of a stored
 * record, and records of a closed year (frozen, pending recalculation as readings are). Two schools
 * of its own for March 2025, a month the demo has no records for, so the sums are the test's rows.
 */
let t: TestHub;
let a: string;
let b: string;
let longhui: string;
let longhuiId: number;

const row = recyclingRow;
const MARCH = { year: 2025, month: 3 };
const recordId = async (institution: string, month: string, stream: string, disposition: string) => {
  const [r] = await t.sql<{ id: number }>('SELECT id FROM recycling_record WHERE institution_id = $1 AND month = $2 AND stream = $3 AND disposition = $4', [
    ids.get(institution), month, stream, disposition,
  ]);
  return toGlobalId('RecyclingRecord', r.id);
};
const ids = new Map<string, number>();
const progress = async (id: string, period: { year: number; month?: number }, key = t.keys.goa) => {
  const r = await t.gql(InstitutionTargetsDocument, { id, period }, key);
  expect(r.errors).toBeUndefined();
  return r.data!.institution!.indicators!.targets.filter((p) => p.kind === 'RECYCLING_RATE').map((p) => [p.targetValue, p.value, p.status]);
};
/** What a failed write must leave as it was: records, revisions, the audit trail, pending rows. */
const snapshot = () => t.sql(`SELECT (SELECT string_agg(id || ':' || quantity_kg, ',' ORDER BY id) FROM recycling_record) AS records,
  (SELECT count(*)::int FROM recycling_record_revision) AS revisions, (SELECT count(*)::int FROM audit_event) AS events,
  (SELECT string_agg(year || ':' || pending_rows, ',' ORDER BY year) FROM year_closure) AS pending`);

beforeAll(async () => {
  t = await startTestHub();
  const [l] = await t.sql<{ id: number; region_id: number }>(`SELECT id, region_id FROM institution WHERE name_zh = '隆回县人民医院'`);
  longhuiId = l.id;
  longhui = toGlobalId('Institution', l.id);
  ids.set(longhui, l.id);
  const school = async (n: number) => {
    const r = await t.gql(CreateInstitutionDocument, {
      input: { category: 'SCHOOL', creditCode: makeCreditCode('12', '430524', 91_000 + n), name: `Recycling test school ${n}`, nameZh: `回收测试学校${n}`, regionId: toGlobalId('Region', l.region_id) },
    }, t.keys.goa);
    expect(r.errors).toBeUndefined();
    const [x] = await t.sql<{ id: number }>('SELECT id FROM institution WHERE name = $1', [`Recycling test school ${n}`]);
    ids.set(r.data!.createInstitution.id, x.id);
    return r.data!.createInstitution.id;
  };
  a = await school(1);
  b = await school(2);
  const rows = [...handWorkedMonth(a, '2025-03-01'), row(b, '2025-03-01', 'PAPER', 'RECYCLED', 100)];
  const r = await t.gql(RecordRecyclingDocument, { input: { rows } }, t.keys.goa);
  expect(r.errors).toBeUndefined();
  expect(r.data!.recordRecycling).toEqual({ accepted: 9, duplicates: 0, closedYearRows: 0, closedYears: [] });
}, 120_000);
afterAll(async () => {
  await t?.close();
});

describe('RECYCLING_RATE target', () => {
  it('measures each institution from its records: recycled kg against target x total kg, exactly', async () => {
    expect((await t.gql(SetCityTargetDocument, { input: { year: 2025, kind: 'RECYCLING_RATE', value: 0.7 } }, t.keys.goa)).errors).toBeUndefined();
    // a: recycled 120.5 + 40.25 + 200 + 0.1 = 360.85 of 500.925 kg; 360.85 / 500.925 = 0.7203673... >= 0.70.
    expect(await progress(a, MARCH)).toEqual([[0.7, 0.720367, 'MET']]);
    // b: 100 of 100 kg.
    expect(await progress(b, MARCH)).toEqual([[0.7, 1, 'MET']]);
    // 0.7204 x 500.925 = 360.866370 > 360.85: below, though the rate shows 0.720367 either way.
    await t.gql(SetCityTargetDocument, { input: { year: 2025, kind: 'RECYCLING_RATE', value: 0.7204 } }, t.keys.goa);
    expect(await progress(a, MARCH)).toEqual([[0.7204, 0.720367, 'BELOW']]);
    // 0.7203 x 500.925 = 360.816277 <= 360.85.
    await t.gql(SetCityTargetDocument, { input: { year: 2025, kind: 'RECYCLING_RATE', value: 0.7203 } }, t.keys.goa);
    expect(await progress(a, MARCH)).toEqual([[0.7203, 0.720367, 'MET']]);
    // April: nothing recorded at a.
    expect(await progress(a, { year: 2025, month: 4 })).toEqual([[0.7203, null, 'NO_DATA']]);
    // The institution reads its own; HOUSING may read no recycling (nor vehicles).
    expect(await progress(longhui, MARCH, t.keys.hospital)).toEqual([[0.7203, null, 'NO_DATA']]);
    expect(codeOf(await t.gql(InstitutionTargetsDocument, { id: a, period: MARCH }, t.keys.housing))).toBe('FORBIDDEN');
  });

  it('measures a group as its sums (recycled sum over total sum), not an average of rates, under the PUBLIC disclosure plan', async () => {
    await t.gql(SetCityTargetDocument, { input: { year: 2025, kind: 'RECYCLING_RATE', value: 0.75 } }, t.keys.goa);
    const goa = await t.gql(AggregateTargetsDocument, { period: MARCH, groupBy: 'CATEGORY' }, t.keys.goa);
    expect(goa.errors).toBeUndefined();
    const schools = goa.data!.aggregateIndicators.find((g) => g.category === 'SCHOOL')!;
    // (360.85 + 100) / (500.925 + 100) = 460.85 / 600.925 = 0.76690103...; the mean of the rates would be 0.860184.
    expect(schools.targets.filter((p) => p.kind === 'RECYCLING_RATE').map((p) => [p.value, p.status])).toEqual([[0.766901, 'MET']]);
    const pub = await t.gql(AggregateTargetsDocument, { period: MARCH, groupBy: 'CATEGORY' }, t.keys.public);
    expect(pub.errors).toBeUndefined();
    for (const g of pub.data!.aggregateIndicators) {
      const same = goa.data!.aggregateIndicators.find((x) => x.category === g.category)!;
      if (g.suppressed) expect(g.targets).toEqual([]);
      else expect(g.targets).toEqual(same.targets);
    }
    expect(pub.data!.aggregateIndicators.find((g) => g.category === 'SCHOOL')!.suppressed).toBe(false);
    const regions = await t.gql(AggregateTargetsDocument, { period: MARCH, groupBy: 'REGION' }, t.keys.public);
    expect(regions.errors).toBeUndefined();
    for (const g of regions.data!.aggregateIndicators.filter((x) => x.institutionCount < 3)) expect([g.suppressed, g.targets]).toEqual([true, []]);
    // The recycling figures of the group agree.
    const figures = await t.gql(AggregateRecyclingDocument, { period: MARCH, groupBy: 'CATEGORY' }, t.keys.goa);
    expect(figures.data!.aggregateRecycling.find((g) => g.category === 'SCHOOL')).toMatchObject({ recycledKg: 460.85, totalKg: 600.925, recyclingRate: 0.766901 });
  });

  it('costs a fixed number of SQL statements for a list of N institutions and of 10 N', async () => {
    const query = 'query($first: Int!) { indicators(period: { year: 2025, month: 3 }, first: $first) { nodes { institutionCount targets { kind value status } } } }';
    const run = (first: number) => t.countStatements(async () => {
      const r = await t.raw({ query, variables: { first } }, t.keys.goa);
      expect(r.errors).toBeUndefined();
      expect((r.data as { indicators: { nodes: unknown[] } }).indicators.nodes).toHaveLength(first);
    });
    await run(2); // warms the reference cache
    const small = await run(5);
    const large = await run(50);
    expect(large).toBe(small);
  });
});

describe('correctRecyclingRecord', () => {
  it('corrects the kilograms, keeps the old ones in the history and on the audit trail, tells subscribers, and moves the target', async () => {
    const ws = t.ws(t.keys.goa);
    const events = await listen(t, ws, print(RecyclingChangedDocument));
    const id = await recordId(a, '2025-03-01', 'KITCHEN_WASTE', 'RECYCLED');
    const r = await t.gql(CorrectRecyclingRecordDocument, { input: { recordId: id, quantityKg: 150 } }, t.keys.goa);
    expect(r.errors).toBeUndefined();
    expect(r.data!.correctRecyclingRecord).toMatchObject({
      corrected: true, closedYearRows: 0, closedYears: [],
      record: { id, month: '2025-03-01', stream: 'KITCHEN_WASTE', disposition: 'RECYCLED', quantityKg: '150.000', institution: { id: a }, history: [{ quantityKg: '200.000' }] },
    });
    const [event] = await t.sql<{ changes: unknown[]; object_ids: string[] }>(`SELECT changes, object_ids FROM audit_event WHERE operation = 'correctRecyclingRecord' ORDER BY id DESC LIMIT 1`);
    expect(event.object_ids).toEqual([id]);
    expect(event.changes).toEqual([{ object: id, type: 'RecyclingRecord', action: 'update', fields: { quantityKg: { before: '200.000', after: '150.000' } } }]);
    await waitFor(() => events.length >= 1);
    expect(events[0].data.recyclingChanged).toEqual({ months: ['2025-03-01'], institution: { id: a } });
    // After: recycled 310.85 of 450.925 kg = 0.6893607... < 0.75.
    expect(await progress(a, MARCH)).toEqual([[0.75, 0.689361, 'BELOW']]);
    // The same kilograms again: nothing to correct, no revision.
    const same = await t.gql(CorrectRecyclingRecordDocument, { input: { recordId: id, quantityKg: 150 } }, t.keys.goa);
    expect(same.data!.correctRecyclingRecord).toMatchObject({ corrected: false, record: { quantityKg: '150.000', history: [{ quantityKg: '200.000' }] } });
    // The institution corrects its own.
    const own = await t.gql(RecordRecyclingDocument, { input: { rows: [row(longhui, '2025-03-01', 'GLASS', 'RECYCLED', 10)] } }, t.keys.hospital);
    expect(own.errors).toBeUndefined();
    const ownId = await recordId(longhui, '2025-03-01', 'GLASS', 'RECYCLED');
    const fixed = await t.gql(CorrectRecyclingRecordDocument, { input: { recordId: ownId, quantityKg: 12.345 } }, t.keys.hospital);
    expect(fixed.errors).toBeUndefined();
    expect(fixed.data!.correctRecyclingRecord.record).toMatchObject({ quantityKg: '12.345', history: [{ quantityKg: '10.000', replacedBy: expect.stringContaining('Longhui') }] });
    await ws.dispose();
  });

  it('refuses bad input, other subjects and unknown records with the right code, and changes nothing', async () => {
    const id = await recordId(a, '2025-03-01', 'PAPER', 'RECYCLED');
    const before = await snapshot();
    const cases: [Record<string, unknown>, string, string, RegExp][] = [
      [{ recordId: id, quantityKg: -1 }, t.keys.goa, 'BAD_USER_INPUT', /quantityKg: must be a number of kg, 0 or more/],
      [{ recordId: id, quantityKg: 1.0001 }, t.keys.goa, 'BAD_USER_INPUT', /quantityKg: at most 3 decimals/],
      [{ recordId: id, quantityKg: 2_000_000 }, t.keys.goa, 'BAD_USER_INPUT', /quantityKg: at most 1000000 kg/],
      [{ recordId: toGlobalId('Institution', longhuiId), quantityKg: 1 }, t.keys.goa, 'BAD_USER_INPUT', /recordId/],
      [{ recordId: 'not-an-id', quantityKg: 1 }, t.keys.goa, 'BAD_USER_INPUT', /recordId/],
      [{ recordId: toGlobalId('RecyclingRecord', 999_999_999), quantityKg: 1 }, t.keys.goa, 'NOT_FOUND', /no recycling record with this id/],
      // Another institution's record is not the hospital's to see.
      [{ recordId: id, quantityKg: 1 }, t.keys.hospital, 'NOT_FOUND', /no recycling record with this id/],
      [{ recordId: id, quantityKg: 1 }, t.keys.drc, 'FORBIDDEN', /./],
      [{ recordId: id, quantityKg: 1 }, t.keys.finance, 'FORBIDDEN', /./],
      [{ recordId: id, quantityKg: 1 }, t.keys.housing, 'FORBIDDEN', /./],
      [{ recordId: id, quantityKg: 1 }, t.keys.public, 'FORBIDDEN', /./],
      [{ recordId: id, quantityKg: 1 }, t.keys.esco, 'FORBIDDEN', /./],
    ];
    for (const [input, key, code, message] of cases) {
      const r = await t.gql(CorrectRecyclingRecordDocument, { input: input as never }, key);
      expect([JSON.stringify(input), codeOf(r)]).toEqual([JSON.stringify(input), code]);
      expect(r.errors![0].message).toMatch(message);
    }
    expect(await snapshot()).toEqual(before);
  });
});

describe('a closed year', () => {
  const longhui2023 = async (key = t.keys.goa) => {
    const q = await t.gql(InstitutionsRecyclingDocument, { first: 100, period: { year: 2023, month: 3 } }, key);
    expect(q.errors).toBeUndefined();
    return q.data!.institutions.nodes.find((n) => n.id === longhui)!.recycling!;
  };

  it('keeps its recycling figures and target frozen: a correction or a new record is stored and marks the year pending, as readings do, until recalculateYear', async () => {
    await t.gql(SetCityTargetDocument, { input: { year: 2023, kind: 'RECYCLING_RATE', value: 0.36 } }, t.keys.goa);
    // The demo's rule (see recycling.test.ts): 6,683 of 18,480 kg recycled in March 2023.
    expect(await longhui2023()).toMatchObject({ closed: true, pendingRecalculation: false, recycledKg: 6683, totalKg: 18480, recyclingRate: 0.361634 });
    expect(await progress(longhui, { year: 2023, month: 3 })).toEqual([[0.36, 0.361634, 'MET']]);

    const paper = await recordId(longhui, '2023-03-01', 'PAPER', 'RECYCLED');
    const r = await t.gql(CorrectRecyclingRecordDocument, { input: { recordId: paper, quantityKg: 2500 } }, t.keys.hospital);
    expect(r.errors).toBeUndefined();
    expect(r.data!.correctRecyclingRecord).toMatchObject({ corrected: true, closedYearRows: 1, closedYears: [2023], record: { quantityKg: '2500.000', history: [{ quantityKg: '2772.000' }] } });
    const added = await t.gql(RecordRecyclingDocument, { input: { rows: [row(a, '2023-03-01', 'METALS', 'RECYCLED', 5), row(a, '2025-02-01', 'METALS', 'RECYCLED', 5)] } }, t.keys.goa);
    expect(added.data!.recordRecycling).toEqual({ accepted: 2, duplicates: 0, closedYearRows: 1, closedYears: [2023] });
    expect(await t.sql('SELECT year, pending_rows FROM year_closure WHERE year = 2023')).toEqual([{ year: 2023, pending_rows: 2 }]);
    // Frozen: the figures and the target read as at closing, flagged pending.
    expect(await longhui2023()).toMatchObject({ closed: true, pendingRecalculation: true, recycledKg: 6683, totalKg: 18480, recyclingRate: 0.361634 });
    expect(await progress(longhui, { year: 2023, month: 3 })).toEqual([[0.36, 0.361634, 'MET']]);
    const city = await t.gql(AggregateRecyclingDocument, { period: { year: 2023, month: 3 }, groupBy: 'CITY' }, t.keys.goa);
    expect(city.data!.aggregateRecycling[0]).toMatchObject({ closed: true, pendingRecalculation: true });

    // GOA recalculates: the corrected 2,500 kg count now (6,683 - 272 = 6,411 of 18,208 kg = 0.352098 < 0.36).
    const recalc = await t.gql(RecalculateYearDocument, { year: 2023, reason: 'recycling ledger corrected' }, t.keys.goa);
    expect(recalc.errors).toBeUndefined();
    expect(await longhui2023()).toMatchObject({ closed: true, pendingRecalculation: false, recycledKg: 6411, totalKg: 18208, recyclingRate: 0.352098 });
    expect(await progress(longhui, { year: 2023, month: 3 })).toEqual([[0.36, 0.352098, 'BELOW']]);
  });

  it('says so when an imported ledger writes into a closed year, and marks it pending', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ewc-recycling-closed-'));
    try {
      const file = path.join(dir, 'ledger.csv');
      writeFileSync(file, '单位,月份,类别,去向,重量(kg)\n回收测试学校2,2023-04,玻璃,回收,7\n回收测试学校2,2025-04,玻璃,回收,8\n');
      const r = await cli(['import', 'recycling', file], { DATABASE_URL: t.db.url, EWC_DATA_DIR: process.env.EWC_TEST_DATA_DIR });
      expect(r.stderr).toBe('');
      expect(r.stdout).toMatch(/^imported 2 recycling records \(0 duplicates\) of 2 rows; 1 in closed years \(2023\): pending recalculateYear/);
      expect(await t.sql('SELECT pending_rows FROM year_closure WHERE year = 2023')).toEqual([{ pending_rows: 1 }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
