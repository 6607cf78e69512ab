import { Field, Float, Int, ObjectType } from 'type-graphql';
import { decimalToNumber as num, mul, ZERO, type Dec } from '../../figures/decimal';
import { divideExact } from '../../figures/precision';
import { MeterUnit } from '../metering/metering.enums';
import { CARRIER_OF, VehicleEnergy } from './fleet.enums';
import type { FleetTotals } from './fleet-figures';

@ObjectType({ description: 'One kind of vehicle energy over the period.' })
export class VehicleEnergyFigures {
  @Field(() => VehicleEnergy)
  energy!: VehicleEnergy;

  @Field(() => Float, { description: 'Litres of petrol or diesel, kWh charged.' })
  quantity!: number;

  @Field(() => MeterUnit)
  unit!: MeterUnit;

  @Field(() => Float)
  kgce!: number;

  @Field(() => Float)
  kgCo2!: number;
}

@ObjectType({
  description:
    "An institution's (or a group's) official fleet over a period. Vehicles count by their service dates; energy by the refuelling and charging records dated in the period, kgce and kgCO2 by the factor versions of each record's month (charging: the grid factor). Ratios are ratios of sums.",
})
export class FleetFigures {
  @Field(() => Int, { description: 'Vehicles in service on at least one day of the period.' })
  vehiclesInService!: number;

  @Field(() => Int, { description: "Vehicles in service on the period's last day." })
  vehiclesAtEnd!: number;

  @Field(() => Int, { description: "New-energy vehicles in service on the period's last day." })
  newEnergyVehiclesAtEnd!: number;

  @Field(() => Float, { nullable: true, description: "Share of new-energy vehicles in the fleet on the period's last day." })
  newEnergyShareAtEnd!: number | null;

  @Field(() => Int, { description: 'Days in service summed over the vehicles (a vehicle that left mid-year counts its days only).' })
  vehicleDays!: number;

  @Field(() => Int, { description: 'Days in service summed over the new-energy vehicles.' })
  newEnergyVehicleDays!: number;

  @Field(() => Float, { nullable: true, description: 'Share of new-energy vehicles in the fleet over the period: their vehicle-days over all vehicle-days.' })
  newEnergyShare!: number | null;

  @Field(() => Int, { description: 'Vehicles that entered service in the period.' })
  vehiclesAdded!: number;

  @Field(() => Int, { description: 'New-energy vehicles among those added.' })
  newEnergyVehiclesAdded!: number;

  @Field(() => Float, { nullable: true, description: 'Share of new-energy vehicles among the vehicles added in the period (null when none was added).' })
  newEnergyShareOfAdded!: number | null;

  @Field(() => Int, { description: 'Vehicles that left service in the period.' })
  vehiclesRetired!: number;

  @Field(() => Float)
  petrolLitres!: number;

  @Field(() => Float)
  dieselLitres!: number;

  @Field(() => Float)
  chargedKwh!: number;

  @Field(() => Float, { description: "Charged kWh that a meter of the institution already measures (a charging point's own meter, or a point behind a building meter): in the institution's electricity once, not added again." })
  meteredChargingKwh!: number;

  @Field(() => [VehicleEnergyFigures])
  byEnergy!: VehicleEnergyFigures[];

  @Field(() => Float, { description: 'All vehicle energy, kgce (fuels and charging, metered or not).' })
  kgce!: number;

  @Field(() => Float)
  kgCo2!: number;

  @Field(() => Float, { description: "Distance driven, from the odometers: each record's km since the vehicle's previous record." })
  distanceKm!: number;

  @Field(() => Float, { nullable: true, description: 'kgce per 100 km driven (null without distance).' })
  kgcePer100Km!: number | null;

  @Field(() => Float, { nullable: true })
  kgCo2Per100Km!: number | null;
}

const HUNDRED: Dec = { coef: 100n, scale: 0 };

/** The view of exact totals; ratios divided once. */
export function fleetFiguresOf(t: FleetTotals): FleetFigures {
  const c = t.counts;
  const q = (e: VehicleEnergy) => num(t.byEnergy.get(e)?.quantity ?? ZERO);
  const view = new FleetFigures();
  Object.assign(view, {
    vehiclesInService: c.inService,
    vehiclesAtEnd: c.atEnd,
    newEnergyVehiclesAtEnd: c.newEnergyAtEnd,
    newEnergyShareAtEnd: divideExact(c.newEnergyAtEnd, c.atEnd),
    vehicleDays: c.vehicleDays,
    newEnergyVehicleDays: c.newEnergyVehicleDays,
    newEnergyShare: divideExact(c.newEnergyVehicleDays, c.vehicleDays),
    vehiclesAdded: c.added,
    newEnergyVehiclesAdded: c.newEnergyAdded,
    newEnergyShareOfAdded: divideExact(c.newEnergyAdded, c.added),
    vehiclesRetired: c.retired,
    petrolLitres: q(VehicleEnergy.GASOLINE),
    dieselLitres: q(VehicleEnergy.DIESEL),
    chargedKwh: q(VehicleEnergy.ELECTRICITY),
    meteredChargingKwh: num(t.meteredChargingKwh),
    byEnergy: Object.values(VehicleEnergy)
      .filter((e) => t.byEnergy.has(e))
      .map((e) => {
        const x = t.byEnergy.get(e)!;
        return { energy: e, quantity: num(x.quantity), unit: CARRIER_OF[e].unit, kgce: num(x.kgce), kgCo2: num(x.kgCo2) };
      }),
    kgce: num(t.kgce),
    kgCo2: num(t.kgCo2),
    distanceKm: num(t.distanceKm),
    kgcePer100Km: divideExact(mul(t.kgce, HUNDRED), t.distanceKm),
    kgCo2Per100Km: divideExact(mul(t.kgCo2, HUNDRED), t.distanceKm),
  } satisfies FleetFigures);
  return view;
}
