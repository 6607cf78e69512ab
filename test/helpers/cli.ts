import { spawn } from 'node:child_process';
import path from 'node:path';
import { testLog } from './log';

/** The built CLI, `node dist/src/main.js`: what `npm run cli --` runs once the tree is built. */
export const MAIN = path.resolve(__dirname, '../../dist/src/main.js');

/** Only bounds a child that hangs; a slow one on a busy machine is left to finish. */
const HANG_MS = 10 * 60_000;

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
  /** The last line of stdout (where `keys create` prints the key). */
  lastLine: string;
}

/**
 * Runs the CLI as a user would. Asynchronously: a blocked event loop would starve the hub running
 * in the test. Its stderr also goes to the test's log, printed if the test fails.
 */
export function cli(args: string[], env: Record<string, string | undefined>): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], { env: { ...process.env, LOG_LEVEL: 'warn', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), HANG_MS);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      if (stderr) testLog(`[cli ${args.join(' ')}] exit ${status}\n${stderr}`);
      const lines = stdout.trim().split('\n');
      resolve({ status, stdout, stderr, lastLine: lines[lines.length - 1] });
    });
  });
}
