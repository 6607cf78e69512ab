import { Arg, Args, Ctx, ID, Mutation, Query, Resolver, Root, Subscription, type SubscribeResolverData } from 'type-graphql';
import { canReadContractRow } from '../../access/guard';
import { Connection, decodeIntId, decodeOptionalIntId, type Page, PageArgs, pageOfRows, pageWindow } from '../../graphql/relay';
import { DecimalScalar, LocalDateScalar } from '../../graphql/scalars';
import type { Context } from '../../graphql/context';
import { filterIterable } from '../realtime/filter-iterable';
import { TOPICS } from '../realtime/pubsub';
import { EpcAsset, EpcContract, EpcPayment } from './epc-contract.entity';
import { EpcNonRoutineEvent } from './epc-baseline.types';
import { EpcStatus } from './epc.enums';
import { publishEpcChanged, type EpcChangedPayload } from './epc.events';
import { CreateEpcContractInput, EpcAssetInput, EpcContractFilter } from './epc.inputs';
import { EpcService } from './epc.service';
import { EpcSettlement, toSettlement, type EpcContractRow } from './epc.types';

const EpcContractConnection = Connection(EpcContract, 'EpcContract');
const svc = (ctx: Context) => new EpcService(ctx.db, ctx.em, ctx.principal, ctx.loaders.mv);

/** The root fields of EPC contracts: lists, lifecycle and money mutations, and the change feed. */
@Resolver(() => EpcContract)
export class EpcResolver {
  @Query(() => EpcContractConnection, { description: 'EPC contracts this key may see (an ESCO: its own).' })
  async epcContracts(@Args() page: PageArgs, @Arg('filter', () => EpcContractFilter, { nullable: true }) filter: EpcContractFilter | undefined, @Ctx() ctx: Context): Promise<Page<EpcContractRow>> {
    const query = filter && { ...filter, institutionId: decodeOptionalIntId(filter.institutionId, 'Institution', 'filter.institutionId'), escoId: decodeOptionalIntId(filter.escoId, 'Esco', 'filter.escoId') };
    const window = pageWindow(page, 1);
    return pageOfRows(await svc(ctx).contracts(query, window), window);
  }

  @Query(() => EpcContract)
  epcContract(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<EpcContractRow> {
    return svc(ctx).contract(decodeIntId(id, 'EpcContract'));
  }

  @Mutation(() => EpcContract, { description: 'GOA drafts a contract.' })
  async createEpcContract(@Arg('input', () => CreateEpcContractInput) input: CreateEpcContractInput, @Ctx() ctx: Context): Promise<EpcContract> {
    const c = await svc(ctx).createContract({
      ...input,
      institutionId: decodeIntId(input.institutionId, 'Institution', 'institutionId'),
      escoId: decodeIntId(input.escoId, 'Esco', 'escoId'),
    });
    publishEpcChanged(ctx.pubsub, c);
    return c;
  }

  @Mutation(() => EpcContract, {
    description: 'Moves a contract one step: DRAFT > AUDITED (GOA, needs an audit at most two years old) > APPROVED (FINANCE) > SIGNED (GOA) > IMPLEMENTING (GOA or the ESCO) > OPERATING (GOA) > HANDED_OVER (GOA, assets pass to the institution); or TERMINATED (GOA, with a note).',
  })
  async transitionEpcContract(
    @Arg('id', () => ID) id: string,
    @Arg('to', () => EpcStatus) to: EpcStatus,
    @Arg('note', () => String, { nullable: true }) note: string | undefined,
    @Arg('effectiveAt', () => Date, { nullable: true, description: 'When the step took effect, for one that happened before it is entered: not in the future, not before the previous step. Default now.' }) effectiveAt: Date | undefined,
    @Ctx() ctx: Context,
  ): Promise<EpcContract> {
    const c = await svc(ctx).transition(decodeIntId(id, 'EpcContract'), to, note ?? null, effectiveAt ?? null);
    publishEpcChanged(ctx.pubsub, c);
    return c;
  }

  @Mutation(() => EpcAsset)
  async addEpcAsset(@Arg('contractId', () => ID) contractId: string, @Arg('input', () => EpcAssetInput) input: EpcAssetInput, @Ctx() ctx: Context): Promise<EpcAsset> {
    return svc(ctx).addAsset(decodeIntId(contractId, 'EpcContract', 'contractId'), input);
  }

  @Mutation(() => EpcPayment, { description: 'FINANCE records a payment.' })
  async recordEpcPayment(
    @Arg('contractId', () => ID) contractId: string,
    @Arg('amountYuan', () => DecimalScalar) amountYuan: string,
    @Arg('paidOn', () => LocalDateScalar, { nullable: true, description: 'The day paid; default the day of effectiveAt, else today. Not in the future, not before the contract started OPERATING.' }) paidOn: string | undefined,
    @Arg('note', () => String, { nullable: true }) note: string | undefined,
    @Arg('effectiveAt', () => Date, { nullable: true, description: 'When the payment was made, to the minute (its day is paidOn): not in the future, not before the OPERATING step.' }) effectiveAt: Date | undefined,
    @Ctx() ctx: Context,
  ): Promise<EpcPayment> {
    const p = await svc(ctx).recordPayment(decodeIntId(contractId, 'EpcContract', 'contractId'), amountYuan, paidOn ?? null, note ?? null, effectiveAt ?? null);
    publishEpcChanged(ctx.pubsub, p.contract.unwrap());
    return p;
  }

  @Mutation(() => EpcContract, { description: 'GOA or FINANCE refits the baseline on the data of today and freezes it as a new version; the old version stays listed.' })
  rebaselineEpcContract(@Arg('id', () => ID) id: string, @Arg('reason', { description: 'Up to 500 characters.' }) reason: string, @Ctx() ctx: Context): Promise<EpcContract> {
    return svc(ctx).rebaseline(decodeIntId(id, 'EpcContract'), reason);
  }

  @Mutation(() => EpcNonRoutineEvent, { description: 'GOA or FINANCE adjusts the baseline by an explicit kgce over [from, to) for a non-routine event (a new wing, a closure).' })
  addNonRoutineEvent(
    @Arg('contractId', () => ID) contractId: string,
    @Arg('from', () => LocalDateScalar) from: string,
    @Arg('to', () => LocalDateScalar) to: string,
    @Arg('adjustmentKgce', () => DecimalScalar, { description: 'Added to the adjusted baseline over the span (negative lowers it).' }) adjustmentKgce: string,
    @Arg('reason', { description: 'Up to 500 characters.' }) reason: string,
    @Ctx() ctx: Context,
  ): Promise<EpcNonRoutineEvent> {
    return svc(ctx).addNonRoutineEvent(decodeIntId(contractId, 'EpcContract', 'contractId'), from, to, adjustmentKgce, reason);
  }

  @Mutation(() => EpcSettlement, { description: "FINANCE accepts a paid settlement's pending difference: the live figures replace the frozen ones (kept in its history)." })
  async acceptSettlementDifference(@Arg('contractId', () => ID) contractId: string, @Arg('periodStart', () => LocalDateScalar) periodStart: string, @Ctx() ctx: Context): Promise<EpcSettlement> {
    return toSettlement(await svc(ctx).acceptSettlementDifference(decodeIntId(contractId, 'EpcContract', 'contractId'), periodStart));
  }

  @Subscription(() => EpcContract, {
    description: 'A contract this key may see changed (created, moved, paid).',
    subscribe: ({ args, context }: SubscribeResolverData<unknown, { filter?: EpcContractFilter }, Context>) => {
      const p = context.principal;
      const only = decodeOptionalIntId(args.filter?.institutionId, 'Institution', 'filter.institutionId');
      return filterIterable<EpcChangedPayload>(
        context.pubsub.subscribe(TOPICS.EPC_CHANGED),
        (ev) => (only === null || ev.institutionId === only) && canReadContractRow(p, 'epcContract', ev),
      );
    },
  })
  async epcContractChanged(@Root() ev: EpcChangedPayload, @Arg('filter', () => EpcContractFilter, { nullable: true }) _f: EpcContractFilter | undefined, @Ctx() ctx: Context): Promise<EpcContractRow> {
    return svc(ctx).eventContract(ev.contractId);
  }
}
