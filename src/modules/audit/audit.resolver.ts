import { Arg, Args, Authorized, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { LocalDateScalar } from '../../graphql/scalars';
import { ApiKey } from '../keys/api-key.entity';
import { ValidationError } from '../../errors/domain-errors';
import { PageArgs, type Page } from '../../graphql/relay';
import type { Context } from '../../graphql/context';
import { AuditEventsService } from './audit-events.service';
import { AuditEventFilter } from './audit.inputs';
import { AuditEvent, AuditEventConnection, KeyUsageDay } from './audit.types';

/** Longest range of days `usage` answers in one call. */
const MAX_USAGE_DAYS = 366;

@Resolver(() => AuditEvent)
export class AuditEventResolver {
  @Query(() => AuditEventConnection, {
    description: 'The audit trail, newest first: GOA sees every event; other keys the events of their own keys and on their own objects; PUBLIC none.',
  })
  auditEvents(
    @Args() page: PageArgs,
    @Arg('filter', () => AuditEventFilter, { nullable: true }) filter: AuditEventFilter | undefined,
    @Ctx() ctx: Context,
  ): Promise<Page<AuditEvent>> {
    return new AuditEventsService(ctx.db.pool, ctx.principal).events(filter, page);
  }
}

@Resolver(() => ApiKey)
export class ApiKeyUsageResolver {
  @Authorized('apiKey')
  @FieldResolver(() => [KeyUsageDay], { description: 'Requests and rows returned per day in [from, to] (days in EWC_TIMEZONE, at most 366), days with use only.' })
  usage(
    @Root() key: ApiKey,
    @Arg('from', () => LocalDateScalar) from: string,
    @Arg('to', () => LocalDateScalar) to: string,
    @Ctx() ctx: Context,
  ): Promise<KeyUsageDay[]> {
    const days = (Date.parse(to) - Date.parse(from)) / 86_400_000;
    if (!(days >= 0)) throw ValidationError.single('to', 'must not be before from');
    if (days >= MAX_USAGE_DAYS) throw ValidationError.single('to', `at most ${MAX_USAGE_DAYS} days from from`);
    return ctx.loaders.usageByKey.load(`${key.id}|${from}|${to}`);
  }
}

export const AuditResolvers = [AuditEventResolver, ApiKeyUsageResolver] as const;
