import { rowNode, type NodeFetchers } from '../../graphql/node-fetcher';
import { ApiKey } from './api-key.entity';

/** API keys as `node(id)` fetches them. */
export const keysNodes: NodeFetchers = {
  ApiKey: rowNode(ApiKey, { prefetched: true }),
};
