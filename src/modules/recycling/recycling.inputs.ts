import { Field, Float, ID, InputType } from 'type-graphql';
import { LocalDateScalar } from '../../graphql/scalars';
import { RecyclingStream, WasteDisposition } from './recycling.enums';

@InputType({ description: "One month's kilograms of one stream and disposition at an institution." })
export class RecyclingRowInput {
  @Field(() => ID)
  institutionId!: string;

  @Field(() => LocalDateScalar, { description: 'First day of the local month (2024-03-01).' })
  month!: string;

  @Field(() => RecyclingStream)
  stream!: RecyclingStream;

  @Field(() => WasteDisposition)
  disposition!: WasteDisposition;

  @Field(() => Float, { description: 'Kilograms, 0 or more, at most 3 decimals.' })
  quantityKg!: number;
}

@InputType()
export class RecyclingBatchInput {
  @Field(() => [RecyclingRowInput])
  rows!: RecyclingRowInput[];
}

@InputType()
export class RecyclingRecordFilter {
  @Field(() => ID, { nullable: true })
  institutionId?: string | null;

  @Field(() => RecyclingStream, { nullable: true })
  stream?: RecyclingStream | null;

  @Field(() => LocalDateScalar, { nullable: true, description: 'Months from this day (inclusive).' })
  from?: string | null;

  @Field(() => LocalDateScalar, { nullable: true, description: 'Months before this day (exclusive).' })
  to?: string | null;
}

@InputType({ description: "A stored record's kilograms corrected; its month, stream and disposition stay." })
export class CorrectRecyclingRecordInput {
  @Field(() => ID)
  recordId!: string;

  @Field(() => Float, { description: 'The right kilograms, 0 or more, at most 3 decimals.' })
  quantityKg!: number;
}
