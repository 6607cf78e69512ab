import { Field, Int, ObjectType } from 'type-graphql';
import { LocalDateScalar } from '../../graphql/scalars';
import type { Powertrain, VehicleEnergy, VehicleType } from './fleet.enums';

/** A vehicle as reads give it: a plain row, no entity (see InstitutionRow). */
export interface VehicleRow {
  id: number;
  /** The Relay id (`id` in the schema). */
  globalId: string;
  institution: { id: number };
  plate: string;
  type: VehicleType;
  powertrain: Powertrain;
  newEnergy: boolean;
  inServiceOn: string;
  outOfServiceOn: string | null;
}

/** A charging point as reads give it (see VehicleRow). */
export interface ChargingPointRow {
  id: number;
  globalId: string;
  institution: { id: number };
  code: string;
  location: string;
  powerKw: number;
  connectors: number;
  meter: { id: number } | null;
  behindBuildingMeter: boolean;
}

/** A refuelling or charging as reads give it (see VehicleRow); the id is a bigint's text. */
export interface VehicleEnergyRecordRow {
  id: string;
  globalId: string;
  vehicle: { id: number };
  energy: VehicleEnergy;
  day: string;
  quantity: string;
  odometerKm: string;
  chargingPoint: { id: number } | null;
}

@ObjectType({ description: 'What a batch of refuellings and chargings did: all rows or none were written.' })
export class VehicleEnergyIngestResult {
  @Field(() => Int, { description: 'Records written.' })
  accepted!: number;

  @Field(() => Int, { description: 'Rows equal to records already stored (a repeated batch changes nothing).' })
  duplicates!: number;

  @Field(() => Int, { description: 'Records written in closed years: their frozen figures show them only after GOA runs recalculateYear.' })
  closedYearRows!: number;

  @Field(() => [Int], { description: 'The closed years those records fall in (now pendingRecalculation).' })
  closedYears!: number[];
}

@ObjectType({ description: "An institution's fleet changed: a vehicle or charging point registered or changed, or records added." })
export class FleetChangedEvent {
  institutionId!: number;
  ids!: number[];

  @Field({ description: 'VEHICLE, CHARGING_POINT or ENERGY_RECORDS.' })
  kind!: string;

  @Field(() => [LocalDateScalar], { description: 'First days of the local months whose figures changed: of the records, or of a vehicle’s service dates (before and after a change); none for a charging point.' })
  months!: string[];
}
