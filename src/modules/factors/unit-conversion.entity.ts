import { Entity, Enum, Property } from '@mikro-orm/core';
import { Field, Float, ID, ObjectType } from 'type-graphql';
import { defineGlobalId, Node } from '../../graphql/relay';
import { Carrier, MeterUnit } from '../metering/metering.enums';
import { VersionedFactor } from './versioned.entity';

@ObjectType({
  implements: Node,
  description: 'One fromUnit is `factor` toUnits, for one carrier (a density such as diesel L to kg) or for every carrier (MWh to kWh) when carrier is null.',
})
@Entity({ tableName: 'unit_conversion' })
export class UnitConversion extends VersionedFactor {
  /** The Relay id (a getter on the prototype, an own property of a plain row: see defineGlobalId). */
  @Field(() => ID, { name: 'id' })
  globalId!: string;

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

defineGlobalId(UnitConversion, 'UnitConversion');
