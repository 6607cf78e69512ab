/**
 * Which database failures are the database's state, not a bug or the client's doing: the statement
 * timeout and a database that cannot be reached. Both become SERVICE_UNAVAILABLE (HTTP 503).
 */

/** SQLSTATE query_canceled: the statement timeout (we never cancel a request's statement otherwise). */
const QUERY_CANCELED = '57014';

/** SQLSTATEs of a database going away or refusing connections. */
const UNAVAILABLE_STATES = new Set([
  '57P01', // admin_shutdown: the server stopping, or pg_terminate_backend
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: starting up or shutting down
  '53300', // too_many_connections
  '3D000', // the database does not exist (dropped, or not yet restored)
]);

/** Node socket errors and the messages pg, its pool and knex give for a lost or unreachable server. */
const NET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'EAI_AGAIN']);
const LOST = /Connection terminated|connection error and is not queryable|timeout exceeded when trying to connect|Timeout acquiring a connection|not currently accepting connections|terminating connection due to|the database system is (starting up|shutting down|in recovery mode)/i;

function chain(err: unknown): unknown[] {
  const out: unknown[] = [];
  for (let e = err; e && typeof e === 'object' && out.length < 5 && !out.includes(e); ) {
    out.push(e);
    const o = e as { cause?: unknown; previous?: unknown; originalError?: unknown };
    e = o.originalError ?? o.previous ?? o.cause;
  }
  return out;
}

/** The SQLSTATE (or Node error code) anywhere in the error's chain. */
export function errorCodeOf(err: unknown): string | undefined {
  for (const e of chain(err)) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

/**
 * Why the database could not answer, in words for the client, or null when `err` is something else.
 * `statementTimeoutMs` is the limit the request ran under (for the message).
 */
export function unavailableReason(err: unknown, statementTimeoutMs: number): string | null {
  for (const e of chain(err)) {
    if (!(e instanceof Error)) continue;
    const code = (e as { code?: unknown }).code;
    if (code === QUERY_CANCELED) {
      return statementTimeoutMs > 0
        ? `the query took longer than ${statementTimeoutMs} ms (EWC_STATEMENT_TIMEOUT_MS) and was cancelled; narrow it or try again later`
        : 'the query was cancelled by the database; try again later';
    }
    if (typeof code === 'string' && (UNAVAILABLE_STATES.has(code) || code.startsWith('08') || NET_CODES.has(code))) {
      return 'the database is unavailable; try again shortly';
    }
    if (e.name === 'KnexTimeoutError' || e.name === 'ConnectionException' || LOST.test(e.message)) {
      return 'the database is unavailable or busy; try again shortly';
    }
  }
  return null;
}
