import { readScope } from '../../access/guard';
import { ForbiddenError } from '../../errors/domain-errors';
import { prefetchRows, type NodeFetchers } from '../../graphql/node-fetcher';
import { asNode } from '../../graphql/relay';
import { EpcContract } from './epc-contract.entity';
import { EpcService } from './epc.service';

/** EPC's types as `node(id)` fetches them. */
export const epcNodes: NodeFetchers = {
  EpcContract: {
    fetch: (id, ctx) => new EpcService(ctx.db, ctx.em, ctx.principal).contract(Number(id)),
    prefetch: prefetchRows(EpcContract),
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
