import { Arg, Args, Authorized, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { LocalDateScalar } from '../../graphql/scalars';
import { ApiKey } from '../keys/api-key.entity';
import type { ApiKeyRow } from '../keys/keys.types';
import { Problems, ValidationError } from '../../errors/domain-errors';
import { fromGlobalId, mapPage, PageArgs, pageWindow, toPage, type Page } from '../../graphql/relay';
import type { Context } from '../../graphql/context';
import { AuditEventsService, toAuditEvent, type AuditEventQuery } from './audit-events.service';
import { AuditEventFilter } from './audit.inputs';
import { AuditEvent, AuditEventConnection, KeyUsageDay } from './audit.types';

/** Longest range of days `usage` answers in one call. */
const MAX_USAGE_DAYS = 366;
/** Longest operation name a filter may carry. */
const MAX_OPERATION = 100;

/** The filter checked, every mistake in one answer; the object id stays the global id the trail records. */
function auditEventQuery(filter: AuditEventFilter | undefined): AuditEventQuery {
  const problems = new Problems();
  if (filter?.objectId) {
    try {
      fromGlobalId(filter.objectId, undefined, 'filter.objectId');
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      problems.add('filter.objectId', 'not a global id');
    }
  }
  if (filter?.operation != null && (filter.operation.length > MAX_OPERATION || filter.operation.includes('\0'))) {
    problems.add('filter.operation', `at most ${MAX_OPERATION} characters, no NUL`);
  }
  if (filter?.from && filter?.to && filter.from >= filter.to) problems.add('filter.to', 'must be after from');
  problems.throwIfAny();
  return { subject: filter?.subject, objectId: filter?.objectId, operation: filter?.operation, from: filter?.from, to: filter?.to };
}

@Resolver(() => AuditEvent)
export class AuditEventResolver {
  @Query(() => AuditEventConnection, {
    description: 'The audit trail, newest first: GOA sees every event; other keys the events of their own keys and on their own objects; PUBLIC none.',
  })
  async auditEvents(
    @Args() page: PageArgs,
    @Arg('filter', () => AuditEventFilter, { nullable: true }) filter: AuditEventFilter | undefined,
    @Ctx() ctx: Context,
  ): Promise<Page<AuditEvent>> {
    const service = new AuditEventsService(ctx.db.pool, ctx.principal);
    // FORBIDDEN first, then the filter's mistakes, then the paging's, as the trail always answered.
    service.assertCanRead();
    const query = auditEventQuery(filter);
    const window = pageWindow(page, 1);
    const found = await service.events(query, window);
    return mapPage(toPage(found.rows, window, found.count, (r) => [r.id]), toAuditEvent);
  }
}

@Resolver(() => ApiKey)
export class ApiKeyUsageResolver {
  @Authorized('apiKey')
  @FieldResolver(() => [KeyUsageDay], { description: 'Requests and rows returned per day in [from, to] (days in EWC_TIMEZONE, at most 366), days with use only.' })
  usage(
    @Root() key: ApiKeyRow,
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
