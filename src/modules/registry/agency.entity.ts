import { OptionalProps, Entity, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { Node, toGlobalId } from '../../graphql/relay';

@ObjectType({ implements: Node, description: 'A city agency that contributes and reads data.' })
@Entity({ tableName: 'agency' })
export class Agency {
  [OptionalProps]?: 'globalId';

  @PrimaryKey()
  id!: number;

  @Field(() => ID, { name: 'id' })
  get globalId(): string {
    return toGlobalId('Agency', this.id);
  }

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
