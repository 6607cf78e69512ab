import { Entity, Enum, Index, ManyToOne, OptionalProps, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { LocalDateScalar } from '../../graphql/scalars';
import { Field, ID, ObjectType } from 'type-graphql';
import { defineGlobalId, Node } from '../../graphql/relay';
import { Institution } from '../registry/institution.entity';
import { Powertrain, VehicleType } from './fleet.enums';

@ObjectType({ implements: Node, description: "A vehicle of an institution's official fleet." })
@Entity({ tableName: 'vehicle' })
@Index({ properties: ['institution'] })
export class Vehicle {
  [OptionalProps]?: 'globalId' | 'createdAt' | 'outOfServiceOn';

  @PrimaryKey()
  id!: number;

  /** The Relay id (a getter on the prototype, an own property of a plain row: see defineGlobalId). */
  @Field(() => ID, { name: 'id' })
  globalId!: string;

  @ManyToOne(() => Institution, { ref: true })
  institution!: Ref<Institution>;

  @Field({ description: 'Licence plate, unique across the hub (湘E·12345 is stored as 湘E12345).' })
  @Property({ unique: true, length: 16 })
  plate!: string;

  @Field(() => VehicleType)
  @Enum({ items: () => VehicleType, nativeEnumName: 'vehicle_type' })
  type!: VehicleType;

  @Field(() => Powertrain)
  @Enum({ items: () => Powertrain, nativeEnumName: 'vehicle_powertrain' })
  powertrain!: Powertrain;

  @Field({ description: 'Counted as a new-energy vehicle (plug-in hybrid, battery electric, fuel cell unless set otherwise).' })
  @Property()
  newEnergy!: boolean;

  @Field(() => LocalDateScalar, { description: 'First day in service.' })
  @Property({ type: 'date' })
  inServiceOn!: string;

  @Field(() => LocalDateScalar, { nullable: true, description: 'First day out of service (sold, scrapped), if it has left.' })
  @Property({ type: 'date', nullable: true })
  outOfServiceOn: string | null = null;

  @Property({ defaultRaw: 'now()' })
  createdAt: Date = new Date();
}

defineGlobalId(Vehicle, 'Vehicle');
