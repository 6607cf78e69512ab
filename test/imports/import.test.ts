import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { cli, MAIN } from '../helpers/cli';
import { rollupDrift, tableCounts } from '../helpers/fixtures';
import { startTestHub, type TestHub } from '../helpers/hub';
import { waitFor } from '../helpers/live';
import { logOutputOf } from '../helpers/log';

let t: TestHub;
let env: Record<string, string | undefined>;
let dir: string;
let elecId: number;
beforeAll(async () => {
  t = await startTestHub();
  env = { DATABASE_URL: t.db.url, EWC_DATA_DIR: process.env.EWC_TEST_DATA_DIR };
  dir = mkdtempSync(path.join(os.tmpdir(), 'ewc-import-'));
  elecId = (await t.sql<{ id: number }>('SELECT id FROM meter WHERE serial = $1', ['SY-hosp-longhui-E1']))[0].id;
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await t.close();
});

const file = (name: string, text: string) => {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
};
const dayValue = async (meterId: number, day: string) =>
  (await t.sql<{ value: number }>('SELECT value::float8 AS value FROM meter_day WHERE meter_id = $1 AND day = $2::date', [meterId, day]))[0]?.value;

// The demo's readings end on 2024-06-30; these files hold later days.
describe('npm run cli -- import readings', () => {
  const good =
    'serial,period_start,period_end,value\n' +
    'SY-hosp-longhui-E1,2024-10-01 00:00,2024-10-02 00:00,10.5\n' +
    'SY-hosp-longhui-E1,2024-10-02 00:00:00,2024-10-03 00:00:00,20\n' +
    'SY-hosp-longhui-E1,2024-10-02T16:00:00Z,2024-10-04T00:00:00+08:00,30.25\n';

  it('imports a CSV by serial in one batch and refreshes the rollups; a re-run finds only duplicates', async () => {
    const csv = file('good.csv', good);
    const before = await tableCounts(t);
    const r = await cli(['import', 'readings', csv], env);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^imported 3 readings \(0 duplicates\) in \d+\.\d s, \d+ rows\/s \(read [\d.]+ s, check [\d.]+ s, write [\d.]+ s, rollups [\d.]+ s\)\n$/);
    expect(await tableCounts(t)).toEqual({ ...before, readings: before.readings + 3, batches: before.batches + 1 });

    const stored = await t.sql<{ period_start: Date; period_end: Date; value: number; source: string }>(
      `SELECT r.period_start, r.period_end, r.value, b.source FROM reading r JOIN reading_batch b ON b.id = r.batch_id
        WHERE r.meter_id = $1 AND r.period_start >= '2024-10-01T00:00:00+08:00' AND r.period_start < '2024-10-04T00:00:00+08:00' ORDER BY 1`,
      [elecId],
    );
    expect(stored).toEqual([
      { period_start: new Date('2024-09-30T16:00:00Z'), period_end: new Date('2024-10-01T16:00:00Z'), value: 10.5, source: 'IMPORT' },
      { period_start: new Date('2024-10-01T16:00:00Z'), period_end: new Date('2024-10-02T16:00:00Z'), value: 20, source: 'IMPORT' },
      { period_start: new Date('2024-10-02T16:00:00Z'), period_end: new Date('2024-10-03T16:00:00Z'), value: 30.25, source: 'IMPORT' },
    ]);
    expect(await dayValue(elecId, '2024-10-01')).toBe(10.5);
    expect(await dayValue(elecId, '2024-10-03')).toBe(30.25);
    const month = await t.sql<{ value: number }>("SELECT value::float8 AS value FROM meter_month WHERE meter_id = $1 AND month = '2024-10-01'", [elecId]);
    expect(month[0].value).toBe(60.75);

    const again = await cli(['import', 'readings', csv], env);
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(/^imported 0 readings \(3 duplicates\)/);
    expect(await tableCounts(t)).toEqual({ ...before, readings: before.readings + 3, batches: before.batches + 1 });
    expect(existsSync(`${csv}.rejected.csv`)).toBe(false);
  });

  it('rejects a file with bad rows, lists them in the report beside it, and writes nothing', async () => {
    const csv = file(
      'bad.csv',
      'meter_serial,start,end,value\n' +
        'SY-hosp-longhui-E1,2024-11-01 00:00,2024-11-02 00:00,5\n' +
        'NO-SUCH-METER,2024-11-02 00:00,2024-11-03 00:00,5\n' +
        'SY-hosp-longhui-E1,2024-11-03 00:00,2024-11-03 00:00,5\n' +
        'SY-hosp-longhui-E1,2024-11-04 00:00,2024-11-05 00:00,-1\n' +
        'SY-hosp-longhui-E1,yesterday,2024-11-06 00:00,abc\n',
    );
    const before = await tableCounts(t);
    const r = await cli(['import', 'readings', csv], env);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`ewc-hub: 5 problem(s) in the file, nothing imported; see ${csv}.rejected.csv\n`);
    expect(readFileSync(`${csv}.rejected.csv`, 'utf8').split('\n')).toEqual([
      'row,column,reason',
      '3,meter_serial,"no meter with serial ""NO-SUCH-METER"""',
      '4,end,must be after the start',
      '5,value,"must not be negative (consumption over the period, not a meter index)"',
      '6,start,"""yesterday"" is not a date-time (ISO with offset, or YYYY-MM-DD HH:mm[:ss] local)"',
      '6,value,"""abc"" is not a number"',
      '',
    ]);
    expect(await tableCounts(t)).toEqual(before);
    expect(await dayValue(elecId, '2024-11-01')).toBeUndefined();
  });

  it('rejects rows that change a stored reading or repeat another row, like GraphQL does', async () => {
    const csv = file(
      'conflict.csv',
      'serial,period_start,period_end,value\n' +
        'SY-hosp-longhui-E1,2024-10-01 00:00,2024-10-02 00:00,99\n' +
        'SY-hosp-longhui-E1,2024-12-20 00:00,2024-12-21 00:00,1\n' +
        'SY-hosp-longhui-E1,2024-12-20 12:00,2024-12-21 12:00,1\n',
    );
    await cli(['import', 'readings', file('seed.csv', good)], env);
    const before = await tableCounts(t);
    const r = await cli(['import', 'readings', csv], env);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/2 problem\(s\) in the file, nothing imported; see .*conflict\.csv\.rejected\.csv/);
    expect(readFileSync(`${csv}.rejected.csv`, 'utf8').split('\n')).toEqual([
      'row,column,reason',
      '2,value,99 differs from the stored 10.5 (readings already stored with other values)',
      '4,period_start,repeats or overlaps row 3 of the same meter',
      '',
    ]);
    expect(await tableCounts(t)).toEqual(before);
  });

  it('imports an XLSX whose worksheet comes before xl/workbook.xml in the zip', async () => {
    // Zip entries may come in any order (exceljs's own writer varies it): the shared strings, then
    // the sheet, then the workbook made exceljs's reader throw a TypeError on a valid file.
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('读数').addRow(['计量表编号', '日期', '读数用量']);
    wb.getWorksheet('读数')!.addRow(['SY-hosp-longhui-E1', '2024-12-05', 3]);
    const written = await JSZip.loadAsync(Buffer.from(await wb.xlsx.writeBuffer()));
    const first = ['[Content_Types].xml', '_rels/.rels', 'xl/_rels/workbook.xml.rels', 'xl/sharedStrings.xml', 'xl/worksheets/sheet1.xml'];
    const names = Object.keys(written.files).filter((n) => !written.files[n].dir);
    const reordered = new JSZip();
    for (const name of [...first, ...names.filter((n) => !first.includes(n) && n !== 'xl/workbook.xml'), 'xl/workbook.xml']) {
      reordered.file(name, await written.file(name)!.async('nodebuffer'));
    }
    const xlsx = path.join(dir, 'reordered.xlsx');
    writeFileSync(xlsx, await reordered.generateAsync({ type: 'nodebuffer' }));
    const before = await tableCounts(t);
    const r = await cli(['import', 'readings', xlsx], env);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^imported 1 readings \(0 duplicates\)/);
    expect((await tableCounts(t)).readings).toBe(before.readings + 1);
  });

  it('imports an XLSX with Chinese headers and a daily value per local day', async () => {
    const xlsx = path.join(dir, '读数.xlsx');
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('读数');
    ws.addRow(['计量表编号', '日期', '读数用量']);
    ws.addRow(['SY-hosp-longhui-E1', '2024-12-01', 7]);
    // A date cell as Excel stores it: wall-clock time, no zone.
    ws.addRow(['SY-hosp-longhui-E1', new Date(Date.UTC(2024, 11, 2)), 8.5]);
    await wb.xlsx.writeFile(xlsx);

    const before = await tableCounts(t);
    const r = await cli(['import', 'readings', xlsx], env);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^imported 2 readings \(0 duplicates\)/);
    expect((await tableCounts(t)).readings).toBe(before.readings + 2);
    const stored = await t.sql<{ period_start: Date; period_end: Date; value: number }>(
      "SELECT period_start, period_end, value FROM reading WHERE meter_id = $1 AND period_start >= '2024-12-01T00:00:00+08:00' AND period_start < '2024-12-03T00:00:00+08:00' ORDER BY 1",
      [elecId],
    );
    expect(stored).toEqual([
      { period_start: new Date('2024-11-30T16:00:00Z'), period_end: new Date('2024-12-01T16:00:00Z'), value: 7 },
      { period_start: new Date('2024-12-01T16:00:00Z'), period_end: new Date('2024-12-02T16:00:00Z'), value: 8.5 },
    ]);
    expect(await dayValue(elecId, '2024-12-02')).toBe(8.5);
  });

  it('reports every problem of a file in one pass: bad rows and overlapping rows together', async () => {
    const csv = file(
      'mixed.csv',
      'serial,period_start,period_end,value\n' +
        'SY-hosp-longhui-E1,2025-01-01 00:00,2025-01-02 00:00,1\n' +
        'SY-hosp-longhui-E1,2025-01-01 12:00,2025-01-02 12:00,1\n' +
        'SY-hosp-longhui-E1,2025-01-03 00:00,2025-01-04 00:00,-4\n',
    );
    const before = await tableCounts(t);
    const r = await cli(['import', 'readings', csv], env);
    expect(r.status).toBe(1);
    expect(readFileSync(`${csv}.rejected.csv`, 'utf8').split('\n')).toEqual([
      'row,column,reason',
      '4,value,"must not be negative (consumption over the period, not a meter index)"',
      '3,period_start,repeats or overlaps row 2 of the same meter',
      '',
    ]);
    expect(await tableCounts(t)).toEqual(before);
  });

  it('loads months that have no partition on the side and attaches them; a file with a repeated row there leaves no table behind', async () => {
    // 2031: far past the partitions the hub keeps ahead, so both UTC months are made by the import.
    const meters = await t.sql<{ id: number; serial: string }>(`SELECT id, serial FROM meter WHERE carrier = 'ELECTRICITY' ORDER BY id LIMIT 2`);
    const [a, b] = meters;
    const partitions = async () =>
      (await t.sql<{ name: string }>(`SELECT c.relname AS name FROM pg_class c WHERE c.relname IN ('reading_y2031m05', 'reading_y2031m06') ORDER BY 1`)).map((r) => r.name);
    const rows = [
      // Local 23:00 to 01:00: over a local midnight, so its value is split between two days.
      `${a.serial},2031-05-31T15:00:00Z,2031-05-31T17:00:00Z,4`,
      `${b.serial},2031-05-31T15:00:00Z,2031-05-31T16:00:00Z,1.1`,
      `${a.serial},2031-05-31T23:00:00Z,2031-06-01T00:00:00Z,2.2`,
      `${b.serial},2031-05-31T23:00:00Z,2031-06-01T00:00:00Z,3.3`,
      `${a.serial},2031-06-01T00:00:00Z,2031-06-01T01:00:00Z,0.1`,
      `${b.serial},2031-06-01T00:00:00Z,2031-06-01T01:00:00Z,0.2`,
    ];
    const before = await tableCounts(t);
    // The last row repeats an earlier one, out of order: found by the check over the staged rows.
    const bad = file('new-months-bad.csv', ['serial,period_start,period_end,value', ...rows, rows[2]].join('\n') + '\n');
    const rejected = await cli(['import', 'readings', bad], env);
    expect(rejected.status).toBe(1);
    expect(readFileSync(`${bad}.rejected.csv`, 'utf8').split('\n')).toEqual(['row,column,reason', '8,period_start,repeats or overlaps row 4 of the same meter', '']);
    expect(await tableCounts(t)).toEqual(before);
    expect(await partitions()).toEqual([]);

    const good = file('new-months.csv', ['serial,period_start,period_end,value', ...rows].join('\n') + '\n');
    const r = await cli(['import', 'readings', good], env);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^imported 6 readings \(0 duplicates\)/);
    expect(await tableCounts(t)).toEqual({ ...before, readings: before.readings + 6, batches: before.batches + 1 });
    const attached = await t.sql<{ name: string }>(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'reading'::regclass AND c.relname LIKE 'reading_y2031%' ORDER BY 1`,
    );
    expect(attached.map((p) => p.name)).toEqual(['reading_y2031m05', 'reading_y2031m06']);
    expect(await rollupDrift(t, [a.id, b.id])).toEqual([]);
    expect(await dayValue(a.id, '2031-05-31')).toBe(2);
    expect(await dayValue(a.id, '2031-06-01')).toBe(4.3);
    expect(await dayValue(b.id, '2031-05-31')).toBe(1.1);
    expect(await dayValue(b.id, '2031-06-01')).toBe(3.5);

    const again = await cli(['import', 'readings', good], env);
    expect(again.stdout).toMatch(/^imported 0 readings \(6 duplicates\)/);
    expect((await tableCounts(t)).readings).toBe(before.readings + 6);
  });

  it('says in one line, exit 2, that a --mapping file is missing', async () => {
    const csv = file('plain.csv', good);
    const r = await cli(['import', 'readings', csv, '--mapping', path.join(dir, 'missing.json')], env);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`ewc-hub: --mapping ${path.join(dir, 'missing.json')}: no such file\n`);
  });

  it('reads a utility export with its own headers through --mapping, and refuses a mapping that does not fit the file', async () => {
    const csv = file('utility.csv', 'Meter No.,From,To,kWh,Tariff\nSY-hosp-longhui-E1,2024-11-05 00:00,2024-11-06 00:00,42,peak\n');
    const mapping = file('mapping.json', JSON.stringify({ serial: 'Meter No.', start: 'From', end: 'To', value: 'kWh' }));
    const before = await tableCounts(t);
    const wrong = file('wrong.json', JSON.stringify({ serial: 'Meter', value: 'kWh' }));
    const refused = await cli(['import', 'readings', csv, '--mapping', wrong], env);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/the column mapping says serial is "meter", but the header has: meter no\., from, to, kwh, tariff/);
    const unknown = await cli(['import', 'readings', csv, '--mapping', file('unknown.json', '{"meter": "Meter No."}')], env);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/the column mapping names "meter"; expected some of meterId, serial, start, end, date, value/);
    expect(await tableCounts(t)).toEqual(before);

    const r = await cli(['import', 'readings', csv, '--mapping', mapping], env);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(await dayValue(elecId, '2024-11-05')).toBe(42);
  });

  it.each([
    ['empty.csv', '', /the file is empty/],
    ['header-only.csv', 'serial,date,value\n', /the file has a header but no rows/],
    ['no-value.csv', 'serial,period_start,period_end\nSY-hosp-longhui-E1,2024-10-10 00:00,2024-10-11 00:00\n', /missing required column\(s\): the value \(value, 用量, 读数用量\); the header has: serial, period_start, period_end/],
    ['binary.csv', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0xff, 0xfe]), /looks like a spreadsheet, not CSV text/],
    ['gbk.csv', Buffer.concat([Buffer.from('serial,date,value\n'), Buffer.from([0xb1, 0xed, 0xba, 0xc5]), Buffer.from(',2024-10-10,1\n')]), /not UTF-8 text/],
    ['fake.xlsx', 'serial,date,value\n', /not an XLSX workbook/],
    ['readings.json', '[]', /expected a \.csv or \.xlsx file/],
  ])('%s fails with one clear message on stderr, exit code 2, and writes nothing', async (name, content, message) => {
    const p = path.join(dir, name);
    writeFileSync(p, content);
    const before = await tableCounts(t);
    const r = await cli(['import', 'readings', p], env);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(await tableCounts(t)).toEqual(before);
    expect(existsSync(`${p}.rejected.csv`)).toBe(false);
  });

  it('leaves nothing when killed half way, and a re-run ends with exactly the file\'s readings', async () => {
    // 60 meters x 1,500 hours: long enough to kill while rows are still streaming in.
    const meters = await t.sql<{ id: number; serial: string }>(`SELECT id, serial FROM meter WHERE carrier = 'ELECTRICITY' ORDER BY id DESC LIMIT 60`);
    const base = Date.parse('2026-01-01T00:00:00+08:00');
    const lines = ['serial,start,end,value'];
    for (let h = 0; h < 1500; h++) for (const m of meters) lines.push(`${m.serial},${new Date(base + h * 3_600_000).toISOString()},${new Date(base + (h + 1) * 3_600_000).toISOString()},${(h % 7) + 1}`);
    const big = file('killed.csv', lines.join('\n') + '\n');
    const count = async () =>
      (await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM reading WHERE meter_id = ANY($1::int[]) AND period_start >= '2026-01-01T00:00:00+08:00'`, [meters.map((m) => m.id)]))[0].n;
    const before = await tableCounts(t);

    // A session of this database, other than the hub's and the test's idle ones, holding a
    // transaction id: the import has begun writing.
    const writers = async () =>
      (await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL`))[0].n;
    expect(await writers()).toBe(0);
    const child = spawn(process.execPath, [MAIN, 'import', 'readings', big], { env: { ...process.env, LOG_LEVEL: 'warn', ...env } });
    logOutputOf(child, 'cli import');
    const exited = new Promise((r) => child.once('close', r));
    expect(await waitFor(async () => child.exitCode !== null || (await writers()) > 0)).toBe(true);
    expect(child.exitCode).toBeNull();
    child.kill('SIGKILL');
    await exited;
    // PostgreSQL rolls the dead session's transaction back when it notices the session is gone.
    expect(await waitFor(async () => (await writers()) === 0)).toBe(true);
    expect(await count()).toBe(0);
    expect(await tableCounts(t)).toEqual(before);

    const rerun = await cli(['import', 'readings', big], env);
    expect(rerun.stderr).toBe('');
    expect(rerun.status).toBe(0);
    expect(await count()).toBe(lines.length - 1);
    // One refresh at the end of the import gives what recomputing from every reading gives.
    expect(await rollupDrift(t, meters.map((m) => m.id))).toEqual([]);
  });
});
