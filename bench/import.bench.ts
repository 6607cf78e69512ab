/**
 * Issue 7's and 13's import figures, from one run: `import readings` of a 1,000,000-row CSV against a
 * raw `COPY` of the same rows into `CREATE TABLE x (LIKE reading INCLUDING ALL)` (same columns,
 * defaults and indexes; no partitions, no foreign keys), and into `reading` itself, each on its own
 * copy of one demo database. CPU time of the CLI process and of PostgreSQL is printed beside the
 * wall clock: the machine is shared, and CPU time moves less with its load.
 *
 *   npm run build && node dist/bench/import.bench.js [rows]
 *
 * Raw COPY is the floor a loader cannot beat: rows already resolved to meter ids, no parsing of
 * the CSV, no validation, no duplicate or overlap checks, no rollups, no events. The import does
 * all of those, as a user runs it (the CLI in its own process, whose peak memory is measured).
 */
import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { loadConfig } from '../src/config';
import { openDatabase } from '../src/app/database';
import { seedDemo } from '../src/demo/demo.seeder';
import { startEmbedded } from '../src/db/embedded';
import { fmt, MAIN, postgresCpuMs, runBench } from './lib';

const HOUR = 3_600_000;
/** After the demo's last reading, so every row is new. */
const BASE = Date.parse('2025-01-01T00:00:00Z');

interface Row {
  meterId: number;
  serial: string;
  start: string;
  end: string;
  value: number;
}

/** Hourly rows for `meters`, hour by hour (the order an export of all meters would have). */
function* rowsOf(meters: { id: number; serial: string }[], total: number): Generator<Row> {
  for (let i = 0; i < total; i++) {
    const m = meters[i % meters.length];
    const hour = Math.floor(i / meters.length);
    yield { meterId: m.id, serial: m.serial, start: new Date(BASE + hour * HOUR).toISOString(), end: new Date(BASE + (hour + 1) * HOUR).toISOString(), value: 1 + ((i * 7) % 23) / 2 };
  }
}

async function writeFile(file: string, lines: Iterable<string>): Promise<void> {
  const out = createWriteStream(file);
  for (const line of lines) if (!out.write(line)) await once(out, 'drain');
  out.end();
  await finished(out);
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Runs the CLI under /usr/bin/time: its output, wall time, CPU time and peak resident memory. */
function cliImport(url: string, file: string): Promise<{ out: string; ms: number; cpuMs: number; peakMb: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    // PROFILE_DIR: the CLI's CPU profile (node --cpu-prof), to see where an import's time goes.
    const profile = process.env.PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(process.env.PROFILE_DIR)}`] : [];
    const child = spawn('/usr/bin/time', ['-f', 'maxrss_kb=%M cpu_s=%U+%S', process.execPath, ...profile, MAIN, 'import', 'readings', file], {
      env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'warn' },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - t0;
      if (code !== 0) return reject(new Error(`import exited with ${code}: ${out}${err}`));
      const cpu = /cpu_s=([\d.]+)\+([\d.]+)/.exec(err)!;
      resolve({ out: out.trim(), ms, cpuMs: (Number(cpu[1]) + Number(cpu[2])) * 1000, peakMb: Number(/maxrss_kb=(\d+)/.exec(err)![1]) / 1024 });
    });
  });
}

async function main(): Promise<void> {
  const total = Number(process.argv[2] ?? 1_000_000);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ewc-bench-import-'));
  const server = await startEmbedded(path.join(dir, 'data'));
  try {
    const config = loadConfig({ ...process.env, DATABASE_URL: server.url, EWC_DATA_DIR: path.join(dir, 'data'), LOG_LEVEL: 'warn' });
    const db = await openDatabase(config);
    await seedDemo(db, config.dataDir);
    const { rows: meters } = await db.pool.query<{ id: number; serial: string }>(`SELECT id, serial FROM meter WHERE carrier = 'ELECTRICITY' ORDER BY id LIMIT 500`);
    await db.close();

    // Two copies of the same database: one for COPY, one for the import.
    const admin = new pg.Client({ connectionString: withDatabase(server.url, 'postgres') });
    await admin.connect();
    for (const name of ['bench_copy', 'bench_import']) await admin.query(`CREATE DATABASE ${name} TEMPLATE ewc`);
    await admin.end();

    const csv = path.join(dir, 'readings.csv');
    const tsv = path.join(dir, 'readings.tsv');
    const tFiles = performance.now();
    await writeFile(csv, (function* () {
      yield 'serial,period_start,period_end,value\n';
      for (const r of rowsOf(meters, total)) yield `${r.serial},${r.start},${r.end},${r.value}\n`;
    })());
    await writeFile(tsv, (function* () {
      for (const r of rowsOf(meters, total)) yield `${r.meterId}\t${r.start}\t${r.end}\t${r.value}\tMEASURED\t1\n`;
    })());
    console.log(`${total.toLocaleString('en-US')} hourly rows over ${meters.length} meters: CSV ${fmt(statSync(csv).size / 1024 ** 2, 1)} MiB (written in ${fmt((performance.now() - tFiles) / 1000, 1)} s)`);

    // Raw COPY, one transaction each: into a plain table shaped like `reading` (the yardstick), then
    // into `reading` itself with its partitions made beforehand and not timed (the import makes its own).
    const copyUrl = withDatabase(server.url, 'bench_copy');
    const client = new pg.Client({ connectionString: copyUrl });
    await client.connect();
    await client.query('CREATE TABLE x (LIKE reading INCLUDING ALL)');
    await client.query(`SELECT ewc_ensure_reading_partitions($1, $2)`, [new Date(BASE), new Date(BASE + (total / meters.length + 1) * HOUR)]);
    const rawCopy = async (table: string) => {
      const pg0 = await postgresCpuMs(client);
      const t0 = performance.now();
      await client.query('BEGIN');
      const copy = client.query(copyFrom(`COPY ${table} (meter_id, period_start, period_end, value, quality, batch_id) FROM STDIN`));
      createReadStream(tsv).pipe(copy);
      await finished(copy);
      await client.query('COMMIT');
      return { ms: performance.now() - t0, pgCpuMs: (await postgresCpuMs(client)) - pg0 };
    };
    const copyLike = await rawCopy('x');
    const copyReading = await rawCopy('reading');
    await client.end();
    const copyRate = total / (copyLike.ms / 1000);

    const importDb = new pg.Client({ connectionString: withDatabase(server.url, 'bench_import') });
    await importDb.connect();
    const pgImport0 = await postgresCpuMs(importDb);
    const imported = await cliImport(withDatabase(server.url, 'bench_import'), csv);
    const pgImportMs = (await postgresCpuMs(importDb)) - pgImport0;
    await importDb.end();
    const importMs = Number(/in ([\d.]+) s,/.exec(imported.out)![1]) * 1000;
    const importRate = total / (importMs / 1000);
    const rerun = await cliImport(withDatabase(server.url, 'bench_import'), csv);

    console.log(`
load average at the end: ${os.loadavg().map((l) => fmt(l, 2)).join(' ')}

| figure | value |
| --- | --- |
| raw COPY into \`x (LIKE reading INCLUDING ALL)\` (one transaction) | ${fmt(copyLike.ms / 1000, 1)} s, ${Math.round(copyRate).toLocaleString('en-US')} rows/s; PostgreSQL CPU ${fmt(copyLike.pgCpuMs / 1000, 1)} s |
| raw COPY into \`reading\` (partitioned, foreign keys) | ${fmt(copyReading.ms / 1000, 1)} s, ${Math.round(total / (copyReading.ms / 1000)).toLocaleString('en-US')} rows/s; PostgreSQL CPU ${fmt(copyReading.pgCpuMs / 1000, 1)} s |
| \`import readings\` (CLI), import time | ${fmt(importMs / 1000, 1)} s, ${Math.round(importRate).toLocaleString('en-US')} rows/s |
| import / raw COPY into x, speed | ${fmt(importRate / copyRate, 2)} |
| CPU: CLI process / PostgreSQL during the import | ${fmt(imported.cpuMs / 1000, 1)} s / ${fmt(pgImportMs / 1000, 1)} s |
| CPU ratio: raw COPY's PostgreSQL CPU / the import's (CLI + PostgreSQL) | ${fmt(copyLike.pgCpuMs / (imported.cpuMs + pgImportMs), 2)} |
| CLI process wall time (start, connect, import, events) | ${fmt(imported.ms / 1000, 1)} s |
| CLI peak resident memory | ${fmt(imported.peakMb, 0)} MB |
| the same file again (all duplicates) | ${/in ([\d.]+ s, \d+ rows\/s)/.exec(rerun.out)![1]}, peak ${fmt(rerun.peakMb, 0)} MB |

import: ${imported.out}
re-run: ${rerun.out}`);
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

runBench(main);
