import { Entity, Index, ManyToOne, OptionalProps, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { defineGlobalId, Node } from '../../graphql/relay';
import { Meter } from '../metering/meter.entity';
import { Institution } from '../registry/institution.entity';

@ObjectType({ implements: Node, description: 'A charging point at an institution, with the electricity meter that measures it.' })
@Entity({ tableName: 'charging_point' })
@Index({ properties: ['institution'] })
export class ChargingPoint {
  [OptionalProps]?: 'globalId' | 'createdAt' | 'meter' | 'behindBuildingMeter';

  @PrimaryKey()
  id!: number;

  /** The Relay id (a getter on the prototype, an own property of a plain row: see defineGlobalId). */
  @Field(() => ID, { name: 'id' })
  globalId!: string;

  @ManyToOne(() => Institution, { ref: true })
  institution!: Ref<Institution>;

  @Field({ description: 'Code on the charging point, unique across the hub (used in import files).' })
  @Property({ unique: true, length: 32 })
  code!: string;

  @Field({ description: 'Where it is (car park, building).' })
  @Property({ length: 200 })
  location!: string;

  @Field(() => Float, { description: 'Rated power of the point, kW (all connectors together).' })
  @Property({ type: 'double' })
  powerKw!: number;

  @Field(() => Int)
  @Property()
  connectors!: number;

  @ManyToOne(() => Meter, { ref: true, nullable: true })
  meter: Ref<Meter> | null = null;

  @Field({ description: "Supplied behind a building meter: its electricity is already in the institution's metered electricity, so neither its own meter nor the charging records at it are counted again." })
  @Property({ default: false })
  behindBuildingMeter: boolean = false;

  @Property({ defaultRaw: 'now()' })
  createdAt: Date = new Date();
}

defineGlobalId(ChargingPoint, 'ChargingPoint');
