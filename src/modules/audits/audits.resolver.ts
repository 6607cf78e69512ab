import { Arg, Args, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Connection, decodeIntId, decodeOptionalIntId, type Page, PageArgs, pageOfRows, pageWindow } from '../../graphql/relay';
import type { Context } from '../../graphql/context';
import { Institution } from '../registry/institution.entity';
import { AuditThresholds, EnergyAuditInput } from './audits.inputs';
import { AuditsService, DEFAULT_THRESHOLDS, type AuditCandidate } from './audits.service';
import { AuditCandidateType, type EnergyAuditRow } from './audits.types';
import { EnergyAudit } from './energy-audit.entity';
import type { InstitutionRow } from '../registry/registry.types';

const EnergyAuditConnection = Connection(EnergyAudit, 'EnergyAudit');

@Resolver(() => EnergyAudit)
export class AuditsResolver {
  @Query(() => EnergyAuditConnection)
  async energyAudits(@Args() page: PageArgs, @Arg('institutionId', () => ID, { nullable: true }) institutionId: string | undefined, @Ctx() ctx: Context): Promise<Page<EnergyAuditRow>> {
    const institution = decodeOptionalIntId(institutionId, 'Institution', 'institutionId');
    const window = pageWindow(page, 1);
    return pageOfRows(await new AuditsService(ctx.db, ctx.em, ctx.principal).audits(institution, window), window);
  }

  @Query(() => [AuditCandidateType], { description: 'Institutions over a consumption, floor-area or headcount threshold in the year with no audit in the last N years, most urgent first.' })
  auditCandidates(
    @Arg('year', () => Int) year: number,
    @Arg('thresholds', () => AuditThresholds, { nullable: true }) thresholds: AuditThresholds | undefined,
    @Ctx() ctx: Context,
  ): Promise<AuditCandidate[]> {
    return new AuditsService(ctx.db, ctx.em, ctx.principal).candidates(year, thresholds ?? DEFAULT_THRESHOLDS);
  }

  @Mutation(() => EnergyAudit, { description: 'GOA records an energy audit.' })
  recordEnergyAudit(@Arg('input', () => EnergyAuditInput) input: EnergyAuditInput, @Ctx() ctx: Context): Promise<EnergyAudit> {
    return new AuditsService(ctx.db, ctx.em, ctx.principal).record({ ...input, institutionId: decodeIntId(input.institutionId, 'Institution', 'institutionId') });
  }

  @FieldResolver(() => Institution)
  async institution(@Root() a: EnergyAuditRow, @Ctx() ctx: Context): Promise<InstitutionRow> {
    return (await ctx.loaders.institutionById.load(a.institution.id))!;
  }
}

@Resolver(() => AuditCandidateType)
export class AuditCandidateResolver {
  @FieldResolver(() => Institution)
  async institution(@Root() c: AuditCandidate, @Ctx() ctx: Context): Promise<InstitutionRow> {
    return (await ctx.loaders.institutionById.load(c.institutionId))!;
  }
}

export const AuditsResolvers = [AuditsResolver, AuditCandidateResolver] as const;
