import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root, Subscription, type SubscribeResolverData } from 'type-graphql';
import { canReadContractRow } from '../../access/guard';
import { Connection, decodeIntId, PageArgs, type Page } from '../../graphql/relay';
import { DecimalScalar, LocalDateScalar } from '../../graphql/scalars';
import type { Context } from '../../graphql/context';
import { PeriodInput } from '../accounting/period';
import { filterIterable } from '../realtime/filter-iterable';
import { TOPICS } from '../realtime/pubsub';
import { Institution } from '../registry/institution.entity';
import { EpcAsset, EpcContract, EpcPayment, EpcTransition } from './epc-contract.entity';
import { EpcStatus } from './epc.enums';
import { CreateEpcContractInput, EpcAssetInput, EpcContractFilter } from './epc.inputs';
import { EpcService } from './epc.service';
import { MvService, type SettlementRow } from './mv.service';
import { EpcBaselineVersion, EpcNonRoutineEvent } from './epc-baseline.types';
import type { BaselineSet } from './savings';
import { CarrierPrice, EpcBaseline, EpcMeasureType, EpcSavings, EpcSettlement } from './epc.types';
import { Esco } from './esco.entity';

const EpcContractConnection = Connection(EpcContract, 'EpcContract');
const EscoConnection = Connection(Esco, 'Esco');
const svc = (ctx: Context) => new EpcService(ctx.db, ctx.em, ctx.principal, ctx.loaders.mv);
const measured = (ctx: Context) => new MvService(ctx.db, ctx.em, ctx.principal, ctx.loaders.mv);

/** What `epcContractChanged` subscribers receive. */
export interface EpcChangedPayload {
  contractId: number;
  institutionId: number;
  escoId: number;
}

@Resolver(() => EpcContract)
export class EpcResolver {
  @Query(() => EpcContractConnection, { description: 'EPC contracts this key may see (an ESCO: its own).' })
  epcContracts(@Args() page: PageArgs, @Arg('filter', () => EpcContractFilter, { nullable: true }) filter: EpcContractFilter | undefined, @Ctx() ctx: Context): Promise<Page<EpcContract>> {
    return svc(ctx).contracts(filter, page);
  }

  @Query(() => EpcContract)
  epcContract(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<EpcContract> {
    return svc(ctx).contract(decodeIntId(id, 'EpcContract'));
  }

  @Query(() => EscoConnection, { description: 'Energy service companies.' })
  escos(@Args() page: PageArgs, @Ctx() ctx: Context): Promise<Page<Esco>> {
    return svc(ctx).escos(page);
  }

  @Mutation(() => Esco, { description: 'GOA registers an ESCO (credit code checked).' })
  createEsco(@Arg('name') name: string, @Arg('nameZh') nameZh: string, @Arg('creditCode') creditCode: string, @Ctx() ctx: Context): Promise<Esco> {
    return svc(ctx).createEsco(name, nameZh, creditCode);
  }

  @Mutation(() => EpcContract, { description: 'GOA drafts a contract.' })
  async createEpcContract(@Arg('input', () => CreateEpcContractInput) input: CreateEpcContractInput, @Ctx() ctx: Context): Promise<EpcContract> {
    const c = await svc(ctx).createContract(input);
    publish(ctx, c);
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
    publish(ctx, c);
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
    publish(ctx, await svc(ctx).contract(p.contract.id));
    return p;
  }

  @FieldResolver(() => Institution)
  async institution(@Root() c: EpcContract, @Ctx() ctx: Context): Promise<Institution> {
    return (await ctx.loaders.institutionById.load(c.institution.id))!;
  }

  @FieldResolver(() => Esco)
  async esco(@Root() c: EpcContract, @Ctx() ctx: Context): Promise<Esco> {
    return (await ctx.loaders.escoById.load(c.esco.id))!;
  }

  @FieldResolver(() => [EpcMeasureType])
  measures(@Root() c: EpcContract): EpcMeasureType[] {
    return c.measures;
  }

  @Authorized('money')
  @FieldResolver(() => DecimalScalar, { nullable: true })
  investmentYuan(@Root() c: EpcContract): string {
    return c.investmentYuan;
  }

  @Authorized('money')
  @FieldResolver(() => DecimalScalar, { nullable: true, description: "The ESCO's share of the savings value (0 to 1)." })
  escoShare(@Root() c: EpcContract): string | null {
    return c.escoShare;
  }

  @Authorized('money')
  @FieldResolver(() => [CarrierPrice], { nullable: true, description: 'Energy prices of the contract, yuan per unit.' })
  prices(@Root() c: EpcContract): CarrierPrice[] {
    return Object.entries(c.prices).map(([carrier, priceYuan]) => ({ carrier, priceYuan }) as CarrierPrice);
  }

  @FieldResolver(() => EpcBaseline, { description: 'The baseline consumption, taken from the meters.' })
  baseline(@Root() c: EpcContract, @Ctx() ctx: Context): Promise<EpcBaseline> {
    return measured(ctx).baseline(c) as Promise<EpcBaseline>;
  }

  @FieldResolver(() => EpcSavings, { description: 'Measured savings over a period (adjusted baseline - actual).' })
  savings(@Root() c: EpcContract, @Arg('period', () => PeriodInput) period: PeriodInput, @Ctx() ctx: Context): Promise<EpcSavings> {
    return measured(ctx).savings(c, period) as Promise<EpcSavings>;
  }

  @FieldResolver(() => [EpcSettlement], { description: 'One per whole settlement period since the contract started operating. Money fields are FORBIDDEN to keys that may not read money.' })
  async settlements(@Root() c: EpcContract, @Arg('asOf', () => LocalDateScalar, { nullable: true }) asOf: string | undefined, @Ctx() ctx: Context): Promise<EpcSettlement[]> {
    const s = measured(ctx);
    const rows = await s.settlements(c, asOf ?? s.today());
    // The money fields are guarded on EpcSettlement itself (FORBIDDEN, not a silent null).
    return rows.map(toSettlement);
  }

  @FieldResolver(() => EpcBaselineVersion, { description: 'The baseline in force: frozen at SIGNED (or by the last rebaselining); before that, fitted live and marked frozen: false.' })
  async baselineModel(@Root() c: EpcContract, @Ctx() ctx: Context): Promise<EpcBaselineVersion> {
    return toBaselineVersion(await measured(ctx).baselineSet(c));
  }

  @FieldResolver(() => [EpcBaselineVersion], { description: 'Every frozen version, oldest first: a rebaselining shows the old model beside the new, with its reason.' })
  async baselineVersions(@Root() c: EpcContract, @Ctx() ctx: Context): Promise<EpcBaselineVersion[]> {
    return (await measured(ctx).baselineVersions(c)).map(toBaselineVersion);
  }

  @FieldResolver(() => [EpcNonRoutineEvent])
  nonRoutineEvents(@Root() c: EpcContract, @Ctx() ctx: Context): Promise<EpcNonRoutineEvent[]> {
    return measured(ctx).nonRoutineEvents(c);
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

  @Authorized('money')
  @FieldResolver(() => DecimalScalar, { nullable: true, description: 'Due to the ESCO (its shares, less guarantee shortfalls) minus payments, yuan.' })
  async balanceYuan(@Root() c: EpcContract, @Arg('asOf', () => LocalDateScalar, { nullable: true }) asOf: string | undefined, @Ctx() ctx: Context): Promise<string> {
    const s = measured(ctx);
    return s.balance(c, asOf ?? s.today());
  }

  @Authorized('money')
  @FieldResolver(() => [EpcPayment], { nullable: true })
  payments(@Root() c: EpcContract, @Ctx() ctx: Context): Promise<EpcPayment[]> {
    return ctx.loaders.paymentsByContract.load(c.id);
  }

  @FieldResolver(() => [EpcTransition], { description: 'Every step of the lifecycle, oldest first.' })
  transitions(@Root() c: EpcContract, @Ctx() ctx: Context): Promise<EpcTransition[]> {
    return ctx.loaders.transitionsByContract.load(c.id);
  }

  @FieldResolver(() => [EpcAsset])
  assets(@Root() c: EpcContract, @Ctx() ctx: Context): Promise<EpcAsset[]> {
    return ctx.loaders.assetsByContract.load(c.id);
  }

  @Subscription(() => EpcContract, {
    description: 'A contract this key may see changed (created, moved, paid).',
    subscribe: ({ args, context }: SubscribeResolverData<unknown, { filter?: EpcContractFilter }, Context>) => {
      const p = context.principal;
      const only = args.filter?.institutionId ? decodeIntId(args.filter.institutionId, 'Institution', 'filter.institutionId') : null;
      return filterIterable<EpcChangedPayload>(
        context.pubsub.subscribe(TOPICS.EPC_CHANGED),
        (ev) => (only === null || ev.institutionId === only) && canReadContractRow(p, 'epcContract', ev),
      );
    },
  })
  async epcContractChanged(@Root() ev: EpcChangedPayload, @Arg('filter', () => EpcContractFilter, { nullable: true }) _f: EpcContractFilter | undefined, @Ctx() ctx: Context): Promise<EpcContract> {
    return ctx.em.findOneOrFail(EpcContract, ev.contractId);
  }
}

@Resolver(() => EpcAsset)
export class EpcAssetResolver {
  @Authorized('money')
  @FieldResolver(() => DecimalScalar, { nullable: true })
  valueYuan(@Root() a: EpcAsset): string {
    return a.valueYuan;
  }

  @FieldResolver(() => String, { description: 'ESCO until handed over, then INSTITUTION.' })
  owner(@Root() a: EpcAsset): string {
    return a.handedOverAt ? 'INSTITUTION' : 'ESCO';
  }
}

@Resolver(() => EpcPayment)
export class EpcPaymentResolver {
  @FieldResolver(() => DecimalScalar)
  amountYuan(@Root() p: EpcPayment): string {
    return p.amountYuan;
  }
}

function toSettlement(r: SettlementRow): EpcSettlement {
  return {
    periodStart: r.periodStart,
    periodEnd: r.periodEnd,
    savings: r.savings as EpcSavings,
    savingsValueYuan: r.money?.savingsValue ?? null,
    escoShareYuan: r.money?.escoShareValue ?? null,
    clientShareYuan: r.money?.clientShareValue ?? null,
    shortfallYuan: r.money?.shortfallValue ?? null,
    frozenAt: r.frozenAt,
    pendingDifferenceKgce: r.pendingDifferenceKgce,
  };
}

function toBaselineVersion(b: BaselineSet): EpcBaselineVersion {
  return {
    version: b.version, frozen: b.frozen, fittedAt: b.fittedAt, fittedBy: b.fittedBy, reason: b.reason, from: b.from, to: b.to, dataCount: b.dataCount, dataHash: b.dataHash,
    models: b.carriers.map((c) => ({
      carrier: c.carrier, unit: c.unit, method: c.method, reason: c.reason, type: c.model?.type ?? null,
      heatingBalanceC: c.model?.heatingBalanceC ?? null, coolingBalanceC: c.model?.coolingBalanceC ?? null,
      coefficients: c.model?.coefficients ?? [], r2: c.model?.r2 ?? null, adjR2: c.model?.adjR2 ?? null, cvRmse: c.model?.cvRmse ?? null, nmbe: c.model?.nmbe ?? null,
      metricsFrequency: c.model?.metricsFrequency ?? null, observations: c.dataCount, autocorrelation: c.model?.autocorrelation ?? null,
      sufficiency: c.sufficiency, dataHash: c.dataHash,
    })),
  };
}

function publish(ctx: Context, c: EpcContract): void {
  const payload: EpcChangedPayload = { contractId: c.id, institutionId: c.institution.id, escoId: c.esco.id };
  ctx.pubsub.publish(TOPICS.EPC_CHANGED, payload);
}
