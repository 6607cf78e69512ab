import type { NodeFetchers } from '../../graphql/node-fetcher';
import { asNode } from '../../graphql/relay';
import { cityTargetById } from './targets.repository';

/** City targets as `node(id)` fetches them: plain rows. */
export const targetsNodes: NodeFetchers = {
  CityTarget: {
    async fetch(id, ctx) {
      const row = await cityTargetById(ctx.db.pool, Number(id));
      return row && asNode('CityTarget', row);
    },
  },
};
