/**
 * Typed domain errors. Services throw these; `formatError` (src/graphql/format-error.ts)
 * turns them into `extensions.code` in one place. They sit below every layer (no import of
 * GraphQL, the server or a module), so services and the CLI throw them without the GraphQL layer.
 */
export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'BAD_USER_INPUT'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'QUERY_TOO_COMPLEX'
  | 'RATE_LIMITED'
  | 'SERVICE_UNAVAILABLE'
  | 'INTERNAL_SERVER_ERROR';

export const ERROR_CODES: readonly ErrorCode[] = [
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'CONFLICT',
  'QUERY_TOO_COMPLEX',
  'RATE_LIMITED',
  'SERVICE_UNAVAILABLE',
  'INTERNAL_SERVER_ERROR',
];

/** One problem with one input field, optionally in one row of a batch. */
export interface FieldProblem {
  field: string;
  message: string;
  index?: number;
}

export abstract class DomainError extends Error {
  abstract readonly code: ErrorCode;
  /** Extra machine-readable detail for the client (never internals). */
  readonly details?: Record<string, unknown>;
  constructor(message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = new.target.name;
    this.details = details;
  }
}

export class UnauthenticatedError extends DomainError {
  readonly code = 'UNAUTHENTICATED' as const;
}
export class ForbiddenError extends DomainError {
  readonly code = 'FORBIDDEN' as const;
}
export class NotFoundError extends DomainError {
  readonly code = 'NOT_FOUND' as const;
}
export class ConflictError extends DomainError {
  readonly code = 'CONFLICT' as const;
}
export class QueryTooComplexError extends DomainError {
  readonly code = 'QUERY_TOO_COMPLEX' as const;
}
/** Over a budget; `details.retryAfter` says in how many seconds to try again. */
export class RateLimitedError extends DomainError {
  readonly code = 'RATE_LIMITED' as const;
}
export class ServiceUnavailableError extends DomainError {
  readonly code = 'SERVICE_UNAVAILABLE' as const;
}

/** Bad input: the message names the fields; `problems` lists each (with row index for batches). */
export class ValidationError extends DomainError {
  readonly code = 'BAD_USER_INPUT' as const;
  constructor(public readonly problems: FieldProblem[]) {
    super(ValidationError.summarise(problems), { problems });
  }

  static summarise(problems: FieldProblem[]): string {
    const shown = problems.slice(0, 5).map((p) => (p.index === undefined ? '' : `row ${p.index}: `) + `${p.field}: ${p.message}`);
    const more = problems.length > 5 ? ` (and ${problems.length - 5} more)` : '';
    return `Invalid input: ${shown.join('; ')}${more}`;
  }

  static single(field: string, message: string): ValidationError {
    return new ValidationError([{ field, message }]);
  }
}

/** Collects problems while validating, then throws them all at once. */
export class Problems {
  readonly list: FieldProblem[] = [];
  add(field: string, message: string, index?: number): void {
    this.list.push(index === undefined ? { field, message } : { field, message, index });
  }
  throwIfAny(): void {
    if (this.list.length) throw new ValidationError(this.list);
  }
}
