import { LocalDateScalar } from '../../graphql/scalars';
import { Field, ID, InputType } from 'type-graphql';
import { DecimalScalar } from '../../graphql/scalars';
import { Carrier } from '../metering/metering.enums';
import { BaselineDriver, EpcStatus, EpcType, SavingsPillar, SettlementPeriod } from './epc.enums';

@InputType()
export class EpcMeasureInput {
  @Field()
  name!: string;

  @Field(() => SavingsPillar)
  pillar!: SavingsPillar;
}

@InputType()
export class CarrierPriceInput {
  @Field(() => Carrier)
  carrier!: Carrier;

  @Field(() => DecimalScalar, { description: 'Yuan per unit of the carrier (per kWh, per m³...).' })
  priceYuan!: string;
}

@InputType()
export class CreateEpcContractInput {
  @Field(() => ID)
  institutionId!: string;

  @Field(() => ID)
  escoId!: string;

  @Field()
  title!: string;

  @Field(() => String, { nullable: true, description: 'The title in Chinese.' })
  titleZh?: string | null;

  @Field(() => EpcType)
  type!: EpcType;

  @Field(() => [Carrier])
  carriers!: Carrier[];

  @Field(() => [EpcMeasureInput])
  measures!: EpcMeasureInput[];

  @Field(() => LocalDateScalar)
  termStart!: string;

  @Field(() => LocalDateScalar, { description: 'Day after the last day of the term.' })
  termEnd!: string;

  @Field(() => DecimalScalar)
  investmentYuan!: string;

  @Field(() => Date, { nullable: true, description: 'When the contract was drafted, for one drafted before it was entered (not in the future); default now.' })
  effectiveAt?: Date | null;

  @Field(() => DecimalScalar, { nullable: true, description: "ESCO's share of the savings value (0 to 1), for BENEFIT_SHARING and HYBRID." })
  escoShare?: string | null;

  @Field(() => DecimalScalar, { nullable: true, description: 'Guaranteed savings rate (0 to 1), for GUARANTEED_SAVINGS and HYBRID.' })
  guaranteedSavingsRate?: string | null;

  @Field(() => [CarrierPriceInput])
  prices!: CarrierPriceInput[];

  @Field(() => LocalDateScalar, { description: 'First day (of a month) of the twelve-month baseline.' })
  baselineStart!: string;

  @Field(() => BaselineDriver, { defaultValue: BaselineDriver.FLOOR_AREA })
  baselineDriver!: BaselineDriver;

  @Field(() => SettlementPeriod, { defaultValue: SettlementPeriod.QUARTER })
  settlementPeriod!: SettlementPeriod;
}

@InputType()
export class EpcContractFilter {
  @Field(() => ID, { nullable: true })
  institutionId?: string | null;

  @Field(() => ID, { nullable: true })
  escoId?: string | null;

  @Field(() => EpcStatus, { nullable: true })
  status?: EpcStatus | null;

  @Field(() => EpcType, { nullable: true })
  type?: EpcType | null;
}

@InputType()
export class EpcAssetInput {
  @Field()
  name!: string;

  @Field()
  quantity!: number;

  @Field(() => DecimalScalar)
  valueYuan!: string;
}
