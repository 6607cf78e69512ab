import { Field, Float, ID, InputType, Int } from 'type-graphql';
import { InstitutionCategory } from '../registry/registry.enums';
import { IndicatorKind, RectificationStatus } from './compliance.enums';

@InputType()
export class QuotaStandardInput {
  @Field(() => ID, { description: 'Province, city or county the quota applies in (and below).' })
  regionId!: string;

  @Field(() => InstitutionCategory)
  category!: InstitutionCategory;

  @Field(() => IndicatorKind)
  indicator!: IndicatorKind;

  @Field(() => Int)
  yearFrom!: number;

  @Field(() => Int, { nullable: true })
  yearTo?: number | null;

  @Field(() => Float)
  constraintValue!: number;

  @Field(() => Float, { nullable: true })
  baselineValue?: number | null;

  @Field(() => Float, { nullable: true })
  guideValue?: number | null;

  @Field()
  source!: string;
}

@InputType()
export class QuotaFilter {
  @Field(() => IndicatorKind, { nullable: true })
  indicator?: IndicatorKind | null;

  @Field(() => InstitutionCategory, { nullable: true })
  category?: InstitutionCategory | null;

  @Field(() => Int, { nullable: true, description: 'Standards in force in this year.' })
  year?: number | null;
}

@InputType()
export class RectificationFilter {
  @Field(() => Int, { nullable: true })
  year?: number | null;

  @Field(() => RectificationStatus, { nullable: true })
  status?: RectificationStatus | null;

  @Field(() => ID, { nullable: true })
  institutionId?: string | null;
}

@InputType()
export class ComplianceAlertFilter {
  @Field(() => ID, { nullable: true })
  institutionId?: string | null;

  @Field(() => IndicatorKind, { nullable: true })
  indicator?: IndicatorKind | null;
}
