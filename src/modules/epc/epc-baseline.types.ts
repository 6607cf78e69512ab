import { Field, Float, Int, ObjectType } from 'type-graphql';
import { LocalDateScalar } from '../../graphql/scalars';
import { Carrier } from '../metering/metering.enums';
import type { BaselineSet } from './savings';

@ObjectType({ description: 'A regression coefficient with its standard error and two-sided p-value.' })
export class EpcCoefficient {
  @Field({ description: 'intercept (per day), betaHdd (per °C·day of heating), betaCdd (per °C·day of cooling).' })
  name!: string;

  @Field(() => Float)
  estimate!: number;

  @Field(() => Float)
  standardError!: number;

  @Field(() => Float)
  pValue!: number;
}

@ObjectType({ description: 'CalTRACK 2.0 baseline data sufficiency (365 days, 90% of days and of each month with meter data and temperatures).' })
export class EpcDataSufficiency {
  @Field({ description: 'PASS or FAIL.' })
  status!: string;

  @Field(() => Int)
  daysTotal!: number;

  @Field(() => Int)
  validDays!: number;

  @Field(() => Int)
  validMeterDays!: number;

  @Field(() => Int)
  validTemperatureDays!: number;

  @Field(() => [LocalDateScalar])
  shortMonths!: string[];

  @Field(() => [String])
  failures!: string[];

  @Field(() => Int)
  extremeValues!: number;
}

@ObjectType({ description: "One carrier's baseline model, fitted on its own." })
export class EpcCarrierModel {
  @Field(() => Carrier)
  carrier!: Carrier;

  @Field({ description: 'Unit the model predicts in.' })
  unit!: string;

  @Field({ description: 'CALTRACK_DAILY, CALTRACK_BILLING, or ROUTINE_ADJUSTMENT (no temperatures).' })
  method!: string;

  @Field({ description: 'Why this method.' })
  reason!: string;

  @Field(() => String, { nullable: true, description: 'INTERCEPT_ONLY, HDD_ONLY, CDD_ONLY or HDD_CDD.' })
  type!: string | null;

  @Field(() => Float, { nullable: true })
  heatingBalanceC!: number | null;

  @Field(() => Float, { nullable: true })
  coolingBalanceC!: number | null;

  @Field(() => [EpcCoefficient])
  coefficients!: EpcCoefficient[];

  @Field(() => Float, { nullable: true })
  r2!: number | null;

  @Field(() => Float, { nullable: true })
  adjR2!: number | null;

  @Field(() => Float, { nullable: true, description: 'ASHRAE G14 CV(RMSE) at metricsFrequency.' })
  cvRmse!: number | null;

  @Field(() => Float, { nullable: true, description: 'ASHRAE G14 NMBE at metricsFrequency.' })
  nmbe!: number | null;

  @Field(() => String, { nullable: true, description: 'DAILY or BILLING_PERIOD: what the statistics are computed on.' })
  metricsFrequency!: string | null;

  @Field(() => Int, { description: 'Observations fitted (days or billing periods; months for the routine adjustment).' })
  observations!: number;

  @Field(() => Float, { nullable: true, description: 'Lag-1 autocorrelation of the residuals.' })
  autocorrelation!: number | null;

  @Field(() => EpcDataSufficiency)
  sufficiency!: EpcDataSufficiency;

  @Field({ description: 'SHA-256 of the observations fitted.' })
  dataHash!: string;
}

@ObjectType({ description: 'A version of the contract baseline: frozen at SIGNED, replaced only by rebaselineEpcContract.' })
export class EpcBaselineVersion {
  @Field(() => Int, { nullable: true, description: 'Null: not frozen yet, fitted on the data of today.' })
  version!: number | null;

  @Field()
  frozen!: boolean;

  @Field(() => String, { nullable: true })
  fittedAt!: string | null;

  @Field(() => String, { nullable: true })
  fittedBy!: string | null;

  @Field(() => String, { nullable: true })
  reason!: string | null;

  @Field(() => LocalDateScalar)
  from!: string;

  @Field(() => LocalDateScalar)
  to!: string;

  @Field(() => Int)
  dataCount!: number;

  @Field()
  dataHash!: string;

  @Field(() => [EpcCarrierModel])
  models!: EpcCarrierModel[];
}

@ObjectType({ description: 'A non-routine event: an explicit adjustment of the baseline over [from, to).' })
export class EpcNonRoutineEvent {
  @Field(() => LocalDateScalar)
  from!: string;

  @Field(() => LocalDateScalar)
  to!: string;

  @Field(() => Float)
  adjustmentKgce!: number;

  @Field()
  reason!: string;

  @Field()
  recordedBy!: string;

  @Field()
  recordedAt!: Date;
}

/** A frozen (or live) baseline set as the schema shows it. */
export function toBaselineVersion(b: BaselineSet): EpcBaselineVersion {
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
