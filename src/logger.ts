import { AsyncLocalStorage } from 'node:async_hooks';
import pino from 'pino';
import type { LogLevel } from './config';
import { safeFields } from './log-safe';

/**
 * Structured JSON logs (pino) on stderr, so stdout stays for what a command prints. Keys and
 * Authorization headers are redacted wherever they appear in a log line's fields; errors and
 * strings pass through log-safe.ts (no SQL values, no key material, a few KB a line at most).
 */
/** Fields every log line written while handling one request carries (its request id). */
export const logContext = new AsyncLocalStorage<Record<string, unknown>>();

export class Logger {
  constructor(private readonly out: pino.Logger) {}

  setLevel(level: LogLevel): void {
    this.out.level = level;
  }

  child(fields: Record<string, unknown>): Logger {
    return new Logger(this.out.child(fields));
  }

  debug(msg: string, extra?: Record<string, unknown>): void {
    this.out.debug(extra ?? {}, msg);
  }
  info(msg: string, extra?: Record<string, unknown>): void {
    this.out.info(extra ?? {}, msg);
  }
  warn(msg: string, extra?: Record<string, unknown>): void {
    this.out.warn(extra ?? {}, msg);
  }
  error(msg: string, extra?: Record<string, unknown>): void {
    this.out.error(extra ?? {}, msg);
  }
}

/** Where log lines go: stderr, unless a test run keeps them to show with a failing test. */
let sink: ((line: string) => void) | null = null;
let stderr: pino.DestinationStream | null = null;
/** A line redrawn in place on the terminal (the import's progress bar): cleared before a log line, redrawn after. */
let liveLine: { clear: () => void; redraw: () => void } | null = null;
const destination: pino.DestinationStream = {
  // Synchronous: a line written just before exit is not lost.
  write: (line) => {
    if (sink) return sink(line);
    liveLine?.clear();
    (stderr ??= pino.destination({ dest: 2, sync: true })).write(line);
    liveLine?.redraw();
  },
};

/** Keeps log lines off a line that is being redrawn on stderr (null: none any more). */
export function setLiveLine(line: { clear: () => void; redraw: () => void } | null): void {
  liveLine = line;
}

/** Sends this process's log lines to `write` instead of stderr (null: back to stderr). */
export function setLogSink(write: ((line: string) => void) | null): void {
  sink = write;
}

export function createLogger(level: LogLevel): Logger {
  return new Logger(
    pino(
      {
        level,
        base: undefined,
        mixin: () => logContext.getStore() ?? {},
        timestamp: pino.stdTimeFunctions.isoTime,
        // Errors described without SQL values, key material masked, long strings cut (log-safe.ts).
        formatters: { level: (label) => ({ level: label }), log: (fields) => safeFields(fields) as Record<string, unknown> },
        redact: { paths: ['authorization', 'key', 'apiKey', '*.authorization', '*.key', 'headers.authorization'], censor: '[redacted]' },
      },
      destination,
    ),
  );
}

export const logger = createLogger((process.env.LOG_LEVEL as LogLevel) || 'info');
