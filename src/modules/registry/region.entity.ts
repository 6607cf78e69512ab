import { OptionalProps, Entity, Enum, ManyToOne, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { defineGlobalId, Node } from '../../graphql/relay';
import { RegionLevel } from './registry.enums';

@ObjectType({ implements: Node, description: 'A province, city or county-level division.' })
@Entity({ tableName: 'region' })
export class Region {
  [OptionalProps]?: 'globalId';

  @PrimaryKey()
  id!: number;

  /** The Relay id (a getter on the prototype, an own property of a plain row: see defineGlobalId). */
  @Field(() => ID, { name: 'id' })
  globalId!: string;

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

defineGlobalId(Region, 'Region');
