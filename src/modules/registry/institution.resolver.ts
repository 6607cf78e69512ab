import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Info, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { nodeFieldArgs } from '../../graphql/look-ahead';
import { decodeIdOrNull, decodeIntId, decodeOptionalIntId, PageArgs, pageOfRows, pageWindow, type Page } from '../../graphql/relay';
import type { Context } from '../../graphql/context';
import { ForbiddenError } from '../../errors/domain-errors';
import { Carrier } from '../metering/metering.enums';
import { meterReadWhere } from '../metering/meter-scope';
import { Meter } from '../metering/meter.entity';
import type { MeterReadRow } from '../metering/metering.types';
import { Institution } from './institution.entity';
import { InstitutionProfile } from './institution-profile.entity';
import { Region } from './region.entity';
import { CreateInstitutionInput, InstitutionFilter, InstitutionProfileInput, UpdateInstitutionInput } from './registry.inputs';
import { primeBelowInstitutions } from './registry.loaders';
import { RegistryService } from './registry.service';
import { InstitutionConnection, type InstitutionProfileRow, type InstitutionRow, type RegionRow } from './registry.types';

@Resolver(() => Institution)
export class InstitutionResolver {
  @Query(() => InstitutionConnection, { description: 'Institutions this key may see, oldest first.' })
  async institutions(
    @Args() page: PageArgs,
    @Arg('filter', () => InstitutionFilter, { nullable: true }) filter: InstitutionFilter | undefined,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Page<InstitutionRow>> {
    const query = filter && { ...filter, regionId: decodeOptionalIntId(filter.regionId, 'Region', 'filter.regionId') };
    const window = pageWindow(page, 1);
    // The meters and profiles the operation asks of the nodes come in the same statement.
    const below = { meters: nodeFieldArgs(info, 'meters').length > 0, profileYears: [...new Set(nodeFieldArgs(info, 'profile').map((a) => a.year as number))] };
    const found = await new RegistryService(ctx.em, ctx.principal, ctx.db.pool).institutions(query, window, below);
    primeBelowInstitutions(ctx.loaders, found);
    return pageOfRows(found, window);
  }

  @Query(() => Institution)
  institution(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<InstitutionRow> {
    return new RegistryService(ctx.em, ctx.principal, ctx.db.pool).institution(decodeIntId(id, 'Institution'));
  }

  @Mutation(() => Institution)
  createInstitution(@Arg('input', () => CreateInstitutionInput) input: CreateInstitutionInput, @Ctx() ctx: Context): Promise<Institution> {
    // A malformed region id is named among the input's other mistakes, after the write check (the service's order).
    return new RegistryService(ctx.em, ctx.principal).createInstitution({ ...input, regionId: decodeIdOrNull(input.regionId, 'Region') });
  }

  @Mutation(() => Institution)
  updateInstitution(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateInstitutionInput) input: UpdateInstitutionInput,
    @Ctx() ctx: Context,
  ): Promise<Institution> {
    const changes = { ...input, regionId: input.regionId === undefined ? undefined : decodeIdOrNull(input.regionId, 'Region') };
    return new RegistryService(ctx.em, ctx.principal).updateInstitution(decodeIntId(id, 'Institution'), changes);
  }

  @Mutation(() => InstitutionProfile, { description: "Creates or updates an institution's profile for a year; unset fields are kept." })
  upsertInstitutionProfile(@Arg('input', () => InstitutionProfileInput) input: InstitutionProfileInput, @Ctx() ctx: Context): Promise<InstitutionProfile> {
    return new RegistryService(ctx.em, ctx.principal).upsertProfile({ ...input, institutionId: decodeIntId(input.institutionId, 'Institution', 'institutionId') });
  }

  @FieldResolver(() => Region)
  async region(@Root() institution: InstitutionRow, @Ctx() ctx: Context): Promise<RegionRow> {
    return (await ctx.loaders.regionById.load(institution.region.id))!;
  }

  @Authorized('profile')
  @FieldResolver(() => InstitutionProfile, { nullable: true, description: 'The profile for one year, if recorded.' })
  profile(@Root() institution: InstitutionRow, @Arg('year', () => Int) year: number, @Ctx() ctx: Context): Promise<InstitutionProfileRow | null> {
    return ctx.loaders.profileByYear.load(`${institution.id}:${year}`);
  }

  @Authorized('profile')
  @FieldResolver(() => [InstitutionProfile], { nullable: true, description: 'Every yearly profile, oldest first.' })
  profiles(@Root() institution: InstitutionRow, @Ctx() ctx: Context): Promise<InstitutionProfileRow[]> {
    return ctx.loaders.profilesByInstitution.load(institution.id);
  }

  @FieldResolver(() => [Meter], { nullable: true, description: "The institution's meters this key may read (a handful per site)." })
  async meters(
    @Root() institution: InstitutionRow,
    @Arg('carrier', () => Carrier, { nullable: true }) carrier: Carrier | undefined,
    @Ctx() ctx: Context,
  ): Promise<MeterReadRow[]> {
    if (!meterReadWhere(ctx.principal)) throw new ForbiddenError('this key may not read meters (aggregates only)');
    const meters = await ctx.loaders.metersByInstitution.load(institution.id);
    return carrier ? meters.filter((m) => m.carrier === carrier) : meters;
  }
}

@Resolver(() => InstitutionProfile)
export class InstitutionProfileResolver {
  @FieldResolver(() => Institution)
  async institution(@Root() profile: InstitutionProfileRow, @Ctx() ctx: Context): Promise<InstitutionRow> {
    return (await ctx.loaders.institutionById.load(profile.institution.id))!;
  }
}
