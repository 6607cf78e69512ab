import { Field, Float, ID, InputType, Int } from 'type-graphql';
import { InstitutionCategory, RegionLevel } from './registry.enums';

@InputType()
export class InstitutionFilter {
  @Field(() => ID, { nullable: true, description: 'Institutions in this region or any region below it.' })
  regionId?: string;

  @Field(() => InstitutionCategory, { nullable: true })
  category?: InstitutionCategory;

  @Field({ nullable: true })
  inMunicipalAppraisal?: boolean;

  @Field({ nullable: true, description: 'Matches the English or Chinese name, or the credit code.' })
  search?: string;
}

@InputType()
export class RegionFilter {
  @Field(() => RegionLevel, { nullable: true })
  level?: RegionLevel;

  @Field(() => ID, { nullable: true })
  parentId?: string;
}

@InputType()
export class CreateInstitutionInput {
  @Field()
  name!: string;

  @Field()
  nameZh!: string;

  @Field({ description: 'Unified social credit code (18 characters, GB 32100-2015).' })
  creditCode!: string;

  @Field(() => InstitutionCategory)
  category!: InstitutionCategory;

  @Field(() => ID)
  regionId!: string;

  @Field({ nullable: true, defaultValue: false })
  inMunicipalAppraisal?: boolean;
}

@InputType()
export class UpdateInstitutionInput {
  @Field({ nullable: true })
  name?: string;

  @Field({ nullable: true })
  nameZh?: string;

  @Field({ nullable: true })
  creditCode?: string;

  @Field(() => InstitutionCategory, { nullable: true })
  category?: InstitutionCategory;

  @Field(() => ID, { nullable: true })
  regionId?: string;

  @Field({ nullable: true })
  inMunicipalAppraisal?: boolean;
}

@InputType()
export class InstitutionProfileInput {
  @Field(() => ID)
  institutionId!: string;

  @Field(() => Int)
  year!: number;

  @Field(() => Int, { nullable: true })
  headcount?: number | null;

  @Field(() => Float, { nullable: true })
  floorAreaM2?: number | null;

  @Field(() => Float, { nullable: true })
  heatedAreaM2?: number | null;

  @Field(() => Float, { nullable: true })
  cooledAreaM2?: number | null;
}
