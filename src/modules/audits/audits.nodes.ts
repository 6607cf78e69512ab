import type { NodeFetchers } from '../../graphql/node-fetcher';
import { asNode } from '../../graphql/relay';
import { AuditsService } from './audits.service';

/** Energy audits as `node(id)` fetches them. */
export const auditsNodes: NodeFetchers = {
  EnergyAudit: {
    async fetch(id, ctx) {
      const row = await new AuditsService(ctx.db, ctx.em, ctx.principal).audit(Number(id));
      return row && asNode('EnergyAudit', row);
    },
  },
};
