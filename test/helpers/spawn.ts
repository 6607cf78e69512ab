import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import pg from 'pg';

export const MAIN = path.resolve(__dirname, '../../dist/src/main.js');

/** The built hub (`node dist/src/main.js start`) as a child process, as a user runs it. */
export interface SpawnedHub {
  proc: ChildProcess;
  /** The GraphQL URL it printed. */
  url: string;
  /** http://host:port, for /healthz, /readyz, /import. */
  base: string;
  stdout(): string;
  stderr(): string;
  /** JSON log lines written so far. */
  logLines(): Record<string, unknown>[];
  /** Resolves when the process has exited (after a signal sent by kill or stop). */
  exited: Promise<number | null>;
  kill(signal: NodeJS.Signals): Promise<number | null>;
}

/** Starts the hub and resolves once it has printed its URL; rejects when it exits first. */
export function spawnHub(env: Record<string, string>): Promise<SpawnedHub> {
  const proc = spawn(process.execPath, [MAIN, 'start'], {
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'info', EWC_DEMO: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  proc.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code, signal) => resolve(code ?? (signal ? -1 : null))));
  return new Promise((resolve, reject) => {
    const onExit = () => reject(new Error(`hub exited before it was up:\n${out}\n${err}`));
    proc.once('exit', onExit);
    const onData = () => {
      const m = /GraphQL\s+(\S+)/.exec(out);
      if (!m) return;
      proc.stdout!.off('data', onData);
      proc.off('exit', onExit);
      const url = m[1];
      resolve({
        proc,
        url,
        base: url.replace(/\/graphql$/, ''),
        stdout: () => out,
        stderr: () => err,
        logLines: () =>
          err
            .split('\n')
            .filter((l) => l.startsWith('{'))
            .map((l) => JSON.parse(l) as Record<string, unknown>),
        exited,
        kill: (signal) => {
          if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
          return exited;
        },
      });
    };
    proc.stdout!.on('data', onData);
  });
}

/** Polls `check` until it holds (or throws after `timeoutMs`, which only bounds a hang). */
export async function waitUntil(check: () => Promise<boolean> | boolean, timeoutMs = 30_000, what = 'condition'): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Runs one statement on a connection of its own (not the hub's pools, which a test may saturate or time out). */
export async function sqlOn<R extends pg.QueryResultRow = Record<string, unknown>>(url: string, text: string, params: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(text, params)).rows;
  } finally {
    await client.end();
  }
}
