import { Entity, ManyToOne, OptionalProps, PrimaryKey, Property, Unique, type Ref } from '@mikro-orm/core';
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { Node, toGlobalId } from '../../graphql/relay';
import { Institution } from './institution.entity';

@ObjectType({ implements: Node, description: "An institution's figures for one year, the denominators of the indicators." })
@Entity({ tableName: 'institution_profile' })
@Unique({ properties: ['institution', 'year'] })
export class InstitutionProfile {
  [OptionalProps]?: 'globalId' | 'updatedAt';

  @PrimaryKey()
  id!: number;

  @Field(() => ID, { name: 'id' })
  get globalId(): string {
    return toGlobalId('InstitutionProfile', this.id);
  }

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
