import { readScope } from '../../access/guard';
import { ForbiddenError } from '../../errors/domain-errors';
import { loadedNode, type NodeFetchers } from '../../graphql/node-fetcher';

/** EPC's types as `node(id)` fetches them: plain rows through the request's loaders (batched for nodes(ids)). */
export const epcNodes: NodeFetchers = {
  // The key's scope is in the loader's statement.
  EpcContract: loadedNode('EpcContract', (id, ctx) => ctx.loaders.epcContractById.load(id)),
  Esco: loadedNode('Esco', (id, ctx) => {
    if (readScope(ctx.principal, 'esco') === 'esco' && ctx.principal.escoId !== id) throw new ForbiddenError('this key may read its own ESCO only');
    return ctx.loaders.escoById.load(id);
  }),
};
