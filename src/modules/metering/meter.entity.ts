import { Entity, Enum, Index, ManyToOne, OptionalProps, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { Node, toGlobalId } from '../../graphql/relay';
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

  @Field(() => ID, { name: 'id' })
  get globalId(): string {
    return toGlobalId('Meter', this.id);
  }

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
