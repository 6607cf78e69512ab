import { Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { defineGlobalId, Node } from '../../graphql/relay';

@ObjectType({ implements: Node, description: 'A closed year: its figures are frozen as they were when GOA closed it.' })
@Entity({ tableName: 'year_closure' })
export class YearClosure {
  [OptionalProps]?: 'globalId' | 'closedAt' | 'pendingRows' | 'pendingSince' | 'pendingRecalculation';

  /** The Relay id, of the year (a getter on the prototype, an own property of a plain row: see defineGlobalId). */
  @Field(() => ID, { name: 'id' })
  globalId!: string;

  @Field(() => Int)
  @PrimaryKey({ type: 'smallint', autoincrement: false })
  year!: number;

  @Field()
  @Property()
  closedBy!: string;

  @Field()
  @Property({ defaultRaw: 'now()' })
  closedAt: Date = new Date();

  @Field(() => Float, { description: 'City total comprehensive energy frozen at closing, kgce.' })
  @Property({ type: 'double' })
  energyKgce!: number;

  @Field(() => Float, { description: 'City total scope 1 + scope 2 frozen at closing, kgCO2.' })
  @Property({ type: 'double' })
  emissionsKgCo2!: number;

  @Field(() => Int, { description: 'Readings added or corrected in the year since it was closed or last recalculated: not in its frozen figures.' })
  @Property({ default: 0 })
  pendingRows: number = 0;

  @Field(() => Date, { nullable: true, description: 'When the first of those readings arrived.' })
  @Property({ type: 'timestamptz', nullable: true })
  pendingSince: Date | null = null;

  /** pendingRows > 0: a getter on the prototype (below), an own property of a plain row, as globalId. */
  @Field({ description: 'True while readings written since closing wait for recalculateYear.' })
  pendingRecalculation!: boolean;
}

@ObjectType({ implements: Node, description: 'An explicit recalculation of a closed year: who, when, and the totals before and after.' })
@Entity({ tableName: 'year_recalculation' })
export class YearRecalculation {
  [OptionalProps]?: 'globalId' | 'at';

  @PrimaryKey()
  id!: number;

  /** The Relay id (a getter on the prototype, an own property of a plain row: see defineGlobalId). */
  @Field(() => ID, { name: 'id' })
  globalId!: string;

  @Field(() => Int)
  @Property({ type: 'smallint' })
  year!: number;

  @Field()
  @Property()
  recalculatedBy!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  reason: string | null = null;

  @Field()
  @Property({ defaultRaw: 'now()' })
  at: Date = new Date();

  @Field(() => Float)
  @Property({ type: 'double' })
  oldEnergyKgce!: number;

  @Field(() => Float)
  @Property({ type: 'double' })
  newEnergyKgce!: number;

  @Field(() => Float)
  @Property({ type: 'double' })
  oldEmissionsKgCo2!: number;

  @Field(() => Float)
  @Property({ type: 'double' })
  newEmissionsKgCo2!: number;
}

defineGlobalId(YearClosure, 'YearClosure', 'year');
defineGlobalId(YearRecalculation, 'YearRecalculation');
Object.defineProperty(YearClosure.prototype, 'pendingRecalculation', {
  get(this: YearClosure) {
    return this.pendingRows > 0;
  },
  configurable: true,
});
