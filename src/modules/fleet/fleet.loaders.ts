import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import { byKey } from '../../graphql/batch';
import type { LoaderOptions } from '../registry/registry.loaders';
import { ChargingPoint } from './charging-point.entity';
import { Vehicle } from './vehicle.entity';

/** The vehicle and charging point of a list of records: one statement each, not one per record. */
export function fleetLoaders(em: EntityManager, opts: LoaderOptions) {
  return {
    vehicleById: new DataLoader<number, Vehicle | null>(async (ids) => byKey(ids, await em.find(Vehicle, { id: { $in: [...ids] } }), (v) => v.id), opts),
    chargingPointById: new DataLoader<number, ChargingPoint | null>(async (ids) => byKey(ids, await em.find(ChargingPoint, { id: { $in: [...ids] } }), (p) => p.id), opts),
  };
}
