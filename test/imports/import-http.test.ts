import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { tableCounts } from '../helpers/fixtures';
import { listen, waitFor } from '../helpers/live';
import { logOutputOf } from '../helpers/log';
import { startTestHub, type TestHub } from '../helpers/hub';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- an untyped GraphQL response, read field by field

const MAIN = path.resolve(__dirname, '../../dist/src/main.js');
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const ON_READINGS = 'subscription { readingsIngested { meter { serial } rows total periodStart } }';

let t: TestHub;
let importUrl: string;
beforeAll(async () => {
  t = await startTestHub();
  importUrl = t.hub.url.replace(/\/graphql$/, '/import/readings');
});
afterAll(() => t.close());

async function upload(body: string | Buffer, key: string | null, contentType = 'text/csv', query = ''): Promise<{ status: number; json: Json }> {
  const res = await fetch(importUrl + query, {
    method: 'POST',
    headers: { 'content-type': contentType, ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body,
  });
  return { status: res.status, json: (await res.json()) as Json };
}


const stored = async (serial: string, from: string) =>
  t.sql<{ value: number; api_key_id: number | null; source: string }>(
    `SELECT r.value, b.api_key_id, b.source FROM reading r JOIN meter m ON m.id = r.meter_id JOIN reading_batch b ON b.id = r.batch_id
      WHERE m.serial = $1 AND r.period_start >= $2 ORDER BY r.period_start`,
    [serial, from],
  );

describe('POST /import/readings', () => {
  it('imports a CSV for the key, records the key on the batch, tells subscribers after the commit, and a re-send is all duplicates', async () => {
    const events = await listen(t, t.ws(t.keys.hospital), ON_READINGS);
    const csv = 'serial,start,end,value\nSY-hosp-longhui-E1,2025-03-01 00:00,2025-03-01 01:00,4\nSY-hosp-longhui-E1,2025-03-01 01:00,2025-03-01 02:00,5.5\n';
    const r = await upload(csv, t.keys.hospital);
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ rows: 2, accepted: 2, duplicates: 0, batchId: expect.any(String) });
    const rows = await stored('SY-hosp-longhui-E1', '2025-03-01T00:00:00+08:00');
    expect(rows.map((x) => [x.value, x.source])).toEqual([[4, 'IMPORT'], [5.5, 'IMPORT']]);
    expect(rows[0].api_key_id).not.toBeNull();
    expect(await waitFor(() => events.length === 1)).toBe(true);
    expect(events[0].data.readingsIngested).toMatchObject({ rows: 2, total: 9.5, periodStart: '2025-03-01T00:00:00+08:00' });

    const again = await upload(csv, t.keys.hospital);
    expect(again.json).toMatchObject({ rows: 2, accepted: 0, duplicates: 2, batchId: null });
  });

  it('imports an XLSX body with Chinese headers', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('读数');
    ws.addRow(['计量表编号', '日期', '读数用量']);
    ws.addRow(['SY-hosp-longhui-E1', '2025-04-01', 120]);
    ws.addRow(['SY-hosp-longhui-E1', '2025-04-02', 130]);
    const body = Buffer.from(await wb.xlsx.writeBuffer());
    const r = await upload(body, t.keys.goa, XLSX);
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ rows: 2, accepted: 2 });
    expect((await stored('SY-hosp-longhui-E1', '2025-04-01T00:00:00+08:00')).map((x) => x.value)).toEqual([120, 130]);
  });

  it('takes other headers as query parameters, as the CLI takes --mapping', async () => {
    const csv = 'Meter No.,Day,kWh\nSY-hosp-longhui-E1,2025-04-10,77\n';
    const r = await upload(csv, t.keys.goa, 'text/csv', `?serial=${encodeURIComponent('Meter No.')}&date=Day&value=kWh`);
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ accepted: 1 });
    const bad = await upload(csv, t.keys.goa, 'text/csv', '?serial=Meter');
    expect(bad.status).toBe(400);
    expect(bad.json.errors[0].message).toMatch(/the column mapping says serial is "meter"/);
  });

  it('rejects a file with bad rows: every problem listed, nothing written', async () => {
    const before = await tableCounts(t);
    const csv = 'serial,start,end,value\nSY-hosp-longhui-E1,2025-05-01 00:00,2025-05-01 01:00,1\nnope,2025-05-01 00:00,2025-05-01 01:00,1\nSY-hosp-longhui-E1,2025-05-01 03:00,2025-05-01 02:00,-2\n';
    const r = await upload(csv, t.keys.goa);
    expect(r.status).toBe(400);
    expect(r.json.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', rejected: 3 });
    expect(r.json.errors[0].message).toBe('3 problem(s) in the file, nothing imported');
    expect(r.json.errors[0].extensions.problems).toEqual([
      { row: 3, column: 'serial', reason: 'no meter with serial "nope"' },
      { row: 4, column: 'end', reason: 'must be after the start' },
      { row: 4, column: 'value', reason: 'must not be negative (consumption over the period, not a meter index)' },
    ]);
    expect(await tableCounts(t)).toEqual(before);
  });

  it('checks the key by the policy table, then per meter: meters it may not see do not exist', async () => {
    const before = await tableCounts(t);
    const energy = 'serial,start,end,value\nSY-hosp-longhui-E1,2025-06-01 00:00,2025-06-01 01:00,1\n';
    // DRC reads energy meters but writes none: refused by the table's HTTP.importReadings row.
    const drc = await upload(energy, t.keys.drc);
    expect(drc.status).toBe(403);
    expect(drc.json.errors[0].extensions.code).toBe('FORBIDDEN');
    // The water bureau does not see energy meters at all.
    const water = await upload(energy, t.keys.water);
    expect(water.status).toBe(400);
    expect(water.json.errors[0].extensions.problems[0].reason).toBe('no meter with serial "SY-hosp-longhui-E1"');
    // Read-only keys are refused before the body is read.
    const pub = await upload(energy, t.keys.public);
    expect(pub.status).toBe(403);
    expect(pub.json.errors[0].extensions.code).toBe('FORBIDDEN');
    expect(await tableCounts(t)).toEqual(before);
  });

  it('forgets an upload the client abandons half way: nothing written, no file left behind', async () => {
    const before = await tableCounts(t);
    // The upload is recognised by a value no other upload (another test, another checkout) sends.
    const marker = `1.${BigInt('0x' + randomBytes(6).toString('hex'))}`;
    const spoolOf = () =>
      readdirSync(os.tmpdir())
        .filter((d) => d.startsWith('ewc-upload-'))
        .map((d) => path.join(os.tmpdir(), d))
        .find((d) => {
          try {
            return readdirSync(d).some((f) => readFileSync(path.join(d, f), 'utf8').includes(marker));
          } catch {
            return false; // gone while we looked
          }
        });
    let spool: string | undefined;
    await new Promise<void>((resolve, reject) => {
      const req = http.request(importUrl, { method: 'POST', headers: { 'content-type': 'text/csv', 'content-length': 10_000_000, authorization: `Bearer ${t.keys.goa}` } });
      req.on('error', () => resolve());
      req.on('close', () => resolve());
      req.write(`serial,date,value\nSY-hosp-longhui-E1,2025-09-01,${marker}\n`);
      // Abandoned once the hub has spooled the first rows to disk.
      void waitFor(() => (spool = spoolOf()) !== undefined).then((seen) => (seen ? req.destroy() : reject(new Error('the upload was never spooled'))));
    });
    expect(await waitFor(() => !existsSync(spool!))).toBe(true);
    expect(await tableCounts(t)).toEqual(before);
  });

  it.each([
    ['no key', 401, 'UNAUTHENTICATED', null, 'text/csv', ''],
    ['an unknown key', 401, 'UNAUTHENTICATED', 'ewc_nope', 'text/csv', ''],
    ['a body of another type', 415, 'BAD_USER_INPUT', 'goa', 'application/json', ''],
    ['an empty body', 400, 'BAD_USER_INPUT', 'goa', 'text/csv', ''],
    ['XLSX named but CSV sent', 400, 'BAD_USER_INPUT', 'goa', 'text/plain', '?format=xlsx'],
  ])('answers %s with %i %s and writes nothing', async (_name, status, code, key, type, query) => {
    const before = await tableCounts(t);
    const body = _name === 'an empty body' ? '' : 'serial,date,value\nSY-hosp-longhui-E1,2025-07-01,1\n';
    const r = await upload(body, key === 'goa' ? t.keys.goa : key, type, query);
    expect(r.status).toBe(status);
    expect(r.json.errors[0].extensions.code).toBe(code);
    expect(await tableCounts(t)).toEqual(before);
  });
});

describe('npm run cli -- import readings, with a hub running', () => {
  it('sends the running hub\'s subscribers the new readings (LISTEN/NOTIFY)', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ewc-import-'));
    try {
      const events = await listen(t, t.ws(t.keys.goa), ON_READINGS);
      const file = path.join(dir, 'cli.csv');
      writeFileSync(file, 'serial,date,value\nSY-hosp-longhui-E1,2025-08-01,11\nSY-hosp-longhui-E1,2025-08-02,12\n');
      const status = await new Promise<number | null>((resolve) => {
        const child = spawn(process.execPath, [MAIN, 'import', 'readings', file], { env: { ...process.env, LOG_LEVEL: 'warn', DATABASE_URL: t.db.url, EWC_DATA_DIR: process.env.EWC_TEST_DATA_DIR } });
        logOutputOf(child, 'cli import');
        child.on('close', resolve);
      });
      expect(status).toBe(0);
      expect(await waitFor(() => events.length === 1)).toBe(true);
      expect(events[0].data.readingsIngested).toMatchObject({ rows: 2, total: 23 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
