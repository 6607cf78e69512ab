import type pg from 'pg';
import { sqlRowsById, sqlWindow, type PageWindow, type WindowRows } from '../../db/window';
import { toGlobalId } from '../../global-id';
import { formatDecimal, mul, parseDecimal, ZERO } from '../../figures/decimal';
import type { FactorTable } from '../factors/factor-table';
import { CARRIER_OF, VehicleEnergy, type Powertrain, type VehicleType } from './fleet.enums';
import type { EnergyRow } from './vehicle-energy.service';
import type { ChargingPointRow, VehicleEnergyRecordRow, VehicleRow } from './fleet.types';

/** SQL of the fleet module that is not plain entity reads: batches of records and figures. */

export interface VehicleLockRow {
  id: number;
  institution_id: number;
  powertrain: string;
  in_service_on: string;
  out_of_service_on: string | null;
}

/** Locks the batch's vehicles (two batches for one vehicle apply one after the other) and reads its charging points. */
export async function lockVehicles(client: pg.ClientBase, vehicleIds: number[], pointIds: number[]) {
  const v = await client.query<VehicleLockRow>(
    `SELECT id, institution_id, powertrain, to_char(in_service_on, 'YYYY-MM-DD') AS in_service_on, to_char(out_of_service_on, 'YYYY-MM-DD') AS out_of_service_on
       FROM vehicle WHERE id = ANY($1::int[]) ORDER BY id FOR NO KEY UPDATE`,
    [vehicleIds],
  );
  const p = pointIds.length
    ? await client.query<{ id: number; institution_id: number }>('SELECT id, institution_id FROM charging_point WHERE id = ANY($1::int[])', [pointIds])
    : { rows: [] };
  return { vehicles: new Map(v.rows.map((r) => [r.id, r])), points: new Map(p.rows.map((r) => [r.id, r])) };
}

const rowArrays = (rows: EnergyRow[]) => [
  rows.map((r) => r.vehicleId), rows.map((r) => r.energy), rows.map((r) => r.day), rows.map((r) => String(r.odometerKm)),
];

/** Stored records with the key (vehicle, energy, day, odometer) of a row, by that key. */
export async function storedEnergyKeys(client: pg.ClientBase, rows: EnergyRow[]) {
  const { rows: found } = await client.query<{ vehicle_id: number; energy: string; day: string; odometer_km: string; quantity: string; charging_point_id: number | null }>(
    `SELECT e.vehicle_id, e.energy, to_char(e.day, 'YYYY-MM-DD') AS day, e.odometer_km::float8::text AS odometer_km, e.quantity::text AS quantity, e.charging_point_id
       FROM unnest($1::int[], $2::text[], $3::date[], $4::numeric[]) AS k(v, en, d, o)
       JOIN vehicle_energy_record e ON e.vehicle_id = k.v AND e.energy = k.en::vehicle_energy AND e.day = k.d AND e.odometer_km = k.o`,
    rowArrays(rows),
  );
  return new Map(found.map((r) => [`${r.vehicle_id}|${r.energy}|${r.day}|${Number(r.odometer_km)}`, r]));
}

/** For each new row (by position): the highest stored odometer of an earlier day and the lowest of a later day. */
export async function storedOdometerBounds(client: pg.ClientBase, rows: EnergyRow[]) {
  if (!rows.length) return [];
  const { rows: found } = await client.query<{ i: number; before_max: string | null; after_min: string | null }>(
    `SELECT k.i - 1 AS i,
            (SELECT max(odometer_km) FROM vehicle_energy_record WHERE vehicle_id = k.v AND day < k.d)::text AS before_max,
            (SELECT min(odometer_km) FROM vehicle_energy_record WHERE vehicle_id = k.v AND day > k.d)::text AS after_min
       FROM unnest($1::int[], $2::date[]) WITH ORDINALITY AS k(v, d, i)`,
    [rows.map((r) => r.vehicleId), rows.map((r) => r.day)],
  );
  return found;
}

export async function insertEnergyRecords(client: pg.ClientBase, rows: EnergyRow[], createdBy: string): Promise<void> {
  await client.query(
    `INSERT INTO vehicle_energy_record (vehicle_id, energy, day, odometer_km, quantity, charging_point_id, created_by)
     SELECT v, en::vehicle_energy, d, o, q, cp, $7 FROM unnest($1::int[], $2::text[], $3::date[], $4::numeric[], $5::numeric[], $6::int[]) AS u(v, en, d, o, q, cp)`,
    [...rowArrays(rows), rows.map((r) => String(r.quantity)), rows.map((r) => r.chargingPointId), createdBy],
  );
}

/** Vehicles by plate and charging points by code, for a file's rows (all of them: the file names them by text). */
export async function fleetNames(pool: pg.Pool) {
  const [v, p] = await Promise.all([
    pool.query<{ id: number; plate: string }>('SELECT id, plate FROM vehicle'),
    pool.query<{ id: number; code: string }>('SELECT id, code FROM charging_point'),
  ]);
  return { vehicleByPlate: new Map(v.rows.map((r) => [r.plate, r.id])), pointByCode: new Map(p.rows.map((r) => [r.code, r.id])) };
}

/**
 * Freezes a year's fleet as it is now (closing or recalculating it), in the caller's transaction:
 * the vehicles in service on a day of the year, and its refuellings and chargings with the km each
 * drove (fill-up method: since the vehicle's record before, whatever its year), whether a meter of
 * the institution already measured its kWh, and the kgce, kgCO2 and metered kWh the factor versions
 * of its month give it now (a later version moves them only with recalculateYear). A closed year's
 * fleet figures read these.
 */
export async function freezeFleetYear(client: pg.ClientBase, year: number, factors: FactorTable, regionOf: (institutionId: number) => number): Promise<void> {
  await client.query('DELETE FROM closed_vehicle WHERE year = $1', [year]);
  await client.query('DELETE FROM closed_vehicle_energy WHERE year = $1', [year]);
  await client.query(
    `INSERT INTO closed_vehicle (year, id, institution_id, new_energy, in_service_on, out_of_service_on)
     SELECT $1::int, id, institution_id, new_energy, in_service_on, out_of_service_on FROM vehicle
      WHERE in_service_on < make_date($1::int + 1, 1, 1) AND (out_of_service_on IS NULL OR out_of_service_on >= make_date($1::int, 1, 1))`,
    [year],
  );
  const { rows } = await client.query<{ vehicle_id: number; institution_id: number; day: string; energy: VehicleEnergy; quantity: string; km: string | null; unmetered: boolean }>(
    `SELECT vehicle_id, institution_id, to_char(day, 'YYYY-MM-DD') AS day, energy, quantity::text, km::text, unmetered FROM (
       SELECT e.vehicle_id, v.institution_id, e.day, e.energy, e.quantity,
              e.odometer_km - lag(e.odometer_km) OVER (PARTITION BY e.vehicle_id ORDER BY e.day, e.odometer_km) AS km,
              (e.energy <> 'ELECTRICITY' OR cp.id IS NULL OR (cp.meter_id IS NULL AND NOT cp.behind_building_meter)) AS unmetered
         FROM vehicle_energy_record e JOIN vehicle v ON v.id = e.vehicle_id LEFT JOIN charging_point cp ON cp.id = e.charging_point_id
        WHERE e.day < make_date($1::int + 1, 1, 1)) r
      WHERE day >= make_date($1::int, 1, 1)`,
    [year],
  );
  if (!rows.length) return;
  const figures = rows.map((r) => {
    const { carrier, unit } = CARRIER_OF[r.energy];
    const x = factors.resolve(carrier, unit, `${r.day.slice(0, 7)}-01`, regionOf(r.institution_id)).exact;
    const quantity = parseDecimal(r.quantity, 'vehicle energy');
    const metered = r.energy === VehicleEnergy.ELECTRICITY && !r.unmetered ? mul(quantity, x.toUnit) : ZERO;
    return { kgce: formatDecimal(x.kgce ? mul(quantity, x.kgce) : ZERO), kgCo2: formatDecimal(x.kgCo2 ? mul(quantity, x.kgCo2) : ZERO), metered: formatDecimal(metered) };
  });
  await client.query(
    `INSERT INTO closed_vehicle_energy (year, vehicle_id, day, energy, quantity, km, unmetered, kgce, kg_co2, metered_kwh)
     SELECT $1::int, v, d, e::vehicle_energy, q, k, u, c, co2, m
       FROM unnest($2::int[], $3::date[], $4::text[], $5::numeric[], $6::numeric[], $7::boolean[], $8::numeric[], $9::numeric[], $10::numeric[]) AS x(v, d, e, q, k, u, c, co2, m)`,
    [
      year, rows.map((r) => r.vehicle_id), rows.map((r) => r.day), rows.map((r) => r.energy), rows.map((r) => r.quantity), rows.map((r) => r.km), rows.map((r) => r.unmetered),
      figures.map((f) => f.kgce), figures.map((f) => f.kgCo2), figures.map((f) => f.metered),
    ],
  );
}

/** The first and last day of a vehicle's energy records (null when it has none). */
export async function vehicleRecordSpan(pool: pg.Pool, vehicleId: number): Promise<{ first: string | null; last: string | null }> {
  const { rows } = await pool.query<{ first: string | null; last: string | null }>(
    `SELECT to_char(min(day), 'YYYY-MM-DD') AS first, to_char(max(day), 'YYYY-MM-DD') AS last FROM vehicle_energy_record WHERE vehicle_id = $1`,
    [vehicleId],
  );
  return rows[0];
}

/* Vehicles, charging points and records as reads give them: plain rows, the key's scope in the statement. */

const VEHICLE_COLUMNS = `x.id, x.institution_id, x.plate, x.type, x.powertrain, x.new_energy,
  to_char(x.in_service_on, 'YYYY-MM-DD') AS in_service_on, to_char(x.out_of_service_on, 'YYYY-MM-DD') AS out_of_service_on`;

interface VehicleRecord {
  id: number;
  institution_id: number;
  plate: string;
  type: VehicleType;
  powertrain: Powertrain;
  new_energy: boolean;
  in_service_on: string;
  out_of_service_on: string | null;
}

const vehicleRow = (r: VehicleRecord): VehicleRow => ({
  id: r.id,
  globalId: toGlobalId('Vehicle', r.id),
  institution: { id: r.institution_id },
  plate: r.plate,
  type: r.type,
  powertrain: r.powertrain,
  newEnergy: r.new_energy,
  inServiceOn: r.in_service_on,
  outOfServiceOn: r.out_of_service_on,
});

/** Which vehicles a list reads: `ids` is the key's institution scope (null: all). */
export interface VehicleSelection {
  ids: number[] | null;
  institutionId: number | null;
  inServiceOn: string | null;
}

export function vehicleWindow(pool: pg.Pool, s: VehicleSelection, window: PageWindow): Promise<WindowRows<VehicleRow>> {
  const params: unknown[] = [];
  const where: string[] = [];
  if (s.ids) where.push(`x.institution_id = ANY($${params.push(s.ids)}::int[])`);
  if (s.institutionId) where.push(`x.institution_id = $${params.push(s.institutionId)}`);
  if (s.inServiceOn) {
    const p = `$${params.push(s.inServiceOn)}::date`;
    where.push(`x.in_service_on <= ${p}`, `(x.out_of_service_on IS NULL OR x.out_of_service_on > ${p})`);
  }
  return sqlWindow(pool, { select: VEHICLE_COLUMNS, from: 'vehicle x', where, params, column: 'x.id' }, window, vehicleRow);
}

/** Vehicles by id, within the institutions `scope` (null: every institution). */
export function vehiclesById(pool: pg.Pool, ids: readonly number[], scope: number[] | null = null): Promise<VehicleRow[]> {
  return sqlRowsById(pool, { select: VEHICLE_COLUMNS, from: 'vehicle x', column: 'x.id', scope: { column: 'x.institution_id', ids: scope } }, ids, vehicleRow);
}

const POINT_COLUMNS = 'x.id, x.institution_id, x.code, x.location, x.power_kw, x.connectors, x.meter_id, x.behind_building_meter';

interface ChargingPointRecord {
  id: number;
  institution_id: number;
  code: string;
  location: string;
  power_kw: number;
  connectors: number;
  meter_id: number | null;
  behind_building_meter: boolean;
}

const chargingPointRow = (r: ChargingPointRecord): ChargingPointRow => ({
  id: r.id,
  globalId: toGlobalId('ChargingPoint', r.id),
  institution: { id: r.institution_id },
  code: r.code,
  location: r.location,
  powerKw: r.power_kw,
  connectors: r.connectors,
  meter: r.meter_id === null ? null : { id: r.meter_id },
  behindBuildingMeter: r.behind_building_meter,
});

/** Charging points in id order: `ids` is the key's institution scope (null: all). */
export function chargingPointWindow(pool: pg.Pool, ids: number[] | null, institutionId: number | null, window: PageWindow): Promise<WindowRows<ChargingPointRow>> {
  const params: unknown[] = [];
  const where: string[] = [];
  if (ids) where.push(`x.institution_id = ANY($${params.push(ids)}::int[])`);
  if (institutionId) where.push(`x.institution_id = $${params.push(institutionId)}`);
  return sqlWindow(pool, { select: POINT_COLUMNS, from: 'charging_point x', where, params, column: 'x.id' }, window, chargingPointRow);
}

/** Charging points by id, within the institutions `scope` (null: every institution). */
export function chargingPointsById(pool: pg.Pool, ids: readonly number[], scope: number[] | null = null): Promise<ChargingPointRow[]> {
  return sqlRowsById(pool, { select: POINT_COLUMNS, from: 'charging_point x', column: 'x.id', scope: { column: 'x.institution_id', ids: scope } }, ids, chargingPointRow);
}

interface EnergyRecordRecord {
  id: string;
  vehicle_id: number;
  energy: VehicleEnergy;
  day: string;
  quantity: string;
  odometer_km: string;
  charging_point_id: number | null;
}

/** Which records a list reads: `ids` is the key's institution scope (null: all); days checked. */
export interface EnergyRecordSelection {
  ids: number[] | null;
  vehicleId: number | null;
  institutionId: number | null;
  from: string | null;
  to: string | null;
}

/** Records in id order; the vehicle is joined only when an institution narrows them. */
export function energyRecordWindow(pool: pg.Pool, s: EnergyRecordSelection, window: PageWindow): Promise<WindowRows<VehicleEnergyRecordRow>> {
  const params: unknown[] = [];
  const where: string[] = [];
  if (s.ids) where.push(`v.institution_id = ANY($${params.push(s.ids)}::int[])`);
  if (s.vehicleId) where.push(`x.vehicle_id = $${params.push(s.vehicleId)}`);
  if (s.institutionId) where.push(`v.institution_id = $${params.push(s.institutionId)}`);
  if (s.from) where.push(`x.day >= $${params.push(s.from)}::date`);
  if (s.to) where.push(`x.day < $${params.push(s.to)}::date`);
  const from = s.ids || s.institutionId ? 'vehicle_energy_record x JOIN vehicle v ON v.id = x.vehicle_id' : 'vehicle_energy_record x';
  const select = "x.id, x.vehicle_id, x.energy, to_char(x.day, 'YYYY-MM-DD') AS day, x.quantity, x.odometer_km, x.charging_point_id";
  return sqlWindow(pool, { select, from, where, params, column: 'x.id' }, window, (r: EnergyRecordRecord) => ({
    id: r.id,
    globalId: toGlobalId('VehicleEnergyRecord', r.id),
    vehicle: { id: r.vehicle_id },
    energy: r.energy,
    day: r.day,
    quantity: r.quantity,
    odometerKm: r.odometer_km,
    chargingPoint: r.charging_point_id === null ? null : { id: r.charging_point_id },
  }));
}
