import { Entity, ManyToOne, OptionalProps, PrimaryKey, Property, Unique, type Ref } from '@mikro-orm/core';
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { defineGlobalId, Node } from '../../graphql/relay';
import { Institution } from './institution.entity';

@ObjectType({ implements: Node, description: "An institution's figures for one year, the denominators of the indicators." })
@Entity({ tableName: 'institution_profile' })
@Unique({ properties: ['institution', 'year'] })
export class InstitutionProfile {
  [OptionalProps]?: 'globalId' | 'updatedAt';

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

  @Field(() => Int, { nullable: true, description: 'People served: staff (and students or patients where the category counts them).' })
  @Property({ type: 'integer', nullable: true })
  headcount?: number | null;

  @Field(() => Float, { nullable: true })
  @Property({ type: 'double', nullable: true })
  floorAreaM2?: number | null;

  @Field(() => Float, { nullable: true })
  @Property({ type: 'double', nullable: true })
  heatedAreaM2?: number | null;

  @Field(() => Float, { nullable: true })
  @Property({ type: 'double', nullable: true })
  cooledAreaM2?: number | null;

  @Property({ defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}

defineGlobalId(InstitutionProfile, 'InstitutionProfile');
