import type { NodeFetchers } from '../../graphql/node-fetcher';
import { FleetService } from './fleet.service';

/** Fleet's types as `node(id)` fetches them. */
export const fleetNodes: NodeFetchers = {
  Vehicle: { fetch: (id, ctx) => new FleetService(ctx.db, ctx.em, ctx.principal).vehicle(Number(id)) },
  ChargingPoint: { fetch: (id, ctx) => new FleetService(ctx.db, ctx.em, ctx.principal).chargingPoint(Number(id)) },
};
