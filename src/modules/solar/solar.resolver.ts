import { Arg, Args, Authorized, Ctx, Field, FieldResolver, Float, ID, InputType, Int, ObjectType, Query, Resolver, Root, Subscription, type SubscribeResolverData } from 'type-graphql';
import { LocalDateScalar } from '../../graphql/scalars';
import { inScope, readInstitutions } from '../../access/guard';
import { Connection, decodeIntId, PageArgs, type Page } from '../../graphql/relay';
import { DecimalScalar } from '../../graphql/scalars';
import type { Context } from '../../graphql/context';
import { PeriodInput, resolvePeriod } from '../accounting/period';
import { sumYuan } from '../../figures/money';
import { sumExact } from '../../figures/precision';
import { EmissionFactor } from '../factors/emission-factor.entity';
import { Meter } from '../metering/meter.entity';
import { filterIterable } from '../realtime/filter-iterable';
import { TOPICS } from '../realtime/pubsub';
import { Institution } from '../registry/institution.entity';
import { PvProject, PvStatus } from './pv-project.entity';
import { SolarService } from './solar.service';

const PvProjectConnection = Connection(PvProject, 'PvProject');

@InputType()
export class PvFilter {
  @Field(() => ID, { nullable: true })
  institutionId?: string | null;

  @Field(() => PvStatus, { nullable: true })
  status?: PvStatus | null;
}

@ObjectType({ description: 'Generation of a project over a period, from its meter.' })
export class PvGenerationFigures {
  @Field(() => Float)
  generationKwh!: number;

  @Field(() => Float, { nullable: true, description: 'kWh per kWp over the period.' })
  specificYieldKwhPerKwp!: number | null;

  @Field(() => Float, { nullable: true, description: 'Actual over expected, the expected year prorated to the period.' })
  performanceRatio!: number | null;

  @Field(() => Float, { description: 'CO2 the generation avoided at the grid factor valid in each month.' })
  avoidedKgCo2!: number;

  @Field(() => Float)
  coverage!: number;

  emissionFactorIds!: number[];
}

@ObjectType({ description: "The city's rooftop PV programme on a day." })
export class PvProgramme {
  @Field(() => LocalDateScalar)
  asOf!: string;

  @Field(() => Int, { description: 'Projects built or under construction on the day.' })
  projectCount!: number;

  @Field(() => Int)
  operatingCount!: number;

  @Field(() => Int)
  underConstructionCount!: number;

  @Field({ description: 'True when the figures are withheld from an aggregate-only key: the group, or the rest of the programme beside it, spans fewer than three institutions.' })
  suppressed!: boolean;

  @Field(() => Float, { nullable: true })
  capacityKw!: number | null;

  @Authorized('pvMoney')
  @Field(() => DecimalScalar, { nullable: true, description: 'Money: only for keys that may read PV investment.' })
  investmentYuan!: string | null;

  @Field(() => Float, { nullable: true })
  expectedAnnualKwh!: number | null;

  @Field(() => Float, { nullable: true, description: 'CO2 reduction a year as the projects report it, t.' })
  reportedAnnualCo2T!: number | null;

  @Field(() => Float, { nullable: true, description: 'Expected kWh a year at the grid emission factor valid on the day, t.' })
  computedAnnualCo2T!: number | null;

  @Field(() => Float, { nullable: true, description: 'Generation metered over the twelve months before the day, kWh.' })
  actualKwhLast12Months!: number | null;

  emissionFactorIds!: number[];
}

@ObjectType({ description: 'PV generation readings arrived for a project.' })
export class PvGenerationEvent {
  projectId!: number;
  institutionId!: number;

  @Field(() => Float)
  kwh!: number;

  @Field()
  periodStart!: Date;

  @Field()
  periodEnd!: Date;
}

@Resolver(() => PvProject)
export class SolarResolver {
  @Query(() => PvProjectConnection)
  pvProjects(@Args() page: PageArgs, @Arg('filter', () => PvFilter, { nullable: true }) filter: PvFilter | undefined, @Ctx() ctx: Context): Promise<Page<PvProject>> {
    return new SolarService(ctx.db, ctx.em, ctx.principal).projects(filter, page);
  }

  @Query(() => PvProgramme)
  async pvProgramme(@Arg('asOf', () => LocalDateScalar) asOf: string, @Arg('filter', () => PvFilter, { nullable: true }) filter: PvFilter | undefined, @Ctx() ctx: Context): Promise<PvProgramme> {
    const p = await new SolarService(ctx.db, ctx.em, ctx.principal).programme(asOf, filter);
    const count = (s: PvStatus) => p.projects.filter((x) => p.statusAt.get(x.id) === s).length;
    const shown = <T,>(v: T): T | null => (p.suppressed ? null : v);
    return {
      asOf,
      suppressed: p.suppressed,
      projectCount: p.projects.length,
      operatingCount: count(PvStatus.OPERATING),
      underConstructionCount: count(PvStatus.UNDER_CONSTRUCTION),
      // Sums of stored inputs, exact in integers of each unit's precision (milli-kW, fen...).
      capacityKw: shown(sumExact(p.projects.map((x) => x.capacityKw), 'kW')),
      investmentYuan: shown(sumYuan(p.projects.map((x) => x.investmentYuan))),
      expectedAnnualKwh: shown(sumExact(p.projects.map((x) => x.expectedAnnualKwh), 'kWh')),
      reportedAnnualCo2T: shown(sumExact(p.projects.map((x) => x.reportedAnnualCo2T), 'tCo2')),
      computedAnnualCo2T: shown(p.computedAnnualCo2T),
      actualKwhLast12Months: shown(p.actualKwhLast12Months),
      emissionFactorIds: p.suppressed ? [] : p.emissionFactorIds,
    };
  }

  @FieldResolver(() => Institution)
  async institution(@Root() p: PvProject, @Ctx() ctx: Context): Promise<Institution> {
    return (await ctx.loaders.institutionById.load(p.institution.id))!;
  }

  @Authorized('pvMoney')
  @FieldResolver(() => DecimalScalar, { nullable: true })
  investmentYuan(@Root() p: PvProject): string {
    return p.investmentYuan;
  }

  @FieldResolver(() => Meter, { nullable: true })
  async generationMeter(@Root() p: PvProject, @Ctx() ctx: Context): Promise<Meter | null> {
    return p.generationMeter ? ctx.loaders.meterById.load(p.generationMeter.id) : null;
  }

  @FieldResolver(() => Meter, { nullable: true, description: 'Meter of the electricity exported to the grid, if any.' })
  async exportMeter(@Root() p: PvProject, @Ctx() ctx: Context): Promise<Meter | null> {
    return p.exportMeter ? ctx.loaders.meterById.load(p.exportMeter.id) : null;
  }

  @FieldResolver(() => PvGenerationFigures, { description: 'Metered generation over a period.' })
  async generation(@Root() p: PvProject, @Arg('period', () => PeriodInput) input: PeriodInput, @Ctx() ctx: Context): Promise<PvGenerationFigures> {
    const period = resolvePeriod(input);
    const g = await ctx.loaders.pvGeneration.load({ project: p, period });
    const days = (Date.parse(period.to) - Date.parse(period.from)) / 86_400_000;
    return {
      generationKwh: g.kwh,
      specificYieldKwhPerKwp: p.capacityKw > 0 ? g.kwh / p.capacityKw : null,
      performanceRatio: p.expectedAnnualKwh > 0 ? g.kwh / ((p.expectedAnnualKwh * days) / 365) : null,
      avoidedKgCo2: g.avoidedKgCo2,
      coverage: g.coverage,
      emissionFactorIds: g.emissionFactorIds,
    };
  }

  @Subscription(() => PvGenerationEvent, {
    description: 'PV generation readings of projects this key may see, after each ingest.',
    subscribe: ({ args, context }: SubscribeResolverData<unknown, { filter?: PvFilter }, Context>) => {
      const scope = readInstitutions(context.principal, 'pvProject');
      const only = args.filter?.institutionId ? decodeIntId(args.filter.institutionId, 'Institution', 'filter.institutionId') : null;
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
  async emissionFactors(@Root() g: PvGenerationFigures, @Ctx() ctx: Context): Promise<EmissionFactor[]> {
    return (await ctx.loaders.emissionFactorById.loadMany(g.emissionFactorIds)).filter((f): f is EmissionFactor => f instanceof EmissionFactor);
  }
}

@Resolver(() => PvProgramme)
export class PvProgrammeResolver {
  @FieldResolver(() => [EmissionFactor], { description: 'The grid factor versions the computed CO2 used.' })
  async emissionFactors(@Root() g: PvProgramme, @Ctx() ctx: Context): Promise<EmissionFactor[]> {
    return (await ctx.loaders.emissionFactorById.loadMany(g.emissionFactorIds)).filter((f): f is EmissionFactor => f instanceof EmissionFactor);
  }
}

@Resolver(() => PvGenerationEvent)
export class PvGenerationEventResolver {
  @FieldResolver(() => PvProject)
  project(@Root() ev: PvGenerationEvent, @Ctx() ctx: Context): Promise<PvProject> {
    return ctx.em.findOneOrFail(PvProject, ev.projectId);
  }
}

