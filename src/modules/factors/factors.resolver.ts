import { Arg, Args, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { Connection, decodeOptionalIntId, type Page, PageArgs, pageOfRows, pageWindow } from '../../graphql/relay';
import type { Context } from '../../graphql/context';
import { ConversionFactor } from './conversion-factor.entity';
import { EmissionFactor } from './emission-factor.entity';
import { ConversionFactorInput, EmissionFactorInput, FactorFilter, UnitConversionInput } from './factors.inputs';
import { FactorsService } from './factors.service';
import type { ConversionFactorRow, EmissionFactorRow, UnitConversionRow } from './factors.types';
import { UnitConversion } from './unit-conversion.entity';

const ConversionFactorConnection = Connection(ConversionFactor, 'ConversionFactor');
const EmissionFactorConnection = Connection(EmissionFactor, 'EmissionFactor');
const UnitConversionConnection = Connection(UnitConversion, 'UnitConversion');

@Resolver()
export class FactorsResolver {
  @Query(() => ConversionFactorConnection, { description: 'Coefficients to standard coal, every version.' })
  async conversionFactors(@Args() page: PageArgs, @Arg('filter', () => FactorFilter, { nullable: true }) filter: FactorFilter | undefined, @Ctx() ctx: Context): Promise<Page<ConversionFactorRow>> {
    const window = pageWindow(page, 1);
    return pageOfRows(await new FactorsService(ctx.em, ctx.principal, ctx.db.pool).conversionFactors(filter, window), window);
  }

  @Query(() => EmissionFactorConnection, { description: 'CO2 emission factors, every version.' })
  async emissionFactors(@Args() page: PageArgs, @Arg('filter', () => FactorFilter, { nullable: true }) filter: FactorFilter | undefined, @Ctx() ctx: Context): Promise<Page<EmissionFactorRow>> {
    const window = pageWindow(page, 1);
    return pageOfRows(await new FactorsService(ctx.em, ctx.principal, ctx.db.pool).emissionFactors(filter, window), window);
  }

  @Query(() => UnitConversionConnection, { description: 'Unit conversions (densities, MWh to kWh), every version.' })
  async unitConversions(@Args() page: PageArgs, @Arg('filter', () => FactorFilter, { nullable: true }) filter: FactorFilter | undefined, @Ctx() ctx: Context): Promise<Page<UnitConversionRow>> {
    const window = pageWindow(page, 1);
    return pageOfRows(await new FactorsService(ctx.em, ctx.principal, ctx.db.pool).unitConversions(filter, window), window);
  }

  @Mutation(() => ConversionFactor, { description: 'DRC: a new version of a coefficient; the current one ends the day it starts.' })
  addConversionFactor(@Arg('input', () => ConversionFactorInput) input: ConversionFactorInput, @Ctx() ctx: Context): Promise<ConversionFactor> {
    return new FactorsService(ctx.em, ctx.principal).addConversionFactor(input);
  }

  @Mutation(() => EmissionFactor, { description: 'DRC: a new version of an emission factor. Closed years keep the figures they had.' })
  addEmissionFactor(@Arg('input', () => EmissionFactorInput) input: EmissionFactorInput, @Ctx() ctx: Context): Promise<EmissionFactor> {
    return new FactorsService(ctx.em, ctx.principal).addEmissionFactor({ ...input, regionId: decodeOptionalIntId(input.regionId, 'Region', 'regionId') });
  }

  @Mutation(() => UnitConversion)
  addUnitConversion(@Arg('input', () => UnitConversionInput) input: UnitConversionInput, @Ctx() ctx: Context): Promise<UnitConversion> {
    return new FactorsService(ctx.em, ctx.principal).addUnitConversion(input);
  }
}

export const FactorsResolvers = [FactorsResolver] as const;
