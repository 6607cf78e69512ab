import { Authorized, Field, Float, Int, ObjectType } from 'type-graphql';
import { DecimalScalar, LocalDateScalar } from '../../graphql/scalars';
import { Carrier } from '../metering/metering.enums';
import { SavingsPillar, type BaselineDriver, type EpcStatus, type EpcType, type SettlementPeriod } from './epc.enums';
import type { EpcMeasure } from './epc-contract.entity';
import type { SettlementRow } from './mv.service';

/**
 * A contract as reads give it: a plain row, no entity (see InstitutionRow). The entity satisfies it
 * too, so M&V takes either: a read measures the row, a write the entity it changes.
 */
export interface EpcContractRow {
  id: number;
  /** The Relay id (`id` in the schema). */
  globalId: string;
  institution: { id: number };
  esco: { id: number };
  title: string;
  titleZh: string | null;
  type: EpcType;
  status: EpcStatus;
  carriers: Carrier[];
  measures: EpcMeasure[];
  termStart: string;
  termEnd: string;
  /** Money as exact decimal text (numeric), as the entity maps it. */
  investmentYuan: string;
  escoShare: string | null;
  guaranteedSavingsRate: string | null;
  /** Yuan per unit of each carrier, as decimal strings. */
  prices: Record<string, string>;
  baselineStart: string;
  baselineDriver: BaselineDriver;
  settlementPeriod: SettlementPeriod;
  createdAt: Date;
  createdBy: string;
}

/** An ESCO as reads give it: a plain row, no entity (see InstitutionRow). */
export interface EscoRow {
  id: number;
  /** The Relay id (`id` in the schema). */
  globalId: string;
  name: string;
  nameZh: string;
  creditCode: string;
}

/** A lifecycle step as reads give it. */
export interface EpcTransitionRow {
  id: number;
  contract: { id: number };
  fromStatus: EpcStatus | null;
  toStatus: EpcStatus;
  note: string | null;
  actor: string;
  at: Date;
  effectiveAt: Date;
}

/** An asset as reads give it; money as exact decimal text (numeric(14,2)), as the entity maps it. */
export interface EpcAssetRow {
  id: number;
  contract: { id: number };
  name: string;
  quantity: number;
  valueYuan: string;
  handedOverAt: Date | null;
  handoverRecordedAt: Date | null;
  handoverRecordedBy: string | null;
}

/** A payment as reads give it (money as in EpcAssetRow). */
export interface EpcPaymentRow {
  id: number;
  contract: { id: number };
  amountYuan: string;
  paidOn: string;
  note: string | null;
  recordedBy: string;
  recordedAt: Date;
  effectiveAt: Date | null;
}

@ObjectType()
export class EpcMeasureType {
  @Field()
  name!: string;

  @Field(() => SavingsPillar)
  pillar!: SavingsPillar;
}

@ObjectType()
export class CarrierPrice {
  @Field(() => Carrier)
  carrier!: Carrier;

  @Field(() => DecimalScalar)
  priceYuan!: string;
}

@ObjectType({ description: 'Days left out of a measurement, and why: never spread, never a change of method.' })
export class MissingDaysType {
  @Field(() => Carrier, { nullable: true })
  carrier!: Carrier | null;

  @Field({ description: 'TEMPERATURE (no daily mean at the station) or METER (the meters do not cover the whole day).' })
  reason!: string;

  @Field(() => [LocalDateScalar])
  days!: string[];
}

@ObjectType({ description: 'A measured month: adjusted baseline against actual use.' })
export class MonthSavingsType {
  @Field(() => LocalDateScalar)
  month!: string;

  @Field(() => LocalDateScalar, { description: 'The baseline month it is compared with.' })
  baselineMonth!: string;

  @Field(() => Float)
  adjustedBaselineKgce!: number;

  @Field(() => Float)
  actualKgce!: number;

  @Field(() => Float)
  savingsKgce!: number;

  @Field(() => Float)
  coverage!: number;

  @Field({ description: 'Readings cover under 90% of the month or its baseline month: left out of the totals.' })
  insufficientData!: boolean;

  @Field(() => Float, { description: 'Non-routine adjustment added to the adjusted baseline in the month, kgce.' })
  nonRoutineAdjustmentKgce!: number;

  @Field(() => [MissingDaysType], { description: 'Days left out of the month (no temperature, or incomplete meter data).' })
  missing!: MissingDaysType[];
}

@ObjectType()
export class CarrierSavingType {
  @Field(() => Carrier)
  carrier!: Carrier;

  @Field()
  unit!: string;

  @Field(() => Float)
  adjustedBaseline!: number;

  @Field(() => Float)
  actual!: number;

  @Field(() => Float)
  savings!: number;

  @Field(() => Float)
  savingsKgce!: number;

  @Field({ description: 'CALTRACK_DAILY, CALTRACK_BILLING or ROUTINE_ADJUSTMENT: the method of the frozen baseline.' })
  method!: string;

  @Field(() => Float)
  adjustedBaselineKgce!: number;

  @Field(() => Int, { description: 'Observations measured: days (daily method) or months.' })
  points!: number;

  @Field(() => Float, { nullable: true, description: 'Lower end of the 90% interval of savingsKgce (ASHRAE Guideline 14, autocorrelation-adjusted).' })
  lowKgce!: number | null;

  @Field(() => Float, { nullable: true })
  highKgce!: number | null;

  @Field(() => Float, { nullable: true, description: 'Fractional savings uncertainty at 90%: half-width / |savings|.' })
  fsu!: number | null;
}

@ObjectType({ description: 'Fit of a CalTRACK-style degree-day baseline (the first carrier with a model; see EpcContract.baselineModel for all).' })
export class DegreeDayFit {
  @Field()
  model!: string;

  @Field(() => Float)
  intercept!: number;

  @Field(() => Float)
  betaHeating!: number;

  @Field(() => Float)
  betaCooling!: number;

  @Field(() => Float, { nullable: true })
  heatingBalanceC!: number | null;

  @Field(() => Float, { nullable: true })
  coolingBalanceC!: number | null;

  @Field(() => Float)
  r2!: number;

  @Field(() => Float, { nullable: true, description: 'CV(RMSE) of the baseline fit.' })
  cvRmse!: number | null;

  @Field(() => Int)
  n!: number;
}

@ObjectType({ description: 'Savings = adjusted baseline - actual over a period, from meter data.' })
export class EpcSavings {
  @Field(() => LocalDateScalar)
  from!: string;

  @Field(() => LocalDateScalar)
  to!: string;

  @Field({ description: 'ROUTINE_ADJUSTMENT (scaled by floor area or headcount) or DEGREE_DAY.' })
  method!: string;

  @Field(() => Float)
  adjustedBaselineKgce!: number;

  @Field(() => Float)
  actualKgce!: number;

  @Field(() => Float)
  savingsKgce!: number;

  @Field(() => Float, { nullable: true })
  savingsRate!: number | null;

  @Field({ description: 'True when a month lacked data and was left out.' })
  flagged!: boolean;

  @Field(() => [CarrierSavingType])
  byCarrier!: CarrierSavingType[];

  @Field(() => [MonthSavingsType])
  months!: MonthSavingsType[];

  @Field(() => DegreeDayFit, { nullable: true })
  fit!: DegreeDayFit | null;

  @Field(() => Float, { description: 'Savings, kgce (= savingsKgce).' })
  kgce!: number;

  @Field(() => Float, { nullable: true, description: 'Lower end of the 90% interval (ASHRAE Guideline 14 with the autocorrelation adjustment; carriers combined in quadrature). Null without a CalTRACK model.' })
  lowKgce!: number | null;

  @Field(() => Float, { nullable: true })
  highKgce!: number | null;

  @Field(() => Float, { nullable: true, description: 'Fractional savings uncertainty at 90%: half-width of the interval / |savings|.' })
  fsu!: number | null;

  @Field(() => Float, { description: 'Non-routine adjustments in the counted months, kgce.' })
  nonRoutineAdjustmentKgce!: number;

  @Field(() => [MissingDaysType], { description: 'Days left out (no temperature, or incomplete meter data), by carrier; they make the period flagged.' })
  missingDays!: MissingDaysType[];

  @Field({ description: 'Every month had enough data (a settlement can be paid).' })
  complete!: boolean;

  @Field(() => Int, { nullable: true, description: 'Version of the frozen baseline used; null when fitted live (not frozen yet).' })
  baselineVersion!: number | null;

  @Field()
  baselineFrozen!: boolean;
}

@ObjectType({ description: 'One settlement period: the measured savings and, when the data suffices, the money.' })
export class EpcSettlement {
  @Field(() => LocalDateScalar)
  periodStart!: string;

  @Field(() => LocalDateScalar)
  periodEnd!: string;

  @Field(() => EpcSavings)
  savings!: EpcSavings;

  @Authorized('money')
  @Field(() => DecimalScalar, { nullable: true, description: 'Savings at the contract prices, yuan. Null when the period is flagged.' })
  savingsValueYuan!: string | null;

  @Authorized('money')
  @Field(() => DecimalScalar, { nullable: true })
  escoShareYuan!: string | null;

  @Authorized('money')
  @Field(() => DecimalScalar, { nullable: true })
  clientShareYuan!: string | null;

  @Authorized('money')
  @Field(() => DecimalScalar, { nullable: true, description: 'Owed by the ESCO under a savings guarantee.' })
  shortfallYuan!: string | null;

  @Field(() => Date, { nullable: true, description: 'When a payment froze the figures; they change only when FINANCE accepts a difference.' })
  frozenAt!: Date | null;

  @Field(() => Float, { nullable: true, description: 'Live savings minus the frozen ones (late readings or temperatures), kgce; null when none. Accept with acceptSettlementDifference.' })
  pendingDifferenceKgce!: number | null;
}

@ObjectType()
export class BaselineCarrier {
  @Field(() => Carrier)
  carrier!: Carrier;

  @Field(() => Float)
  quantity!: number;

  @Field()
  unit!: string;

  @Field(() => Float)
  kgce!: number;
}

@ObjectType({ description: "The contract's twelve baseline months, from the meters." })
export class EpcBaseline {
  @Field(() => LocalDateScalar)
  from!: string;

  @Field(() => LocalDateScalar)
  to!: string;

  @Field(() => Float)
  kgce!: number;

  @Field(() => Float, { description: 'Share of the baseline covered by readings.' })
  coverage!: number;

  @Field(() => [BaselineCarrier])
  byCarrier!: BaselineCarrier[];
}

/** A settlement as the schema shows it (money null where the service left it out). */
export function toSettlement(r: SettlementRow): EpcSettlement {
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
