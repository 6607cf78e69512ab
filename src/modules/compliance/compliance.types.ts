import { Field, Int, ObjectType } from 'type-graphql';
import { AlertDirection, ComplianceStatus, IndicatorKind } from './compliance.enums';

@ObjectType({ description: "An institution's projected year crossed its constraint value (or came back under it)." })
export class ComplianceAlertEvent {
  institutionId!: number;

  @Field(() => Int)
  year!: number;

  @Field(() => IndicatorKind)
  indicator!: IndicatorKind;

  @Field(() => AlertDirection)
  direction!: AlertDirection;

  @Field()
  projectedValue!: number;

  @Field()
  yearToDateValue!: number;

  @Field()
  constraintValue!: number;

  @Field({ description: 'Last day with readings the projection is based on (YYYY-MM-DD).' })
  through!: string;
}

@ObjectType()
export class EntryIndicatorResult {
  @Field(() => IndicatorKind)
  indicator!: IndicatorKind;

  @Field(() => Number, { nullable: true })
  value!: number | null;

  @Field(() => ComplianceStatus, { nullable: true })
  status!: ComplianceStatus | null;

  @Field(() => Number, { nullable: true })
  constraintValue!: number | null;
}
