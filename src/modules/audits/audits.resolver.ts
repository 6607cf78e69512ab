import { Arg, Args, Ctx, Field, FieldResolver, Float, ID, InputType, Int, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { LocalDateScalar } from '../../graphql/scalars';
import { Connection, PageArgs, type Page } from '../../graphql/relay';
import type { Context } from '../../graphql/context';
import { SavingsPillar } from '../epc/epc.enums';
import { Institution } from '../registry/institution.entity';
import { AuditsService, type AuditCandidate } from './audits.service';
import { AuditTrigger, EnergyAudit } from './energy-audit.entity';

const EnergyAuditConnection = Connection(EnergyAudit, 'EnergyAudit');

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
  @Field(() => Float, { defaultValue: 200_000, description: 'Comprehensive energy in the year, kgce.' })
  minEnergyKgce!: number;

  @Field(() => Float, { defaultValue: 20_000 })
  minFloorAreaM2!: number;

  @Field(() => Int, { defaultValue: 500 })
  minHeadcount!: number;

  @Field(() => Int, { defaultValue: 3, description: 'Institutions audited in the last N years are left out.' })
  yearsWithoutAudit!: number;
}

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

@Resolver(() => EnergyAudit)
export class AuditsResolver {
  @Query(() => EnergyAuditConnection)
  energyAudits(@Args() page: PageArgs, @Arg('institutionId', () => ID, { nullable: true }) institutionId: string | undefined, @Ctx() ctx: Context): Promise<Page<EnergyAudit>> {
    return new AuditsService(ctx.db, ctx.em, ctx.principal).audits(institutionId, page);
  }

  @Query(() => [AuditCandidateType], { description: 'Institutions over a consumption, floor-area or headcount threshold in the year with no audit in the last N years, most urgent first.' })
  auditCandidates(
    @Arg('year', () => Int) year: number,
    @Arg('thresholds', () => AuditThresholds, { nullable: true }) thresholds: AuditThresholds | undefined,
    @Ctx() ctx: Context,
  ): Promise<AuditCandidate[]> {
    const t = thresholds ?? { minEnergyKgce: 200_000, minFloorAreaM2: 20_000, minHeadcount: 500, yearsWithoutAudit: 3 };
    return new AuditsService(ctx.db, ctx.em, ctx.principal).candidates(year, t);
  }

  @Mutation(() => EnergyAudit, { description: 'GOA records an energy audit.' })
  recordEnergyAudit(@Arg('input', () => EnergyAuditInput) input: EnergyAuditInput, @Ctx() ctx: Context): Promise<EnergyAudit> {
    return new AuditsService(ctx.db, ctx.em, ctx.principal).record(input);
  }

  @FieldResolver(() => Institution)
  async institution(@Root() a: EnergyAudit, @Ctx() ctx: Context): Promise<Institution> {
    return (await ctx.loaders.institutionById.load(a.institution.id))!;
  }
}

@Resolver(() => AuditCandidateType)
export class AuditCandidateResolver {
  @FieldResolver(() => Institution)
  async institution(@Root() c: AuditCandidate, @Ctx() ctx: Context): Promise<Institution> {
    return (await ctx.loaders.institutionById.load(c.institutionId))!;
  }
}
