import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { assertNodeType } from '../access/guard';
import type { Context } from '../server/context';
import { AuditsService } from '../modules/audits/audits.service';
import { EpcService } from '../modules/epc/epc.service';
import { MeteringService } from '../modules/metering/metering.service';
import { SolarService } from '../modules/solar/solar.service';
import { RegistryService } from '../modules/registry/registry.service';
import { WeatherService } from '../modules/weather/weather.service';
import { NotFoundError } from './errors';
import { fromGlobalId, Node } from './relay';

type NodeFetcher = (id: string, ctx: Context) => Promise<object | null>;

/** How to fetch each kind of node; every fetch applies the same access rules as its own query. */
const FETCHERS: Record<string, NodeFetcher> = {
  Institution: (id, ctx) => new RegistryService(ctx.em, ctx.principal).institution(Number(id)),
  Region: (id, ctx) => ctx.loaders.regionById.load(Number(id)),
  Meter: (id, ctx) => new MeteringService(ctx.em, ctx.principal).meter(Number(id)),
  EpcContract: (id, ctx) => new EpcService(ctx.db, ctx.em, ctx.principal).contract(Number(id)),
  PvProject: (id, ctx) => new SolarService(ctx.db, ctx.em, ctx.principal).project(Number(id)),
  EnergyAudit: (id, ctx) => new AuditsService(ctx.db, ctx.em, ctx.principal).audit(Number(id)),
  // Reference tables everyone may read.
  ConversionFactor: (id, ctx) => ctx.loaders.conversionFactorById.load(Number(id)),
  EmissionFactor: (id, ctx) => ctx.loaders.emissionFactorById.load(Number(id)),
  UnitConversion: (id, ctx) => ctx.loaders.unitConversionById.load(Number(id)),
  WeatherStation: (id, ctx) => new WeatherService(ctx.db.pool, ctx.principal, ctx.db.timezone).station(Number(id)),
};

@Resolver()
export class NodeResolver {
  @Query(() => Node, { nullable: true, description: 'Any object by its global ID (Relay).' })
  async node(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<object | null> {
    const { type, id: raw } = fromGlobalId(id);
    const fetch = FETCHERS[type];
    if (!fetch) throw new NotFoundError(`no node of type ${type}`);
    assertNodeType(ctx.principal, type);
    const node = await fetch(raw, ctx);
    if (!node) throw new NotFoundError(`no ${type} with this id`);
    return node;
  }
}
