import { OptionalProps, Entity, Enum, ManyToOne, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { Node, toGlobalId } from '../../graphql/relay';
import { RegionLevel } from './registry.enums';

@ObjectType({ implements: Node, description: 'A province, city or county-level division.' })
@Entity({ tableName: 'region' })
export class Region {
  [OptionalProps]?: 'globalId';

  @PrimaryKey()
  id!: number;

  @Field(() => ID, { name: 'id' })
  get globalId(): string {
    return toGlobalId('Region', this.id);
  }

  @Field({ description: 'Administrative division code (GB/T 2260), e.g. 430500.' })
  @Property({ unique: true, length: 12 })
  code!: string;

  @Field()
  @Property()
  name!: string;

  @Field()
  @Property()
  nameZh!: string;

  @Field(() => RegionLevel)
  @Enum({ items: () => RegionLevel, nativeEnumName: 'region_level' })
  level!: RegionLevel;

  @ManyToOne(() => Region, { ref: true, nullable: true })
  parent?: Ref<Region> | null;
}
