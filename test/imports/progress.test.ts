import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MAIN } from '../helpers/cli';
import { startTestHub, type TestHub } from '../helpers/hub';

/**
 * `import readings` on a terminal: the progress bar counts to the file's last row, and the hub's log lines
 * (at debug level, whatever it logs) go above it, whole, never spliced into it. A terminal is what turns
 * the bar on, so the CLI runs under script(1), which gives it a pseudo-terminal.
 */
let t: TestHub;
let dir: string;
beforeAll(async () => {
  t = await startTestHub();
  dir = mkdtempSync(path.join(os.tmpdir(), 'ewc-progress-'));
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await t?.close();
});

/** Runs the CLI on a pseudo-terminal; resolves with everything it drew (stdout and stderr share the terminal). */
function onTerminal(args: string[], env: Record<string, string | undefined>): Promise<{ status: number | null; screen: string }> {
  const command = [process.execPath, MAIN, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qefc', command, '/dev/null'], { env: { ...process.env, ...env } });
    let screen = '';
    child.stdout.on('data', (c: Buffer) => (screen += c.toString()));
    child.stderr.on('data', (c: Buffer) => (screen += c.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, screen }));
  });
}

it('counts to the last row, and log lines land above the bar whole', async () => {
  // Years no partition holds yet (the hub logs each partition it creates), a meter's day per row.
  const rows: string[] = ['serial,period_start,period_end,value'];
  const start = Date.UTC(2031, 0, 1);
  for (let i = 0; i < 20_000; i++) {
    const from = new Date(start + i * 3_600_000);
    const to = new Date(start + (i + 1) * 3_600_000);
    const fmt = (d: Date) => d.toISOString().slice(0, 16).replace('T', ' ');
    rows.push(`SY-hosp-longhui-E1,${fmt(from)},${fmt(to)},${(i % 7) + 1}`);
  }
  const csv = path.join(dir, 'hours.csv');
  writeFileSync(csv, `${rows.join('\n')}\n`);

  const r = await onTerminal(['import', 'readings', csv], { DATABASE_URL: t.db.url, EWC_DATA_DIR: process.env.EWC_TEST_DATA_DIR, LOG_LEVEL: 'debug' });
  expect(r.status).toBe(0);
  // What the terminal shows in the end: each \r returns to the line's start, \x1b[K erases the rest of it.
  const lines = r.screen
    .split(/\r?\n/)
    .map((line) => line.split('\r').reduce((shown, part) => (part.includes('\x1b[K') ? part.replace(/\x1b\[K/g, '') : part + shown.slice(part.length)), ''));
  const bars = lines.filter((l) => l.startsWith('['));
  expect(bars).toHaveLength(1);
  expect(bars[0]).toMatch(/^\[#+\] 100% {2}20,000 rows {2}[\d,]+ rows\/s$/);
  // Every line is the bar, a whole JSON log line or the summary: nothing spliced into another.
  const other = lines.filter((l) => l !== '' && !l.startsWith('[') && !/^imported 20000 readings/.test(l) && !isJson(l));
  expect(other).toEqual([]);
  expect(lines.some((l) => /^imported 20000 readings/.test(l))).toBe(true);
}, 300_000);

function isJson(line: string): boolean {
  try {
    JSON.parse(line);
    return true;
  } catch {
    return false;
  }
}
