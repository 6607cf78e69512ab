import { Arg, Args, Ctx, FieldResolver, Mutation, Query, Resolver, Root, Subscription, type SubscribeResolverData } from 'type-graphql';
import { inScope, readInstitutions } from '../../access/guard';
import type { Context } from '../../graphql/context';
import { Connection, PageArgs, pageOfRows, pageWindow, type Page } from '../../graphql/relay';
import { IndicatorFilter } from '../accounting/accounting.inputs';
import { IndicatorGroupBy } from '../accounting/indicators.types';
import { PeriodInput, resolvePeriod } from '../accounting/period';
import { filterIterable } from '../realtime/filter-iterable';
import { TOPICS } from '../realtime/pubsub';
import { Institution } from '../registry/institution.entity';
import { Region } from '../registry/region.entity';
import { currentMonth, ingestRecyclingBatch, MAX_RECYCLING_ROWS } from './recycling-ingest.service';
import { RecyclingRecord } from './recycling-record.entity';
import { publishRecycling } from './recycling.events';
import { CorrectRecyclingRecordInput, recyclingCorrection, RecyclingBatchInput, recyclingGroupFilter, RecyclingRecordFilter, recyclingRecordQuery, recyclingRows } from './recycling.inputs';
import { correctRecyclingRecord } from './recycling-correction.service';
import { RecyclingService, type RecyclingChangedPayload } from './recycling.service';
import { CorrectRecyclingRecordPayload, RecyclingChangedEvent, RecyclingFigures, RecyclingIngestResult, RecyclingRecordRevision, type RecyclingRecordRow } from './recycling.types';
import type { InstitutionRow, RegionRow } from '../registry/registry.types';

const RecyclingRecordConnection = Connection(RecyclingRecord, 'RecyclingRecord');
const svc = (ctx: Context) => new RecyclingService(ctx.db, ctx.principal);

@Resolver(() => RecyclingRecord)
export class RecyclingResolver {
  @Query(() => RecyclingRecordConnection, { description: 'Recycling records of the institutions this key may read, oldest recorded first.' })
  async recyclingRecords(@Args() page: PageArgs, @Arg('filter', () => RecyclingRecordFilter, { nullable: true }) filter: RecyclingRecordFilter | undefined, @Ctx() ctx: Context): Promise<Page<RecyclingRecordRow>> {
    const service = svc(ctx);
    // FORBIDDEN first, then the filter's mistakes, then the paging's.
    service.assertCanReadRecords();
    const query = recyclingRecordQuery(filter);
    const window = pageWindow(page, 1);
    return pageOfRows(await service.records(query, window), window);
  }

  @Query(() => [RecyclingFigures], { description: 'Recycling figures summed by region, category or for the whole city; rates are ratios of sums.' })
  aggregateRecycling(
    @Arg('period', () => PeriodInput) period: PeriodInput,
    @Arg('groupBy', () => IndicatorGroupBy) groupBy: IndicatorGroupBy,
    @Arg('filter', () => IndicatorFilter, { nullable: true }) filter: IndicatorFilter | undefined,
    @Ctx() ctx: Context,
  ): Promise<RecyclingFigures[]> {
    const service = svc(ctx);
    // FORBIDDEN (the key, or a filter it may not use) first, then the period's mistakes, then the region id's.
    service.aggregateAccess(filter);
    const resolved = resolvePeriod(period);
    return service.aggregate(resolved, groupBy, recyclingGroupFilter(filter));
  }

  @Mutation(() => RecyclingIngestResult, {
    description: `GOA or the institution records monthly kilograms by stream and disposition, all rows or none (at most ${MAX_RECYCLING_ROWS}); errors name the row index. A row equal to a stored record is a duplicate.`,
  })
  async recordRecycling(@Arg('input', () => RecyclingBatchInput) input: RecyclingBatchInput, @Ctx() ctx: Context): Promise<RecyclingIngestResult> {
    const result = await ingestRecyclingBatch(ctx.db.pool, ctx.principal, recyclingRows(input.rows, currentMonth(ctx.db.timezone)));
    await publishRecycling(ctx, result);
    return { accepted: result.accepted, duplicates: result.duplicates, closedYearRows: result.closedYearRows.rows, closedYears: result.closedYearRows.years };
  }

  @Mutation(() => CorrectRecyclingRecordPayload, {
    description:
      "GOA or the institution corrects a stored record's kilograms; the old quantity stays in the record's history and on the audit trail. A record of a closed year is corrected and the year marked pendingRecalculation, as readings are.",
  })
  async correctRecyclingRecord(@Arg('input', () => CorrectRecyclingRecordInput) input: CorrectRecyclingRecordInput, @Ctx() ctx: Context): Promise<CorrectRecyclingRecordPayload> {
    const result = await correctRecyclingRecord(ctx.db.pool, ctx.principal, recyclingCorrection(input));
    if (result.corrected) await publishRecycling(ctx, { changes: [{ institutionId: result.institutionId, months: [result.month] }] });
    const record = await ctx.em.fork().findOneOrFail(RecyclingRecord, result.recordId);
    return { record, corrected: result.corrected, closedYearRows: result.closedYearRows.rows, closedYears: result.closedYearRows.years };
  }

  @Subscription(() => RecyclingChangedEvent, {
    description: 'Recycling records written for the institutions this key may read, after each commit.',
    subscribe: ({ context }: SubscribeResolverData<unknown, object, Context>) => {
      const scope = readInstitutions(context.principal, 'recycling');
      return filterIterable<RecyclingChangedPayload>(context.pubsub.subscribe(TOPICS.RECYCLING_CHANGED), (ev) => scope !== null && inScope(scope, ev.institutionId));
    },
  })
  recyclingChanged(@Root() ev: RecyclingChangedPayload): RecyclingChangedPayload {
    return ev;
  }

  @FieldResolver(() => Institution)
  async institution(@Root() r: RecyclingRecordRow, @Ctx() ctx: Context): Promise<InstitutionRow> {
    return (await ctx.loaders.institutionById.load(r.institution.id))!;
  }

  @FieldResolver(() => [RecyclingRecordRevision], { description: 'Earlier quantities replaced by corrections, oldest first.' })
  history(@Root() r: RecyclingRecordRow, @Ctx() ctx: Context): Promise<RecyclingRecordRevision[]> {
    return ctx.loaders.recyclingRevisionsByRecord.load(r.id);
  }
}

@Resolver(() => RecyclingFigures)
export class RecyclingFiguresResolver {
  @FieldResolver(() => Institution, { nullable: true, description: 'Null for a group.' })
  async institution(@Root() f: RecyclingFigures, @Ctx() ctx: Context): Promise<InstitutionRow | null> {
    return f.institutionId === null ? null : ctx.loaders.institutionById.load(f.institutionId);
  }

  @FieldResolver(() => Region, { nullable: true, description: 'The group’s region (groupBy: REGION).' })
  async region(@Root() f: RecyclingFigures, @Ctx() ctx: Context): Promise<RegionRow | null> {
    return f.regionId === null ? null : ctx.loaders.regionById.load(f.regionId);
  }
}

@Resolver(() => Institution)
export class InstitutionRecyclingResolver {
  @FieldResolver(() => RecyclingFigures, { nullable: true, description: "The institution's recycling figures for a period (batched across a list)." })
  recycling(@Root() institution: InstitutionRow, @Arg('period', () => PeriodInput) period: PeriodInput, @Ctx() ctx: Context): Promise<RecyclingFigures | null> {
    return ctx.loaders.recyclingByInstitution.load({ period: resolvePeriod(period), institutionId: institution.id });
  }
}

@Resolver(() => RecyclingChangedEvent)
export class RecyclingChangedEventResolver {
  @FieldResolver(() => Institution)
  async institution(@Root() ev: RecyclingChangedPayload, @Ctx() ctx: Context): Promise<InstitutionRow> {
    return (await ctx.loaders.institutionById.load(ev.institutionId))!;
  }
}

export const RecyclingResolvers = [RecyclingResolver, RecyclingFiguresResolver, InstitutionRecyclingResolver, RecyclingChangedEventResolver] as const;
