import type { EntityManager, EntityName, FilterQuery } from '@mikro-orm/postgresql';
import { ArgsType, ClassType, Field, ID, Int, InterfaceType, ObjectType } from 'type-graphql';
import { Problems, ValidationError } from '../errors/domain-errors';

/** Relay's object identification: every entity has an opaque, global id. */
@InterfaceType({ description: 'An object with a global, opaque ID (Relay).' })
export abstract class Node {
  @Field(() => ID)
  id!: string;
}

/** Ids are int4 serials (PostgreSQL `serial`). */
export const INT4_MAX = 2_147_483_647;

export function toGlobalId(type: string, id: number | string): string {
  return Buffer.from(`${type}:${id}`).toString('base64url');
}

/** Decodes a global id; with `expected`, the id must be of that type. */
export function fromGlobalId(globalId: string, expected?: string, field = 'id'): { type: string; id: string } {
  const decoded = Buffer.from(globalId, 'base64url').toString('utf8');
  const at = decoded.indexOf(':');
  const type = decoded.slice(0, at);
  const id = decoded.slice(at + 1);
  // Every entity's id is an int4 serial: a longer number is not an id of ours and must not reach SQL.
  if (at <= 0 || !/^\d{1,10}$/.test(id) || Number(id) > INT4_MAX || !/^[A-Za-z]+$/.test(type)) {
    throw ValidationError.single(field, `"${globalId}" is not a valid ID`);
  }
  if (expected && type !== expected) {
    throw ValidationError.single(field, `expected an ID of a ${expected}, got one of a ${type}`);
  }
  return { type, id };
}

export function decodeIntId(globalId: string, expected: string, field = 'id'): number {
  return Number(fromGlobalId(globalId, expected, field).id);
}

/** An optional id argument: null when absent (or empty), else decoded as decodeIntId does. */
export function decodeOptionalIntId(globalId: string | null | undefined, expected: string, field = 'id'): number | null {
  return globalId ? decodeIntId(globalId, expected, field) : null;
}

export const MAX_PAGE = 100;
export const DEFAULT_PAGE = 20;

/** Relay connection arguments: `first`/`after` forward, `last`/`before` backward. */
@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true, description: `Page size from the start (or from \`after\`), 1 to ${MAX_PAGE}; ${DEFAULT_PAGE} when neither first nor last is given.` })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'Cursor of the last edge of the previous page.' })
  after?: string | null;

  @Field(() => Int, { nullable: true, description: `Page size from the end (or from \`before\`), 1 to ${MAX_PAGE}.` })
  last?: number | null;

  @Field(() => String, { nullable: true, description: 'Cursor of the first edge of the next page.' })
  before?: string | null;
}

@ObjectType({ description: 'Relay page information (the connection spec requires all four fields).' })
export class PageInfo {
  @Field()
  hasNextPage!: boolean;

  @Field()
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true })
  startCursor!: string | null;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

export type CursorKey = (string | number)[];

/** Cursors are opaque: base64 of the ordering key of the row. */
export function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

function parseCursor(cursor: string, arity: number): CursorKey | null {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(key) && key.length === arity && key.every((k) => typeof k === 'string' || typeof k === 'number')) return key as CursorKey;
  } catch (err) {
    // not JSON: refused below
    if (!(err instanceof SyntaxError)) throw err;
  }
  return null;
}

export function decodeCursor(cursor: string | null | undefined, arity: number, field = 'after'): CursorKey | null {
  if (cursor === null || cursor === undefined) return null;
  const key = parseCursor(cursor, arity);
  if (!key) throw ValidationError.single(field, 'not a cursor from this connection');
  return key;
}

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

export function pageWindow(args: PageArgs | PageWindow, arity: number): PageWindow {
  if ('size' in args) return args;
  const problems = new Problems();
  const sizeOk = (field: 'first' | 'last') => {
    const v = args[field];
    if (v === null || v === undefined) return;
    if (!Number.isInteger(v) || v < 1 || v > MAX_PAGE) problems.add(field, `must be between 1 and ${MAX_PAGE}`);
  };
  sizeOk('first');
  sizeOk('last');
  const hasFirst = args.first !== null && args.first !== undefined;
  const hasLast = args.last !== null && args.last !== undefined;
  if (hasFirst && hasLast) problems.add('last', 'give first or last, not both');
  const cursor = (field: 'after' | 'before') => {
    const c = args[field];
    if (c === null || c === undefined) return null;
    const key = parseCursor(c, arity);
    if (!key) problems.add(field, 'not a cursor from this connection');
    return key;
  };
  const after = cursor('after');
  const before = cursor('before');
  problems.throwIfAny();
  return { size: (hasLast ? args.last : args.first) ?? DEFAULT_PAGE, backward: hasLast, after, before };
}

/** A forward page of `first` rows after a cursor: for callers that walk a connection from the start (CLI, exports). */
export function forward(first: number, after?: string | null, arity = 1): PageWindow {
  return pageWindow({ first, after }, arity);
}

export interface Page<T> {
  edges: { cursor: string; node: T }[];
  nodes: T[];
  pageInfo: PageInfo;
  totalCount: number | Promise<number>;
}

/**
 * Turns `size + 1` rows fetched in the window's direction into a page: the extra row only says
 * there is more that way; a backward fetch is put back in the connection's order. Whether there is
 * more the other way is known from the cursor that bounds it. A count given as a function runs
 * only when the client asks for `totalCount`.
 */
export function toPage<T>(rows: T[], window: PageWindow | number, totalCount: number | (() => Promise<number>), keyOf: (row: T) => CursorKey): Page<T> {
  const w: PageWindow = typeof window === 'number' ? { size: window, backward: false, after: null, before: null } : window;
  const more = rows.length > w.size;
  const nodes = rows.slice(0, w.size);
  if (w.backward) nodes.reverse();
  const edges = nodes.map((node) => ({ cursor: encodeCursor(keyOf(node)), node }));
  const pageInfo: PageInfo = {
    hasNextPage: w.backward ? w.before !== null : more,
    hasPreviousPage: w.backward ? more : w.after !== null,
    startCursor: edges.length ? edges[0].cursor : null,
    endCursor: edges.length ? edges[edges.length - 1].cursor : null,
  };
  const page = { edges, nodes, pageInfo };
  if (typeof totalCount === 'number') return { ...page, totalCount };
  let counted: Promise<number> | null = null;
  return Object.defineProperty(page, 'totalCount', { get: () => (counted ??= totalCount()), enumerable: true }) as Page<T>;
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
 * MikroORM conditions and order for a keyset window over `fields` (the connection's order, each
 * `order`, the last one unique). `parse` turns a cursor's parts back into column values.
 */
export function keyset(window: PageWindow, fields: string[], parse: ((v: string | number, field: 'after' | 'before') => unknown)[], order: Direction = 'asc'): { where: object[]; orderBy: Record<string, Direction> } {
  const beyond = (key: CursorKey, side: 'after' | 'before') => {
    const forwardOp = (order === 'asc') === (side === 'after') ? '$gt' : '$lt';
    const ors = fields.map((f, i) => {
      const c: Record<string, unknown> = {};
      for (let j = 0; j < i; j++) c[fields[j]] = parse[j](key[j], side);
      c[f] = { [forwardOp]: parse[i](key[i], side) };
      return c;
    });
    return ors.length === 1 ? ors[0] : { $or: ors };
  };
  const where: object[] = [];
  if (window.after) where.push(beyond(window.after, 'after'));
  if (window.before) where.push(beyond(window.before, 'before'));
  const flip = (d: Direction): Direction => (d === 'asc' ? 'desc' : 'asc');
  const dir = window.backward ? flip(order) : order;
  return { where, orderBy: Object.fromEntries(fields.map((f) => [f, dir])) };
}

/** The same for one integer column in plain SQL; parameters are appended to `params`. */
export function sqlKeyset(
  window: PageWindow,
  column: string,
  params: unknown[],
  order: Direction = 'asc',
  key: (v: string | number, field: 'after' | 'before') => unknown = intKey,
): { where: string[]; orderBy: string } {
  const where: string[] = [];
  const op = (side: 'after' | 'before') => ((order === 'asc') === (side === 'after') ? '>' : '<');
  if (window.after) where.push(`${column} ${op('after')} $${params.push(key(window.after[0], 'after'))}`);
  if (window.before) where.push(`${column} ${op('before')} $${params.push(key(window.before[0], 'before'))}`);
  const asc = (order === 'asc') !== window.backward;
  return { where, orderBy: `${column} ${asc ? 'ASC' : 'DESC'}` };
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

/** The same page with each node mapped; a lazy `totalCount` stays lazy. */
export function mapPage<T, U>(page: Page<T>, fn: (node: T) => U): Page<U> {
  const nodes = page.nodes.map(fn);
  const mapped = { edges: page.edges.map((e, i) => ({ cursor: e.cursor, node: nodes[i] })), nodes, pageInfo: page.pageInfo };
  return Object.defineProperty(mapped, 'totalCount', { get: () => page.totalCount, enumerable: true }) as Page<U>;
}

/** A Relay connection type for `itemType`, named `<name>Connection` with `<name>Edge`; call once per type. */
export function Connection<T extends object>(itemType: ClassType<T>, name: string) {
  @ObjectType(`${name}Edge`)
  class Edge {
    @Field()
    cursor!: string;

    @Field(() => itemType)
    node!: T;
  }

  @ObjectType(`${name}Connection`)
  class ConnectionType implements Page<T> {
    @Field(() => [Edge])
    edges!: Edge[];

    @Field(() => [itemType], { description: 'The nodes of the edges, for clients that need no cursors.' })
    nodes!: T[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;

    @Field(() => Int, { description: 'Rows matching the filter that this key may read, across all pages (counted only when asked for).' })
    totalCount!: number | Promise<number>;
  }
  return ConnectionType;
}

/** A page of entities ordered by id, keyset-paginated: the common case for reference tables. */
export async function pageById<T extends { id: number }>(
  em: EntityManager,
  entity: EntityName<T>,
  where: FilterQuery<T>,
  page: PageArgs | PageWindow,
): Promise<Page<T>> {
  const w = pageWindow(page, 1);
  const ks = keyset(w, ['id'], [intKey]);
  const paged = (ks.where.length ? { $and: [where, ...ks.where] } : where) as FilterQuery<T>;
  const rows = await em.find(entity, paged, { orderBy: ks.orderBy as never, limit: w.size + 1 });
  return toPage(rows as T[], w, () => em.count(entity, where), (r) => [r.id]);
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
