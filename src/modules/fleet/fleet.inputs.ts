import { LocalDateScalar } from '../../graphql/scalars';
import { Field, Float, ID, InputType, Int } from 'type-graphql';
import { Problems } from '../../errors/domain-errors';
import { decodeIdInto } from '../../graphql/relay';
import { energyRowProblems, MAX_ENERGY_ROWS, type EnergyRow } from './vehicle-energy.service';
import { Powertrain, VehicleEnergy, VehicleType } from './fleet.enums';

@InputType()
export class VehicleFilter {
  @Field(() => ID, { nullable: true })
  institutionId?: string | null;

  @Field(() => LocalDateScalar, { nullable: true, description: 'Only vehicles in service on this day.' })
  inServiceOn?: string | null;
}

@InputType()
export class CreateVehicleInput {
  @Field(() => ID)
  institutionId!: string;

  @Field({ description: 'Licence plate; the separator dot and spaces are dropped (湘E·D1234 becomes 湘ED1234).' })
  plate!: string;

  @Field(() => VehicleType)
  type!: VehicleType;

  @Field(() => Powertrain)
  powertrain!: Powertrain;

  @Field(() => Boolean, { nullable: true, description: 'Defaults to the powertrain (plug-in hybrid, battery electric, fuel cell).' })
  newEnergy?: boolean | null;

  @Field(() => LocalDateScalar)
  inServiceOn!: string;

  @Field(() => LocalDateScalar, { nullable: true })
  outOfServiceOn?: string | null;
}

@InputType({ description: 'Fields to change; a field left out keeps its value, outOfServiceOn: null puts the vehicle back in service.' })
export class UpdateVehicleInput {
  @Field(() => VehicleType, { nullable: true })
  type?: VehicleType | null;

  @Field(() => Boolean, { nullable: true })
  newEnergy?: boolean | null;

  @Field(() => LocalDateScalar, { nullable: true })
  inServiceOn?: string | null;

  @Field(() => LocalDateScalar, { nullable: true })
  outOfServiceOn?: string | null;
}

@InputType({ description: 'One refuelling or charging.' })
export class VehicleEnergyRowInput {
  @Field(() => ID)
  vehicleId!: string;

  @Field(() => LocalDateScalar)
  day!: string;

  @Field(() => VehicleEnergy)
  energy!: VehicleEnergy;

  @Field(() => Float, { description: 'Litres of petrol or diesel, kWh of electricity.' })
  quantity!: number;

  @Field(() => Float)
  odometerKm!: number;

  @Field(() => ID, { nullable: true, description: 'The charging point of a charging at one of the hub’s points (electricity only).' })
  chargingPointId?: string | null;
}

@InputType()
export class VehicleEnergyBatchInput {
  @Field(() => [VehicleEnergyRowInput])
  rows!: VehicleEnergyRowInput[];
}

@InputType()
export class VehicleEnergyFilter {
  @Field(() => ID, { nullable: true })
  vehicleId?: string | null;

  @Field(() => ID, { nullable: true })
  institutionId?: string | null;

  @Field(() => LocalDateScalar, { nullable: true, description: 'From this day (inclusive).' })
  from?: string | null;

  @Field(() => LocalDateScalar, { nullable: true, description: 'Before this day (exclusive).' })
  to?: string | null;
}

@InputType()
export class CreateChargingPointInput {
  @Field(() => ID)
  institutionId!: string;

  @Field()
  code!: string;

  @Field()
  location!: string;

  @Field(() => Float)
  powerKw!: number;

  @Field(() => Int)
  connectors!: number;

  @Field(() => ID, { nullable: true, description: 'The ELECTRICITY meter of the institution that measures the point.' })
  meterId?: string | null;

  @Field({ nullable: true, defaultValue: false })
  behindBuildingMeter?: boolean;
}

/** The GraphQL rows as EnergyRows, every problem of every row at once (BAD_USER_INPUT naming the rows). */
export function energyRows(input: VehicleEnergyRowInput[]): EnergyRow[] {
  const problems = new Problems();
  if (!input.length) problems.add('rows', 'give at least one row');
  if (input.length > MAX_ENERGY_ROWS) problems.add('rows', `at most ${MAX_ENERGY_ROWS} rows per batch, got ${input.length}`);
  problems.throwIfAny();
  const rows = input.map((r, index) => {
    const row: EnergyRow = {
      vehicleId: decodeIdInto(problems, r.vehicleId, 'Vehicle', 'vehicleId', index),
      day: r.day,
      energy: r.energy,
      quantity: r.quantity,
      odometerKm: r.odometerKm,
      chargingPointId: r.chargingPointId ? decodeIdInto(problems, r.chargingPointId, 'ChargingPoint', 'chargingPointId', index) : null,
    };
    for (const p of energyRowProblems(row)) problems.add(p.field, p.message, index);
    return row;
  });
  problems.throwIfAny();
  return rows;
}
