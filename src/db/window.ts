import type pg from 'pg';
import { ValidationError } from '../errors/domain-errors';

/** The largest int4: ids and ranks a cursor may carry. */
export const INT4_MAX = 2_147_483_647;

/** A row's ordering key, as a cursor carries it. */
export type CursorKey = (string | number)[];

/**
 * One page request, checked: `size` rows from the start (`backward` false) or from the end, between
 * the `after` and `before` keys. Every mistake is BAD_USER_INPUT, all of them in one answer.
 */
export interface PageWindow {
  size: number;
  backward: boolean;
  after: CursorKey | null;
  before: CursorKey | null;
}


/** A list already in memory (sorted in the connection's order) cut to the window. */
export function pageOfList<T>(all: T[], window: PageWindow, keyOf: (row: T) => CursorKey, compare: (key: CursorKey, row: T) => number): T[] {
  let rows = all;
  if (window.after) rows = rows.filter((r) => compare(window.after!, r) < 0);
  if (window.before) rows = rows.filter((r) => compare(window.before!, r) > 0);
  return window.backward ? rows.slice(-(window.size + 1)).reverse() : rows.slice(0, window.size + 1);
}

type Direction = 'asc' | 'desc';


/**
 * The conditions and order of a keyset window in plain SQL, for one integer column or for several
 * (the connection's order, the last one unique; the cursor carries one part per column); parameters
 * are appended to `params`. Several columns are all ordered in the one `order` and compared as a
 * row, `(a, b) > ($1, $2)`, each cursor part parsed by `key`: an order mixing directions is no row
 * comparison and needs an OR expansion (`a > $1 OR (a = $1 AND b < $2)`).
 */
export function sqlKeyset(
  window: PageWindow,
  column: string | readonly string[],
  params: unknown[],
  order: Direction = 'asc',
  key: (v: string | number, field: 'after' | 'before') => unknown = intKey,
): { where: string[]; orderBy: string } {
  const columns = typeof column === 'string' ? [column] : column;
  const where: string[] = [];
  const op = (side: 'after' | 'before') => ((order === 'asc') === (side === 'after') ? '>' : '<');
  const beyond = (side: 'after' | 'before', cursor: CursorKey) => {
    const values = columns.map((_, i) => `$${params.push(key(cursor[i], side))}`);
    return columns.length === 1 ? `${columns[0]} ${op(side)} ${values[0]}` : `(${columns.join(', ')}) ${op(side)} (${values.join(', ')})`;
  };
  if (window.after) where.push(beyond('after', window.after));
  if (window.before) where.push(beyond('before', window.before));
  const dir = (order === 'asc') !== window.backward ? 'ASC' : 'DESC';
  return { where, orderBy: columns.map((c) => `${c} ${dir}`).join(', ') };
}

/** A cursor part that must be a row id or rank (int4): a forged one never reaches SQL out of range. */
export function intKey(v: string | number, field = 'after'): number {
  const n = typeof v === 'number' ? v : /^\d{1,10}$/.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n) || n < 0 || n > INT4_MAX) throw ValidationError.single(field, 'not a cursor from this connection');
  return n;
}

/** A cursor part that must be a bigint row id (readings, audit events), kept as its decimal string. */
export function bigintKey(v: string | number, field = 'after'): string {
  const ok = typeof v === 'number' ? Number.isSafeInteger(v) && v >= 0 : /^\d{1,18}$/.test(v);
  if (!ok) throw ValidationError.single(field, 'not a cursor from this connection');
  return String(v);
}

/** Timestamps a cursor may carry: what PostgreSQL and a JS Date both hold with room to spare. */
const CURSOR_TIME_MIN = Date.UTC(1900, 0, 1);
const CURSOR_TIME_MAX = Date.UTC(2200, 0, 1);

/** A cursor part that must be an ISO timestamp within the years the hub holds. */
export function dateKey(v: string | number, field = 'after'): Date {
  const t = typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(v) ? Date.parse(v) : NaN;
  if (!(t >= CURSOR_TIME_MIN && t <= CURSOR_TIME_MAX)) throw ValidationError.single(field, 'not a cursor from this connection');
  return new Date(t);
}

/**
 * A window's rows, read one past its size in its direction (the extra row only says there is more
 * that way), and how to count every row of the query (run only when asked).
 */
export interface WindowRows<T> {
  rows: T[];
  count: () => Promise<number>;
}

/**
 * A window of plain rows in the order of one integer `column` (or of several, as sqlKeyset reads
 * them: all ascending, compared as a row, each cursor part an int4 by `intKey`; its keyset from
 * `window`), read from `from` under `where` (their parameters in `params`) in one statement; the
 * count only when asked.
 */
export async function sqlWindow<R extends pg.QueryResultRow, T>(
  pool: pg.Pool,
  q: { select: string; from: string; where: string[]; params: unknown[]; column: string | readonly string[] },
  window: PageWindow,
  row: (r: R) => T,
): Promise<WindowRows<T>> {
  const params = [...q.params];
  const ks = sqlKeyset(window, q.column, params);
  const all = [...q.where, ...ks.where];
  const { rows } = await pool.query<R>(`SELECT ${q.select} FROM ${q.from} ${all.length ? `WHERE ${all.join(' AND ')}` : ''} ORDER BY ${ks.orderBy} LIMIT ${window.size + 1}`, params);
  return {
    rows: rows.map(row),
    count: async () => (await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${q.from} ${q.where.length ? `WHERE ${q.where.join(' AND ')}` : ''}`, q.params)).rows[0].n,
  };
}

/**
 * The plain rows of `from` whose integer `column` is one of `ids`, in one statement: the read behind
 * a lookup or a loader by id. With `scope`, only the rows of those institutions (the key's row scope,
 * `scope.column` naming a row's institution; `ids` null: every institution).
 */
export async function sqlRowsById<R extends pg.QueryResultRow, T>(
  pool: pg.Pool,
  q: { select: string; from: string; column: string; scope?: { column: string; ids: readonly number[] | null } },
  ids: readonly number[],
  row: (r: R) => T,
): Promise<T[]> {
  const params: unknown[] = [ids];
  const where = [`${q.column} = ANY($1::int[])`];
  if (q.scope?.ids) where.push(`${q.scope.column} = ANY($${params.push(q.scope.ids)}::int[])`);
  const { rows } = await pool.query<R>(`SELECT ${q.select} FROM ${q.from} WHERE ${where.join(' AND ')}`, params);
  return rows.map(row);
}
