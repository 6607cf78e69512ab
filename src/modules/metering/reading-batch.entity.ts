import { OptionalProps, Entity, Enum, ManyToOne, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { defineGlobalId, Node } from '../../graphql/relay';
import { ApiKey } from '../keys/api-key.entity';

export enum BatchSource {
  GRAPHQL = 'GRAPHQL',
  IMPORT = 'IMPORT',
  DEMO = 'DEMO',
}
registerEnumType(BatchSource, { name: 'BatchSource' });

/** One ingest: who sent which rows when. Readings point to the batch that last set them. */
@ObjectType({ implements: Node })
@Entity({ tableName: 'reading_batch' })
export class ReadingBatch {
  [OptionalProps]?: 'globalId';

  @PrimaryKey()
  id!: number;

  /** The Relay id (a getter on the prototype, an own property of a plain row: see defineGlobalId). */
  @Field(() => ID, { name: 'id' })
  globalId!: string;

  @Field(() => BatchSource)
  @Enum({ items: () => BatchSource, nativeEnumName: 'batch_source' })
  source!: BatchSource;

  @ManyToOne(() => ApiKey, { ref: true, nullable: true })
  apiKey?: Ref<ApiKey> | null;

  @Field({ description: 'Name of the key (and its holder) that sent the batch.' })
  @Property()
  submittedBy!: string;

  @Field()
  @Property({ type: 'datetime' })
  receivedAt!: Date;

  @Field(() => Int)
  @Property({ type: 'integer' })
  accepted!: number;

  @Field(() => Int)
  @Property({ type: 'integer' })
  duplicates!: number;

  @Field(() => Int)
  @Property({ type: 'integer' })
  corrected!: number;
}

defineGlobalId(ReadingBatch, 'ReadingBatch');
