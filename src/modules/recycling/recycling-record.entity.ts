import { Entity, Enum, Index, ManyToOne, OptionalProps, PrimaryKey, Property, Unique, type Ref } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { LocalDateScalar } from '../../graphql/scalars';
import { defineGlobalId } from '../../graphql/relay';
import { Institution } from '../registry/institution.entity';
import { RecyclingStream, WasteDisposition } from './recycling.enums';

/**
 * Kilograms of one waste stream an institution sent one way (recycled, landfilled, incinerated) in
 * one local month, written in batches by SQL like readings; (institution, month, stream,
 * disposition) identifies it, so a repeated batch changes nothing.
 */
@ObjectType({ description: "An institution's kilograms of one waste stream and one disposition in a month." })
@Entity({ tableName: 'recycling_record' })
@Unique({ properties: ['institution', 'month', 'stream', 'disposition'] })
@Index({ properties: ['month'] })
export class RecyclingRecord {
  [OptionalProps]?: 'globalId' | 'createdAt';

  @PrimaryKey()
  id!: number;

  /** The Relay id (a getter on the prototype, an own property of a plain row: see defineGlobalId). */
  @Field(() => ID, { name: 'id' })
  globalId!: string;

  @ManyToOne(() => Institution, { ref: true })
  institution!: Ref<Institution>;

  @Field(() => LocalDateScalar, { description: 'First day of the local month.' })
  @Property({ type: 'date' })
  month!: string;

  @Field(() => RecyclingStream)
  @Enum({ items: () => RecyclingStream, nativeEnumName: 'recycling_stream' })
  stream!: RecyclingStream;

  @Field(() => WasteDisposition)
  @Enum({ items: () => WasteDisposition, nativeEnumName: 'waste_disposition' })
  disposition!: WasteDisposition;

  @Field({ description: 'Kilograms (exact decimal, 3 places).' })
  @Property({ type: 'decimal', precision: 12, scale: 3 })
  quantityKg!: string;

  @Property({ length: 200 })
  createdBy!: string;

  @Property({ defaultRaw: 'now()' })
  createdAt: Date = new Date();
}

defineGlobalId(RecyclingRecord, 'RecyclingRecord');
