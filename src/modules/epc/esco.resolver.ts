import { Arg, Args, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { Connection, PageArgs, pageOfRows, pageWindow, type Page } from '../../graphql/relay';
import type { Context } from '../../graphql/context';
import { EpcService } from './epc.service';
import { Esco } from './esco.entity';
import type { EscoRow } from './epc.types';

const EscoConnection = Connection(Esco, 'Esco');
const svc = (ctx: Context) => new EpcService(ctx.db, ctx.em, ctx.principal, ctx.loaders.mv);

@Resolver(() => Esco)
export class EscoResolver {
  @Query(() => EscoConnection, { description: 'Energy service companies.' })
  async escos(@Args() page: PageArgs, @Ctx() ctx: Context): Promise<Page<EscoRow>> {
    const window = pageWindow(page, 1);
    return pageOfRows(await svc(ctx).escos(window), window);
  }

  @Mutation(() => Esco, { description: 'GOA registers an ESCO (credit code checked).' })
  createEsco(@Arg('name') name: string, @Arg('nameZh') nameZh: string, @Arg('creditCode') creditCode: string, @Ctx() ctx: Context): Promise<Esco> {
    return svc(ctx).createEsco(name, nameZh, creditCode);
  }
}
