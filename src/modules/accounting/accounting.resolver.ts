import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx, FieldResolver, Info, Int, Mutation, Query, Resolver, Root, Subscription, type SubscribeResolverData } from 'type-graphql';
import { inScope, readInstitutions } from '../../access/guard';
import { Connection, decodeOptionalIntId, type Page, PageArgs, pageWindow, toPage } from '../../graphql/relay';
import { foundRows } from '../../graphql/batch';
import type { Context } from '../../graphql/context';
import { ConversionFactor } from '../factors/conversion-factor.entity';
import { EmissionFactor } from '../factors/emission-factor.entity';
import { UnitConversion } from '../factors/unit-conversion.entity';
import { filterIterable } from '../realtime/filter-iterable';
import { TOPICS } from '../realtime/pubsub';
import { Institution } from '../registry/institution.entity';
import { Region } from '../registry/region.entity';
import { IndicatorFilter, IndicatorUpdatedFilter } from './accounting.inputs';
import type { IndicatorUpdatedPayload } from './after-ingest';
import { ClosingService } from './closing.service';
import { IndicatorsService, type IndicatorQuery } from './indicators.service';
import { connectionNeeds } from './indicators.selection';
import { IndicatorGroupBy, Indicators, IndicatorUpdatedEvent } from './indicators.types';
import { PeriodInput, resolvePeriod } from './period';
import { YearClosure, YearRecalculation } from './year-closure.entity';
import type { InstitutionRow, RegionRow } from '../registry/registry.types';
import type { YearClosureRow, YearRecalculationRow } from './accounting.types';
import type { ConversionFactorRow, EmissionFactorRow, UnitConversionRow } from '../factors/factors.types';

const IndicatorsConnection = Connection(Indicators, 'Indicators');

/** The canonical loader key of a period, so equal periods batch together. */
export function periodKey(p: PeriodInput): string {
  const r = resolvePeriod(p);
  return JSON.stringify({ year: r.year, quarter: r.quarter ?? undefined, month: r.month ?? undefined, through: p.through ?? undefined });
}

const svc = (ctx: Context) => new IndicatorsService(ctx.db, ctx.principal, ctx.db.timezone);

/** The filter as the service takes it: the region's global id decoded. */
const indicatorQuery = (filter: IndicatorFilter | undefined): IndicatorQuery | undefined =>
  filter && { ...filter, regionId: decodeOptionalIntId(filter.regionId, 'Region', 'filter.regionId') };

@Resolver(() => Indicators)
export class IndicatorsResolver {
  @Query(() => IndicatorsConnection, { description: "Institutions' figures for a period, for the institutions this key may read." })
  async indicators(
    @Arg('period', () => PeriodInput) period: PeriodInput,
    @Arg('filter', () => IndicatorFilter, { nullable: true }) filter: IndicatorFilter | undefined,
    @Args() page: PageArgs,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Page<Indicators>> {
    const query = indicatorQuery(filter);
    const service = svc(ctx);
    // The order in which mistakes surface: the filter's region id, FORBIDDEN, the period, then the paging.
    service.assertCanList();
    const resolved = resolvePeriod(period);
    const window = pageWindow(page, 1);
    const found = await service.list(resolved, query, window, connectionNeeds(info));
    return toPage(found.rows, window, found.count, (v) => [v.institutionId!]);
  }

  @Query(() => [Indicators], { description: 'Figures summed by region, category or for the whole city; ratios are ratios of sums.' })
  aggregateIndicators(
    @Arg('period', () => PeriodInput) period: PeriodInput,
    @Arg('groupBy', () => IndicatorGroupBy) groupBy: IndicatorGroupBy,
    @Arg('filter', () => IndicatorFilter, { nullable: true }) filter: IndicatorFilter | undefined,
    @Ctx() ctx: Context,
  ): Promise<Indicators[]> {
    return svc(ctx).aggregate(period, groupBy, indicatorQuery(filter));
  }

  @FieldResolver(() => Institution, { nullable: true, description: 'Null for a group.' })
  async institution(@Root() v: Indicators, @Ctx() ctx: Context): Promise<InstitutionRow | null> {
    return v.institutionId === null ? null : ctx.loaders.institutionById.load(v.institutionId);
  }

  @FieldResolver(() => Region, { nullable: true, description: "The institution's region, or the group's." })
  async region(@Root() v: Indicators, @Ctx() ctx: Context): Promise<RegionRow | null> {
    return v.regionId === null ? null : ctx.loaders.regionById.load(v.regionId);
  }

  @FieldResolver(() => [ConversionFactor], { description: 'The coefficient versions the figures used.' })
  async conversionFactors(@Root() v: Indicators, @Ctx() ctx: Context): Promise<ConversionFactorRow[]> {
    return foundRows(await ctx.loaders.conversionFactorById.loadMany(v.conversionFactorIds));
  }

  @FieldResolver(() => [EmissionFactor], { description: 'The emission factor versions the figures used.' })
  async emissionFactors(@Root() v: Indicators, @Ctx() ctx: Context): Promise<EmissionFactorRow[]> {
    return foundRows(await ctx.loaders.emissionFactorById.loadMany(v.emissionFactorIds));
  }

  @FieldResolver(() => [UnitConversion], { description: 'Unit conversions the figures used.' })
  async unitConversions(@Root() v: Indicators, @Ctx() ctx: Context): Promise<UnitConversionRow[]> {
    return foundRows(await ctx.loaders.unitConversionById.loadMany(v.unitConversionIds));
  }
}

@Resolver(() => Institution)
export class InstitutionIndicatorsResolver {
  @FieldResolver(() => Indicators, { nullable: true, description: "The institution's figures for a period (batched across a list)." })
  indicators(@Root() institution: InstitutionRow, @Arg('period', () => PeriodInput) period: PeriodInput, @Ctx() ctx: Context): Promise<Indicators | null> {
    return ctx.loaders.indicatorsByInstitution.load(`${periodKey(period)}|${institution.id}`);
  }
}

@Resolver(() => YearClosure)
export class ClosingResolver {
  @Query(() => [YearClosure], { description: 'Closed years, oldest first.' })
  closedYears(@Ctx() ctx: Context): Promise<YearClosureRow[]> {
    return new ClosingService(ctx.db, ctx.em, ctx.principal).closedYears();
  }

  @Query(() => [YearRecalculation], { description: 'Every recalculation of a closed year, newest first.' })
  yearRecalculations(@Arg('year', () => Int, { nullable: true }) year: number | undefined, @Ctx() ctx: Context): Promise<YearRecalculationRow[]> {
    return new ClosingService(ctx.db, ctx.em, ctx.principal).recalculations(year ?? null);
  }

  @Mutation(() => YearClosure, { description: "GOA: freeze a past year's figures and open rectification cases for institutions over a constraint value." })
  closeYear(@Arg('year', () => Int) year: number, @Ctx() ctx: Context): Promise<YearClosure> {
    return new ClosingService(ctx.db, ctx.em, ctx.principal).closeYear(year);
  }

  @Mutation(() => YearRecalculation, { description: 'GOA: recompute a closed year with the current factors and readings; recorded with old and new totals.' })
  recalculateYear(@Arg('year', () => Int) year: number, @Arg('reason', () => String, { nullable: true }) reason: string | undefined, @Ctx() ctx: Context): Promise<YearRecalculation> {
    return new ClosingService(ctx.db, ctx.em, ctx.principal).recalculateYear(year, reason ?? null);
  }
}

@Resolver(() => IndicatorUpdatedEvent)
export class IndicatorUpdatedResolver {
  @Subscription(() => IndicatorUpdatedEvent, {
    description: 'After each committed ingest of readings or vehicle records, and after a vehicle is registered or changed: one event per institution and year whose figures changed, for the institutions this key may read.',
    subscribe: ({ args, context }: SubscribeResolverData<unknown, { filter?: IndicatorUpdatedFilter }, Context>) => {
      const only = decodeOptionalIntId(args.filter?.institutionId, 'Institution', 'filter.institutionId');
      const scope = readInstitutions(context.principal, 'energyIndicator') ?? readInstitutions(context.principal, 'waterIndicator');
      return filterIterable<IndicatorUpdatedPayload>(
        context.pubsub.subscribe(TOPICS.INDICATOR_UPDATED),
        (ev) => scope !== null && inScope(scope, ev.institutionId) && (only === null || ev.institutionId === only),
      );
    },
  })
  indicatorUpdated(@Root() ev: IndicatorUpdatedPayload, @Arg('filter', () => IndicatorUpdatedFilter, { nullable: true }) _filter: IndicatorUpdatedFilter | undefined): IndicatorUpdatedPayload {
    return ev;
  }

  @FieldResolver(() => Institution)
  async institution(@Root() ev: IndicatorUpdatedPayload, @Ctx() ctx: Context): Promise<InstitutionRow> {
    return (await ctx.loaders.institutionById.load(ev.institutionId))!;
  }

  @FieldResolver(() => Indicators, { nullable: true, description: 'The figures of the year to date, fresh.' })
  indicators(@Root() ev: IndicatorUpdatedPayload, @Arg('period', () => PeriodInput, { nullable: true }) period: PeriodInput | undefined, @Ctx() ctx: Context): Promise<Indicators | null> {
    return ctx.loaders.indicatorsByInstitution.load(`${periodKey(period ?? { year: ev.year })}|${ev.institutionId}`);
  }
}
