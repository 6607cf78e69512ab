import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { Field, Float, ObjectType } from 'type-graphql';
import { ReadingQuality } from './metering.enums';
import { Reading } from './reading.entity';
import { ReadingBatch } from './reading-batch.entity';

/** A value a reading had before a correction replaced it. */
@ObjectType()
@Entity({ tableName: 'reading_revision' })
@Index({ properties: ['reading'] })
export class ReadingRevision {
  @PrimaryKey({ type: 'bigint' })
  id!: string;

  @ManyToOne(() => Reading, { ref: true, deleteRule: 'cascade' })
  reading!: Ref<Reading>;

  @Field(() => Float)
  @Property({ type: 'double' })
  value!: number;

  @Field(() => ReadingQuality)
  @Enum({ items: () => ReadingQuality, nativeEnumName: 'reading_quality' })
  quality!: ReadingQuality;

  /** The batch that had set the old value. */
  @ManyToOne(() => ReadingBatch, { ref: true })
  batch!: Ref<ReadingBatch>;

  /** The batch that replaced it. */
  @ManyToOne(() => ReadingBatch, { ref: true })
  replacedBy!: Ref<ReadingBatch>;

  @Field()
  @Property({ type: 'datetime' })
  replacedAt!: Date;
}
