import { Entity, Enum, ManyToOne, OptionalProps, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { defineGlobalId, Node } from '../../graphql/relay';
import { Agency } from '../registry/agency.entity';
import { InstitutionCategory } from '../registry/registry.enums';
import { Region } from '../registry/region.entity';
import { IndicatorKind } from './compliance.enums';

@ObjectType({ implements: Node, description: 'A provincial quota (定额标准) for one indicator, category, region and range of years.' })
@Entity({ tableName: 'quota_standard' })
export class QuotaStandard {
  [OptionalProps]?: 'globalId' | 'createdAt' | 'yearTo' | 'baselineValue' | 'guideValue';

  @PrimaryKey()
  id!: number;

  /** The Relay id (a getter on the prototype, an own property of a plain row: see defineGlobalId). */
  @Field(() => ID, { name: 'id' })
  globalId!: string;

  @ManyToOne(() => Agency, { ref: true })
  issuer!: Ref<Agency>;

  /** Applies to institutions in this region or below it; the most specific region wins. */
  @ManyToOne(() => Region, { ref: true })
  region!: Ref<Region>;

  @Field(() => InstitutionCategory)
  @Enum({ items: () => InstitutionCategory, nativeEnumName: 'institution_category' })
  category!: InstitutionCategory;

  @Field(() => IndicatorKind)
  @Enum({ items: () => IndicatorKind, nativeEnumName: 'indicator_kind' })
  indicator!: IndicatorKind;

  @Field(() => Int)
  @Property({ type: 'smallint' })
  yearFrom!: number;

  @Field(() => Int, { nullable: true, description: 'Last year it applies to (inclusive); null while current.' })
  @Property({ type: 'smallint', nullable: true })
  yearTo: number | null = null;

  @Field(() => Float, { description: '约束值: above it the institution must rectify.' })
  @Property({ type: 'double' })
  constraintValue!: number;

  @Field(() => Float, { nullable: true, description: '基准值.' })
  @Property({ type: 'double', nullable: true })
  baselineValue: number | null = null;

  @Field(() => Float, { nullable: true, description: '引导值: at or below it the institution is ADVANCED.' })
  @Property({ type: 'double', nullable: true })
  guideValue: number | null = null;

  @Field()
  @Property({ type: 'text' })
  source!: string;

  @Field()
  @Property({ defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Field()
  @Property()
  createdBy!: string;
}

defineGlobalId(QuotaStandard, 'QuotaStandard');
