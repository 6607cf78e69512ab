import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root, Subscription, type SubscribeResolverData } from 'type-graphql';
import { decodeIdOrNull, decodeIntId, decodeOptionalIntId, PageArgs, pageWindow, toPage, type Page } from '../../graphql/relay';
import type { Context } from '../../graphql/context';
import { filterIterable } from '../realtime/filter-iterable';
import { TOPICS } from '../realtime/pubsub';
import { Institution } from '../registry/institution.entity';
import { IngestService, type ReadingsIngestedPayload } from './ingest.service';
import { canReadMeter } from './meter-scope';
import { Meter } from './meter.entity';
import { CreateMeterInput, IngestReadingsInput, MeterFilter, ReadingsIngestedFilter, readingRows } from './metering.inputs';
import { MeteringService } from './metering.service';
import { IngestReadingsPayload, MeterConnection, ReadingConnection, ReadingsIngestedEvent, type MeterReadRow, type ReadingBatchRow, type ReadingRevisionRow, type ReadingRow } from './metering.types';
import { Reading } from './reading.entity';
import { ReadingBatch } from './reading-batch.entity';
import { ReadingRevision } from './reading-revision.entity';
import type { InstitutionRow } from '../registry/registry.types';

@Resolver(() => Meter)
export class MeterResolver {
  @Query(() => MeterConnection, { description: 'Meters this key may read: energy, water or both by agency.' })
  async meters(@Args() page: PageArgs, @Arg('filter', () => MeterFilter, { nullable: true }) filter: MeterFilter | undefined, @Ctx() ctx: Context): Promise<Page<MeterReadRow>> {
    const service = new MeteringService(ctx.em, ctx.principal, ctx.db.pool, ctx.loaders);
    // FORBIDDEN first, then the filter's id, then the paging.
    service.assertCanReadMeters();
    const query = filter && { ...filter, institutionId: decodeOptionalIntId(filter.institutionId, 'Institution', 'filter.institutionId') };
    const window = pageWindow(page, 1);
    const found = await service.meters(query, window);
    return toPage(found.rows, window, found.count, (m) => [m.id]);
  }

  @Query(() => Meter)
  meter(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<MeterReadRow> {
    return new MeteringService(ctx.em, ctx.principal, ctx.db.pool, ctx.loaders).meter(decodeIntId(id, 'Meter'));
  }

  @Mutation(() => Meter)
  createMeter(@Arg('input', () => CreateMeterInput) input: CreateMeterInput, @Ctx() ctx: Context): Promise<Meter> {
    // A malformed institution id is named among the input's other mistakes (the service's words).
    return new MeteringService(ctx.em, ctx.principal, ctx.db.pool, ctx.loaders).createMeter({ ...input, institutionId: decodeIdOrNull(input.institutionId, 'Institution') });
  }

  @FieldResolver(() => Institution)
  async institution(@Root() meter: MeterReadRow, @Ctx() ctx: Context): Promise<InstitutionRow> {
    return (await ctx.loaders.institutionById.load(meter.institution.id))!;
  }
}

@Resolver(() => Reading)
export class ReadingResolver {
  @Query(() => ReadingConnection, { description: 'Readings of one meter whose period overlaps [from, to), oldest first.' })
  async readings(
    @Arg('meterId', () => ID) meterId: string,
    @Arg('from', () => Date, { nullable: true }) from: Date | undefined,
    @Arg('to', () => Date, { nullable: true }) to: Date | undefined,
    @Args() page: PageArgs,
    @Ctx() ctx: Context,
  ): Promise<Page<ReadingRow>> {
    const service = new MeteringService(ctx.em, ctx.principal, ctx.db.pool, ctx.loaders);
    const id = decodeIntId(meterId, 'Meter', 'meterId');
    // The meter's NOT_FOUND or FORBIDDEN, then the span's mistake, then the paging's.
    await service.assertCanReadReadings(id, from, to);
    const window = pageWindow(page, 2);
    const found = await service.readings(id, from, to, window);
    return toPage(found.rows, window, found.count, (r) => [r.periodStart.toISOString(), r.id]);
  }

  @Mutation(() => IngestReadingsPayload, {
    description: 'Stores up to 10,000 readings, all or nothing. Re-sent readings count as duplicates; a changed value needs correction: true.',
  })
  async ingestReadings(@Arg('input', () => IngestReadingsInput) input: IngestReadingsInput, @Ctx() ctx: Context): Promise<IngestReadingsPayload> {
    const result = await new IngestService(ctx.db.pool, ctx.principal, ctx.db.timezone).ingestAndAnnounce(readingRows(input.rows), ctx);
    return {
      accepted: result.accepted,
      duplicates: result.duplicates,
      corrected: result.corrected,
      closedYearRows: result.closedYearRows.rows,
      closedYears: result.closedYearRows.years,
      batchId: result.batchId,
    };
  }

  @Subscription(() => ReadingsIngestedEvent, {
    description: 'One event per meter after each committed batch, for the meters this key may read.',
    subscribe: ({ args, context }: SubscribeResolverData<unknown, { filter?: ReadingsIngestedFilter }, Context>) => {
      const f = args.filter;
      const institutionId = f?.institutionId ? decodeIntId(f.institutionId, 'Institution', 'filter.institutionId') : null;
      const meterId = f?.meterId ? decodeIntId(f.meterId, 'Meter', 'filter.meterId') : null;
      return filterIterable<ReadingsIngestedPayload>(
        context.pubsub.subscribe(TOPICS.READINGS_INGESTED),
        (ev) =>
          (institutionId === null || ev.institutionId === institutionId) &&
          (meterId === null || ev.meterId === meterId) &&
          (!f?.carrier || ev.carrier === f.carrier) &&
          canReadMeter(context.principal, ev),
      );
    },
  })
  readingsIngested(
    @Root() event: ReadingsIngestedPayload,
    @Arg('filter', () => ReadingsIngestedFilter, { nullable: true }) _filter: ReadingsIngestedFilter | undefined,
  ): ReadingsIngestedEvent {
    return event;
  }

  @FieldResolver(() => Meter)
  async meter(@Root() reading: ReadingRow, @Ctx() ctx: Context): Promise<MeterReadRow> {
    return (await ctx.loaders.meterById.load(reading.meter.id))!;
  }

  @FieldResolver(() => ReadingBatch, { description: 'The batch that set the current value.' })
  async batch(@Root() reading: ReadingRow, @Ctx() ctx: Context): Promise<ReadingBatchRow> {
    return (await ctx.loaders.batchById.load(reading.batch.id))!;
  }

  @FieldResolver(() => [ReadingRevision], { description: 'Earlier values replaced by corrections, oldest first.' })
  history(@Root() reading: ReadingRow, @Ctx() ctx: Context): Promise<ReadingRevisionRow[]> {
    return ctx.loaders.revisionsByReading.load(reading);
  }
}

@Resolver(() => ReadingsIngestedEvent)
export class ReadingsIngestedEventResolver {
  @FieldResolver(() => Meter)
  async meter(@Root() event: ReadingsIngestedPayload, @Ctx() ctx: Context): Promise<MeterReadRow> {
    return (await ctx.loaders.meterById.load(event.meterId))!;
  }
}

@Resolver(() => IngestReadingsPayload)
export class IngestReadingsPayloadResolver {
  @FieldResolver()
  async batch(@Root() payload: IngestReadingsPayload, @Ctx() ctx: Context): Promise<ReadingBatchRow | null> {
    return payload.batchId === null ? null : ((await ctx.loaders.batchById.load(payload.batchId)) ?? null);
  }
}
