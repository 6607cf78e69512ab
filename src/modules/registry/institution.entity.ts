import { Entity, Enum, Index, ManyToOne, OptionalProps, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { Authorized, Field, ID, ObjectType } from 'type-graphql';
import { defineGlobalId, Node } from '../../graphql/relay';
import { InstitutionCategory } from './registry.enums';
import { Region } from './region.entity';

@ObjectType({ implements: Node, description: 'A public institution: a government department, hospital or school.' })
@Entity({ tableName: 'institution' })
export class Institution {
  [OptionalProps]?: 'globalId' | 'inMunicipalAppraisal' | 'createdAt' | 'updatedAt';

  @PrimaryKey()
  id!: number;

  /** The Relay id (a getter on the prototype, an own property of a plain row: see defineGlobalId). */
  @Field(() => ID, { name: 'id' })
  globalId!: string;

  @Field()
  @Property()
  name!: string;

  @Field()
  @Index({ name: 'institution_name_zh_idx' })
  @Property()
  nameZh!: string;

  @Authorized('institutionDetail')
  // Fields a key may be denied are nullable, so a denial nulls the field, not the whole institution.
  @Field(() => String, { nullable: true, description: 'Unified social credit code (GB 32100-2015), check character verified.' })
  @Property({ unique: true, length: 18 })
  creditCode!: string;

  @Field(() => InstitutionCategory)
  @Enum({ items: () => InstitutionCategory, nativeEnumName: 'institution_category' })
  category!: InstitutionCategory;

  @ManyToOne(() => Region, { ref: true })
  region!: Ref<Region>;

  @Authorized('institutionDetail')
  @Field(() => Boolean, { nullable: true, description: 'Whether the institution is one of the departments in the municipal annual appraisal.' })
  @Property({ default: false })
  inMunicipalAppraisal: boolean = false;

  @Property({ defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Property({ defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}

defineGlobalId(Institution, 'Institution');
