import { Arg, Args, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { KeyRole } from '../../access/access.enums';
import { assertCanWrite } from '../../access/guard';
import { decodeIntId, decodeOptionalIntId, type Page, PageArgs, pageOfRows, pageWindow, toGlobalId } from '../../graphql/relay';
import type { Context } from '../../graphql/context';
import { TOPICS } from '../realtime/pubsub';
import { Agency } from '../registry/agency.entity';
import { Institution } from '../registry/institution.entity';
import { ApiKey } from './api-key.entity';
import { CreateApiKeyInput } from './keys.inputs';
import { ApiKeyService } from './keys.service';
import { ApiKeyConnection, CreateApiKeyPayload, Viewer, type ApiKeyRow } from './keys.types';
import type { AgencyRow, InstitutionRow } from '../registry/registry.types';

@Resolver(() => Viewer)
export class ViewerResolver {
  @Query(() => Viewer, { description: 'Who this API key is.' })
  async viewer(@Ctx() ctx: Context): Promise<Viewer> {
    const p = ctx.principal;
    return {
      keyId: toGlobalId('ApiKey', p.keyId),
      keyName: p.keyName,
      role: p.role as KeyRole,
      subject: p.subject,
      agency: p.agencyCode ? await new ApiKeyService(ctx.em, p, ctx.db.pool).agency(p.agencyCode) : null,
      institution: p.institutionId ? await ctx.loaders.institutionById.load(p.institutionId) : null,
    };
  }
}

@Resolver(() => ApiKey)
export class ApiKeyResolver {
  @Query(() => ApiKeyConnection, { description: 'API keys (GOA admins only), newest first.' })
  async apiKeys(@Args() page: PageArgs, @Ctx() ctx: Context): Promise<Page<ApiKeyRow>> {
    assertCanWrite(ctx.principal, 'apiKey', null);
    const window = pageWindow(page, 1);
    return pageOfRows(await new ApiKeyService(ctx.em, ctx.principal, ctx.db.pool).list(window), window);
  }

  @Mutation(() => CreateApiKeyPayload, { description: 'Creates a key for an agency or an institution (GOA admins only).' })
  async createApiKey(@Arg('input', () => CreateApiKeyInput) input: CreateApiKeyInput, @Ctx() ctx: Context): Promise<CreateApiKeyPayload> {
    assertCanWrite(ctx.principal, 'apiKey', null);
    const institutionId = decodeOptionalIntId(input.institutionId, 'Institution', 'institutionId');
    const escoId = decodeOptionalIntId(input.escoId, 'Esco', 'escoId');
    return new ApiKeyService(ctx.em, ctx.principal).create({ agencyCode: input.agency, institutionId, escoId }, input.role, input.name, { budget: input.budget });
  }

  @Mutation(() => ApiKey, { description: "Sets a key's budget in cost points per minute; null gives it back its role's default (GOA admins only). Every hub applies it at once." })
  async setApiKeyBudget(@Arg('id', () => ID) id: string, @Arg('budget', () => Int, { nullable: true }) budget: number | null | undefined, @Ctx() ctx: Context): Promise<ApiKey> {
    assertCanWrite(ctx.principal, 'apiKey', null);
    const key = await new ApiKeyService(ctx.em, ctx.principal).setBudget(decodeIntId(id, 'ApiKey'), budget ?? null);
    ctx.pubsub.publish(TOPICS.KEY_CHANGED, key.id);
    return key;
  }

  @Mutation(() => ApiKey, { description: 'Revokes a key at once, including its open subscriptions (GOA admins only).' })
  async revokeApiKey(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<ApiKey> {
    assertCanWrite(ctx.principal, 'apiKey', null);
    const key = await new ApiKeyService(ctx.em, ctx.principal).revoke(decodeIntId(id, 'ApiKey'));
    ctx.pubsub.publish(TOPICS.KEY_REVOKED, key.id);
    return key;
  }

  @FieldResolver(() => Agency, { nullable: true })
  async agency(@Root() key: ApiKeyRow, @Ctx() ctx: Context): Promise<AgencyRow | null> {
    return key.agency ? ctx.loaders.agencyById.load(key.agency.id) : null;
  }

  @FieldResolver(() => Institution, { nullable: true })
  async institution(@Root() key: ApiKeyRow, @Ctx() ctx: Context): Promise<InstitutionRow | null> {
    return key.institution ? ctx.loaders.institutionById.load(key.institution.id) : null;
  }
}

export const KeysResolvers = [ViewerResolver, ApiKeyResolver] as const;
