import { Entity, Enum, Index, Property } from '@mikro-orm/core';
import { Field, Float, ID, ObjectType } from 'type-graphql';
import { defineGlobalId, Node } from '../../graphql/relay';
import { Carrier, MeterUnit } from '../metering/metering.enums';
import { VersionedFactor } from './versioned.entity';

@ObjectType({ implements: Node, description: 'Coefficient to standard coal (GB/T 2589): kgce per unit of a carrier.' })
@Entity({ tableName: 'conversion_factor' })
@Index({ properties: ['carrier', 'validFrom'] })
export class ConversionFactor extends VersionedFactor {
  /** The Relay id (a getter on the prototype, an own property of a plain row: see defineGlobalId). */
  @Field(() => ID, { name: 'id' })
  globalId!: string;

  @Field(() => Carrier)
  @Enum({ items: () => Carrier, nativeEnumName: 'carrier' })
  carrier!: Carrier;

  @Field(() => MeterUnit, { description: 'The unit the coefficient is per; meters in another unit need a unit conversion.' })
  @Enum({ items: () => MeterUnit, nativeEnumName: 'meter_unit' })
  unit!: MeterUnit;

  @Field(() => Float)
  @Property({ type: 'double' })
  kgcePerUnit!: number;
}

defineGlobalId(ConversionFactor, 'ConversionFactor');
