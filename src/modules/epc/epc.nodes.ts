import { readScope } from '../../access/guard';
import { ForbiddenError } from '../../errors/domain-errors';
import type { NodeFetchers } from '../../graphql/node-fetcher';
import { asNode } from '../../graphql/relay';

/** EPC's types as `node(id)` fetches them. */
export const epcNodes: NodeFetchers = {
  // A plain row through the request's loader (batched for nodes(ids)), the key's scope in its statement.
  EpcContract: {
    async fetch(id, ctx) {
      const row = await ctx.loaders.epcContractById.load(Number(id));
      return row && asNode('EpcContract', row);
    },
  },
  // A plain row through the request's loader (batched for nodes(ids)).
  Esco: {
    async fetch(id, ctx) {
      if (readScope(ctx.principal, 'esco') === 'esco' && ctx.principal.escoId !== Number(id)) throw new ForbiddenError('this key may read its own ESCO only');
      const row = await ctx.loaders.escoById.load(Number(id));
      return row && asNode('Esco', row);
    },
  },
};
