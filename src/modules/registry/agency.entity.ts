import { OptionalProps, Entity, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { defineGlobalId, Node } from '../../graphql/relay';

@ObjectType({ implements: Node, description: 'A city agency that contributes and reads data.' })
@Entity({ tableName: 'agency' })
export class Agency {
  [OptionalProps]?: 'globalId';

  @PrimaryKey()
  id!: number;

  /** The Relay id (a getter on the prototype, an own property of a plain row: see defineGlobalId). */
  @Field(() => ID, { name: 'id' })
  globalId!: string;

  @Field({ description: 'Short code: GOA, DRC, FINANCE, WATER, HOUSING, PUBLIC.' })
  @Property({ unique: true, length: 32 })
  code!: string;

  @Field()
  @Property()
  name!: string;

  @Field()
  @Property()
  nameZh!: string;
}

defineGlobalId(Agency, 'Agency');
