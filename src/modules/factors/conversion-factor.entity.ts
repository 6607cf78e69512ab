import { Entity, Enum, Index, Property } from '@mikro-orm/core';
import { Field, Float, ID, ObjectType } from 'type-graphql';
import { Node, toGlobalId } from '../../graphql/relay';
import { Carrier, MeterUnit } from '../metering/metering.enums';
import { VersionedFactor } from './versioned.entity';

@ObjectType({ implements: Node, description: 'Coefficient to standard coal (GB/T 2589): kgce per unit of a carrier.' })
@Entity({ tableName: 'conversion_factor' })
@Index({ properties: ['carrier', 'validFrom'] })
export class ConversionFactor extends VersionedFactor {
  @Field(() => ID, { name: 'id' })
  get globalId(): string {
    return toGlobalId('ConversionFactor', this.id);
  }

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
