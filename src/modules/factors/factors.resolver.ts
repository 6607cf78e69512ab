import { Arg, Args, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { Connection, decodeOptionalIntId, type Page, PageArgs } from '../../graphql/relay';
import type { Context } from '../../graphql/context';
import { ConversionFactor } from './conversion-factor.entity';
import { EmissionFactor } from './emission-factor.entity';
import { ConversionFactorInput, EmissionFactorInput, FactorFilter, UnitConversionInput } from './factors.inputs';
import { FactorsService } from './factors.service';
import { UnitConversion } from './unit-conversion.entity';

const ConversionFactorConnection = Connection(ConversionFactor, 'ConversionFactor');
const EmissionFactorConnection = Connection(EmissionFactor, 'EmissionFactor');
const UnitConversionConnection = Connection(UnitConversion, 'UnitConversion');

@Resolver()
export class FactorsResolver {
  @Query(() => ConversionFactorConnection, { description: 'Coefficients to standard coal, every version.' })
  conversionFactors(@Args() page: PageArgs, @Arg('filter', () => FactorFilter, { nullable: true }) filter: FactorFilter | undefined, @Ctx() ctx: Context): Promise<Page<ConversionFactor>> {
    return new FactorsService(ctx.em, ctx.principal).conversionFactors(filter, page);
  }

  @Query(() => EmissionFactorConnection, { description: 'CO2 emission factors, every version.' })
  emissionFactors(@Args() page: PageArgs, @Arg('filter', () => FactorFilter, { nullable: true }) filter: FactorFilter | undefined, @Ctx() ctx: Context): Promise<Page<EmissionFactor>> {
    return new FactorsService(ctx.em, ctx.principal).emissionFactors(filter, page);
  }

  @Query(() => UnitConversionConnection, { description: 'Unit conversions (densities, MWh to kWh), every version.' })
  unitConversions(@Args() page: PageArgs, @Arg('filter', () => FactorFilter, { nullable: true }) filter: FactorFilter | undefined, @Ctx() ctx: Context): Promise<Page<UnitConversion>> {
    return new FactorsService(ctx.em, ctx.principal).unitConversions(filter, page);
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
