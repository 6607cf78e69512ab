import { loadedNode, type NodeFetchers } from '../../graphql/node-fetcher';
import { cityTargetById } from './targets.repository';

/** City targets as `node(id)` fetches them: plain rows. */
export const targetsNodes: NodeFetchers = {
  CityTarget: loadedNode('CityTarget', (id, ctx) => cityTargetById(ctx.db.pool, id)),
};
