import { Field, Float, Int, ObjectType } from 'type-graphql';
import { LocalDateScalar } from '../../graphql/scalars';
import { Carrier } from '../metering/metering.enums';

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
