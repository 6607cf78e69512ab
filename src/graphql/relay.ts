import { ArgsType, ClassType, Field, getMetadataStorage, ID, Int, InterfaceType, ObjectType } from 'type-graphql';
import { Problems, ValidationError } from '../errors/domain-errors';
import { toGlobalId } from '../global-id';
import { INT4_MAX, type CursorKey, type PageWindow, type WindowRows } from '../db/window';

// The window half of paging (what a service or repository reads) lives in src/db/window.ts, imported
// from there; the GraphQL layer keeps arguments, cursors and connections.

/** Where a plain row answered as a `Node` says which type it is (`asNode`). */
const NODE_TYPE = Symbol('node type');

/** A row answered where a `Node` is expected: a plain one (no class) is marked as an object of `type`. */
export function asNode<T extends object>(type: string, row: T): T {
  return Object.getPrototypeOf(row) === Object.prototype ? { ...row, [NODE_TYPE]: type } : row;
}

/** The schema name of each object type's class, for `nodeType` (made on first use, when every type is declared). */
let objectTypeNames: Map<unknown, string> | null = null;

/**
 * The type of an object answered as a `Node`: a plain row's mark, else its class's (or the nearest
 * declared class up its prototype chain). type-graphql's own resolver tries `instanceof` against every
 * implementing type in turn, and knows no plain row.
 */
export function nodeType(value: object): string | undefined {
  const marked = (value as { [NODE_TYPE]?: string })[NODE_TYPE];
  if (marked) return marked;
  objectTypeNames ??= new Map(getMetadataStorage().objectTypes.map((t) => [t.target, t.name]));
  for (let proto: unknown = Object.getPrototypeOf(value); proto; proto = Object.getPrototypeOf(proto)) {
    const name = objectTypeNames.get((proto as { constructor: unknown }).constructor);
    if (name) return name;
  }
  return undefined;
}

/** Relay's object identification: every entity has an opaque, global id. */
@InterfaceType({ description: 'An object with a global, opaque ID (Relay).', resolveType: (value: object) => nodeType(value) })
export abstract class Node {
  @Field(() => ID)
  id!: string;
}

/** Ids are int4 serials (PostgreSQL `serial`); their global form is written in one place, below every layer. */
export { toGlobalId };

/**
 * The Relay id of an entity that reads also give as plain rows. The class declares the field as a
 * plain property (`@Field(() => ID, { name: 'id' }) globalId!: string`) and gets this getter on its
 * prototype: the schema reads `globalId` off any object, the entity through the getter, a row
 * through its own property. A decorated getter would make type-graphql copy every plain row into a
 * new entity before reading it. `key` names the property the id is made of (a closed year's is its year).
 */
export function defineGlobalId(entity: { prototype: object }, type: string, key = 'id'): void {
  Object.defineProperty(entity.prototype, 'globalId', {
    get(this: Record<string, number>) {
      return toGlobalId(type, this[key]);
    },
    configurable: true,
  });
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

/**
 * An id of a batch or an input checked as a whole: the row id, or NaN with the problem added (at the
 * row's `index`), so the input's other checks still run and every mistake comes in one answer.
 */
export function decodeIdInto(problems: Problems, globalId: string, expected: string, field: string, index?: number): number {
  try {
    return decodeIntId(globalId, expected, field);
  } catch (err) {
    // Only a malformed id is the client's; anything else reaches the formatter.
    if (!(err instanceof ValidationError)) throw err;
    problems.add(field, err.problems[0].message, index);
    return NaN;
  }
}

/**
 * An id a service checks among its input's other fields: null when absent or not an id of
 * `expected` (the service names the mistake in its own words, in its own order).
 */
export function decodeIdOrNull(globalId: string | null | undefined, expected: string): number | null {
  if (!globalId) return null;
  try {
    return decodeIntId(globalId, expected);
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    return null;
  }
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

/** A connection of rows a service read for a window ordered by id. */
export function pageOfRows<T extends { id: number }>(found: WindowRows<T>, window: PageWindow): Page<T> {
  return toPage(found.rows, window, found.count, (r) => [r.id]);
}
