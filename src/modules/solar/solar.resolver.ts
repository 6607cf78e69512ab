import { Arg, Args, Authorized, Ctx, FieldResolver, Query, Resolver, Root, Subscription, type SubscribeResolverData } from 'type-graphql';
import { inScope, readInstitutions } from '../../access/guard';
import { Connection, decodeOptionalIntId, type Page, PageArgs, pageOfRows, pageWindow } from '../../graphql/relay';
import { DecimalScalar, LocalDateScalar } from '../../graphql/scalars';
import { foundRows } from '../../graphql/batch';
import type { Context } from '../../graphql/context';
import { PeriodInput, resolvePeriod } from '../accounting/period';
import { EmissionFactor } from '../factors/emission-factor.entity';
import type { EmissionFactorRow } from '../factors/factors.types';
import { Meter } from '../metering/meter.entity';
import { filterIterable } from '../realtime/filter-iterable';
import { TOPICS } from '../realtime/pubsub';
import { Institution } from '../registry/institution.entity';
import { PvProject } from './pv-project.entity';
import { PvFilter } from './solar.inputs';
import { generationFigures, SolarService, type PvFilterInput } from './solar.service';
import { PvGenerationEvent, PvGenerationFigures, PvProgramme, type PvProjectRow } from './solar.types';
import type { MeterReadRow } from '../metering/metering.types';
import type { InstitutionRow } from '../registry/registry.types';

const PvProjectConnection = Connection(PvProject, 'PvProject');

/** The filter with its institution id decoded. */
const pvFilter = (f: PvFilter | undefined): PvFilterInput | undefined =>
  f && { institutionId: decodeOptionalIntId(f.institutionId, 'Institution', 'filter.institutionId'), status: f.status };

@Resolver(() => PvProject)
export class SolarResolver {
  @Query(() => PvProjectConnection)
  async pvProjects(@Args() page: PageArgs, @Arg('filter', () => PvFilter, { nullable: true }) filter: PvFilter | undefined, @Ctx() ctx: Context): Promise<Page<PvProjectRow>> {
    const query = pvFilter(filter);
    const window = pageWindow(page, 1);
    return pageOfRows(await new SolarService(ctx.db, ctx.principal).projects(query, window), window);
  }

  @Query(() => PvProgramme)
  pvProgramme(@Arg('asOf', () => LocalDateScalar) asOf: string, @Arg('filter', () => PvFilter, { nullable: true }) filter: PvFilter | undefined, @Ctx() ctx: Context): Promise<PvProgramme> {
    return new SolarService(ctx.db, ctx.principal).programme(asOf, pvFilter(filter));
  }

  @FieldResolver(() => Institution)
  async institution(@Root() p: PvProjectRow, @Ctx() ctx: Context): Promise<InstitutionRow> {
    return (await ctx.loaders.institutionById.load(p.institution.id))!;
  }

  @Authorized('pvMoney')
  @FieldResolver(() => DecimalScalar, { nullable: true })
  investmentYuan(@Root() p: PvProjectRow): string {
    return p.investmentYuan;
  }

  @FieldResolver(() => Meter, { nullable: true })
  async generationMeter(@Root() p: PvProjectRow, @Ctx() ctx: Context): Promise<MeterReadRow | null> {
    return p.generationMeter ? ctx.loaders.meterById.load(p.generationMeter.id) : null;
  }

  @FieldResolver(() => Meter, { nullable: true, description: 'Meter of the electricity exported to the grid, if any.' })
  async exportMeter(@Root() p: PvProjectRow, @Ctx() ctx: Context): Promise<MeterReadRow | null> {
    return p.exportMeter ? ctx.loaders.meterById.load(p.exportMeter.id) : null;
  }

  @FieldResolver(() => PvGenerationFigures, { description: 'Metered generation over a period.' })
  async generation(@Root() p: PvProjectRow, @Arg('period', () => PeriodInput) input: PeriodInput, @Ctx() ctx: Context): Promise<PvGenerationFigures> {
    const period = resolvePeriod(input);
    return generationFigures(p, period, await ctx.loaders.pvGeneration.load({ project: p, period }));
  }

  @Subscription(() => PvGenerationEvent, {
    description: 'PV generation readings of projects this key may see, after each ingest.',
    subscribe: ({ args, context }: SubscribeResolverData<unknown, { filter?: PvFilter }, Context>) => {
      const scope = readInstitutions(context.principal, 'pvProject');
      const only = decodeOptionalIntId(args.filter?.institutionId, 'Institution', 'filter.institutionId');
      return filterIterable<PvGenerationEvent>(
        context.pubsub.subscribe(TOPICS.PV_GENERATION),
        (ev) => scope !== null && inScope(scope, ev.institutionId) && (only === null || ev.institutionId === only),
      );
    },
  })
  pvGeneration(@Root() ev: PvGenerationEvent, @Arg('filter', () => PvFilter, { nullable: true }) _f: PvFilter | undefined): PvGenerationEvent {
    return ev;
  }
}

@Resolver(() => PvGenerationFigures)
export class PvFiguresResolver {
  @FieldResolver(() => [EmissionFactor])
  async emissionFactors(@Root() g: PvGenerationFigures, @Ctx() ctx: Context): Promise<EmissionFactorRow[]> {
    return foundRows(await ctx.loaders.emissionFactorById.loadMany(g.emissionFactorIds));
  }
}

@Resolver(() => PvProgramme)
export class PvProgrammeResolver {
  @FieldResolver(() => [EmissionFactor], { description: 'The grid factor versions the computed CO2 used.' })
  async emissionFactors(@Root() g: PvProgramme, @Ctx() ctx: Context): Promise<EmissionFactorRow[]> {
    return foundRows(await ctx.loaders.emissionFactorById.loadMany(g.emissionFactorIds));
  }
}

@Resolver(() => PvGenerationEvent)
export class PvGenerationEventResolver {
  @FieldResolver(() => PvProject)
  project(@Root() ev: PvGenerationEvent, @Ctx() ctx: Context): Promise<PvProjectRow> {
    return new SolarService(ctx.db, ctx.principal).eventProject(ev.projectId);
  }
}


export const SolarResolvers = [SolarResolver, PvFiguresResolver, PvProgrammeResolver, PvGenerationEventResolver] as const;
