import { Entity, Enum, ManyToOne, OptionalProps, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { KeyRole } from '../../access/access.enums';
import { defineGlobalId, Node } from '../../graphql/relay';
import { Agency } from '../registry/agency.entity';
import { Esco } from '../epc/esco.entity';
import { Institution } from '../registry/institution.entity';

/** An API key. Only a SHA-256 of the secret is stored; the key itself is shown once. */
@ObjectType({ implements: Node })
@Entity({ tableName: 'api_key' })
export class ApiKey {
  [OptionalProps]?: 'globalId' | 'createdAt';

  @PrimaryKey()
  id!: number;

  /** The Relay id (a getter on the prototype, an own property of a plain row: see defineGlobalId). */
  @Field(() => ID, { name: 'id' })
  globalId!: string;

  @Field()
  @Property()
  name!: string;

  /** The public part of the key, used to find the row without scanning hashes. */
  @Field({ description: 'The first characters of the key, to recognise it.' })
  @Property({ unique: true, length: 16 })
  prefix!: string;

  @Property({ length: 64 })
  hash!: string;

  @Field(() => KeyRole)
  @Enum({ items: () => KeyRole, nativeEnumName: 'key_role' })
  role!: KeyRole;

  @ManyToOne(() => Agency, { ref: true, nullable: true })
  agency?: Ref<Agency> | null;

  @ManyToOne(() => Institution, { ref: true, nullable: true })
  institution?: Ref<Institution> | null;

  @ManyToOne(() => Esco, { ref: true, nullable: true })
  esco?: Ref<Esco> | null;

  @Field(() => Int, { nullable: true, description: "Cost points per minute this key may spend; null: its role's default." })
  @Property({ type: 'integer', nullable: true })
  budget?: number | null;

  @Field()
  @Property({ defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Field(() => Date, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  revokedAt?: Date | null;
}

defineGlobalId(ApiKey, 'ApiKey');
