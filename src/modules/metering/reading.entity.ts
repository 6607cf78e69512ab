import { OptionalProps, PrimaryKeyProp, Entity, Enum, ManyToOne, PrimaryKey, Property, Unique, type Ref } from '@mikro-orm/core';
import { Field, Float, ID, ObjectType } from 'type-graphql';
import { defineGlobalId, Node } from '../../graphql/relay';
import { Meter } from './meter.entity';
import { ReadingBatch } from './reading-batch.entity';
import { ReadingQuality } from './metering.enums';

/** Consumption over [periodStart, periodEnd), in the meter's unit. */
@ObjectType({ implements: Node })
@Entity({ tableName: 'reading' })
// The natural key: ingest is idempotent on it, and it serves "readings of a meter over time".
@Unique({ name: 'reading_natural_key', properties: ['meter', 'periodStart', 'periodEnd'] })
export class Reading {
  [OptionalProps]?: 'globalId';
  // The table is partitioned by month of periodStart, and a partitioned table's key holds it.
  [PrimaryKeyProp]?: ['id', 'periodStart'];

  @PrimaryKey({ type: 'bigint', autoincrement: true })
  id!: string;

  /** The Relay id (a getter on the prototype, an own property of a plain row: see defineGlobalId). */
  @Field(() => ID, { name: 'id' })
  globalId!: string;

  // Checked per statement by a trigger, for the whole set of rows (migration reading_set_checks):
  // a foreign key on the partitioned table cost two lookups per row.
  @ManyToOne(() => Meter, { ref: true, createForeignKeyConstraint: false })
  meter!: Ref<Meter>;

  @Field()
  @PrimaryKey({ type: 'datetime' })
  periodStart!: Date;

  @Field()
  @Property({ type: 'datetime' })
  periodEnd!: Date;

  @Field(() => Float, { description: "Consumption over the period, in the meter's unit." })
  @Property({ type: 'double' })
  value!: number;

  @Field(() => ReadingQuality)
  @Enum({ items: () => ReadingQuality, nativeEnumName: 'reading_quality' })
  quality!: ReadingQuality;

  @ManyToOne(() => ReadingBatch, { ref: true, createForeignKeyConstraint: false })
  batch!: Ref<ReadingBatch>;
}

defineGlobalId(Reading, 'Reading');
