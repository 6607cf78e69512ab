import { Field, Float, Int, ObjectType } from 'type-graphql';
import { LocalDateScalar } from '../../graphql/scalars';
import { AuditTrigger, type RecommendedMeasure } from './energy-audit.entity';

@ObjectType({ description: 'An institution that should be audited, with why.' })
export class AuditCandidateType {
  institutionId!: number;

  @Field(() => Float)
  energyKgce!: number;

  @Field(() => Float, { nullable: true })
  floorAreaM2!: number | null;

  @Field(() => Int, { nullable: true })
  headcount!: number | null;

  @Field(() => LocalDateScalar, { nullable: true })
  lastAuditedOn!: string | null;

  @Field(() => [AuditTrigger])
  reasons!: AuditTrigger[];

  @Field(() => Float, { description: 'Sum of each figure over its threshold: higher is more urgent.' })
  score!: number;
}

/** What an energy audit records, as a recording gives it and as reads give it back. */
export interface EnergyAuditFields {
  auditor: string;
  /** YYYY-MM-DD. */
  auditedOn: string;
  triggers: AuditTrigger[];
  findings: string;
  measures: RecommendedMeasure[];
  suitsEpc: boolean;
}

/** An audit to record: its fields and its institution's id (decoded). */
export interface AuditInput extends EnergyAuditFields {
  institutionId: number;
}

/** An energy audit as reads give it: a plain row with what the GraphQL type reads (see InstitutionRow). */
export interface EnergyAuditRow extends EnergyAuditFields {
  id: number;
  /** The Relay id (`id` in the schema). */
  globalId: string;
  institution: { id: number };
  createdBy: string;
  createdAt: Date;
}
