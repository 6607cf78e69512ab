import { Field, Float, Int, ObjectType } from 'type-graphql';
import { LocalDateScalar } from '../../graphql/scalars';
import { Period } from '../accounting/period';
import { InstitutionCategory } from '../registry/registry.enums';
import { RecyclingStream } from './recycling.enums';

@ObjectType({ description: 'Kilograms of one waste stream by disposition, and its recycling rate.' })
export class RecyclingStreamFigures {
  @Field(() => RecyclingStream)
  stream!: RecyclingStream;

  @Field(() => Float)
  recycledKg!: number;

  @Field(() => Float)
  landfilledKg!: number;

  @Field(() => Float)
  incineratedKg!: number;

  @Field(() => Float)
  totalKg!: number;

  @Field(() => Float, { nullable: true, description: 'Recycled kg over total kg; null when nothing was recorded.' })
  recyclingRate!: number | null;
}

@ObjectType({ description: "Recycling figures of an institution or a group for a period; a group's rates are ratios of its sums." })
export class RecyclingFigures {
  institutionId!: number | null;
  regionId!: number | null;

  @Field(() => InstitutionCategory, { nullable: true, description: 'The group’s category (groupBy: CATEGORY).' })
  category!: InstitutionCategory | null;

  @Field(() => Period)
  period!: Period;

  @Field(() => Int)
  institutionCount!: number;

  @Field({ description: 'Figures withheld: the group is too small to publish to this key (aggregates only).' })
  suppressed!: boolean;

  @Field(() => [RecyclingStreamFigures], { description: 'Every stream, in a fixed order (empty when suppressed).' })
  byStream!: RecyclingStreamFigures[];

  @Field(() => Float, { nullable: true })
  recycledKg!: number | null;

  @Field(() => Float, { nullable: true })
  landfilledKg!: number | null;

  @Field(() => Float, { nullable: true })
  incineratedKg!: number | null;

  @Field(() => Float, { nullable: true })
  totalKg!: number | null;

  @Field(() => Float, { nullable: true, description: 'Recycled kg over total kg, all streams; null when nothing was recorded or suppressed.' })
  recyclingRate!: number | null;

  @Field(() => Float, { nullable: true, description: 'Months with records over months of the period, per institution of the group.' })
  coverage!: number | null;
}

@ObjectType({ description: 'What a batch of recycling records did: all rows or none were written.' })
export class RecyclingIngestResult {
  @Field(() => Int, { description: 'Records written.' })
  accepted!: number;

  @Field(() => Int, { description: 'Rows equal to records already stored (a repeated batch changes nothing).' })
  duplicates!: number;
}

@ObjectType({ description: "An institution's recycling records changed for these months." })
export class RecyclingChangedEvent {
  institutionId!: number;

  @Field(() => [LocalDateScalar], { description: 'First days of the local months whose figures changed.' })
  months!: string[];
}
