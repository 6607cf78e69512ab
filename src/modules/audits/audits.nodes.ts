import type { NodeFetchers } from '../../graphql/node-fetcher';
import { AuditsService } from './audits.service';

/** Energy audits as `node(id)` fetches them. */
export const auditsNodes: NodeFetchers = {
  EnergyAudit: { fetch: (id, ctx) => new AuditsService(ctx.db, ctx.em, ctx.principal).audit(Number(id)) },
};
