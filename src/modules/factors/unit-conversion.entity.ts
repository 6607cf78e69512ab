import { Entity, Enum, Property } from '@mikro-orm/core';
import { Field, Float, ID, ObjectType } from 'type-graphql';
import { Node, toGlobalId } from '../../graphql/relay';
import { Carrier, MeterUnit } from '../metering/metering.enums';
import { VersionedFactor } from './versioned.entity';

@ObjectType({
  implements: Node,
  description: 'One fromUnit is `factor` toUnits, for one carrier (a density such as diesel L to kg) or for every carrier (MWh to kWh) when carrier is null.',
})
@Entity({ tableName: 'unit_conversion' })
export class UnitConversion extends VersionedFactor {
  @Field(() => ID, { name: 'id' })
  get globalId(): string {
    return toGlobalId('UnitConversion', this.id);
  }

  @Field(() => Carrier, { nullable: true })
  @Enum({ items: () => Carrier, nativeEnumName: 'carrier', nullable: true })
  carrier: Carrier | null = null;

  @Field(() => MeterUnit)
  @Enum({ items: () => MeterUnit, nativeEnumName: 'meter_unit' })
  fromUnit!: MeterUnit;

  @Field(() => MeterUnit)
  @Enum({ items: () => MeterUnit, nativeEnumName: 'meter_unit' })
  toUnit!: MeterUnit;

  @Field(() => Float)
  @Property({ type: 'double' })
  factor!: number;
}
