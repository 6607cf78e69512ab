import { Entity, Enum, Index, ManyToOne, OptionalProps, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { defineGlobalId, Node } from '../../graphql/relay';
import { Agency } from '../registry/agency.entity';
import { Institution } from '../registry/institution.entity';
import { Carrier, MeterUnit } from './metering.enums';

@ObjectType({ implements: Node, description: 'A meter (or a fuel ledger) at one institution.' })
@Entity({ tableName: 'meter' })
@Index({ properties: ['institution', 'carrier'] })
export class Meter {
  [OptionalProps]?: 'globalId' | 'createdAt';

  @PrimaryKey()
  id!: number;

  /** The Relay id (a getter on the prototype, an own property of a plain row: see defineGlobalId). */
  @Field(() => ID, { name: 'id' })
  globalId!: string;

  @ManyToOne(() => Institution, { ref: true })
  institution!: Ref<Institution>;

  @Field(() => Carrier)
  @Enum({ items: () => Carrier, nativeEnumName: 'carrier' })
  carrier!: Carrier;

  @Field(() => MeterUnit)
  @Enum({ items: () => MeterUnit, nativeEnumName: 'meter_unit' })
  unit!: MeterUnit;

  @Field({ description: 'Serial number or ledger reference, unique across the hub.' })
  @Property({ unique: true, length: 64 })
  serial!: string;

  @ManyToOne(() => Agency, { ref: true, nullable: true })
  supplier?: Ref<Agency> | null;

  @Property({ defaultRaw: 'now()' })
  createdAt: Date = new Date();
}

defineGlobalId(Meter, 'Meter');
