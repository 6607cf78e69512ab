import { Entity, Enum, Index, ManyToOne, OptionalProps, PrimaryKey, Property, Unique, type Ref } from '@mikro-orm/core';
import { LocalDateScalar } from '../../graphql/scalars';
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { defineGlobalId, Node } from '../../graphql/relay';
import { Institution } from '../registry/institution.entity';
import { IndicatorKind, RectificationStatus } from './compliance.enums';

@ObjectType({ implements: Node, description: 'Opened when a closed year finds an institution over the constraint value.' })
@Entity({ tableName: 'rectification_case' })
@Unique({ properties: ['institution', 'year', 'indicator'] })
export class RectificationCase {
  [OptionalProps]?: 'globalId' | 'openedAt' | 'cause' | 'measures' | 'status';

  @PrimaryKey()
  id!: number;

  /** The Relay id (a getter on the prototype, an own property of a plain row: see defineGlobalId). */
  @Field(() => ID, { name: 'id' })
  globalId!: string;

  @ManyToOne(() => Institution, { ref: true })
  institution!: Ref<Institution>;

  @Field(() => Int)
  @Property({ type: 'smallint' })
  year!: number;

  @Field(() => IndicatorKind)
  @Enum({ items: () => IndicatorKind, nativeEnumName: 'indicator_kind' })
  indicator!: IndicatorKind;

  @Field(() => Float, { description: 'The indicator value that breached the quota.' })
  @Property({ type: 'double' })
  value!: number;

  @Field(() => Float)
  @Property({ type: 'double' })
  constraintValue!: number;

  @Field(() => RectificationStatus)
  @Enum({ items: () => RectificationStatus, nativeEnumName: 'rectification_status' })
  status: RectificationStatus = RectificationStatus.OPEN;

  @Field(() => String, { nullable: true, description: "The institution's finding of the cause." })
  @Property({ type: 'text', nullable: true })
  cause: string | null = null;

  @Field(() => String, { nullable: true, description: 'Measures the institution commits to.' })
  @Property({ type: 'text', nullable: true })
  measures: string | null = null;

  @Field(() => LocalDateScalar)
  @Property({ type: 'date' })
  deadline!: string;

  @Field()
  @Property({ defaultRaw: 'now()' })
  openedAt: Date = new Date();
}

@ObjectType({ description: 'One step of a rectification case.' })
@Entity({ tableName: 'rectification_event' })
@Index({ properties: ['rectificationCase'] })
export class RectificationEvent {
  [OptionalProps]?: 'at';

  @PrimaryKey()
  id!: number;

  @ManyToOne(() => RectificationCase, { ref: true })
  rectificationCase!: Ref<RectificationCase>;

  @Field(() => RectificationStatus, { nullable: true })
  @Enum({ items: () => RectificationStatus, nativeEnumName: 'rectification_status', nullable: true })
  fromStatus: RectificationStatus | null = null;

  @Field(() => RectificationStatus)
  @Enum({ items: () => RectificationStatus, nativeEnumName: 'rectification_status' })
  toStatus!: RectificationStatus;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  note: string | null = null;

  @Field({ description: 'Name of the key that acted.' })
  @Property()
  actor!: string;

  @Field()
  @Property({ defaultRaw: 'now()' })
  at: Date = new Date();
}

defineGlobalId(RectificationCase, 'RectificationCase');
