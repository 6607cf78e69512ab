import type { NodeFetchers } from '../../graphql/node-fetcher';
import { asNode } from '../../graphql/relay';
import { FleetService } from './fleet.service';

const mark = <T extends object>(type: string, row: T | null) => row && asNode(type, row);

/** Fleet's types as `node(id)` fetches them: plain rows, the key's scope in the statement. */
export const fleetNodes: NodeFetchers = {
  Vehicle: { fetch: async (id, ctx) => mark('Vehicle', await new FleetService(ctx.db, ctx.em, ctx.principal).vehicle(Number(id))) },
  ChargingPoint: { fetch: async (id, ctx) => mark('ChargingPoint', await new FleetService(ctx.db, ctx.em, ctx.principal).chargingPoint(Number(id))) },
};
