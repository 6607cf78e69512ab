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

/** An energy audit as reads give it: a plain row with what the GraphQL type reads (see InstitutionRow). */
export interface EnergyAuditRow {
  id: number;
  /** The Relay id (`id` in the schema). */
  globalId: string;
  institution: { id: number };
  auditor: string;
  auditedOn: string;
  triggers: AuditTrigger[];
  findings: string;
  measures: RecommendedMeasure[];
  suitsEpc: boolean;
  createdBy: string;
  createdAt: Date;
}
