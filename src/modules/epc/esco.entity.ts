import { Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { defineGlobalId, Node } from '../../graphql/relay';

@ObjectType({ implements: Node, description: 'An energy service company (节能服务公司) that runs contracts and holds keys for them.' })
@Entity({ tableName: 'esco' })
export class Esco {
  [OptionalProps]?: 'globalId' | 'createdAt';

  @PrimaryKey()
  id!: number;

  /** The Relay id (a getter on the prototype, an own property of a plain row: see defineGlobalId). */
  @Field(() => ID, { name: 'id' })
  globalId!: string;

  @Field()
  @Property()
  name!: string;

  @Field()
  @Property()
  nameZh!: string;

  @Field({ description: 'Unified social credit code (GB 32100-2015), check character verified.' })
  @Property({ unique: true, length: 18 })
  creditCode!: string;

  @Property({ defaultRaw: 'now()' })
  createdAt: Date = new Date();
}

defineGlobalId(Esco, 'Esco');
