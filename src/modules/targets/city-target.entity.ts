import { Entity, Enum, OptionalProps, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { Node, toGlobalId } from '../../graphql/relay';
import { TargetKind } from './targets.enums';

@ObjectType({ implements: Node, description: "A yearly target GOA sets for the city's public institutions; each institution is measured against it." })
@Entity({ tableName: 'city_target' })
@Unique({ properties: ['year', 'kind'] })
export class CityTarget {
  [OptionalProps]?: 'globalId' | 'updatedAt' | 'value';

  @PrimaryKey()
  id!: number;

  @Field(() => ID, { name: 'id' })
  get globalId(): string {
    return toGlobalId('CityTarget', this.id);
  }

  @Field(() => Int)
  @Property({ type: 'smallint' })
  year!: number;

  @Field(() => TargetKind)
  @Enum({ items: () => TargetKind, nativeEnumName: 'target_kind' })
  kind!: TargetKind;

  /** Exact, 4 decimals: the share the institutions must reach. */
  @Property({ type: 'decimal', precision: 5, scale: 4 })
  share!: string;

  @Field(() => Float, { description: 'The share to reach, from 0 to 1.' })
  get value(): number {
    return Number(this.share);
  }

  @Property({ defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
