import { loadedNode, type NodeFetchers } from '../../graphql/node-fetcher';
import { FleetService } from './fleet.service';

/** Fleet's types as `node(id)` fetches them: plain rows, the key's scope in the statement. */
export const fleetNodes: NodeFetchers = {
  Vehicle: loadedNode('Vehicle', (id, ctx) => new FleetService(ctx.db, ctx.em, ctx.principal).vehicle(id)),
  ChargingPoint: loadedNode('ChargingPoint', (id, ctx) => new FleetService(ctx.db, ctx.em, ctx.principal).chargingPoint(id)),
};
