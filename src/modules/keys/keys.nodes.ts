import { loadedNode, type NodeFetchers } from '../../graphql/node-fetcher';

/** API keys as `node(id)` fetches them: plain rows through the request's loader (batched for nodes(ids)). */
export const keysNodes: NodeFetchers = {
  ApiKey: loadedNode('ApiKey', (id, ctx) => ctx.loaders.apiKeyById.load(id)),
};
