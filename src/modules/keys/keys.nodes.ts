import type { NodeFetchers } from '../../graphql/node-fetcher';
import { asNode } from '../../graphql/relay';

/** API keys as `node(id)` fetches them: plain rows through the request's loader (batched for nodes(ids)). */
export const keysNodes: NodeFetchers = {
  ApiKey: {
    async fetch(id, ctx) {
      const row = await ctx.loaders.apiKeyById.load(Number(id));
      return row && asNode('ApiKey', row);
    },
  },
};
