/**
 * What a log line may carry. Errors from the database quote SQL with its values filled in (knex puts
 * the statement before PostgreSQL's message, MikroORM keeps it) and PostgreSQL's own `detail`,
 * `where` and some messages quote values (`Key (hash)=(…) already exists`, `invalid input syntax
 * for type integer: "…"`). So a database error is logged by its SQLSTATE and the names of what it
 * is about, never by its statement, parameters or values; any string that looks like an API key or
 * a key hash is masked; and every string is cut so one line stays a few KB.
 */

/** Longest string field of a log line, in characters. */
export const MAX_FIELD_CHARS = 1000;
const MAX_STACK_FRAMES = 12;

const KEY = /ewc_[0-9a-f]{12}_[A-Za-z0-9_-]+/g;
const HASH = /\b[0-9a-f]{64}\b/g;
const SQLSTATE = /^[0-9A-Z]{5}$/;

export function truncate(text: string, max = MAX_FIELD_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters)`;
}

/** Masks key material and cuts the string. */
export function scrub(text: string): string {
  return truncate(text.replace(KEY, 'ewc_[redacted]').replace(HASH, '[hash]'));
}

interface PgLike extends Error {
  code?: unknown;
  constraint?: string;
  table?: string;
  column?: string;
  schema?: string;
  dataType?: string;
  routine?: string;
}

/** PostgreSQL's message without the statement in front, and with quoted values masked (quoted names of the error's own objects kept). */
function databaseMessage(e: PgLike): string {
  const message = withoutStatement(e.message);
  const names = new Set([e.constraint, e.table, e.column, e.schema, e.dataType].filter(Boolean));
  return message
    .replace(/"([^"]*)"/g, (all, inner: string) => (names.has(inner) ? all : '"…"'))
    .replace(/'[^']*'/g, "'…'")
    .replace(/\(([^()]*)\)=\(([^()]*)\)/g, '($1)=(…)');
}

const STATEMENT = /^\s*(select|insert|update|delete|with|copy|begin|commit|rollback|set|create|alter|drop|lock|listen|notify|truncate)\b/i;

/**
 * knex writes "<statement with values> - <message>" (for lost connections too), and MikroORM adds
 * "\n - detail: <values>" and "\n - hint: …"; PostgreSQL's own messages do not contain " - ".
 */
function withoutStatement(full: string): string {
  const message = full.replace(/\n - (detail|hint): [\s\S]*$/, '');
  const at = message.lastIndexOf(' - ');
  if (at >= 0 && STATEMENT.test(message)) return message.slice(at + 3);
  return STATEMENT.test(message) ? '[a statement]' : message;
}

function isDatabaseError(e: PgLike): boolean {
  return typeof e.code === 'string' && SQLSTATE.test(e.code) && ('severity' in e || 'sqlState' in e || 'routine' in e || /Exception$/.test(e.name));
}

/** An error as a log field: name, code and message (for a database error: SQLSTATE, object names, masked message), and a short stack. */
export function safeError(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { message: scrub(String(err)) };
  const e = err as PgLike;
  if (isDatabaseError(e)) {
    const out: Record<string, unknown> = { name: e.name, sqlState: e.code, message: scrub(databaseMessage(e)) };
    for (const k of ['constraint', 'table', 'column', 'routine'] as const) if (e[k]) out[k] = e[k];
    // The stack's first line repeats the message with the statement: keep the frames only.
    out.stack = framesOf(e.stack);
    return out;
  }
  const out: Record<string, unknown> = { name: e.name, message: scrub(withoutStatement(e.message)) };
  if (typeof e.code === 'string') out.code = e.code;
  out.stack = framesOf(e.stack);
  if (e.cause !== undefined && e.cause !== err) out.cause = safeError(e.cause);
  return out;
}

function framesOf(stack: string | undefined): string | undefined {
  if (!stack) return undefined;
  // The hub's own frames say where; those of libraries and Node's internals mostly repeat.
  const frames = stack
    .split('\n')
    .filter((l) => l.trim().startsWith('at ') && !/node_modules|node:internal|\(node:/.test(l))
    .slice(0, MAX_STACK_FRAMES);
  return frames.length ? scrub(frames.map((l) => l.trim()).join('\n')) : undefined;
}

/** Every field of a log line made safe: errors described, strings scrubbed, nesting and lists bounded. */
export function safeFields(value: unknown, depth = 0): unknown {
  if (value instanceof Error) return safeError(value);
  if (typeof value === 'string') return scrub(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 4) return '[nested]';
  if (Array.isArray(value)) {
    const list = value.slice(0, 20).map((v) => safeFields(v, depth + 1));
    if (value.length > 20) list.push(`… (${value.length - 20} more)`);
    return list;
  }
  if (value instanceof Date) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value).slice(0, 40)) out[k] = safeFields(v, depth + 1);
  return out;
}
