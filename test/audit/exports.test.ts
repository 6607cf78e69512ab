import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { ApiKeyUsageDocument, CreateApiKeyDocument } from '../../src/generated/graphql';
import { csvDocument, safeCell, UTF8_BOM } from '../../src/csv';
import { decodeIntId, toGlobalId } from '../../src/graphql/relay';
import { cli as runCli } from '../helpers/cli';
import { codeOf, startTestHub, type TestHub } from '../helpers/hub';

/** The built CLI against this test's database. */
const cli = (args: string[]) => runCli(args, { DATABASE_URL: t.db.url, EWC_DATA_DIR: process.env.EWC_TEST_DATA_DIR });

/** CSV text (BOM stripped) as rows of cells. */
const rowsOf = (csv: string): string[][] => parse(csv.replace(/^\uFEFF/, ''), { relax_column_count: true });

let t: TestHub;
let dir: string;
const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
beforeAll(async () => {
  t = await startTestHub();
  dir = mkdtempSync(path.join(os.tmpdir(), 'ewc-audit-export-'));
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await t.close();
});

const rename = (id: number, name: string) =>
  t.raw({ query: 'mutation($id: ID!, $name: String!) { updateInstitution(id: $id, input: { name: $name }) { name } }', variables: { id: toGlobalId('Institution', id), name } }, t.keys.goa);

describe('the one CSV writer', () => {
  it.each([
    ['=HYPERLINK("http://evil.example","click")', `"'=HYPERLINK(""http://evil.example"",""click"")"`],
    ['+cmd|\' /C calc\'!A0', `'+cmd|' /C calc'!A0`],
    ['-2+3', `'-2+3`],
    ['@SUM(A1:A9)', `'@SUM(A1:A9)`],
    ['\tTAB', `'\tTAB`],
    ['\rCR', `"'\rCR"`],
    ['plain, with a comma', '"plain, with a comma"'],
    [-12.5, '-12.5'],
    ['-12.50', '-12.50'],
    [null, ''],
  ])('%j becomes the cell %s', (value, cell) => {
    expect(safeCell(value)).toBe(cell);
  });

  it('starts a document with a UTF-8 BOM and ends lines with CRLF', () => {
    expect(csvDocument(['a', 'b'], [[1, '=1+1']])).toBe(`${UTF8_BOM}a,b\r\n1,'=1+1\r\n`);
  });
});

describe('npm run cli -- export assessment', () => {
  it('a FINAL round keeps the names it was signed with when an institution is renamed', async () => {
    const [top] = await t.sql<{ institution_id: number; name: string; status: string }>(
      `SELECT e.institution_id, i.name, r.status FROM assessment_entry e JOIN assessment_round r ON r.id = e.round_id JOIN institution i ON i.id = e.institution_id
        WHERE r.year = 2023 ORDER BY e.rank LIMIT 1`,
    );
    expect(top.status).toBe('FINAL');
    const before = await cli(['export', 'assessment', '--year', '2023']);
    expect(before.status).toBe(0);
    expect((await rename(top.institution_id, '=HYPERLINK("http://evil.example","renamed")')).errors).toBeUndefined();
    const after = await cli(['export', 'assessment', '--year', '2023']);
    expect(after.stdout).toBe(before.stdout);
    expect(after.stdout.startsWith(UTF8_BOM)).toBe(true);
    expect(rowsOf(after.stdout)[1][1]).toBe(top.name);
    // GraphQL shows the same frozen name beside the live institution.
    const r = (await t.raw({ query: '{ assessmentRound(year: 2023) { entries(first: 1) { nodes { institutionName institution { name } } } } }' }, t.keys.goa)) as {
      data: { assessmentRound: { entries: { nodes: { institutionName: string; institution: { name: string } }[] } } };
    };
    expect(r.data.assessmentRound.entries.nodes[0]).toEqual({ institutionName: top.name, institution: { name: '=HYPERLINK("http://evil.example","renamed")' } });
    await rename(top.institution_id, top.name);
  });

  it('an open round shows live names, neutralised: formulas in names and comments stay text', async () => {
    expect((await t.raw({ query: 'mutation { closeYear(year: 2024) { year } }' }, t.keys.goa)).errors).toBeUndefined();
    expect((await t.raw({ query: 'mutation { openAssessmentRound(year: 2024) { id } }' }, t.keys.goa)).errors).toBeUndefined();
    const [entry] = await t.sql<{ id: number; institution_id: number }>(
      'SELECT e.id, e.institution_id FROM assessment_entry e JOIN assessment_round r ON r.id = e.round_id WHERE r.year = 2024 ORDER BY e.rank LIMIT 1',
    );
    await rename(entry.institution_id, "+cmd|' /C calc'!A0");
    await t.raw({ query: 'mutation($id: ID!) { commentAssessmentEntry(id: $id, comment: "@SUM(1+1)") { id } }', variables: { id: toGlobalId('AssessmentEntry', entry.id) } }, t.keys.goa);
    const out = path.join(dir, 'round-2024.csv');
    const r = await cli(['export', 'assessment', '--year', '2024', '--out', out]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/wrote \d+ entries of the 2024 round \(OPEN\)/);
    const csv = readFileSync(out, 'utf8');
    expect(csv.startsWith(UTF8_BOM)).toBe(true);
    const rows = rowsOf(csv);
    expect(rows[1][1]).toBe("'+cmd|' /C calc'!A0");
    expect(rows[1][rows[1].length - 1]).toBe("'@SUM(1+1)");
    // No cell of the file starts a formula.
    expect(rows.flat().filter((c) => /^[=+@\t\r]/.test(c) || /^-(?!\d+(\.\d+)?$)/.test(c))).toEqual([]);
  });
});

describe('the audit trail of the command line and of HTTP imports', () => {
  it('keys create/revoke, import readings (CLI and HTTP) write events with their own request id and operation; export audit writes them as CSV', async () => {
    const created = await cli(['keys', 'create', '--agency', 'WATER', '--role', 'editor', '--name', 'audit cli key']);
    expect(created.status).toBe(0);
    const keyId = Number(/created API key (\d+)/.exec(created.stdout)![1]);
    expect((await cli(['keys', 'revoke', String(keyId)])).status).toBe(0);

    const [meter] = await t.sql<{ id: number; serial: string; institution_id: number }>(`SELECT id, serial, institution_id FROM meter WHERE serial = 'SY-hosp-longhui-E1'`);
    const file = path.join(dir, 'readings.csv');
    writeFileSync(file, `serial,start,end,value\n${meter.serial},2026-01-05 00:00,2026-01-05 01:00,7\n${meter.serial},2026-01-05 01:00,2026-01-05 02:00,8\n`);
    const imported = await cli(['import', 'readings', file]);
    expect(imported.stderr).toBe('');
    expect(imported.status).toBe(0);

    const http = await fetch(t.hub.url.replace(/\/graphql$/, '/import/readings'), {
      method: 'POST',
      headers: { 'content-type': 'text/csv', authorization: `Bearer ${t.keys.hospital}`, 'x-request-id': 'audit-http-import-1' },
      body: `serial,start,end,value\n${meter.serial},2026-01-06 00:00,2026-01-06 01:00,3\n`,
    });
    expect(http.status).toBe(200);

    const events = await t.sql<{ operation: string; request_id: string; key_id: number | null; key_name: string; subject: string; object_ids: string[]; institution_ids: number[]; changes: { type: string; fields: Record<string, { after: unknown }> }[] }>(
      `SELECT * FROM audit_event WHERE operation LIKE 'cli:%' AND operation <> 'cli:seed demo' OR operation = 'POST /import/readings' ORDER BY id`,
    );
    expect(events.map((e) => e.operation)).toEqual(['cli:keys create', 'cli:keys revoke', 'cli:import readings', 'POST /import/readings']);
    for (const e of events.slice(0, 3)) {
      expect(e.request_id).toMatch(/^cli-[0-9a-f-]{36}$/);
      expect(e).toMatchObject({ key_id: null, subject: 'GOA', key_name: expect.stringMatching(/^cli \(/) });
    }
    expect(events[0].object_ids).toEqual([toGlobalId('ApiKey', keyId)]);
    expect(events[2].changes[0].fields).toMatchObject({ source: { after: 'IMPORT' }, accepted: { after: 2 }, meters: { after: [toGlobalId('Meter', meter.id)] } });
    expect(events[2].institution_ids).toEqual([meter.institution_id]);
    expect(events[3]).toMatchObject({ request_id: 'audit-http-import-1', subject: 'INSTITUTION', key_name: 'demo: Longhui County People’s Hospital editor' });

    // A formula typed as a name reaches the export as text.
    const [victim] = await t.sql<{ id: number; name: string }>('SELECT id, name FROM institution ORDER BY id DESC LIMIT 1');
    await rename(victim.id, '-2+3+cmd|calc');
    await rename(victim.id, victim.name);

    const out = path.join(dir, 'audit.csv');
    const exported = await cli(['export', 'audit', '--from', today, '--to', today, '--out', out]);
    expect(exported.status).toBe(0);
    expect(exported.stdout).toMatch(/wrote \d+ audit events \(\d+ changed fields\)/);
    const csv = readFileSync(out, 'utf8');
    expect(csv.startsWith(UTF8_BOM)).toBe(true);
    const rows = rowsOf(csv);
    expect(rows[0]).toEqual(['event_id', 'at', 'request_id', 'operation', 'key_id', 'key_name', 'subject', 'role', 'object_id', 'object_type', 'action', 'field', 'before', 'after']);
    const http1 = rows.filter((r) => r[2] === 'audit-http-import-1');
    expect(http1.map((r) => r[11])).toEqual(expect.arrayContaining(['accepted', 'meters', 'periodStart']));
    expect(http1.find((r) => r[11] === 'accepted')![13]).toBe('1');
    expect(rows.filter((r) => r[3] === 'updateInstitution' && r[11] === 'name').map((r) => [r[12], r[13]])).toEqual(
      expect.arrayContaining([[victim.name, "'-2+3+cmd|calc"], ["'-2+3+cmd|calc", victim.name]]),
    );
    // A day without events gives the header alone.
    const empty = await cli(['export', 'audit', '--from', '2001-01-01', '--to', '2001-01-02']);
    expect(rowsOf(empty.stdout)).toHaveLength(1);
  }, 300_000); // six runs of the CLI, each a fresh process

  it.each([
    [['export', 'audit'], /--from and --to take days/],
    [['export', 'audit', '--from', '2026-01-01', '--to', 'tomorrow'], /--from and --to take days/],
    [['export', 'audit', '--from', '2026-02-01', '--to', '2026-01-01'], /--to must not be before --from/],
  ])('%j fails with a clear message and exit code 2', async (args, message) => {
    const r = await cli(args as string[]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message as RegExp);
  });
});

describe('apiKeys { usage }', () => {
  it('counts requests and rows per key and day, flushed in batches; GOA admins read it', async () => {
    const created = await t.gql(CreateApiKeyDocument, { input: { agency: 'WATER', role: 'viewer', name: 'usage probe' } }, t.keys.goa);
    const key = created.data!.createApiKey.key;
    const id = created.data!.createApiKey.apiKey.id;
    for (let i = 0; i < 3; i++) {
      const r = await t.raw({ query: '{ institutions(first: 5) { edges { node { id name } } } }' }, key);
      expect((r.data as { institutions: { edges: unknown[] } }).institutions.edges).toHaveLength(5);
    }
    expect((await t.raw({ query: '{ viewer { keyName } }' }, key)).errors).toBeUndefined();
    await t.hub.usage.flush();
    const r = await t.gql(ApiKeyUsageDocument, { first: 100, from: today, to: today }, t.keys.goa);
    expect(r.errors).toBeUndefined();
    const mine = r.data!.apiKeys.nodes.find((n) => n.id === id)!;
    // Three lists of five rows, and one object asked for alone (viewer).
    expect(mine.usage).toEqual([{ day: today, requests: 4, rows: 16 }]);

    // Counts from the next flush add to the day's row (as a second hub instance's would).
    await t.raw({ query: '{ institutions(first: 2) { nodes { id } } }' }, key);
    await t.hub.usage.flush();
    const again = await t.gql(ApiKeyUsageDocument, { first: 100, from: today, to: today }, t.keys.goa);
    expect(again.data!.apiKeys.nodes.find((n) => n.id === id)!.usage).toEqual([{ day: today, requests: 5, rows: 18 }]);
  });

  it('a flush while another write is under way writes what was counted since, after it', async () => {
    const created = await t.gql(CreateApiKeyDocument, { input: { agency: 'WATER', role: 'viewer', name: 'usage race probe' } }, t.keys.goa);
    const keyId = decodeIntId(created.data!.createApiKey.apiKey.id, 'ApiKey');
    const usage = t.hub.usage;
    usage.count(keyId, 1);
    // The timer's write, as it would begin: it takes the one request counted so far.
    const first = usage.flush();
    usage.count(keyId, 2);
    // The test's flush: it must not end with the first write and leave the second request unsaved.
    await usage.flush();
    await first;
    const rows = await t.sql<{ requests: string; rows: string }>('SELECT requests, rows FROM key_usage WHERE key_id = $1', [keyId]);
    expect(rows.map((r) => [Number(r.requests), Number(r.rows)])).toEqual([[2, 3]]);
  });

  it('only GOA admins read usage; a range over a year is BAD_USER_INPUT', async () => {
    expect(codeOf(await t.gql(ApiKeyUsageDocument, { first: 1, from: today, to: today }, t.keys.drc))).toBe('FORBIDDEN');
    expect(codeOf(await t.gql(ApiKeyUsageDocument, { first: 1, from: '2024-01-01', to: '2026-01-01' }, t.keys.goa))).toBe('BAD_USER_INPUT');
  });
});
