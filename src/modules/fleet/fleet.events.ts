import type { PubSub } from '../realtime/pubsub';
import { TOPICS } from '../realtime/pubsub';
import type { FleetChangedPayload } from './fleet.service';
import type { EnergyIngestResult } from './vehicle-energy.service';

/** Publishes after the commit (the service has returned), never before. */
export function publishFleet(ctx: { pubsub: PubSub }, payload: FleetChangedPayload): void {
  ctx.pubsub.publish(TOPICS.FLEET_CHANGED, payload);
}

/** Publishes the changes of a committed batch or import of records. */
export function publishEnergy(ctx: { pubsub: PubSub }, result: EnergyIngestResult): void {
  for (const c of result.changes) publishFleet(ctx, { institutionId: c.institutionId, kind: 'ENERGY_RECORDS', ids: c.vehicleIds, months: c.months });
}
