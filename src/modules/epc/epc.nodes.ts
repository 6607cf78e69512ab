import { readScope } from '../../access/guard';
import { ForbiddenError } from '../../errors/domain-errors';
import { prefetchRows, rowNode, type NodeFetchers } from '../../graphql/node-fetcher';
import { EpcContract } from './epc-contract.entity';
import { EpcService } from './epc.service';
import { Esco } from './esco.entity';

const escoRow = rowNode(Esco, { prefetched: true });

/** EPC's types as `node(id)` fetches them. */
export const epcNodes: NodeFetchers = {
  EpcContract: {
    fetch: (id, ctx) => new EpcService(ctx.db, ctx.em, ctx.principal).contract(Number(id)),
    prefetch: prefetchRows(EpcContract),
  },
  Esco: {
    fetch: (id, ctx) => {
      if (readScope(ctx.principal, 'esco') === 'esco' && ctx.principal.escoId !== Number(id)) throw new ForbiddenError('this key may read its own ESCO only');
      return escoRow.fetch(id, ctx);
    },
    prefetch: escoRow.prefetch,
  },
};
