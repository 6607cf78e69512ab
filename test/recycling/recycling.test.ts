import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { print } from 'graphql';
import {
  AggregateRecyclingDocument, InstitutionsRecyclingDocument, RecordRecyclingDocument, RecyclingChangedDocument, RecyclingRecordsDocument,
} from '../../src/generated/graphql';
import { toGlobalId } from '../../src/graphql/relay';
import { cli } from '../helpers/cli';
import { codeOf, startTestHub, type TestHub } from '../helpers/hub';
import { listen, waitFor } from '../helpers/live';
import { handWorkedMonth, recyclingRow } from '../helpers/recycling';

let t: TestHub;
let dir: string;
let env: Record<string, string | undefined>;
let longhui: string;
let xinning: string;
let longhuiId: number;

const count = async () => (await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM recycling_record'))[0].n;
const stored = () => t.sql<{ k: string }>(`SELECT institution_id || ' ' || month || ' ' || stream || ' ' || disposition || ' ' || quantity_kg AS k FROM recycling_record ORDER BY id`);
const row = recyclingRow;

beforeAll(async () => {
  t = await startTestHub();
  env = { DATABASE_URL: t.db.url, EWC_DATA_DIR: process.env.EWC_TEST_DATA_DIR };
  dir = mkdtempSync(path.join(os.tmpdir(), 'ewc-recycling-'));
  const [l] = await t.sql<{ id: number }>(`SELECT id FROM institution WHERE name_zh = '隆回县人民医院'`);
  const [x] = await t.sql<{ id: number }>(`SELECT id FROM institution WHERE name_zh = '新宁县人民医院'`);
  longhuiId = l.id;
  longhui = toGlobalId('Institution', l.id);
  xinning = toGlobalId('Institution', x.id);
}, 120_000);
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await t?.close();
});

describe('figures', () => {
  it('works out a month by hand: kg by stream and disposition summed exactly, the rate a ratio of the sums', async () => {
    const rows = handWorkedMonth(longhui, '2025-03-01');
    const r = await t.gql(RecordRecyclingDocument, { input: { rows } }, t.keys.hospital);
    expect(r.errors).toBeUndefined();
    expect(r.data!.recordRecycling).toEqual({ accepted: 8, duplicates: 0, closedYearRows: 0, closedYears: [] });
    expect((await t.gql(RecordRecyclingDocument, { input: { rows } }, t.keys.goa)).data!.recordRecycling).toEqual({ accepted: 0, duplicates: 8, closedYearRows: 0, closedYears: [] });

    const q = await t.gql(InstitutionsRecyclingDocument, { first: 100, period: { year: 2025, month: 3 } }, t.keys.hospital);
    expect(q.errors).toBeUndefined();
    const f = q.data!.institutions.nodes.find((n) => n.id === longhui)!.recycling!;
    // recycled 120.5 + 40.25 + 200 + 0.1 = 360.85; landfilled 30 + 50.125 = 80.125; incinerated 59.75 + 0.2 = 59.95;
    // total 500.925; rate 360.85 / 500.925 = 0.7203673204..., 6 significant digits.
    expect(f).toMatchObject({ institutionCount: 1, suppressed: false, closed: false, pendingRecalculation: false, recycledKg: 360.85, landfilledKg: 80.125, incineratedKg: 59.95, totalKg: 500.925, recyclingRate: 0.720367, coverage: 1, institution: { id: longhui } });
    const by = Object.fromEntries(f.byStream.map((s) => [s.stream, s]));
    expect(f.byStream.map((s) => s.stream)).toEqual(['PAPER', 'PLASTICS', 'METALS', 'GLASS', 'E_WASTE', 'KITCHEN_WASTE', 'OTHER']);
    expect(by.PAPER).toMatchObject({ recycledKg: 120.5, landfilledKg: 30, incineratedKg: 0, totalKg: 150.5, recyclingRate: 0.800664 });
    expect(by.PLASTICS.recyclingRate).toBe(0.4025);
    expect(by.KITCHEN_WASTE.recyclingRate).toBe(0.7996);
    expect(by.E_WASTE).toMatchObject({ totalKg: 0.3, recyclingRate: 0.333333 });
    expect(by.GLASS).toMatchObject({ totalKg: 0, recyclingRate: null });

    // The city as a whole in that month is the hospital alone; PUBLIC sees the same figures of a group of every institution.
    const city = await t.gql(AggregateRecyclingDocument, { period: { year: 2025, month: 3 }, groupBy: 'CITY' }, t.keys.goa);
    expect(city.data!.aggregateRecycling[0]).toMatchObject({ recycledKg: 360.85, totalKg: 500.925, recyclingRate: 0.720367, suppressed: false });
    const pub = await t.gql(AggregateRecyclingDocument, { period: { year: 2025, month: 3 }, groupBy: 'CITY' }, t.keys.public);
    expect(pub.data!.aggregateRecycling[0]).toEqual(city.data!.aggregateRecycling[0]);
  });

  it('reads the demo by its rule: Longhui hospital in March 2023, and the city’s rate rising year by year', async () => {
    const q = await t.gql(InstitutionsRecyclingDocument, { first: 100, period: { year: 2023, month: 3 } }, t.keys.goa);
    const f = q.data!.institutions.nodes.find((n) => n.id === longhui)!.recycling!;
    // 1,650 people x 2 (hospital): paper 3,960 kg (70% recycled: 2,772), plastics 1,980 (40%: 792), metals 330 (90%: 297),
    // glass 495 (50%: 248), e-waste 165 (60%: 99), kitchen 6,600 (30%: 1,980), other 4,950 (10%: 495).
    expect(f).toMatchObject({ totalKg: 18480, recycledKg: 6683, recyclingRate: 0.361634 });
    const rates: number[] = [];
    for (const year of [2021, 2022, 2023]) {
      const r = await t.gql(AggregateRecyclingDocument, { period: { year }, groupBy: 'CITY' }, t.keys.drc);
      expect(r.data!.aggregateRecycling[0].coverage).toBe(1);
      rates.push(r.data!.aggregateRecycling[0].recyclingRate!);
    }
    expect(rates[0]).toBeLessThan(rates[1]);
    expect(rates[1]).toBeLessThan(rates[2]);
  });

  it('groups by category and region as ratios of sums, and withholds from PUBLIC what the disclosure plan withholds', async () => {
    const goa = await t.gql(AggregateRecyclingDocument, { period: { year: 2023 }, groupBy: 'CATEGORY' }, t.keys.goa);
    const pub = await t.gql(AggregateRecyclingDocument, { period: { year: 2023 }, groupBy: 'CATEGORY' }, t.keys.public);
    expect(goa.errors).toBeUndefined();
    expect(pub.errors).toBeUndefined();
    const sum = goa.data!.aggregateRecycling.reduce((a, g) => a + g.totalKg!, 0);
    const city = await t.gql(AggregateRecyclingDocument, { period: { year: 2023 }, groupBy: 'CITY' }, t.keys.goa);
    expect(sum).toBeCloseTo(city.data!.aggregateRecycling[0].totalKg!, 3);
    for (const g of pub.data!.aggregateRecycling) {
      const same = goa.data!.aggregateRecycling.find((x) => x.category === g.category)!;
      expect(g.institutionCount).toBe(same.institutionCount);
      if (g.suppressed) expect([g.totalKg, g.recyclingRate, g.byStream]).toEqual([null, null, []]);
      else expect(g).toEqual(same);
    }
    // PUBLIC may not filter by appraisal membership (an institution detail), nor read one institution.
    expect(codeOf(await t.gql(AggregateRecyclingDocument, { period: { year: 2023 }, groupBy: 'CITY', filter: { inMunicipalAppraisal: false } }, t.keys.public))).toBe('FORBIDDEN');
    const regions = await t.gql(AggregateRecyclingDocument, { period: { year: 2023 }, groupBy: 'REGION' }, t.keys.public);
    expect(regions.errors).toBeUndefined();
    expect(regions.data!.aggregateRecycling.filter((g) => g.institutionCount < 3).every((g) => g.suppressed)).toBe(true);
  });

  it('costs a fixed number of SQL statements for N institutions and for 10 N', async () => {
    const run = (first: number) => t.countStatements(async () => {
      const r = await t.gql(InstitutionsRecyclingDocument, { first, period: { year: 2023 } }, t.keys.goa);
      expect(r.errors).toBeUndefined();
      expect(r.data!.institutions.nodes).toHaveLength(first);
    });
    await run(2); // warms the reference cache
    const small = await run(5);
    const large = await run(50);
    expect(large).toBe(small);
  });
});

describe('recordRecycling', () => {
  it('refuses a batch with bad rows, naming each row, and writes nothing', async () => {
    const before = await stored();
    const r = await t.gql(RecordRecyclingDocument, {
      input: {
        rows: [
          row(longhui, '2025-05-01', 'PAPER', 'RECYCLED', 10),
          row(longhui, '2025-05-15', 'PAPER', 'LANDFILLED', 10), // not the first of a month
          row(longhui, '2025-05-01', 'GLASS', 'RECYCLED', -1),
          row(longhui, '2025-05-01', 'METALS', 'RECYCLED', 1.0001),
          row(longhui, '2099-01-01', 'OTHER', 'RECYCLED', 5), // a month not yet begun
          row(longhui, '2025-05-01', 'OTHER', 'LANDFILLED', 2_000_000),
          row('not-an-id', '2025-05-01', 'OTHER', 'INCINERATED', 5),
        ],
      },
    }, t.keys.hospital);
    expect(codeOf(r)).toBe('BAD_USER_INPUT');
    expect((r.errors![0].extensions!.problems as { index: number; field: string }[]).map((p) => `${p.index}:${p.field}`)).toEqual(['1:month', '2:quantityKg', '3:quantityKg', '4:month', '5:quantityKg', '6:institutionId']);
    expect(r.errors![0].message).toMatch(/row 1: month: the first day of a month/);
    // The same key twice in a batch; another institution's rows for the hospital's key.
    const twice = await t.gql(RecordRecyclingDocument, { input: { rows: [row(longhui, '2025-05-01', 'PAPER', 'RECYCLED', 10), row(longhui, '2025-05-01', 'PAPER', 'RECYCLED', 11), row(xinning, '2025-05-01', 'PAPER', 'RECYCLED', 10)] } }, t.keys.hospital);
    expect(codeOf(twice)).toBe('BAD_USER_INPUT');
    expect(twice.errors![0].message).toMatch(/row 1: stream: repeats row 0.*row 2: institutionId: no institution with this id that this key can see/);
    // A stored record with another quantity: a conflict, and the batch's good rows are not written either.
    const changed = await t.gql(RecordRecyclingDocument, { input: { rows: [row(longhui, '2025-05-01', 'PAPER', 'RECYCLED', 10), row(longhui, '2025-03-01', 'PAPER', 'RECYCLED', 121)] } }, t.keys.hospital);
    expect(codeOf(changed)).toBe('CONFLICT');
    expect(changed.errors![0].message).toMatch(/row 1: quantityKg: 121 differs from the stored 120.5 kg/);
    expect(codeOf(await t.gql(RecordRecyclingDocument, { input: { rows: [] } }, t.keys.hospital))).toBe('BAD_USER_INPUT');
    expect(await stored()).toEqual(before);
  });

  it('follows the policy: GOA all, the institution its own, DRC and FINANCE read, HOUSING, WATER and ESCO nothing, PUBLIC aggregates', async () => {
    const before = await count();
    const goa = await t.gql(RecordRecyclingDocument, { input: { rows: [row(xinning, '2025-03-01', 'GLASS', 'RECYCLED', 12)] } }, t.keys.goa);
    expect(goa.data!.recordRecycling.accepted).toBe(1);
    for (const key of [t.keys.drc, t.keys.finance, t.keys.housing, t.keys.public]) {
      expect(codeOf(await t.gql(RecordRecyclingDocument, { input: { rows: [row(longhui, '2025-06-01', 'GLASS', 'RECYCLED', 1)] } }, key))).toBe('FORBIDDEN');
    }
    const all = await count();
    for (const key of [t.keys.goa, t.keys.drc, t.keys.finance]) {
      const r = await t.gql(RecyclingRecordsDocument, { first: 5 }, key);
      expect(r.errors).toBeUndefined();
      expect(r.data!.recyclingRecords.totalCount).toBe(all);
    }
    const [own] = await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM recycling_record WHERE institution_id = $1', [longhuiId]);
    const mine = await t.gql(RecyclingRecordsDocument, { first: 100, filter: { from: '2025-01-01' } }, t.keys.hospital);
    expect(mine.data!.recyclingRecords.nodes.every((n) => n.institution.id === longhui)).toBe(true);
    expect((await t.gql(RecyclingRecordsDocument, { first: 1 }, t.keys.hospital)).data!.recyclingRecords.totalCount).toBe(own.n);
    // The hospital's key sees its own figures only: Xinning's are not in its list of institutions.
    const figures = await t.gql(InstitutionsRecyclingDocument, { first: 100, period: { year: 2025, month: 3 } }, t.keys.hospital);
    expect(figures.data!.institutions.nodes.map((n) => n.id)).toEqual([longhui]);
    for (const key of [t.keys.housing, t.keys.water, t.keys.esco, t.keys.public]) {
      expect(codeOf(await t.gql(RecyclingRecordsDocument, { first: 5 }, key))).toBe('FORBIDDEN');
      expect(codeOf(await t.gql(InstitutionsRecyclingDocument, { first: 5, period: { year: 2023 } }, key))).toBe('FORBIDDEN');
    }
    for (const key of [t.keys.housing, t.keys.water, t.keys.esco]) expect(codeOf(await t.gql(AggregateRecyclingDocument, { period: { year: 2023 }, groupBy: 'CITY' }, key))).toBe('FORBIDDEN');
    expect(await count()).toBe(before + 1);
  });

  it('tells subscribers of the institution, and no one else, after the commit', async () => {
    const a = t.ws(t.keys.hospital);
    const b = t.ws(t.keys.goa);
    const own = await listen(t, a, print(RecyclingChangedDocument));
    const goa = await listen(t, b, print(RecyclingChangedDocument));
    await t.gql(RecordRecyclingDocument, { input: { rows: [row(xinning, '2025-04-01', 'GLASS', 'RECYCLED', 12)] } }, t.keys.goa);
    await t.gql(RecordRecyclingDocument, { input: { rows: [row(longhui, '2025-04-01', 'GLASS', 'RECYCLED', 12), row(longhui, '2025-02-01', 'GLASS', 'RECYCLED', 3)] } }, t.keys.hospital);
    await waitFor(() => goa.length >= 2 && own.length >= 1);
    expect(goa.map((e) => e.data.recyclingChanged.institution.id)).toEqual([xinning, longhui]);
    expect(own.map((e) => e.data.recyclingChanged)).toEqual([{ months: ['2025-02-01', '2025-04-01'], institution: { id: longhui } }]);
    await a.dispose();
    await b.dispose();
  });
});

describe('import recycling', () => {
  it('imports a CSV ledger with Chinese headers, all rows or none', async () => {
    const file = path.join(dir, '垃圾分类台账.csv');
    writeFileSync(file, '\uFEFF单位,月份,类别,去向,重量(kg)\n隆回县人民医院,2025-07,纸类,回收,"1,200.5"\n隆回县人民医院,2025/7,厨余垃圾,填埋,300\n新宁县人民医院,2025年7月,塑料,焚烧,45.25\n');
    const before = await count();
    const r = await cli(['import', 'recycling', file], env);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^imported 3 recycling records \(0 duplicates\) of 3 rows/);
    expect(await count()).toBe(before + 3);
    const [paper] = await t.sql<{ kg: string }>(`SELECT quantity_kg::text AS kg FROM recycling_record WHERE institution_id = $1 AND month = '2025-07-01' AND stream = 'PAPER'`, [longhuiId]);
    expect(paper.kg).toBe('1200.500');
    expect((await cli(['import', 'recycling', file], env)).stdout).toMatch(/^imported 0 recycling records \(3 duplicates\)/);
    const [event] = await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM audit_event WHERE operation = 'cli:import recycling' AND $1 = ANY(institution_ids)`, [longhuiId]);
    expect(event.n).toBe(1);

    const bad = path.join(dir, 'bad.csv');
    writeFileSync(bad, '单位,月份,类别,去向,重量(kg)\n隆回县人民医院,2025-08,纸类,回收,10\n不存在的单位,2025-08,纸类,回收,10\n隆回县人民医院,2025-08,瓶子,回收,abc\n隆回县人民医院,2025-13,玻璃,堆肥,5\n');
    const snapshot = await stored();
    const refused = await cli(['import', 'recycling', bad], env);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/5 problem\(s\) in the file, nothing imported/);
    expect(readFileSync(`${bad}.rejected.csv`, 'utf8')).toBe(
      'row,column,reason\n' +
      '3,单位,"no institution named ""不存在的单位"""\n' +
      '4,类别,"""瓶子"" is not 纸类, 塑料, 金属, 玻璃, 电子废弃物, 厨余垃圾 or 其他"\n' +
      '4,重量(kg),"""abc"": must be a number of kg, 0 or more"\n' +
      '5,去向,"""堆肥"" is not 回收, 填埋 or 焚烧"\n' +
      '5,月份,"""2025-13"": the first day of a month between 2000 and 2099, YYYY-MM-01"\n',
    );
    // Rows fine on their own but against the stored ones: refused in the same report, nothing written.
    const conflict = path.join(dir, 'conflict.csv');
    writeFileSync(conflict, 'institution,month,stream,disposition,kg\n隆回县人民医院,2025-09,PAPER,RECYCLED,10\n隆回县人民医院,2025-07,PAPER,RECYCLED,1200\n');
    const r2 = await cli(['import', 'recycling', conflict], env);
    expect(r2.status).toBe(1);
    expect(readFileSync(`${conflict}.rejected.csv`, 'utf8')).toBe('row,column,reason\n3,kg,1200 differs from the stored 1200.5 kg (a record already stored with another quantity)\n');
    expect(await stored()).toEqual(snapshot);
    const missing = path.join(dir, 'missing.csv');
    writeFileSync(missing, '单位,月份,重量\n隆回县人民医院,2025-08,40\n');
    const r3 = await cli(['import', 'recycling', missing], env);
    expect(r3.status).toBe(2);
    expect(r3.stderr).toMatch(/missing required column\(s\): 类别/);
  });

  it('imports an XLSX ledger whose month is a date cell, naming institutions by credit code', async () => {
    const [x] = await t.sql<{ credit_code: string }>('SELECT credit_code FROM institution WHERE id = $1', [longhuiId]);
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('分类台账');
    ws.addRow(['统一社会信用代码', '统计月份', '废弃物类别', '处置方式', '重量（公斤）']);
    ws.addRow([x.credit_code, new Date(Date.UTC(2025, 9, 1)), '电子废弃物', '回收利用', 3.5]);
    const file = path.join(dir, 'ledger.xlsx');
    await wb.xlsx.writeFile(file);
    const r = await cli(['import', 'recycling', file], env);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^imported 1 recycling records/);
    const rec = await t.sql<{ kg: string }>(`SELECT quantity_kg::text AS kg FROM recycling_record WHERE institution_id = $1 AND month = '2025-10-01' AND stream = 'E_WASTE' AND disposition = 'RECYCLED'`, [longhuiId]);
    expect(rec).toEqual([{ kg: '3.500' }]);
    expect(existsSync(`${file}.rejected.csv`)).toBe(false);
  });
});
