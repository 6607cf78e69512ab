import { Entity, Enum, Index, ManyToOne, Property, type Ref } from '@mikro-orm/core';
import { Field, Float, ID, ObjectType } from 'type-graphql';
import { defineGlobalId, Node } from '../../graphql/relay';
import { Carrier, MeterUnit } from '../metering/metering.enums';
import { Region } from '../registry/region.entity';
import { EmissionScope } from './factors.enums';
import { VersionedFactor } from './versioned.entity';

@ObjectType({ implements: Node, description: 'kgCO2 per unit of a carrier, national or for a region (the most specific region wins).' })
@Entity({ tableName: 'emission_factor' })
@Index({ properties: ['carrier', 'validFrom'] })
export class EmissionFactor extends VersionedFactor {
  /** The Relay id (a getter on the prototype, an own property of a plain row: see defineGlobalId). */
  @Field(() => ID, { name: 'id' })
  globalId!: string;

  @Field(() => Carrier)
  @Enum({ items: () => Carrier, nativeEnumName: 'carrier' })
  carrier!: Carrier;

  /** Null: national. */
  @ManyToOne(() => Region, { ref: true, nullable: true })
  region: Ref<Region> | null = null;

  @Field(() => EmissionScope)
  @Enum({ items: () => EmissionScope, nativeEnumName: 'emission_scope' })
  scope!: EmissionScope;

  @Field(() => MeterUnit)
  @Enum({ items: () => MeterUnit, nativeEnumName: 'meter_unit' })
  unit!: MeterUnit;

  @Field(() => Float)
  @Property({ type: 'double', fieldName: 'kg_co2_per_unit' })
  kgCo2PerUnit!: number;
}

defineGlobalId(EmissionFactor, 'EmissionFactor');
