import { Entity, ManyToOne, OptionalProps, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { LocalDateScalar } from '../../graphql/scalars';
import { Field, ObjectType } from 'type-graphql';
import { Agency } from '../registry/agency.entity';

/**
 * What every factor row carries: when it is valid, where it comes from and who published it.
 * Rows are never edited: a new value is a new version, so old figures stay explainable.
 */
// Decorated so type-graphql hands these fields down to the concrete factor types.
@ObjectType()
@Entity({ abstract: true })
export abstract class VersionedFactor {
  [OptionalProps]?: 'globalId' | 'createdAt' | 'validTo';

  @PrimaryKey()
  id!: number;

  @Field(() => LocalDateScalar, { description: 'First calendar day the value applies to.' })
  @Property({ type: 'date' })
  validFrom!: string;

  @Field(() => LocalDateScalar, { nullable: true, description: 'First day it no longer applies (exclusive); null while current.' })
  @Property({ type: 'date', nullable: true })
  validTo: string | null = null;

  @Field({ description: 'The standard, notice or guideline the value is taken from.' })
  @Property({ type: 'text' })
  source!: string;

  @ManyToOne(() => Agency, { ref: true })
  publishedBy!: Ref<Agency>;

  @Field()
  @Property({ defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Field({ description: 'Name of the key that added the version.' })
  @Property()
  createdBy!: string;
}
