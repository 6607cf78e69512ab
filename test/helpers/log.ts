import type { ChildProcess } from 'node:child_process';

/**
 * The test's log (test/setup/environment.ts): kept while the test runs, printed only if it fails.
 * Outside that environment (a script importing the helpers) lines go to stderr as they come.
 */
export function testLog(line: string): void {
  const log = (globalThis as { __ewcTestLog?: string[] }).__ewcTestLog;
  if (log) log.push(line);
  else process.stderr.write(line.endsWith('\n') ? line : `${line}\n`);
}

/** Keeps a child process's stderr in the test's log, each line marked with `label`. */
export function logOutputOf(child: ChildProcess, label: string): void {
  let partial = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop()!;
    for (const l of lines) testLog(`[${label}] ${l}`);
  });
  child.stderr?.on('end', () => partial && testLog(`[${label}] ${partial}`));
}
