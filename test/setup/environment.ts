/**
 * Node's test environment, plus quiet logs: the hub's log lines and the output of the processes a
 * test starts are kept (test/setup/capture-logs.ts, test/helpers/log.ts) and printed only when a
 * test or a hook fails, under its name. A green run prints nothing but Jest's summary.
 */
import type { Circus } from '@jest/types';
import NodeEnvironment from 'jest-environment-node';

/** The last lines are the ones that explain a failure; a runaway loop should not flood the report. */
const MAX_LINES = 400;

export default class QuietLogsEnvironment extends NodeEnvironment {
  private readonly lines: string[] = [];

  override async setup(): Promise<void> {
    await super.setup();
    this.global.__ewcTestLog = this.lines;
  }

  handleTestEvent(event: Circus.Event): void {
    if (event.name === 'test_done') {
      if (event.test.errors.length) this.print(`test "${fullName(event.test)}" failed`);
      this.lines.length = 0;
    } else if (event.name === 'hook_failure') {
      this.print(`${event.hook.type} hook failed${event.test ? ` in "${fullName(event.test)}"` : ''}`);
      this.lines.length = 0;
    }
  }

  private print(what: string): void {
    if (!this.lines.length) return;
    const shown = this.lines.slice(-MAX_LINES);
    const cut = this.lines.length - shown.length;
    process.stderr.write(
      `\n── log while ${what}${cut ? ` (last ${MAX_LINES} lines of ${this.lines.length})` : ''} ──\n` +
        shown.map((l) => (l.endsWith('\n') ? l : `${l}\n`)).join('') +
        '── end of log ──\n',
    );
  }
}

function fullName(test: Circus.TestEntry): string {
  const names = [test.name];
  for (let block = test.parent; block && block.name !== 'ROOT_DESCRIBE_BLOCK'; block = block.parent!) names.unshift(block.name);
  return names.join(' › ');
}
