import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The SQL a request sends, seen at the driver: the response cache learns from it which tables an
 * answer read (and whether it wrote or asked for the time, which makes it unfit to keep).
 */
export interface StatementSink {
  note(sql: string): void;
}

const scope = new AsyncLocalStorage<StatementSink>();

/** Runs `fn` with every statement sent from its async context noted in `sink`. */
export function withStatementSink<T>(sink: StatementSink, fn: () => T): T {
  return scope.run(sink, fn);
}

/** Called by the driver hooks (sql-stats.ts) for each statement. */
export function noteStatement(query: unknown): void {
  const sink = scope.getStore();
  if (!sink) return;
  const text = typeof query === 'string' ? query : typeof query === 'object' && query !== null && typeof (query as { text?: unknown }).text === 'string' ? (query as { text: string }).text : null;
  // A statement whose text cannot be read (a prepared name alone) makes the answer unfit to keep.
  sink.note(text ?? 'insert /* unreadable statement */');
}

/** Runs `fn` with its statements noted nowhere: bookkeeping a request triggers but does not read (budget counters). */
export function outsideStatementSink<T>(fn: () => T): T {
  return scope.exit(fn);
}

/** The sink of the request running now, if any. */
export function currentStatementSink(): StatementSink | undefined {
  return scope.getStore();
}
