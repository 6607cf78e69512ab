import { Field, Int, ObjectType } from 'type-graphql';
import { LocalDateScalar } from '../../graphql/scalars';

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
