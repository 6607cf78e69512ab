import { LocalDateScalar } from '../../graphql/scalars';
import { Arg, Args, Ctx, Float, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Connection, decodeIntId, decodeOptionalIntId, type Page, PageArgs, pageWindow, toPage } from '../../graphql/relay';
import type { Context } from '../../graphql/context';
import { Region } from '../registry/region.entity';
import type { RegionRow } from '../registry/registry.types';
import { WeatherService } from './weather.service';
import { CreateWeatherStationInput } from './weather.inputs';
import { DegreeDayMonth, WeatherDay, WeatherImportResult, WeatherStation } from './weather.types';

const WeatherStationConnection = Connection(WeatherStation, 'WeatherStation');
const svc = (ctx: Context) => new WeatherService(ctx.db.pool, ctx.principal, ctx.db.timezone);

@Resolver(() => WeatherStation)
export class WeatherResolver {
  @Query(() => WeatherStationConnection, { description: 'Weather stations and where their temperatures come from.' })
  async weatherStations(@Args() page: PageArgs, @Ctx() ctx: Context): Promise<Page<WeatherStation>> {
    const service = svc(ctx);
    // A key that may not read stations hears FORBIDDEN before any complaint about its paging.
    service.assertCanReadStations();
    const window = pageWindow(page, 1);
    const found = await service.stations(window);
    return toPage(found.rows, window, found.count, (s) => [s.rowId]);
  }

  @Query(() => [WeatherDay], { description: 'Daily mean temperatures (°C) of a station over [from, to), at most 1,100 days.' })
  weatherDays(
    @Arg('stationId', () => ID) stationId: string,
    @Arg('from', () => LocalDateScalar) from: string,
    @Arg('to', () => LocalDateScalar) to: string,
    @Ctx() ctx: Context,
  ): Promise<WeatherDay[]> {
    return svc(ctx).days(decodeIntId(stationId, 'WeatherStation', 'stationId'), from, to);
  }

  @FieldResolver(() => [DegreeDayMonth], { description: 'Heating and cooling degree days per month of [from, to), °C·day, over the days with a temperature.' })
  degreeDays(
    @Root() s: WeatherStation,
    @Arg('from', () => LocalDateScalar) from: string,
    @Arg('to', () => LocalDateScalar) to: string,
    @Arg('heatingBaseC', () => Float, { defaultValue: 18 }) heatingBaseC: number,
    @Arg('coolingBaseC', () => Float, { defaultValue: 26 }) coolingBaseC: number,
    @Ctx() ctx: Context,
  ): Promise<DegreeDayMonth[]> {
    return svc(ctx).degreeDays(s.rowId, from, to, heatingBaseC, coolingBaseC);
  }

  @FieldResolver(() => Region, { nullable: true, description: 'The region whose station this is.' })
  async region(@Root() s: WeatherStation, @Ctx() ctx: Context): Promise<RegionRow | null> {
    return s.regionId === null ? null : ctx.loaders.regionById.load(s.regionId);
  }

  @Mutation(() => WeatherStation, { description: 'DRC or GOA registers a weather station, optionally as the station of a region.' })
  createWeatherStation(@Arg('input', () => CreateWeatherStationInput) input: CreateWeatherStationInput, @Ctx() ctx: Context): Promise<WeatherStation> {
    return svc(ctx).createStation({ ...input, regionId: decodeOptionalIntId(input.regionId, 'Region', 'regionId') });
  }

  @Mutation(() => WeatherImportResult, {
    description: 'DRC or GOA imports daily mean temperatures from CSV (station,day,mean_temp[,unit C|F][,source]): all rows or none; bad rows are listed with their row number.',
  })
  importWeather(@Arg('csv') csv: string, @Arg('source', { description: 'Where the file comes from (used for rows without a source).' }) source: string, @Ctx() ctx: Context): Promise<WeatherImportResult> {
    return svc(ctx).importCsv(csv, source, ctx.principal.keyName);
  }
}

@Resolver(() => Region)
export class RegionWeatherResolver {
  @FieldResolver(() => WeatherStation, { nullable: true, description: "The region's weather station: its own, else the nearest up the tree." })
  async weatherStation(@Root() r: RegionRow, @Ctx() ctx: Context): Promise<WeatherStation | null> {
    const s = await ctx.loaders.weatherStationOfRegion.load(r.id);
    return s ? WeatherStation.of(s) : null;
  }
}

export const WeatherResolvers = [WeatherResolver, RegionWeatherResolver] as const;
