import { Entity, Enum, Index, ManyToOne, OptionalProps, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { defineGlobalId, Node } from '../../graphql/relay';
import { Institution } from '../registry/institution.entity';
import { AlertDirection, IndicatorKind } from './compliance.enums';

@ObjectType({ implements: Node, description: "An institution's projected year crossed its constraint value, one way or the other." })
@Entity({ tableName: 'compliance_alert' })
@Index({ properties: ['institution', 'year', 'indicator'] })
export class ComplianceAlert {
  [OptionalProps]?: 'globalId' | 'at';

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

  @Field(() => AlertDirection)
  @Enum({ items: () => AlertDirection, nativeEnumName: 'alert_direction' })
  direction!: AlertDirection;

  @Field(() => Float, { description: 'Year-to-date value scaled to the whole year.' })
  @Property({ type: 'double' })
  projectedValue!: number;

  @Field(() => Float)
  @Property({ type: 'double' })
  yearToDateValue!: number;

  @Field(() => Float)
  @Property({ type: 'double' })
  constraintValue!: number;

  @Field()
  @Property({ defaultRaw: 'now()' })
  at: Date = new Date();
}

defineGlobalId(ComplianceAlert, 'ComplianceAlert');
