import { Arg, Authorized, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { DecimalScalar, LocalDateScalar } from '../../graphql/scalars';
import type { Context } from '../../graphql/context';
import { PeriodInput } from '../accounting/period';
import { Institution } from '../registry/institution.entity';
import { EpcAsset, EpcContract, EpcPayment, EpcTransition } from './epc-contract.entity';
import { EpcBaselineVersion, EpcNonRoutineEvent, toBaselineVersion } from './epc-baseline.types';
import { CarrierPrice, EpcBaseline, EpcMeasureType, EpcSavings, EpcSettlement, toSettlement, type EpcAssetRow, type EpcContractRow, type EpcPaymentRow, type EpcTransitionRow, type EscoRow } from './epc.types';
import { Esco } from './esco.entity';
import { MvService } from './mv.service';
import type { InstitutionRow } from '../registry/registry.types';

const measured = (ctx: Context) => new MvService(ctx.db, ctx.em, ctx.principal, ctx.loaders.mv);

/** The fields of a contract (a read's row, a mutation's entity): its parties and lists through the request's loaders, its M&V figures from MvService. */
@Resolver(() => EpcContract)
export class EpcContractFieldsResolver {
  @FieldResolver(() => Institution)
  async institution(@Root() c: EpcContractRow, @Ctx() ctx: Context): Promise<InstitutionRow> {
    return (await ctx.loaders.institutionById.load(c.institution.id))!;
  }

  @FieldResolver(() => Esco)
  async esco(@Root() c: EpcContractRow, @Ctx() ctx: Context): Promise<EscoRow> {
    return (await ctx.loaders.escoById.load(c.esco.id))!;
  }

  @FieldResolver(() => [EpcMeasureType])
  measures(@Root() c: EpcContractRow): EpcMeasureType[] {
    return c.measures;
  }

  @Authorized('money')
  @FieldResolver(() => DecimalScalar, { nullable: true })
  investmentYuan(@Root() c: EpcContractRow): string {
    return c.investmentYuan;
  }

  @Authorized('money')
  @FieldResolver(() => DecimalScalar, { nullable: true, description: "The ESCO's share of the savings value (0 to 1)." })
  escoShare(@Root() c: EpcContractRow): string | null {
    return c.escoShare;
  }

  @Authorized('money')
  @FieldResolver(() => [CarrierPrice], { nullable: true, description: 'Energy prices of the contract, yuan per unit.' })
  prices(@Root() c: EpcContractRow): CarrierPrice[] {
    return Object.entries(c.prices).map(([carrier, priceYuan]) => ({ carrier, priceYuan }) as CarrierPrice);
  }

  @FieldResolver(() => EpcBaseline, { description: 'The baseline consumption, taken from the meters.' })
  baseline(@Root() c: EpcContractRow, @Ctx() ctx: Context): Promise<EpcBaseline> {
    return measured(ctx).baseline(c) as Promise<EpcBaseline>;
  }

  @FieldResolver(() => EpcSavings, { description: 'Measured savings over a period (adjusted baseline - actual).' })
  savings(@Root() c: EpcContractRow, @Arg('period', () => PeriodInput) period: PeriodInput, @Ctx() ctx: Context): Promise<EpcSavings> {
    return measured(ctx).savings(c, period) as Promise<EpcSavings>;
  }

  @FieldResolver(() => [EpcSettlement], { description: 'One per whole settlement period since the contract started operating. Money fields are FORBIDDEN to keys that may not read money.' })
  async settlements(@Root() c: EpcContractRow, @Arg('asOf', () => LocalDateScalar, { nullable: true }) asOf: string | undefined, @Ctx() ctx: Context): Promise<EpcSettlement[]> {
    const s = measured(ctx);
    const rows = await s.settlements(c, asOf ?? s.today());
    // The money fields are guarded on EpcSettlement itself (FORBIDDEN, not a silent null).
    return rows.map(toSettlement);
  }

  @FieldResolver(() => EpcBaselineVersion, { description: 'The baseline in force: frozen at SIGNED (or by the last rebaselining); before that, fitted live and marked frozen: false.' })
  async baselineModel(@Root() c: EpcContractRow, @Ctx() ctx: Context): Promise<EpcBaselineVersion> {
    return toBaselineVersion(await measured(ctx).baselineSet(c));
  }

  @FieldResolver(() => [EpcBaselineVersion], { description: 'Every frozen version, oldest first: a rebaselining shows the old model beside the new, with its reason.' })
  async baselineVersions(@Root() c: EpcContractRow, @Ctx() ctx: Context): Promise<EpcBaselineVersion[]> {
    return (await measured(ctx).baselineVersions(c)).map(toBaselineVersion);
  }

  @FieldResolver(() => [EpcNonRoutineEvent])
  nonRoutineEvents(@Root() c: EpcContractRow, @Ctx() ctx: Context): Promise<EpcNonRoutineEvent[]> {
    return measured(ctx).nonRoutineEvents(c);
  }

  @Authorized('money')
  @FieldResolver(() => DecimalScalar, { nullable: true, description: 'Due to the ESCO (its shares, less guarantee shortfalls) minus payments, yuan.' })
  async balanceYuan(@Root() c: EpcContractRow, @Arg('asOf', () => LocalDateScalar, { nullable: true }) asOf: string | undefined, @Ctx() ctx: Context): Promise<string> {
    const s = measured(ctx);
    return s.balance(c, asOf ?? s.today());
  }

  @Authorized('money')
  @FieldResolver(() => [EpcPayment], { nullable: true })
  payments(@Root() c: EpcContractRow, @Ctx() ctx: Context): Promise<EpcPaymentRow[]> {
    return ctx.loaders.paymentsByContract.load(c.id);
  }

  @FieldResolver(() => [EpcTransition], { description: 'Every step of the lifecycle, oldest first.' })
  transitions(@Root() c: EpcContractRow, @Ctx() ctx: Context): Promise<EpcTransitionRow[]> {
    return ctx.loaders.transitionsByContract.load(c.id);
  }

  @FieldResolver(() => [EpcAsset])
  assets(@Root() c: EpcContractRow, @Ctx() ctx: Context): Promise<EpcAssetRow[]> {
    return ctx.loaders.assetsByContract.load(c.id);
  }
}

@Resolver(() => EpcAsset)
export class EpcAssetResolver {
  @Authorized('money')
  @FieldResolver(() => DecimalScalar, { nullable: true })
  valueYuan(@Root() a: EpcAssetRow): string {
    return a.valueYuan;
  }

  @FieldResolver(() => String, { description: 'ESCO until handed over, then INSTITUTION.' })
  owner(@Root() a: EpcAssetRow): string {
    return a.handedOverAt ? 'INSTITUTION' : 'ESCO';
  }
}

@Resolver(() => EpcPayment)
export class EpcPaymentResolver {
  @FieldResolver(() => DecimalScalar)
  amountYuan(@Root() p: EpcPaymentRow): string {
    return p.amountYuan;
  }
}
