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
}

export type NodeFetchers = Readonly<Record<string, NodeFetcher>>;

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
