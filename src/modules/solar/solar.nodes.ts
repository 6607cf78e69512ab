import { inScope, readInstitutions } from '../../access/guard';
import { ForbiddenError } from '../../errors/domain-errors';
import type { NodeFetchers } from '../../graphql/node-fetcher';
import { asNode } from '../../graphql/relay';

/** Solar's types as `node(id)` fetches them: a plain row through the request's loader (batched for nodes(ids)), null out of the key's row scope. */
export const solarNodes: NodeFetchers = {
  PvProject: {
    async fetch(id, ctx) {
      const scope = readInstitutions(ctx.principal, 'pvProject');
      if (!scope) throw new ForbiddenError('this key may not read PV projects one by one');
      const row = await ctx.loaders.pvProjectById.load(Number(id));
      return row && inScope(scope, row.institution.id) ? asNode('PvProject', row) : null;
    },
  },
};
