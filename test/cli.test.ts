import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ViewerDocument } from '../src/generated/graphql';
import { codeOf, startTestHub, type TestHub } from './helpers/hub';
import { cli } from './helpers/cli';
import { countRows } from './helpers/fixtures';
import { waitFor, whenSubscribed } from './helpers/live';

let t: TestHub;
let env: Record<string, string | undefined>;
beforeAll(async () => {
  t = await startTestHub();
  env = { DATABASE_URL: t.db.url, EWC_DATA_DIR: process.env.EWC_TEST_DATA_DIR };
});
afterAll(() => t.close());

describe('npm run cli -- keys', () => {
  it('creates a key printed alone on the last line, which then works against the hub; revoke stops it', async () => {
    const created = await cli(['keys', 'create', '--agency', 'WATER', '--role', 'viewer', '--name', 'from the cli'], env);
    expect(created.stderr).toBe('');
    expect(created.status).toBe(0);
    expect(created.lastLine).toMatch(/^ewc_[0-9a-f]{12}_[A-Za-z0-9_-]+$/);
    const me = await t.gql(ViewerDocument, {}, created.lastLine);
    expect(me.data!.viewer).toMatchObject({ subject: 'WATER', role: 'viewer', keyName: 'from the cli' });

    const id = /created API key (\d+)/.exec(created.stdout)![1];
    // A subscription open with the key is closed when the running hub hears of the revocation.
    const ws = t.ws(created.lastLine);
    const closed = new Promise<number>((resolve) => ws.on('closed', (e) => resolve((e as { code: number }).code)));
    await whenSubscribed(t.subscriptionsOpen, 1, () => {
      ws.subscribe({ query: 'subscription { readingsIngested { rows } }' }, { next: () => undefined, error: () => undefined, complete: () => undefined });
    });
    const revoked = await cli(['keys', 'revoke', id], env);
    expect(revoked.status).toBe(0);
    // The hub had the key's principal cached: the notification from the CLI clears it.
    expect(await waitFor(async () => codeOf(await t.gql(ViewerDocument, {}, created.lastLine)) === 'UNAUTHENTICATED')).toBe(true);
    expect(await closed).toBe(4403);
  });

  it.each([
    [['keys', 'create', '--role', 'viewer'], /exactly one of --agency, --institution or --esco/],
    [['keys', 'create', '--agency', 'WATER'], /--role is required/],
    [['keys', 'create', '--agency', 'WATER', '--role', 'boss'], /role: expected one of admin, editor, viewer/],
    [['keys', 'create', '--agency', 'MARS', '--role', 'viewer'], /no agency with code "MARS"/],
    [['keys', 'create', '--agency', 'WATER', '--role', 'viewer', '--colour', 'red'], /unknown option --colour/],
    [['keys', 'revoke', 'abc'], /one numeric key id/],
    [['keys', 'revoke', '999999'], /no API key with id 999999/],
    [['frobnicate'], /unknown command "frobnicate"/],
  ])('%j fails with a clear message on stderr and exit code 2', async (args, message) => {
    const r = await cli(args as string[], env);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message as RegExp);
    expect(r.stderr).not.toMatch(/\bat .*\.js:\d+/);
  });

  it('stops on a bad setting, naming the variable', async () => {
    const r = await cli(['migrate'], { ...env, PORT: 'eighty' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/PORT: expected an integer/);
    const tz = await cli(['migrate'], { ...env, EWC_TIMEZONE: 'Mars/Olympus' });
    expect(tz.stderr).toMatch(/EWC_TIMEZONE: unknown IANA time zone/);
  });
});

describe('the CLI on the embedded database', () => {
  const embeddedOnly = process.env.DATABASE_URL ? it.skip : it;

  embeddedOnly('starts the embedded server when the hub is not running, and stops it again', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ewc-cli-'));
    try {
      const seeded = await cli(['seed', 'demo'], { DATABASE_URL: '', EWC_DATA_DIR: dir });
      expect(seeded.status).toBe(0);
      expect(seeded.stdout).toMatch(/loaded \d+ rows/);
      const key = await cli(['keys', 'create', '--agency', 'DRC', '--role', 'viewer'], { DATABASE_URL: '', EWC_DATA_DIR: dir });
      expect(key.status).toBe(0);
      expect(key.lastLine).toMatch(/^ewc_/);
      // Each command stopped the server it started.
      expect(existsSync(path.join(dir, 'pg', 'postmaster.pid'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  embeddedOnly('joins the embedded server a running hub already started, instead of starting another', async () => {
    const dir = process.env.EWC_TEST_DATA_DIR!;
    const pidBefore = readFileSync(path.join(dir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0];
    const r = await cli(['migrate'], { DATABASE_URL: '', EWC_DATA_DIR: dir });
    expect(r.status).toBe(0);
    expect(readFileSync(path.join(dir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]).toBe(pidBefore);
  });
});

describe('npm run cli -- export assessment', () => {
  it('writes the round as CSV, one line per entry in rank order, matching the GraphQL results', async () => {
    const r = await cli(['export', 'assessment', '--year', '2023'], env);
    expect(r.status).toBe(0);
    expect(r.stdout.startsWith('\uFEFF')).toBe(true);
    const lines = r.stdout.slice(1).trim().split('\r\n');
    expect(lines[0]).toMatch(/^rank,institution,institution_zh,credit_code,score,open_rectifications,/);
    // A header and a line per department in the appraisal.
    expect(lines).toHaveLength(1 + (await countRows(t, 'institution WHERE in_municipal_appraisal')));
    const res = (await t.raw({ query: '{ assessmentRound(year: 2023) { entries(first: 1) { nodes { rank score institution { name } } } } }' }, t.keys.goa)) as {
      data: { assessmentRound: { entries: { nodes: { rank: number; score: number; institution: { name: string } }[] } } };
    };
    const top = res.data.assessmentRound.entries.nodes[0];
    expect(lines[1].startsWith(`1,${top.institution.name},`)).toBe(true);
    expect(lines[1].split(',')[4]).toBe(String(top.score));
  });

  it.each([
    [['export', 'assessment'], /--year takes a four-digit year/],
    [['export', 'assessment', '--year', '1999'], /no assessment round for 1999/],
    [['export', 'meters'], /usage: export assessment.*export audit/],
    [['export', 'assessment', '--year', '2023', '--out', '/nonexistent/dir/x.csv'], /^ewc-hub: --out \/nonexistent\/dir\/x.csv: no such folder \/nonexistent\/dir\n$/],
    [['export', 'assessment', '--year', '2023', '--out', '/tmp'], /--out \/tmp: the file must end in \.csv or \.xlsx/],
    [['export', 'audit', '--from', '2026-01-01', '--to', '2026-01-02', '--out', '/nonexistent/a.csv'], /no such folder \/nonexistent/],
  ])('%j fails with a clear message and exit code 2', async (args, message) => {
    const r = await cli(args as string[], env);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message as RegExp);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('writes an XLSX workbook with Chinese headers and statuses for --out *.xlsx', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ewc-xlsx-'));
    try {
      const out = path.join(dir, '2023.xlsx');
      const r = await cli(['export', 'assessment', '--year', '2023', '--out', out], env);
      expect(r.status).toBe(0);
      const ExcelJS = (await import('exceljs')).default;
      const book = new ExcelJS.Workbook();
      await book.xlsx.readFile(out);
      const sheet = book.worksheets[0];
      const header = (sheet.getRow(1).values as unknown[]).slice(1);
      expect(header.slice(0, 5)).toEqual(['排名', '单位名称（英文）', '单位名称', '统一社会信用代码', '得分']);
      expect(header).toContain('人均综合能耗（kgce/人）');
      expect(sheet.rowCount).toBe(1 + (await countRows(t, 'institution WHERE in_municipal_appraisal')));
      const statuses = new Set<unknown>();
      for (let i = 2; i <= sheet.rowCount; i++) statuses.add(sheet.getRow(i).getCell(header.indexOf('人均综合能耗状态') + 1).value);
      for (const s of statuses) expect(['先进', '达标', '超基准值', '超约束值', '数据不足', null]).toContain(s);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('npm run cli -- --help and --version', () => {
  it('lists every command and option the README names', async () => {
    const r = await cli(['--help'], env);
    expect(r.status).toBe(0);
    const readme = readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
    // Every `npm run cli -- <command> ... --option` line of the README: its command words and options are in --help.
    const named = [...readme.matchAll(/npm run cli -- ([a-z][^\n`#]*)/g)].map((m) => m[1]);
    expect(named.length).toBeGreaterThan(5);
    for (const line of named) {
      const words = line.split(/\s+/).filter((w) => /^(--[a-z-]+|[a-z]+)$/.test(w)).slice(0, 2);
      const options = line.match(/--[a-z-]+/g) ?? [];
      expect({ line, missing: [words[0], ...options].filter((w) => !r.stdout.includes(w)) }).toEqual({ line, missing: [] });
    }
    expect(r.stdout).toMatch(/--esco <id>/);
    // Help after a command too, without a database.
    const sub = await cli(['import', '--help'], { ...env, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' });
    expect(sub.status).toBe(0);
    expect(sub.stdout).toMatch(/import readings/);
  });

  it('prints the version of package.json', async () => {
    const r = await cli(['--version'], env);
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(JSON.parse(readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')).version);
  });
});

describe('npm run cli -- import weather', () => {
  it('imports all rows or none: bad rows are listed with their row, and nothing is written', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ewc-weather-'));
    try {
      await t.sql(`INSERT INTO weather_station (code, name, source) VALUES ('CLI-W', 'CLI test station', 'test')`);
      const count = async () => (await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM weather_day w JOIN weather_station s ON s.id = w.station_id WHERE s.code = 'CLI-W'`))[0].n;
      const bad = path.join(dir, 'bad.csv');
      writeFileSync(bad, 'station,day,mean_temp,unit\nCLI-W,2023-01-01,5.5,C\nCLI-W,2023-01-02,300,C\nCLI-W,2023-01-03,41,F\n');
      const r1 = await cli(['import', 'weather', bad], env);
      expect(r1.status).toBe(1);
      expect(r1.stderr).toContain('nothing imported: row 3: mean_temp: 300 C is outside -90 to 60 °C');
      expect(await count()).toBe(0);
      const good = path.join(dir, 'good.csv');
      writeFileSync(good, 'station,day,mean_temp,unit\nCLI-W,2023-01-01,5.5,C\nCLI-W,2023-01-03,41,F\n');
      const r2 = await cli(['import', 'weather', good, '--source', 'county station'], env);
      expect(r2.stderr).toBe('');
      expect(r2.status).toBe(0);
      expect(r2.lastLine).toBe('imported 2 weather days (2 added or changed) for CLI-W');
      const rows = await t.sql<{ t: number; source: string }>(`SELECT mean_temp_c AS t, w.source FROM weather_day w JOIN weather_station s ON s.id = w.station_id WHERE s.code = 'CLI-W' ORDER BY day`);
      expect(rows).toEqual([{ t: 5.5, source: 'county station' }, { t: 5, source: 'county station' }]);
      const missing = await cli(['import', 'weather', path.join(dir, 'nope.csv')], env);
      expect(missing.status).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
