import { Field, Int, ObjectType } from 'type-graphql';
import { AlertDirection, ComplianceStatus, IndicatorKind, type AssessmentStatus, type RectificationStatus } from './compliance.enums';
import type { InstitutionCategory } from '../registry/registry.enums';
import type { EntryIndicator } from './assessment.entity';

@ObjectType({ description: "An institution's projected year crossed its constraint value (or came back under it)." })
export class ComplianceAlertEvent {
  institutionId!: number;

  @Field(() => Int)
  year!: number;

  @Field(() => IndicatorKind)
  indicator!: IndicatorKind;

  @Field(() => AlertDirection)
  direction!: AlertDirection;

  @Field()
  projectedValue!: number;

  @Field()
  yearToDateValue!: number;

  @Field()
  constraintValue!: number;

  @Field({ description: 'Last day with readings the projection is based on (YYYY-MM-DD).' })
  through!: string;
}

@ObjectType()
export class EntryIndicatorResult {
  @Field(() => IndicatorKind)
  indicator!: IndicatorKind;

  @Field(() => Number, { nullable: true })
  value!: number | null;

  @Field(() => ComplianceStatus, { nullable: true })
  status!: ComplianceStatus | null;

  @Field(() => Number, { nullable: true })
  constraintValue!: number | null;
}

/** A quota standard as reads give it: a plain row with what the GraphQL type reads (see InstitutionRow). */
export interface QuotaStandardRow {
  id: number;
  /** The Relay id (`id` in the schema). */
  globalId: string;
  issuer: { id: number };
  region: { id: number };
  category: InstitutionCategory;
  indicator: IndicatorKind;
  yearFrom: number;
  yearTo: number | null;
  constraintValue: number;
  baselineValue: number | null;
  guideValue: number | null;
  source: string;
  createdAt: Date;
  createdBy: string;
}

/** A rectification case as reads give it (see InstitutionRow). */
export interface RectificationCaseRow {
  id: number;
  globalId: string;
  institution: { id: number };
  year: number;
  indicator: IndicatorKind;
  value: number;
  constraintValue: number;
  status: RectificationStatus;
  cause: string | null;
  measures: string | null;
  deadline: string;
  openedAt: Date;
}

/** One step of a case as reads give it; `caseId` is the case it belongs to. */
export interface RectificationEventRow {
  caseId: number;
  fromStatus: RectificationStatus | null;
  toStatus: RectificationStatus;
  note: string | null;
  actor: string;
  at: Date;
}

/** An alert as the compliance monitor records it. */
export interface AlertRow {
  institutionId: number;
  year: number;
  indicator: IndicatorKind;
  direction: AlertDirection;
  projectedValue: number;
  yearToDateValue: number;
  constraintValue: number;
}

/** A recorded alert as reads give it: its institution a reference, as in the other rows (see InstitutionRow). */
export interface ComplianceAlertRow extends Omit<AlertRow, 'institutionId'> {
  id: number;
  globalId: string;
  institution: { id: number };
  at: Date;
}

/** A scoring rule as reads give it. */
export interface ScoringRuleRow {
  id: number;
  globalId: string;
  name: string;
  pointsByStatus: Record<ComplianceStatus, number>;
  deductionPerOpenRectification: number;
}

/** An assessment round as reads give it. */
export interface AssessmentRoundRow {
  id: number;
  globalId: string;
  year: number;
  status: AssessmentStatus;
  scoringRule: { id: number };
  openedBy: string;
  openedAt: Date;
  finalisedAt: Date | null;
}

/** An entry of a round as reads give it; `creditCode` is frozen with the names (the export reads it). */
export interface AssessmentEntryRow {
  id: number;
  globalId: string;
  institution: { id: number };
  institutionName: string;
  institutionNameZh: string;
  creditCode: string;
  indicators: EntryIndicator[];
  energyKgce: number | null;
  waterM3: number | null;
  openRectifications: number;
  score: number;
  rank: number;
  comment: string | null;
}

/** A signature of a round as reads give it; `roundId` is the round it belongs to. */
export interface AssessmentSignatureRow {
  roundId: number;
  agencyCode: string;
  signedBy: string;
  signedAt: Date;
}
