import type { EntityName, FilterQuery } from '@mikro-orm/postgresql';
import { inScope, readInstitutions } from '../access/guard';
import type { Resource } from '../access/policy';
import { ForbiddenError } from '../errors/domain-errors';
import type { Context } from './context';
import { asNode } from './relay';

/**
 * How `node(id)` fetches one type: each module lists its own (x.nodes.ts) and node.resolver.ts
 * lists the modules. A fetch applies the same access rules as the type's own query; the type's rule
 * in NODE_RULES (src/access/policy.ts) is checked before, row scope in the fetch.
 */
export interface NodeFetcher {
  /** The object behind the decoded id, or null when there is none. */
  fetch(id: string, ctx: Context): Promise<object | null>;
  /**
   * Reads many of the type's rows by primary key in one statement into the request's identity map,
   * so that the fetches of a `nodes(ids)` batch read none (absent: each fetch reads its own).
   */
  prefetch?(ids: number[], ctx: Context): Promise<unknown>;
}

export type NodeFetchers = Readonly<Record<string, NodeFetcher>>;

/** One statement for many rows of `entity`, kept in the request's identity map. */
export const prefetchRows = <T extends object>(entity: EntityName<T>, key = 'id') => (ids: number[], ctx: Context): Promise<unknown> =>
  ctx.em.find(entity, { [key]: { $in: ids } } as FilterQuery<T>);

/**
 * A row read by its key (the primary key unless named; `numeric: false` keeps the id as text), then
 * `check`ed (which throws when the key may not read it); `prefetched` rows are read many at a time
 * for a batch of ids.
 */
export function rowNode<T extends object>(
  entity: EntityName<T>,
  opts: { key?: string; numeric?: boolean; prefetched?: boolean; check?: (row: T, ctx: Context) => Promise<unknown> } = {},
): NodeFetcher {
  const { key = 'id', numeric = true, prefetched = false, check } = opts;
  return {
    async fetch(id, ctx) {
      const row = await ctx.em.findOne(entity, { [key]: numeric ? Number(id) : id } as FilterQuery<T>);
      if (row && check) await check(row, ctx);
      return row;
    },
    prefetch: prefetched ? prefetchRows(entity) : undefined,
  };
}

/** A row read by `load` (a request's loader: batched for nodes(ids)); a plain row is marked as an object of `type`. */
export function loadedNode<T extends object>(type: string, load: (id: number, ctx: Context) => Promise<T | null>): NodeFetcher {
  return {
    async fetch(id, ctx) {
      const row = await load(Number(id), ctx);
      return row && asNode(type, row);
    },
  };
}

/**
 * A row read by `load` (a request's loader: batched for nodes(ids)): absent is NOT_FOUND, one that
 * `mayRead` refuses FORBIDDEN; a plain row is marked as an object of `type`.
 */
export function scopedRowNode<T extends object>(type: string, load: (id: number, ctx: Context) => Promise<T | null>, mayRead: (row: T, ctx: Context) => boolean): NodeFetcher {
  return {
    async fetch(id, ctx) {
      const row = await load(Number(id), ctx);
      if (!row) return null;
      if (!mayRead(row, ctx)) throw new ForbiddenError('this key may not read that object');
      return asNode(type, row);
    },
  };
}

/**
 * A row that belongs to one institution, read by `load`: out of the key's row scope for every
 * `resources` FORBIDDEN, as the institution's own fetch answers (see scopedRowNode).
 */
export function institutionRowNode<T extends { institution: { id: number } }>(
  type: string,
  load: (id: number, ctx: Context) => Promise<T | null>,
  ...resources: Resource[]
): NodeFetcher {
  return scopedRowNode(type, load, (row, ctx) =>
    resources.some((r) => {
      const scope = readInstitutions(ctx.principal, r);
      return scope !== null && inScope(scope, row.institution.id);
    }),
  );
}
