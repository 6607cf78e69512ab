import { announceIndicators, type AfterIngestScope } from '../accounting/after-ingest';
import { TOPICS, type TopicEvent } from '../realtime/pubsub';
import type { FleetChangedPayload } from './fleet.service';
import type { EnergyIngestResult } from './vehicle-energy.service';

const changed = (payload: FleetChangedPayload): TopicEvent => ({ topic: TOPICS.FLEET_CHANGED, payload });

/**
 * Publishes after the commit (the service has returned), never before: `fleetChanged`, then, for a
 * vehicle, `indicatorUpdated` for the months of its service dates (the fleet figures are part of
 * Indicators). A charging point alone changes no figure (its records do). Service dates move no
 * energy, so no compliance check follows.
 */
export function publishFleet(ctx: AfterIngestScope, payload: FleetChangedPayload): Promise<void> {
  const changes = payload.kind === 'VEHICLE' ? [{ institutionId: payload.institutionId, months: payload.months }] : [];
  return announceIndicators(ctx, [changed(payload)], changes, [], { compliance: false });
}

/**
 * Publishes the changes of a committed batch or import of records: `fleetChanged` per institution,
 * then through the readings' path `indicatorUpdated` (vehicle energy is part of energyKgce) and the
 * compliance projections of the years touched.
 */
export function publishEnergy(ctx: AfterIngestScope, result: EnergyIngestResult): Promise<void> {
  const events = result.changes.map((c) => changed({ institutionId: c.institutionId, kind: 'ENERGY_RECORDS', ids: c.vehicleIds, months: c.months }));
  return announceIndicators(ctx, events, result.changes);
}
