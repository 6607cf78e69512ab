import { Entity, Enum, OptionalProps, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { defineGlobalId, Node } from '../../graphql/relay';
import { TargetKind } from './targets.enums';

@ObjectType({ implements: Node, description: "A yearly target GOA sets for the city's public institutions; each institution is measured against it." })
@Entity({ tableName: 'city_target' })
@Unique({ properties: ['year', 'kind'] })
export class CityTarget {
  [OptionalProps]?: 'globalId' | 'updatedAt' | 'value';

  @PrimaryKey()
  id!: number;

  /** The Relay id (a getter on the prototype, an own property of a plain row: see defineGlobalId). */
  @Field(() => ID, { name: 'id' })
  globalId!: string;

  @Field(() => Int)
  @Property({ type: 'smallint' })
  year!: number;

  @Field(() => TargetKind)
  @Enum({ items: () => TargetKind, nativeEnumName: 'target_kind' })
  kind!: TargetKind;

  /** Exact, 4 decimals: the share the institutions must reach. */
  @Property({ type: 'decimal', precision: 5, scale: 4 })
  share!: string;

  /** The share as a number: a getter on the prototype, an own property of a plain row (as globalId). */
  @Field(() => Float, { description: 'The share to reach, from 0 to 1.' })
  value!: number;

  @Property({ defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}

defineGlobalId(CityTarget, 'CityTarget');
// A decorated getter would make type-graphql copy every plain row into a new entity (see defineGlobalId).
Object.defineProperty(CityTarget.prototype, 'value', {
  get(this: CityTarget) {
    return Number(this.share);
  },
  configurable: true,
});
