import type { EntityManager, EntityName, FilterQuery } from '@mikro-orm/postgresql';
import { ArgsType, ClassType, Field, ID, Int, InterfaceType, ObjectType } from 'type-graphql';
import { Max, Min } from 'class-validator';
import { ValidationError } from './errors';

/** Relay's object identification: every entity has an opaque, global id. */
@InterfaceType({ description: 'An object with a global, opaque ID (Relay).' })
export abstract class Node {
  @Field(() => ID)
  id!: string;
}

export function toGlobalId(type: string, id: number | string): string {
  return Buffer.from(`${type}:${id}`).toString('base64url');
}

/** Decodes a global id; with `expected`, the id must be of that type. */
export function fromGlobalId(globalId: string, expected?: string, field = 'id'): { type: string; id: string } {
  const decoded = Buffer.from(globalId, 'base64url').toString('utf8');
  const at = decoded.indexOf(':');
  const type = decoded.slice(0, at);
  const id = decoded.slice(at + 1);
  if (at <= 0 || !/^\d+$/.test(id) || !/^[A-Za-z]+$/.test(type)) {
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

export const MAX_PAGE = 100;

@ArgsType()
export class PageArgs {
  @Field(() => Int, { defaultValue: 20, description: 'Page size, 1 to 100.' })
  @Min(1)
  @Max(MAX_PAGE)
  first: number = 20;

  @Field(() => String, { nullable: true, description: 'Cursor of the last edge of the previous page.' })
  after?: string | null;
}

@ObjectType()
export class PageInfo {
  @Field()
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

/** Cursors are opaque: base64 of the ordering key of the row. */
export function encodeCursor(key: (string | number)[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor(cursor: string | null | undefined, arity: number): (string | number)[] | null {
  if (cursor === null || cursor === undefined) return null;
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(key) && key.length === arity) return key as (string | number)[];
  } catch {
    // fall through to the error below
  }
  throw ValidationError.single('after', 'not a cursor from this connection');
}

export interface Page<T> {
  edges: { cursor: string; node: T }[];
  nodes: T[];
  pageInfo: PageInfo;
  totalCount: number | Promise<number>;
}

/**
 * Turns `first + 1` fetched rows into a page: the extra row only says there is a next page. A
 * count given as a function runs only when the client asks for `totalCount`.
 */
export function toPage<T>(rows: T[], first: number, totalCount: number | (() => Promise<number>), keyOf: (row: T) => (string | number)[]): Page<T> {
  const nodes = rows.slice(0, first);
  const edges = nodes.map((node) => ({ cursor: encodeCursor(keyOf(node)), node }));
  const page = { edges, nodes, pageInfo: { hasNextPage: rows.length > first, endCursor: edges.length ? edges[edges.length - 1].cursor : null } };
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

/** A page of entities ordered by id, keyset-paginated: the common case for reference tables. */
export async function pageById<T extends { id: number }>(
  em: EntityManager,
  entity: EntityName<T>,
  where: FilterQuery<T>,
  first: number,
  after?: string | null,
): Promise<Page<T>> {
  const cursor = decodeCursor(after, 1);
  const paged = (cursor ? { $and: [where, { id: { $gt: Number(cursor[0]) } }] } : where) as FilterQuery<T>;
  const rows = await em.find(entity, paged, { orderBy: { id: 'asc' } as never, limit: first + 1 });
  return toPage(rows as T[], first, () => em.count(entity, where), (r) => [r.id]);
}
