import { Entity, Enum, ManyToOne, OptionalProps, PrimaryKey, Property, Unique, type Ref } from '@mikro-orm/core';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { defineGlobalId, Node } from '../../graphql/relay';
import { Institution } from '../registry/institution.entity';
import { AssessmentStatus, ComplianceStatus, IndicatorKind } from './compliance.enums';
import { EntryIndicatorResult } from './compliance.types';

@ObjectType({ implements: Node, description: 'Scoring rules, kept as data: points per status and deductions.' })
@Entity({ tableName: 'scoring_rule' })
export class ScoringRule {
  [OptionalProps]?: 'globalId' | 'createdAt';

  @PrimaryKey()
  id!: number;

  /** The Relay id (a getter on the prototype, an own property of a plain row: see defineGlobalId). */
  @Field(() => ID, { name: 'id' })
  globalId!: string;

  @Field()
  @Property()
  name!: string;

  @Field(() => GraphQLJSONObject, { description: 'Points for each ComplianceStatus; an entry scores the mean over its indicators.' })
  @Property({ type: 'json' })
  pointsByStatus!: Record<ComplianceStatus, number>;

  @Field(() => Float, { description: 'Points taken off for each rectification case still open.' })
  @Property({ type: 'double' })
  deductionPerOpenRectification!: number;

  @Property({ defaultRaw: 'now()' })
  createdAt: Date = new Date();
}

@ObjectType({ implements: Node, description: 'The joint annual assessment of the departments in the municipal appraisal.' })
@Entity({ tableName: 'assessment_round' })
export class AssessmentRound {
  [OptionalProps]?: 'globalId' | 'openedAt' | 'status' | 'finalisedAt';

  @PrimaryKey()
  id!: number;

  /** The Relay id (a getter on the prototype, an own property of a plain row: see defineGlobalId). */
  @Field(() => ID, { name: 'id' })
  globalId!: string;

  @Field(() => Int)
  @Property({ type: 'smallint', unique: true })
  year!: number;

  @Field(() => AssessmentStatus)
  @Enum({ items: () => AssessmentStatus, nativeEnumName: 'assessment_status' })
  status: AssessmentStatus = AssessmentStatus.OPEN;

  @ManyToOne(() => ScoringRule, { ref: true })
  scoringRule!: Ref<ScoringRule>;

  @Field()
  @Property()
  openedBy!: string;

  @Field()
  @Property({ defaultRaw: 'now()' })
  openedAt: Date = new Date();

  @Field(() => Date, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  finalisedAt: Date | null = null;
}

/** One indicator of an entry, as it stood when the round computed it. */
export interface EntryIndicator {
  indicator: IndicatorKind;
  value: number | null;
  status: ComplianceStatus | null;
  constraintValue: number | null;
}

@ObjectType({ implements: Node })
@Entity({ tableName: 'assessment_entry' })
@Unique({ properties: ['round', 'institution'] })
export class AssessmentEntry {
  [OptionalProps]?: 'globalId' | 'comment';

  @PrimaryKey()
  id!: number;

  /** The Relay id (a getter on the prototype, an own property of a plain row: see defineGlobalId). */
  @Field(() => ID, { name: 'id' })
  globalId!: string;

  @ManyToOne(() => AssessmentRound, { ref: true })
  round!: Ref<AssessmentRound>;

  @ManyToOne(() => Institution, { ref: true })
  institution!: Ref<Institution>;

  /** The institution's names and code as frozen with the round (at opening, again at the final signature). */
  @Field({ description: "The institution's name as frozen with the round: set when it opens and again when it becomes FINAL; later renames leave it." })
  @Property()
  institutionName!: string;

  @Field({ description: 'The Chinese name, frozen with the round like institutionName.' })
  @Property()
  institutionNameZh!: string;

  @Property({ length: 18 })
  creditCode!: string;

  @Field(() => [EntryIndicatorResult], { description: 'The indicators and statuses as the round computed them.' })
  @Property({ type: 'json' })
  indicators!: EntryIndicator[];

  @Field(() => Float, { nullable: true })
  @Property({ type: 'double', nullable: true })
  energyKgce!: number | null;

  @Field(() => Float, { nullable: true })
  @Property({ type: 'double', nullable: true })
  waterM3!: number | null;

  @Field(() => Int)
  @Property()
  openRectifications!: number;

  @Field(() => Float)
  @Property({ type: 'double' })
  score!: number;

  @Field(() => Int, { description: '1 for the best score in the round.' })
  @Property()
  rank!: number;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  comment: string | null = null;
}

@ObjectType()
@Entity({ tableName: 'assessment_signature' })
@Unique({ properties: ['round', 'agencyCode'] })
export class AssessmentSignature {
  [OptionalProps]?: 'signedAt';

  @PrimaryKey()
  id!: number;

  @ManyToOne(() => AssessmentRound, { ref: true })
  round!: Ref<AssessmentRound>;

  @Field({ description: 'GOA, DRC or FINANCE.' })
  @Property({ length: 32 })
  agencyCode!: string;

  @Field()
  @Property()
  signedBy!: string;

  @Field()
  @Property({ defaultRaw: 'now()' })
  signedAt: Date = new Date();
}

defineGlobalId(ScoringRule, 'ScoringRule');
defineGlobalId(AssessmentRound, 'AssessmentRound');
defineGlobalId(AssessmentEntry, 'AssessmentEntry');
