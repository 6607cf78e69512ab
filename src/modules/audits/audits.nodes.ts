import { loadedNode, type NodeFetchers } from '../../graphql/node-fetcher';
import { AuditsService } from './audits.service';

/** Energy audits as `node(id)` fetches them. */
export const auditsNodes: NodeFetchers = {
  EnergyAudit: loadedNode('EnergyAudit', (id, ctx) => new AuditsService(ctx.db, ctx.em, ctx.principal).audit(id)),
};
