import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { assertNodeType } from '../access/guard';
import type { Context } from './context';
import { loadedNode, type NodeFetchers } from './node-fetcher';
import { accountingNodes } from '../modules/accounting/accounting.nodes';
import { auditNodes } from '../modules/audit/audit.nodes';
import { auditsNodes } from '../modules/audits/audits.nodes';
import { complianceNodes } from '../modules/compliance/compliance.nodes';
import { epcNodes } from '../modules/epc/epc.nodes';
import { factorsNodes } from '../modules/factors/factors.nodes';
import { fleetNodes } from '../modules/fleet/fleet.nodes';
import { keysNodes } from '../modules/keys/keys.nodes';
import { MeteringService } from '../modules/metering/metering.service';
import { registryNodes } from '../modules/registry/registry.nodes';
import { solarNodes } from '../modules/solar/solar.nodes';
import { targetsNodes } from '../modules/targets/targets.nodes';
import { weatherNodes } from '../modules/weather/weather.nodes';
import { NotFoundError, ValidationError } from '../errors/domain-errors';
import { asNode, fromGlobalId, MAX_PAGE, Node } from './relay';

/**
 * Metering's types, listed here until the ingest work leaves src/modules/metering/ (then they move
 * to its metering.nodes.ts as the other modules' did).
 */
const meteringNodes: NodeFetchers = {
  // Plain rows through the request's loaders (batched for nodes(ids)), the key's scope in the statement.
  Meter: { fetch: async (id, ctx) => asNode('Meter', await new MeteringService(ctx.em, ctx.principal, ctx.db.pool, ctx.loaders).meter(Number(id))) },
  // The id as the database writes it (a global id may carry leading zeros).
  Reading: loadedNode('Reading', (id, ctx) => new MeteringService(ctx.em, ctx.principal, ctx.db.pool, ctx.loaders).reading(String(id))),
  // A plain row through the request's loader (batched for nodes(ids)).
  ReadingBatch: loadedNode('ReadingBatch', (id, ctx) => ctx.loaders.batchById.load(id)),
};

/**
 * How to fetch each kind of node, as each module lists its own; every fetch applies the same access
 * rules as its own query. The type's rule in NODE_RULES (src/access/policy.ts) is checked before,
 * row scope in the fetch.
 */
const FETCHERS: NodeFetchers = {
  ...registryNodes,
  ...meteringNodes,
  ...epcNodes,
  ...solarNodes,
  ...auditsNodes,
  ...complianceNodes,
  ...accountingNodes,
  ...auditNodes,
  ...keysNodes,
  ...factorsNodes,
  ...fleetNodes,
  ...targetsNodes,
  ...weatherNodes,
};

/** The types `node(id)` answers (test/access/policy.test.ts holds this to NODE_RULES and to the schema). */
export const NODE_TYPES: readonly string[] = Object.keys(FETCHERS);

/**
 * The object behind a global id under its type's rule and row scope: NOT_FOUND, FORBIDDEN or the
 * object. `node(id)`, `nodes(ids)` and the federation's `_entities` all answer through it.
 */
export async function fetchNode(id: string, ctx: Context, field: string): Promise<object> {
  const { type, id: raw } = fromGlobalId(id, undefined, field);
  const fetcher = FETCHERS[type];
  if (!fetcher) throw new NotFoundError(`no node of type ${type}`);
  assertNodeType(ctx.principal, type);
  const node = await fetcher.fetch(raw, ctx);
  if (!node) throw new NotFoundError(`no ${type} with this id`);
  return node;
}

@Resolver()
export class NodeResolver {
  @Query(() => Node, { nullable: true, description: 'Any object by its global ID (Relay).' })
  node(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<object | null> {
    return fetchNode(id, ctx, 'id');
  }

  @Query(() => [Node], {
    nullable: 'items',
    description: `Objects by their global IDs (Relay), in the order asked, at most ${MAX_PAGE}. One that cannot be answered is null with its own error; the others are still answered.`,
  })
  async nodes(@Arg('ids', () => [ID]) ids: string[], @Ctx() ctx: Context): Promise<(object | Error)[]> {
    if (ids.length > MAX_PAGE) throw ValidationError.single('ids', `at most ${MAX_PAGE} IDs`);
    // An id that cannot be answered is its error, in its place: graphql-js answers it as null with that
    // error, and so does graphql-jit (which misplaces the null of an item promise that rejects).
    return Promise.all(ids.map((id, i) => fetchNode(id, ctx, `ids[${i}]`).catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))))));
  }
}
