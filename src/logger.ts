import type { LogLevel } from './config';

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

/** One-line JSON logs on stderr, so stdout stays for what a command prints. */
export class Logger {
  constructor(private level: LogLevel = 'info', private readonly fields: Record<string, unknown> = {}) {}

  setLevel(level: LogLevel): void {
    this.level = level;
  }

  child(fields: Record<string, unknown>): Logger {
    return new Logger(this.level, { ...this.fields, ...fields });
  }

  debug(msg: string, extra?: Record<string, unknown>): void {
    this.write('debug', msg, extra);
  }
  info(msg: string, extra?: Record<string, unknown>): void {
    this.write('info', msg, extra);
  }
  warn(msg: string, extra?: Record<string, unknown>): void {
    this.write('warn', msg, extra);
  }
  error(msg: string, extra?: Record<string, unknown>): void {
    this.write('error', msg, extra);
  }

  private write(level: LogLevel, msg: string, extra?: Record<string, unknown>): void {
    if (ORDER[level] < ORDER[this.level]) return;
    const line = { time: new Date().toISOString(), level, msg, ...this.fields, ...extra };
    process.stderr.write(JSON.stringify(line) + '\n');
  }
}

export const logger = new Logger((process.env.LOG_LEVEL as LogLevel) || 'info');
