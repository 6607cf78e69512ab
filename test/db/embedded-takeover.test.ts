import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnHub, waitUntil, type SpawnedHub } from '../helpers/spawn';

/**
 * `start` with no DATABASE_URL runs its own embedded PostgreSQL under EWC_DATA_DIR. Killed with
 * SIGKILL, the hub cannot stop it: the next start must not take that orphan for another hub's.
 */
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ewc-takeover-'));
const pidFile = path.join(dataDir, 'pg', 'postmaster.pid');
const postmasterPid = () => Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};
const start = () => spawnHub({ EWC_DATA_DIR: dataDir, DATABASE_URL: '', EWC_DEMO: '0' });
let hubs: SpawnedHub[] = [];

afterAll(async () => {
  for (const h of hubs) await h.kill('SIGINT');
  if (existsSync(pidFile)) process.kill(postmasterPid(), 'SIGINT');
  await waitUntil(() => !existsSync(pidFile), 30_000, 'PostgreSQL to stop');
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the embedded PostgreSQL after a SIGKILL of its hub', () => {
  it('is stopped and started afresh by the next start, which owns it and stops it on exit', async () => {
    // Two cold starts (initdb, migrations) on a shared machine.
    const first = await start();
    hubs.push(first);
    const orphan = postmasterPid();
    expect(readFileSync(path.join(dataDir, 'embedded.owner'), 'utf8').trim()).toBe(String(first.proc.pid));
    await first.kill('SIGKILL');
    // The orphan: PostgreSQL outlives its hub.
    expect(alive(orphan)).toBe(true);

    const second = await start();
    hubs.push(second);
    expect(second.logLines().some((l) => /left running by a hub that is gone/.test(String(l.msg)))).toBe(true);
    expect(postmasterPid()).not.toBe(orphan);
    expect(readFileSync(path.join(dataDir, 'embedded.owner'), 'utf8').trim()).toBe(String(second.proc.pid));
    const ready = await fetch(`${second.base}/readyz`);
    expect(ready.status).toBe(200);

    // A clean stop of the new owner stops PostgreSQL too: nothing is left running.
    const current = postmasterPid();
    expect(await second.kill('SIGINT')).toBe(0);
    hubs = [];
    expect(existsSync(pidFile)).toBe(false);
    expect(existsSync(path.join(dataDir, 'embedded.owner'))).toBe(false);
    await waitUntil(() => !alive(current), 10_000, 'the postmaster to exit');
  }, 900_000); // bounds a hang only: two cold starts (initdb, migrations) took over 180 s at load 29
});
