import { LocalDateScalar } from '../../graphql/scalars';
import { Field, Float, ID, InputType } from 'type-graphql';
import { Carrier, MeterUnit } from '../metering/metering.enums';
import { EmissionScope } from './factors.enums';

@InputType({ description: 'A new version: it applies from validFrom and ends the current version of the same key that day.' })
class NewVersionInput {
  @Field(() => LocalDateScalar)
  validFrom!: string;

  @Field({ description: 'The standard or notice the value comes from.' })
  source!: string;
}

@InputType()
export class ConversionFactorInput extends NewVersionInput {
  @Field(() => Carrier)
  carrier!: Carrier;

  @Field(() => MeterUnit)
  unit!: MeterUnit;

  @Field(() => Float)
  kgcePerUnit!: number;
}

@InputType()
export class EmissionFactorInput extends NewVersionInput {
  @Field(() => Carrier)
  carrier!: Carrier;

  @Field(() => ID, { nullable: true, description: 'A province or grid region; omit for the national factor.' })
  regionId?: string | null;

  @Field(() => EmissionScope)
  scope!: EmissionScope;

  @Field(() => MeterUnit)
  unit!: MeterUnit;

  @Field(() => Float)
  kgCo2PerUnit!: number;
}

@InputType()
export class UnitConversionInput extends NewVersionInput {
  @Field(() => Carrier, { nullable: true, description: 'Omit for a conversion that holds for every carrier (MWh to kWh).' })
  carrier?: Carrier | null;

  @Field(() => MeterUnit)
  fromUnit!: MeterUnit;

  @Field(() => MeterUnit)
  toUnit!: MeterUnit;

  @Field(() => Float)
  factor!: number;
}

@InputType()
export class FactorFilter {
  @Field(() => Carrier, { nullable: true })
  carrier?: Carrier | null;

  @Field(() => LocalDateScalar, { nullable: true, description: 'Only versions valid on this day.' })
  validOn?: string | null;
}
