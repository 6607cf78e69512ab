import { Field, ID, InputType } from 'type-graphql';
import { InstitutionCategory } from '../registry/registry.enums';

@InputType()
export class IndicatorFilter {
  @Field(() => ID, { nullable: true, description: 'Institutions in this region or below it.' })
  regionId?: string | null;

  @Field(() => InstitutionCategory, { nullable: true })
  category?: InstitutionCategory | null;

  @Field(() => Boolean, { nullable: true })
  inMunicipalAppraisal?: boolean | null;
}

@InputType()
export class IndicatorUpdatedFilter {
  @Field(() => ID, { nullable: true })
  institutionId?: string | null;
}
