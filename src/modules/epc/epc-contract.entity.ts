import { Entity, Enum, Index, ManyToOne, OptionalProps, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { LocalDateScalar } from '../../graphql/scalars';
import { Field, ID, ObjectType } from 'type-graphql';
import { defineGlobalId, Node } from '../../graphql/relay';
import { DecimalScalar } from '../../graphql/scalars';
import { Carrier } from '../metering/metering.enums';
import { Institution } from '../registry/institution.entity';
import { BaselineDriver, EpcStatus, EpcType, SavingsPillar, SettlementPeriod } from './epc.enums';
import { Esco } from './esco.entity';

/** One measure in a contract's scope, tagged with its pillar. */
export interface EpcMeasure {
  name: string;
  pillar: SavingsPillar;
}

@ObjectType({ implements: Node, description: 'An energy performance contract (合同能源管理) at one institution.' })
@Entity({ tableName: 'epc_contract' })
@Index({ properties: ['institution'] })
@Index({ properties: ['esco'] })
export class EpcContract {
  [OptionalProps]?: 'globalId' | 'createdAt' | 'status' | 'escoShare' | 'guaranteedSavingsRate' | 'titleZh';

  @PrimaryKey()
  id!: number;

  /** The Relay id (a getter on the prototype, an own property of a plain row: see defineGlobalId). */
  @Field(() => ID, { name: 'id' })
  globalId!: string;

  @ManyToOne(() => Institution, { ref: true })
  institution!: Ref<Institution>;

  @ManyToOne(() => Esco, { ref: true })
  esco!: Ref<Esco>;

  @Field({ description: 'The title as the contract was registered (English in the demo data).' })
  @Property()
  title!: string;

  @Field(() => String, { nullable: true, description: 'The title in Chinese, when given (dashboards show it to Chinese readers).' })
  @Property({ nullable: true })
  titleZh: string | null = null;

  @Field(() => EpcType)
  @Enum({ items: () => EpcType, nativeEnumName: 'epc_type' })
  type!: EpcType;

  @Field(() => EpcStatus)
  @Enum({ items: () => EpcStatus, nativeEnumName: 'epc_status' })
  status: EpcStatus = EpcStatus.DRAFT;

  @Field(() => [Carrier], { description: 'Carriers whose savings the contract is measured on.' })
  @Enum({ items: () => Carrier, nativeEnumName: 'carrier', array: true })
  carriers!: Carrier[];

  @Property({ type: 'json' })
  measures!: EpcMeasure[];

  @Field(() => LocalDateScalar)
  @Property({ type: 'date' })
  termStart!: string;

  @Field(() => LocalDateScalar, { description: 'Day after the last day of the term.' })
  @Property({ type: 'date' })
  termEnd!: string;

  /** Money: decimal strings, never floats. Read through the money-guarded field resolvers. */
  @Property({ type: 'decimal', precision: 14, scale: 2 })
  investmentYuan!: string;

  @Property({ type: 'decimal', precision: 5, scale: 4, nullable: true })
  escoShare: string | null = null;

  @Field(() => DecimalScalar, { nullable: true, description: 'Guaranteed savings rate (0 to 1), for GUARANTEED_SAVINGS.' })
  @Property({ type: 'decimal', precision: 5, scale: 4, nullable: true })
  guaranteedSavingsRate: string | null = null;

  /** Yuan per unit of each carrier, as decimal strings: { ELECTRICITY: '0.6532' }. */
  @Property({ type: 'json' })
  prices!: Record<string, string>;

  @Field(() => LocalDateScalar, { description: 'First day of the twelve-month baseline.' })
  @Property({ type: 'date' })
  baselineStart!: string;

  @Field(() => BaselineDriver)
  @Enum({ items: () => BaselineDriver, nativeEnumName: 'baseline_driver' })
  baselineDriver!: BaselineDriver;

  @Field(() => SettlementPeriod)
  @Enum({ items: () => SettlementPeriod, nativeEnumName: 'settlement_period' })
  settlementPeriod!: SettlementPeriod;

  @Field()
  @Property({ defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Field()
  @Property()
  createdBy!: string;
}

defineGlobalId(EpcContract, 'EpcContract');

@ObjectType({ description: 'One step of a contract\'s lifecycle.' })
@Entity({ tableName: 'epc_transition' })
@Index({ properties: ['contract'] })
export class EpcTransition {
  [OptionalProps]?: 'at' | 'effectiveAt';

  @PrimaryKey()
  id!: number;

  @ManyToOne(() => EpcContract, { ref: true })
  contract!: Ref<EpcContract>;

  @Field(() => EpcStatus, { nullable: true })
  @Enum({ items: () => EpcStatus, nativeEnumName: 'epc_status', nullable: true })
  fromStatus: EpcStatus | null = null;

  @Field(() => EpcStatus)
  @Enum({ items: () => EpcStatus, nativeEnumName: 'epc_status' })
  toStatus!: EpcStatus;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  note: string | null = null;

  @Field()
  @Property()
  actor!: string;

  @Field({ description: 'When the step was entered in the hub (by `actor`).' })
  @Property({ defaultRaw: 'now()' })
  at: Date = new Date();

  @Field({ description: 'When the step took effect: as entered for a step that happened before it was recorded, else when it was entered.' })
  @Property({ defaultRaw: 'now()' })
  effectiveAt: Date = new Date();
}

@ObjectType({ description: 'Equipment installed under a contract; at HANDED_OVER it passes to the institution.' })
@Entity({ tableName: 'epc_asset' })
@Index({ properties: ['contract'] })
export class EpcAsset {
  [OptionalProps]?: 'handedOverAt' | 'handoverRecordedAt' | 'handoverRecordedBy';

  @PrimaryKey()
  id!: number;

  @ManyToOne(() => EpcContract, { ref: true })
  contract!: Ref<EpcContract>;

  @Field()
  @Property()
  name!: string;

  @Field()
  @Property()
  quantity!: number;

  @Property({ type: 'decimal', precision: 14, scale: 2 })
  valueYuan!: string;

  @Field(() => Date, { nullable: true, description: 'When ownership passed to the institution (the effective time of the HANDED_OVER step).' })
  @Property({ type: 'timestamptz', nullable: true })
  handedOverAt: Date | null = null;

  @Field(() => Date, { nullable: true, description: 'When the handover was entered in the hub.' })
  @Property({ type: 'timestamptz', nullable: true })
  handoverRecordedAt: Date | null = null;

  @Field(() => String, { nullable: true, description: 'Who entered the handover.' })
  @Property({ type: 'text', nullable: true })
  handoverRecordedBy: string | null = null;
}

@ObjectType({ description: 'A payment FINANCE recorded against a contract.' })
@Entity({ tableName: 'epc_payment' })
@Index({ properties: ['contract'] })
export class EpcPayment {
  [OptionalProps]?: 'recordedAt' | 'effectiveAt';

  @PrimaryKey()
  id!: number;

  @ManyToOne(() => EpcContract, { ref: true })
  contract!: Ref<EpcContract>;

  @Property({ type: 'decimal', precision: 14, scale: 2 })
  amountYuan!: string;

  @Field(() => LocalDateScalar)
  @Property({ type: 'date' })
  paidOn!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  note: string | null = null;

  @Field()
  @Property()
  recordedBy!: string;

  @Field({ description: 'When the payment was entered in the hub (by `recordedBy`).' })
  @Property({ defaultRaw: 'now()' })
  recordedAt: Date = new Date();

  @Field(() => Date, { nullable: true, description: 'When the payment was made, if given to the minute (its day is `paidOn`).' })
  @Property({ type: 'timestamptz', nullable: true })
  effectiveAt: Date | null = null;
}
