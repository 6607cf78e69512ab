import { Field, Float, ID, InputType, Int } from 'type-graphql';
import { LocalDateScalar } from '../../graphql/scalars';
import { SavingsPillar } from '../epc/epc.enums';
import { DEFAULT_THRESHOLDS } from './audits.service';
import { AuditTrigger } from './energy-audit.entity';

@InputType()
export class RecommendedMeasureInput {
  @Field()
  name!: string;

  @Field(() => SavingsPillar)
  pillar!: SavingsPillar;

  @Field(() => Float)
  estimatedSavingsKgce!: number;

  @Field({ description: 'Yuan, a decimal string.' })
  costYuan!: string;
}

@InputType()
export class EnergyAuditInput {
  @Field(() => ID)
  institutionId!: string;

  @Field()
  auditor!: string;

  @Field(() => LocalDateScalar)
  auditedOn!: string;

  @Field(() => [AuditTrigger])
  triggers!: AuditTrigger[];

  @Field()
  findings!: string;

  @Field(() => [RecommendedMeasureInput])
  measures!: RecommendedMeasureInput[];

  @Field()
  suitsEpc!: boolean;
}

@InputType()
export class AuditThresholds {
  @Field(() => Float, { defaultValue: DEFAULT_THRESHOLDS.minEnergyKgce, description: 'Comprehensive energy in the year, kgce.' })
  minEnergyKgce!: number;

  @Field(() => Float, { defaultValue: DEFAULT_THRESHOLDS.minFloorAreaM2 })
  minFloorAreaM2!: number;

  @Field(() => Int, { defaultValue: DEFAULT_THRESHOLDS.minHeadcount })
  minHeadcount!: number;

  @Field(() => Int, { defaultValue: DEFAULT_THRESHOLDS.yearsWithoutAudit, description: 'Institutions audited in the last N years are left out.' })
  yearsWithoutAudit!: number;
}
