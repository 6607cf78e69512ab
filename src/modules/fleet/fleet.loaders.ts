import DataLoader from 'dataloader';
import type pg from 'pg';
import { byKey } from '../../graphql/batch';
import type { LoaderOptions } from '../registry/registry.loaders';
import { chargingPointsById, vehiclesById } from './fleet.repository';
import type { ChargingPointRow, VehicleRow } from './fleet.types';

/** The vehicle and charging point of a list of records as plain rows: one statement each, not one per record. */
export function fleetLoaders(pool: pg.Pool, opts: LoaderOptions) {
  return {
    vehicleById: new DataLoader<number, VehicleRow | null>(async (ids) => byKey(ids, await vehiclesById(pool, ids), (v) => v.id), opts),
    chargingPointById: new DataLoader<number, ChargingPointRow | null>(async (ids) => byKey(ids, await chargingPointsById(pool, ids), (p) => p.id), opts),
  };
}
