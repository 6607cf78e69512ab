import { Arg, Args, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { NotFoundError } from '../../errors/domain-errors';
import { decodeIntId, decodeOptionalIntId, PageArgs, pageOfRows, pageWindow, type Page } from '../../graphql/relay';
import type { Context } from '../../graphql/context';
import { Region } from './region.entity';
import { RegionFilter } from './registry.inputs';
import { RegistryService } from './registry.service';
import { RegionConnection, type RegionRow } from './registry.types';

@Resolver(() => Region)
export class RegionResolver {
  @Query(() => RegionConnection, { description: 'Regions (province, city, counties), filtered by level or parent.' })
  async regions(@Args() page: PageArgs, @Arg('filter', () => RegionFilter, { nullable: true }) filter: RegionFilter | undefined, @Ctx() ctx: Context): Promise<Page<RegionRow>> {
    const query = filter && { ...filter, parentId: decodeOptionalIntId(filter.parentId, 'Region', 'filter.parentId') };
    const window = pageWindow(page, 1);
    return pageOfRows(await new RegistryService(ctx.em, ctx.principal, ctx.db.pool).regions(query, window), window);
  }

  @Query(() => Region)
  async region(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<RegionRow> {
    const region = await ctx.loaders.regionById.load(decodeIntId(id, 'Region'));
    if (!region) throw new NotFoundError('no region with this id');
    return region;
  }

  @FieldResolver(() => Region, { nullable: true })
  parent(@Root() region: RegionRow, @Ctx() ctx: Context): Promise<RegionRow | null> | null {
    return region.parent ? ctx.loaders.regionById.load(region.parent.id) : null;
  }

  @FieldResolver(() => [Region])
  children(@Root() region: RegionRow, @Ctx() ctx: Context): Promise<RegionRow[]> {
    return ctx.loaders.regionChildren.load(region.id);
  }
}
