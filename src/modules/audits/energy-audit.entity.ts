import { Entity, Enum, Index, ManyToOne, OptionalProps, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { LocalDateScalar } from '../../graphql/scalars';
import { Field, Float, ID, ObjectType, registerEnumType } from 'type-graphql';
import { defineGlobalId, Node } from '../../graphql/relay';
import { SavingsPillar } from '../epc/epc.enums';
import { Institution } from '../registry/institution.entity';

export enum AuditTrigger {
  HIGH_CONSUMPTION = 'HIGH_CONSUMPTION',
  LARGE_FLOOR_AREA = 'LARGE_FLOOR_AREA',
  MANY_OCCUPANTS = 'MANY_OCCUPANTS',
  PERIODIC = 'PERIODIC',
  EPC_PREPARATION = 'EPC_PREPARATION',
}
registerEnumType(AuditTrigger, { name: 'AuditTrigger' });

@ObjectType({ description: 'A measure an audit recommends, with its estimate.' })
export class RecommendedMeasure {
  @Field()
  name!: string;

  @Field(() => SavingsPillar)
  pillar!: SavingsPillar;

  @Field(() => Float, { description: 'Estimated savings a year, kgce.' })
  estimatedSavingsKgce!: number;

  @Field({ description: 'Estimated cost, yuan (a decimal string).' })
  costYuan!: string;
}

@ObjectType({ implements: Node, description: 'An energy audit (能源审计) of one institution.' })
@Entity({ tableName: 'energy_audit' })
@Index({ properties: ['institution', 'auditedOn'] })
export class EnergyAudit {
  [OptionalProps]?: 'globalId' | 'createdAt';

  @PrimaryKey()
  id!: number;

  /** The Relay id (a getter on the prototype, an own property of a plain row: see defineGlobalId). */
  @Field(() => ID, { name: 'id' })
  globalId!: string;

  @ManyToOne(() => Institution, { ref: true })
  institution!: Ref<Institution>;

  @Field({ description: 'The firm or team that audited.' })
  @Property()
  auditor!: string;

  @Field(() => LocalDateScalar)
  @Property({ type: 'date' })
  auditedOn!: string;

  @Field(() => [AuditTrigger])
  @Enum({ items: () => AuditTrigger, nativeEnumName: 'audit_trigger', array: true })
  triggers!: AuditTrigger[];

  @Field()
  @Property({ type: 'text' })
  findings!: string;

  @Field(() => [RecommendedMeasure])
  @Property({ type: 'json' })
  measures!: RecommendedMeasure[];

  @Field({ description: 'Whether the site suits an energy performance contract.' })
  @Property()
  suitsEpc!: boolean;

  @Field()
  @Property()
  createdBy!: string;

  @Property({ defaultRaw: 'now()' })
  createdAt: Date = new Date();
}

defineGlobalId(EnergyAudit, 'EnergyAudit');
