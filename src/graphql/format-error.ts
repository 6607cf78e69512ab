import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { ArgumentValidationError } from 'type-graphql';
import { unavailableReason } from '../db/unavailable';
import { logger } from '../logger';
import { DomainError, ERROR_CODES, type ErrorCode } from '../errors/domain-errors';

/** Codes graphql-js and Apollo put on errors of the request itself, mapped to ours. */
const REQUEST_ERROR_CODES: Record<string, ErrorCode> = {
  GRAPHQL_PARSE_FAILED: 'BAD_USER_INPUT',
  GRAPHQL_VALIDATION_FAILED: 'BAD_USER_INPUT',
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  BAD_REQUEST: 'BAD_USER_INPUT',
  PERSISTED_QUERY_NOT_FOUND: 'BAD_USER_INPUT',
  PERSISTED_QUERY_NOT_SUPPORTED: 'BAD_USER_INPUT',
  OPERATION_RESOLUTION_FAILURE: 'BAD_USER_INPUT',
};

/** graphql-armor's rejections (depth, cost, aliases, tokens, directives). */
const LIMIT_MESSAGE = /^Syntax Error: (Query depth limit|Query Cost limit|Aliases limit|Token limit|Directives limit|Document contains more tha[nt] \d+ tokens)/;

function originalOf(err: unknown): unknown {
  let e = err;
  while (e instanceof GraphQLError && e.originalError && e.originalError !== e) e = e.originalError;
  return e;
}

/**
 * The one place errors become what clients see: a code from ERROR_CODES, a
 * message that names the problem, and never a stack, SQL or internal detail.
 * `statementTimeoutMs` is the limit requests run under, named when a statement hit it.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown, opts: { statementTimeoutMs?: number } = {}): GraphQLFormattedError {
  const original = originalOf(error);
  const base = { message: formatted.message, locations: formatted.locations, path: formatted.path };

  if (original instanceof DomainError) {
    return { ...base, message: original.message, extensions: { code: original.code, ...(original.details ?? {}) } };
  }
  if (original instanceof ArgumentValidationError) {
    const problems = original.extensions.validationErrors as { property: string; constraints?: Record<string, string> }[];
    const list = problems.map((v) => ({ field: v.property, message: Object.values(v.constraints ?? {}).join('; ') }));
    return {
      ...base,
      message: `Invalid input: ${list.map((p) => `${p.field}: ${p.message}`).join('; ')}`,
      extensions: { code: 'BAD_USER_INPUT', problems: list },
    };
  }
  // The statement timeout, or the database gone: not a bug, and not the client's mistake (HTTP 503, see app.ts).
  const unavailable = unavailableReason(original, opts.statementTimeoutMs ?? 0);
  if (unavailable) return { ...base, message: unavailable, extensions: { code: 'SERVICE_UNAVAILABLE' } };
  const code = formatted.extensions?.code as string | undefined;
  if (code === 'QUERY_TOO_COMPLEX' || LIMIT_MESSAGE.test(formatted.message)) {
    return { ...base, extensions: { code: 'QUERY_TOO_COMPLEX' } };
  }
  if (code && REQUEST_ERROR_CODES[code]) return { ...base, extensions: { code: REQUEST_ERROR_CODES[code] } };
  if (code && (ERROR_CODES as string[]).includes(code) && code !== 'INTERNAL_SERVER_ERROR') {
    return { ...base, extensions: { code } };
  }
  // A GraphQLError raised by graphql-js while coercing variables or arguments: the client's mistake.
  if (error instanceof GraphQLError && !(original instanceof Error && original !== error) && formatted.path === undefined) {
    return { ...base, extensions: { code: 'BAD_USER_INPUT' } };
  }
  // The error object itself: the logger describes it without SQL values or key material (log-safe.ts).
  logger.error('unexpected error', { error: original, path: formatted.path });
  return { message: 'Internal server error', locations: formatted.locations, path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}
