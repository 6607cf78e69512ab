import { Arg, Args, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root, Subscription, type SubscribeResolverData } from 'type-graphql';
import { Connection, decodeIntId, decodeOptionalIntId, type Page, PageArgs, pageOfRows, pageWindow, toPage } from '../../graphql/relay';
import type { Context } from '../../graphql/context';
import { filterIterable } from '../realtime/filter-iterable';
import { TOPICS } from '../realtime/pubsub';
import { Institution } from '../registry/institution.entity';
import { Region } from '../registry/region.entity';
import { alertsHeardBy, type ComplianceAlertPayload } from './alerts.service';
import { AssessmentEntry, AssessmentRound, AssessmentSignature, ScoringRule } from './assessment.entity';
import { AssessmentService } from './assessment.service';
import { ComplianceAlertFilter, QuotaFilter, QuotaStandardInput, RectificationFilter } from './compliance.inputs';
import { ComplianceService } from './compliance.service';
import { ComplianceAlertEvent, type AssessmentEntryRow, type AssessmentRoundRow, type AssessmentSignatureRow, type QuotaStandardRow, type RectificationCaseRow, type RectificationEventRow, type ScoringRuleRow } from './compliance.types';
import { QuotaStandard } from './quota-standard.entity';
import { RectificationCase, RectificationEvent } from './rectification.entity';
import type { InstitutionRow, RegionRow } from '../registry/registry.types';

const QuotaStandardConnection = Connection(QuotaStandard, 'QuotaStandard');
const RectificationCaseConnection = Connection(RectificationCase, 'RectificationCase');
const AssessmentEntryConnection = Connection(AssessmentEntry, 'AssessmentEntry');

@Resolver(() => QuotaStandard)
export class QuotaResolver {
  @Query(() => QuotaStandardConnection, { description: 'Provincial quota standards, every version.' })
  async quotaStandards(@Args() page: PageArgs, @Arg('filter', () => QuotaFilter, { nullable: true }) filter: QuotaFilter | undefined, @Ctx() ctx: Context): Promise<Page<QuotaStandardRow>> {
    const window = pageWindow(page, 1);
    return pageOfRows(await new ComplianceService(ctx.em, ctx.principal, ctx.db.pool).quotaStandards(filter, window), window);
  }

  @Mutation(() => QuotaStandard, { description: 'DRC adds energy quotas, WATER water quotas.' })
  createQuotaStandard(@Arg('input', () => QuotaStandardInput) input: QuotaStandardInput, @Ctx() ctx: Context): Promise<QuotaStandard> {
    return new ComplianceService(ctx.em, ctx.principal).createQuotaStandard({ ...input, regionId: decodeIntId(input.regionId, 'Region', 'regionId') });
  }

  @FieldResolver(() => Region)
  async region(@Root() q: QuotaStandardRow, @Ctx() ctx: Context): Promise<RegionRow> {
    return (await ctx.loaders.regionById.load(q.region.id))!;
  }

  @FieldResolver(() => String, { description: 'Code of the agency that issued it.' })
  async issuer(@Root() q: QuotaStandardRow, @Ctx() ctx: Context): Promise<string> {
    return (await ctx.loaders.agencyById.load(q.issuer.id))!.code;
  }
}

@Resolver(() => RectificationCase)
export class RectificationResolver {
  @Query(() => RectificationCaseConnection, { description: 'Rectification cases this key may see.' })
  async rectificationCases(@Args() page: PageArgs, @Arg('filter', () => RectificationFilter, { nullable: true }) filter: RectificationFilter | undefined, @Ctx() ctx: Context): Promise<Page<RectificationCaseRow>> {
    const query = filter && { ...filter, institutionId: decodeOptionalIntId(filter.institutionId, 'Institution', 'filter.institutionId') };
    const window = pageWindow(page, 1);
    return pageOfRows(await new ComplianceService(ctx.em, ctx.principal, ctx.db.pool).rectificationCases(query, window), window);
  }

  @Mutation(() => RectificationCase, { description: 'The institution gives the cause and its measures.' })
  respondToRectification(@Arg('id', () => ID) id: string, @Arg('cause') cause: string, @Arg('measures') measures: string, @Ctx() ctx: Context): Promise<RectificationCase> {
    return new ComplianceService(ctx.em, ctx.principal).respond(decodeIntId(id, 'RectificationCase'), cause, measures);
  }

  @Mutation(() => RectificationCase, { description: 'GOA accepts the response or returns it (a note saying why is required to return).' })
  reviewRectification(
    @Arg('id', () => ID) id: string,
    @Arg('accept') accept: boolean,
    @Arg('note', () => String, { nullable: true }) note: string | undefined,
    @Ctx() ctx: Context,
  ): Promise<RectificationCase> {
    return new ComplianceService(ctx.em, ctx.principal).review(decodeIntId(id, 'RectificationCase'), accept, note ?? null);
  }

  @FieldResolver(() => Institution)
  async institution(@Root() c: RectificationCaseRow, @Ctx() ctx: Context): Promise<InstitutionRow> {
    return (await ctx.loaders.institutionById.load(c.institution.id))!;
  }

  @FieldResolver(() => [RectificationEvent], { description: 'Every step, oldest first.' })
  history(@Root() c: RectificationCaseRow, @Ctx() ctx: Context): Promise<RectificationEventRow[]> {
    return ctx.loaders.rectificationHistory.load(c.id);
  }
}

@Resolver(() => ComplianceAlertEvent)
export class ComplianceAlertResolver {
  @Subscription(() => ComplianceAlertEvent, {
    description: "When an institution's year-to-date use, projected to the full year, crosses its constraint value, and when it comes back under.",
    subscribe: ({ args, context }: SubscribeResolverData<unknown, { filter?: ComplianceAlertFilter }, Context>) => {
      const only = decodeOptionalIntId(args.filter?.institutionId, 'Institution', 'filter.institutionId');
      return filterIterable<ComplianceAlertPayload>(context.pubsub.subscribe(TOPICS.COMPLIANCE_ALERT), alertsHeardBy(context.principal, only, args.filter?.indicator ?? null));
    },
  })
  complianceAlerts(@Root() ev: ComplianceAlertPayload, @Arg('filter', () => ComplianceAlertFilter, { nullable: true }) _f: ComplianceAlertFilter | undefined): ComplianceAlertPayload {
    return ev;
  }

  @FieldResolver(() => Institution)
  async institution(@Root() ev: ComplianceAlertPayload, @Ctx() ctx: Context): Promise<InstitutionRow> {
    return (await ctx.loaders.institutionById.load(ev.institutionId))!;
  }
}

@Resolver(() => AssessmentRound)
export class AssessmentResolver {
  @Query(() => AssessmentRound, { nullable: true, description: 'The joint assessment round of a year, if opened.' })
  assessmentRound(@Arg('year', () => Int) year: number, @Ctx() ctx: Context): Promise<AssessmentRoundRow | null> {
    return new AssessmentService(ctx.db, ctx.em, ctx.principal).round(year);
  }

  @Mutation(() => AssessmentRound, { description: 'GOA opens the round of a closed year and scores every appraised department.' })
  openAssessmentRound(@Arg('year', () => Int) year: number, @Ctx() ctx: Context): Promise<AssessmentRound> {
    return new AssessmentService(ctx.db, ctx.em, ctx.principal).open(year);
  }

  @Mutation(() => AssessmentRound, { description: "GOA, DRC or FINANCE signs for its agency; final when all three have." })
  signAssessmentRound(@Arg('year', () => Int) year: number, @Ctx() ctx: Context): Promise<AssessmentRound> {
    return new AssessmentService(ctx.db, ctx.em, ctx.principal).sign(year);
  }

  @Mutation(() => AssessmentEntry, { description: 'GOA comments an entry, until the first signature.' })
  commentAssessmentEntry(@Arg('id', () => ID) id: string, @Arg('comment') comment: string, @Ctx() ctx: Context): Promise<AssessmentEntry> {
    return new AssessmentService(ctx.db, ctx.em, ctx.principal).comment(decodeIntId(id, 'AssessmentEntry'), comment);
  }

  @FieldResolver(() => AssessmentEntryConnection, { description: 'Entries by rank (1 = best).' })
  async entries(@Root() round: AssessmentRoundRow, @Args() page: PageArgs, @Ctx() ctx: Context): Promise<Page<AssessmentEntryRow>> {
    const service = new AssessmentService(ctx.db, ctx.em, ctx.principal);
    // A key that may not read assessments hears FORBIDDEN before any complaint about its paging.
    service.assertCanRead();
    const window = pageWindow(page, 2);
    const found = await service.entries(round, window);
    return toPage(found.rows, window, found.count, (e) => [e.rank, e.id]);
  }

  @FieldResolver(() => [AssessmentSignature])
  signatures(@Root() round: AssessmentRoundRow, @Ctx() ctx: Context): Promise<AssessmentSignatureRow[]> {
    return ctx.loaders.assessmentSignatures.load(round.id);
  }

  @FieldResolver(() => ScoringRule)
  async scoringRule(@Root() round: AssessmentRoundRow, @Ctx() ctx: Context): Promise<ScoringRuleRow> {
    return (await ctx.loaders.scoringRuleById.load(round.scoringRule.id))!;
  }
}

@Resolver(() => AssessmentEntry)
export class AssessmentEntryResolver {
  @FieldResolver(() => Institution)
  async institution(@Root() e: AssessmentEntryRow, @Ctx() ctx: Context): Promise<InstitutionRow> {
    return (await ctx.loaders.institutionById.load(e.institution.id))!;
  }
}

export const ComplianceResolvers = [QuotaResolver, RectificationResolver, ComplianceAlertResolver, AssessmentResolver, AssessmentEntryResolver] as const;
