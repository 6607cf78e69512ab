import { Arg, Ctx, FieldResolver, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../graphql/context';
import { FleetFacet, Indicators } from '../accounting/indicators.types';
import { CityTarget } from './city-target.entity';
import { TargetKind } from './targets.enums';
import { SetCityTargetInput } from './targets.inputs';
import { progressOf, TargetsService } from './targets.service';
import { TargetProgress, type CityTargetRow } from './targets.types';

@Resolver(() => CityTarget)
export class TargetsResolver {
  @Query(() => [CityTarget], { description: 'Yearly city targets, oldest year first (all years when none is given).' })
  cityTargets(@Arg('year', () => Int, { nullable: true }) year: number | undefined, @Ctx() ctx: Context): Promise<CityTargetRow[]> {
    return new TargetsService(ctx.em, ctx.principal, ctx.db.pool).list(year ?? null);
  }

  @Mutation(() => CityTarget, { description: 'GOA sets a yearly city target (replacing the value set before for that year and kind).' })
  setCityTarget(@Arg('input', () => SetCityTargetInput) input: SetCityTargetInput, @Ctx() ctx: Context): Promise<CityTarget> {
    return new TargetsService(ctx.em, ctx.principal).set(input);
  }
}

@Resolver(() => Indicators)
export class IndicatorsTargetsResolver {
  @FleetFacet()
  @FieldResolver(() => [TargetProgress], { description: "Progress against the city targets of the period's year (empty for a suppressed group). FORBIDDEN to keys that may not read vehicles." })
  async targets(@Root() v: Indicators, @Ctx() ctx: Context): Promise<TargetProgress[]> {
    const targets = await ctx.loaders.cityTargetsByYear.load(v.period.year);
    if (!v.fleet) return [];
    // The recycling rate is read only when a year has that target (batched over a list, frozen for a closed year).
    const set = v.memberIds ? { ids: v.memberIds, group: true } : v.institutionId !== null ? { ids: [v.institutionId], group: false } : null;
    const recycling = set && targets.some((t) => t.kind === TargetKind.RECYCLING_RATE) ? await ctx.loaders.recyclingTotals.load({ period: v.period, closed: v.closed, set }) : null;
    return progressOf(targets, v.fleet, recycling);
  }
}

export const TargetsResolvers = [TargetsResolver, IndicatorsTargetsResolver] as const;
