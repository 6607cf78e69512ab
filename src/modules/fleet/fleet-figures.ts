import type pg from 'pg';
import { add, mul, parseDecimal, sub, ZERO, type Dec } from '../../figures/decimal';
import type { MonthFigure } from '../accounting/figures';
import type { FactorTable } from '../factors/factor-table';
import { CARRIER_OF, VehicleEnergy } from './fleet.enums';

/**
 * Fleet figures of institutions (or groups of them) over a period: counts of vehicles from their
 * service dates, energy from the refuelling and charging records. Two statements whatever the number
 * of institutions. Quantities stay exact decimals (SQL numeric times the factors' decimals).
 */

/** Counts of one key's vehicles over [from, to); days are whole local days. */
export interface FleetCounts {
  inService: number;
  atEnd: number;
  newEnergyAtEnd: number;
  vehicleDays: number;
  newEnergyVehicleDays: number;
  added: number;
  newEnergyAdded: number;
  retired: number;
}

export interface EnergyTotal {
  quantity: Dec;
  kgce: Dec;
  kgCo2: Dec;
}

/** One key's fleet over the period, summed exactly. */
export interface FleetTotals {
  counts: FleetCounts;
  byEnergy: Map<VehicleEnergy, EnergyTotal>;
  /** Charged kWh at points whose electricity a meter of the institution already measures. */
  meteredChargingKwh: Dec;
  distanceKm: Dec;
  kgce: Dec;
  kgCo2: Dec;
}

export interface VehicleFigures {
  /** The vehicle energy no meter of the institution measures, as month figures of its carrier, to add to the meters'. */
  monthFigures: MonthFigure[];
  /** By key (institution id, or the caller's group key). */
  fleet: Map<number, FleetTotals>;
}

/** Institutions summed under keys, as accounting/figures.ts `FigureGroups`: `institutionIds[i]` counts as `keys[i]`. */
export interface FleetGroups {
  institutionIds: number[];
  keys: number[];
}

const ZERO_COUNTS: FleetCounts = { inService: 0, atEnd: 0, newEnergyAtEnd: 0, vehicleDays: 0, newEnergyVehicleDays: 0, added: 0, newEnergyAdded: 0, retired: 0 };

export function emptyFleet(): FleetTotals {
  return { counts: { ...ZERO_COUNTS }, byEnergy: new Map(), meteredChargingKwh: ZERO, distanceKm: ZERO, kgce: ZERO, kgCo2: ZERO };
}

/** Adds `b` into `a` (counts are integers, the rest exact). */
export function addFleet(a: FleetTotals, b: FleetTotals): FleetTotals {
  for (const k of Object.keys(a.counts) as (keyof FleetCounts)[]) a.counts[k] += b.counts[k];
  for (const [energy, t] of b.byEnergy) {
    const s = a.byEnergy.get(energy) ?? { quantity: ZERO, kgce: ZERO, kgCo2: ZERO };
    a.byEnergy.set(energy, { quantity: add(s.quantity, t.quantity), kgce: add(s.kgce, t.kgce), kgCo2: add(s.kgCo2, t.kgCo2) });
  }
  a.meteredChargingKwh = add(a.meteredChargingKwh, b.meteredChargingKwh);
  a.distanceKm = add(a.distanceKm, b.distanceKm);
  a.kgce = add(a.kgce, b.kgce);
  a.kgCo2 = add(a.kgCo2, b.kgCo2);
  return a;
}

/**
 * The figures of the institutions' fleets over local days [from, to). `ids` null: every institution.
 * With `groups`, summed per group key in SQL (the key must lie within one region: factors depend on it).
 *
 * Double counting: a charging's kWh is already in the institution's metered electricity when its
 * point has a meter of its own (a meter of the institution, summed with the others) or sits behind a
 * building meter; such kWh count in the fleet's figures but are not added to the institution's energy.
 * Distance follows the fill-up method: a record's energy drove the km since the vehicle's previous record.
 */
export async function loadVehicleFigures(
  pool: pg.Pool,
  ids: number[] | null,
  period: { from: string; to: string },
  factors: FactorTable,
  regionOf: (key: number) => number,
  groups?: FleetGroups,
  closedYear: number | null = null,
): Promise<VehicleFigures> {
  // A closed year reads its fleet as frozen at closing (closed_vehicle, closed_vehicle_energy: see freezeFleetYear).
  const vehicles = closedYear === null ? 'vehicle v' : `closed_vehicle v`;
  const frozen = closedYear === null ? '' : ` AND v.year = ${Number(closedYear)}`;
  const ve = groups
    ? `SELECT v.*, g.key FROM ${vehicles} JOIN unnest($1::int[], $4::int[]) AS g(institution_id, key) ON g.institution_id = v.institution_id${frozen}`
    : `SELECT v.*, v.institution_id AS key FROM ${vehicles} WHERE ($1::int[] IS NULL OR v.institution_id = ANY($1::int[]))${frozen}`;
  const records =
    closedYear === null
      ? `SELECT ve.key, e.energy, e.day, e.quantity,
                e.odometer_km - lag(e.odometer_km) OVER (PARTITION BY e.vehicle_id ORDER BY e.day, e.odometer_km) AS km,
                (e.energy <> 'ELECTRICITY' OR cp.id IS NULL OR (cp.meter_id IS NULL AND NOT cp.behind_building_meter)) AS unmetered
           FROM ve JOIN vehicle_energy_record e ON e.vehicle_id = ve.id AND e.day < $3::date
           LEFT JOIN charging_point cp ON cp.id = e.charging_point_id`
      : `SELECT ve.key, e.energy, e.day, e.quantity, e.km, e.unmetered, e.kgce, e.kg_co2, e.metered_kwh
           FROM ve JOIN closed_vehicle_energy e ON e.year = ve.year AND e.vehicle_id = ve.id AND e.day < $3::date`;
  // Frozen records carry the kgce, kgCO2 and metered kWh of the factor versions at closing (none when frozen before they did).
  const frozenSums =
    closedYear === null
      ? 'NULL::text AS kgce, NULL::text AS kg_co2, NULL::text AS metered_kwh, false AS frozen'
      : 'sum(kgce)::text AS kgce, sum(kg_co2)::text AS kg_co2, sum(metered_kwh)::text AS metered_kwh, bool_and(kgce IS NOT NULL) AS frozen';
  const params = groups ? [groups.institutionIds, period.from, period.to, groups.keys] : [ids, period.from, period.to];
  const [counts, energy] = await Promise.all([
    pool.query<{ key: number } & Record<string, number>>(
      `WITH ve AS (${ve})
       SELECT key,
              count(*) FILTER (WHERE in_service_on < $3::date AND (out_of_service_on IS NULL OR out_of_service_on > $2::date))::int AS in_service,
              count(*) FILTER (WHERE in_service_on < $3::date AND (out_of_service_on IS NULL OR out_of_service_on >= $3::date))::int AS at_end,
              count(*) FILTER (WHERE new_energy AND in_service_on < $3::date AND (out_of_service_on IS NULL OR out_of_service_on >= $3::date))::int AS new_energy_at_end,
              coalesce(sum(greatest(0, least($3::date, coalesce(out_of_service_on, $3::date)) - greatest($2::date, in_service_on))), 0)::int AS vehicle_days,
              coalesce(sum(greatest(0, least($3::date, coalesce(out_of_service_on, $3::date)) - greatest($2::date, in_service_on))) FILTER (WHERE new_energy), 0)::int AS new_energy_vehicle_days,
              count(*) FILTER (WHERE in_service_on >= $2::date AND in_service_on < $3::date)::int AS added,
              count(*) FILTER (WHERE new_energy AND in_service_on >= $2::date AND in_service_on < $3::date)::int AS new_energy_added,
              count(*) FILTER (WHERE out_of_service_on >= $2::date AND out_of_service_on < $3::date)::int AS retired
         FROM ve GROUP BY key`,
      params,
    ),
    pool.query<{ key: number; energy: VehicleEnergy; month: string; quantity: string; unmetered: string; km: string; kgce: string | null; kg_co2: string | null; metered_kwh: string | null; frozen: boolean }>(
      `WITH ve AS (${ve}),
       r AS (${records})
       SELECT key, energy, to_char(date_trunc('month', day), 'YYYY-MM-DD') AS month, sum(quantity)::text AS quantity,
              coalesce(sum(quantity) FILTER (WHERE unmetered), 0)::text AS unmetered, coalesce(sum(km), 0)::text AS km, ${frozenSums}
         FROM r WHERE day >= $2::date GROUP BY key, energy, date_trunc('month', day)`,
      params,
    ),
  ]);
  const fleet = new Map<number, FleetTotals>();
  const of = (key: number) => fleet.get(key) ?? fleet.set(key, emptyFleet()).get(key)!;
  for (const r of counts.rows) {
    of(r.key).counts = {
      inService: r.in_service, atEnd: r.at_end, newEnergyAtEnd: r.new_energy_at_end, vehicleDays: r.vehicle_days, newEnergyVehicleDays: r.new_energy_vehicle_days,
      added: r.added, newEnergyAdded: r.new_energy_added, retired: r.retired,
    };
  }
  const monthFigures: MonthFigure[] = [];
  for (const r of energy.rows) {
    if (r.frozen) {
      // A closed year's own figures; its energy is in the frozen month figures already (no month figure to add).
      const frozen = (text: string | null) => parseDecimal(text ?? '0', 'frozen vehicle figure');
      const [quantity, kgce, kgCo2] = [frozen(r.quantity), frozen(r.kgce), frozen(r.kg_co2)];
      const t = of(r.key);
      addFleet(t, { ...emptyFleet(), byEnergy: new Map([[r.energy, { quantity, kgce, kgCo2 }]]), distanceKm: parseDecimal(r.km, 'distance'), kgce, kgCo2 });
      t.meteredChargingKwh = add(t.meteredChargingKwh, frozen(r.metered_kwh));
      continue;
    }
    const { carrier, unit } = CARRIER_OF[r.energy];
    // Charging electricity takes the grid factor of its month and region, fuels their coefficients.
    const f = factors.resolve(carrier, unit, r.month, regionOf(r.key));
    const x = f.exact;
    const quantity = parseDecimal(r.quantity, 'vehicle energy');
    const unmetered = parseDecimal(r.unmetered, 'vehicle energy');
    const kgce = x.kgce ? mul(quantity, x.kgce) : ZERO;
    const kgCo2 = x.kgCo2 ? mul(quantity, x.kgCo2) : ZERO;
    const t = of(r.key);
    addFleet(t, { ...emptyFleet(), byEnergy: new Map([[r.energy, { quantity, kgce, kgCo2 }]]), distanceKm: parseDecimal(r.km, 'distance'), kgce, kgCo2 });
    if (r.energy === VehicleEnergy.ELECTRICITY) t.meteredChargingKwh = add(t.meteredChargingKwh, mul(sub(quantity, unmetered), x.toUnit));
    if (unmetered.coef === 0n) continue;
    monthFigures.push({
      institutionId: r.key, month: r.month, carrier, quantity: mul(unmetered, x.toUnit), unit: f.unit,
      kgce: x.kgce && mul(unmetered, x.kgce), kgCo2: x.kgCo2 && mul(unmetered, x.kgCo2), scope: f.scope, avoidedKgCo2: null,
      // Records are not readings: they add energy, not coverage.
      coveredS: 0, expectedS: 0,
      conversionFactorIds: f.conversionFactorIds, emissionFactorIds: f.emissionFactorIds, unitConversionIds: f.unitConversionIds,
    });
  }
  return { monthFigures, fleet };
}

/** Meter figures with the vehicle figures added into the same (institution, month, carrier, unit), so one carrier is one row. */
export function mergeFigures(meters: MonthFigure[], vehicles: MonthFigure[]): MonthFigure[] {
  if (!vehicles.length) return meters;
  const key = (f: MonthFigure) => `${f.institutionId}|${f.month}|${f.carrier}|${f.unit}`;
  const out = meters.map((f) => ({ ...f }));
  const byKey = new Map(out.map((f) => [key(f), f]));
  const union = (a: number[], b: number[]) => [...new Set([...a, ...b])];
  const plus = (a: Dec | null, b: Dec | null) => (a === null ? b : b === null ? a : add(a, b));
  for (const v of vehicles) {
    const m = byKey.get(key(v));
    if (!m) {
      out.push(v);
      byKey.set(key(v), v);
      continue;
    }
    m.quantity = add(m.quantity, v.quantity);
    m.kgce = plus(m.kgce, v.kgce);
    m.kgCo2 = plus(m.kgCo2, v.kgCo2);
    m.conversionFactorIds = union(m.conversionFactorIds, v.conversionFactorIds);
    m.emissionFactorIds = union(m.emissionFactorIds, v.emissionFactorIds);
    m.unitConversionIds = union(m.unitConversionIds, v.unitConversionIds);
  }
  return out;
}
