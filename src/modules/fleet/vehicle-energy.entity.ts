import { Entity, Enum, Index, ManyToOne, OptionalProps, PrimaryKey, Property, Unique, type Ref } from '@mikro-orm/core';
import { LocalDateScalar } from '../../graphql/scalars';
import { Field, ID, ObjectType } from 'type-graphql';
import { defineGlobalId } from '../../graphql/relay';
import { ChargingPoint } from './charging-point.entity';
import { VehicleEnergy } from './fleet.enums';
import { Vehicle } from './vehicle.entity';

/**
 * One refuelling (litres of petrol or diesel) or charging (kWh) of a vehicle, written in batches by
 * SQL like readings; (vehicle, energy, day, odometer) identifies it, so a repeated batch changes nothing.
 */
@ObjectType({ description: 'A refuelling or a charging of a vehicle.' })
@Entity({ tableName: 'vehicle_energy_record' })
@Unique({ properties: ['vehicle', 'energy', 'day', 'odometerKm'] })
@Index({ properties: ['chargingPoint'] })
export class VehicleEnergyRecord {
  [OptionalProps]?: 'globalId' | 'createdAt' | 'chargingPoint';

  @PrimaryKey({ type: 'bigint', autoincrement: true })
  id!: string;

  /** The Relay id (a getter on the prototype, an own property of a plain row: see defineGlobalId). */
  @Field(() => ID, { name: 'id' })
  globalId!: string;

  @ManyToOne(() => Vehicle, { ref: true })
  vehicle!: Ref<Vehicle>;

  @Field(() => VehicleEnergy)
  @Enum({ items: () => VehicleEnergy, nativeEnumName: 'vehicle_energy' })
  energy!: VehicleEnergy;

  @Field(() => LocalDateScalar)
  @Property({ type: 'date' })
  day!: string;

  @Field({ description: 'Litres for petrol and diesel, kWh for electricity (exact decimal).' })
  @Property({ type: 'decimal', precision: 12, scale: 3 })
  quantity!: string;

  @Field({ description: 'Odometer at the refuelling or charging, km (exact decimal).' })
  @Property({ type: 'decimal', precision: 10, scale: 1 })
  odometerKm!: string;

  @ManyToOne(() => ChargingPoint, { ref: true, nullable: true })
  chargingPoint: Ref<ChargingPoint> | null = null;

  @Property({ length: 200 })
  createdBy!: string;

  @Property({ defaultRaw: 'now()' })
  createdAt: Date = new Date();
}

defineGlobalId(VehicleEnergyRecord, 'VehicleEnergyRecord');
