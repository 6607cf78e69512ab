import { Entity, Enum, Index, ManyToOne, OptionalProps, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { LocalDateScalar } from '../../graphql/scalars';
import { Field, Float, ID, ObjectType, registerEnumType } from 'type-graphql';
import { defineGlobalId, Node } from '../../graphql/relay';
import { Meter } from '../metering/meter.entity';
import { Institution } from '../registry/institution.entity';

export enum PvFinancing {
  SELF_FUNDED = 'SELF_FUNDED',
  EPC = 'EPC',
  LEASE = 'LEASE',
}

export enum PvStatus {
  PLANNED = 'PLANNED',
  UNDER_CONSTRUCTION = 'UNDER_CONSTRUCTION',
  OPERATING = 'OPERATING',
  DECOMMISSIONED = 'DECOMMISSIONED',
}
registerEnumType(PvFinancing, { name: 'PvFinancing' });
registerEnumType(PvStatus, { name: 'PvStatus' });

@ObjectType({ implements: Node, description: 'A rooftop PV project on a public building.' })
@Entity({ tableName: 'pv_project' })
@Index({ properties: ['institution'] })
export class PvProject {
  [OptionalProps]?: 'globalId' | 'createdAt' | 'commissionedOn' | 'decommissionedOn' | 'generationMeter' | 'exportMeter';

  @PrimaryKey()
  id!: number;

  /** The Relay id (a getter on the prototype, an own property of a plain row: see defineGlobalId). */
  @Field(() => ID, { name: 'id' })
  globalId!: string;

  @ManyToOne(() => Institution, { ref: true })
  institution!: Ref<Institution>;

  @Field()
  @Property()
  name!: string;

  @Field()
  @Property()
  nameZh!: string;

  @Field(() => Float, { description: 'Peak capacity, kWp.' })
  @Property({ type: 'double' })
  capacityKw!: number;

  @Property({ type: 'decimal', precision: 14, scale: 2 })
  investmentYuan!: string;

  @Field(() => PvFinancing)
  @Enum({ items: () => PvFinancing, nativeEnumName: 'pv_financing' })
  financing!: PvFinancing;

  @Field(() => PvStatus)
  @Enum({ items: () => PvStatus, nativeEnumName: 'pv_status' })
  status!: PvStatus;

  @Field(() => LocalDateScalar)
  @Property({ type: 'date' })
  startedOn!: string;

  @Field(() => LocalDateScalar, { nullable: true })
  @Property({ type: 'date', nullable: true })
  commissionedOn: string | null = null;

  @Field(() => LocalDateScalar, { nullable: true })
  @Property({ type: 'date', nullable: true })
  decommissionedOn: string | null = null;

  @Field(() => Float, { description: 'Expected generation a year, kWh, as planned.' })
  @Property({ type: 'double' })
  expectedAnnualKwh!: number;

  @Field(() => Float, { description: 'CO2 reduction a year as the project reports it, t (kept apart from the computed figure).' })
  @Property({ type: 'double', fieldName: 'reported_annual_co2_t' })
  reportedAnnualCo2T!: number;

  @ManyToOne(() => Meter, { ref: true, nullable: true })
  generationMeter: Ref<Meter> | null = null;

  @ManyToOne(() => Meter, { ref: true, nullable: true })
  exportMeter: Ref<Meter> | null = null;

  @Property({ defaultRaw: 'now()' })
  createdAt: Date = new Date();
}

defineGlobalId(PvProject, 'PvProject');
