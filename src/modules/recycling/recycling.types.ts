import { Field, Float, Int, ObjectType } from 'type-graphql';
import { RecyclingRecord } from './recycling-record.entity';
import { LocalDateScalar } from '../../graphql/scalars';
import { Period } from '../accounting/period';
import { InstitutionCategory } from '../registry/registry.enums';
import { RecyclingStream, type WasteDisposition } from './recycling.enums';

/** A recycling record as reads give it: a plain row, no entity (see InstitutionRow). */
export interface RecyclingRecordRow {
  id: number;
  /** The Relay id (`id` in the schema). */
  globalId: string;
  institution: { id: number };
  month: string;
  stream: RecyclingStream;
  disposition: WasteDisposition;
  quantityKg: string;
}

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

  @Field({ description: 'True when the year is closed: the figures are those of the records frozen at closing (or at the last recalculateYear).' })
  closed!: boolean;

  @Field({ description: 'True when records of this closed year were written or corrected after it was closed: the frozen figures leave them out until GOA runs recalculateYear.' })
  pendingRecalculation!: boolean;

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

  @Field(() => Int, { description: 'Records written in closed years: their frozen figures show them only after GOA runs recalculateYear.' })
  closedYearRows!: number;

  @Field(() => [Int], { description: 'The closed years those records fall in (now pendingRecalculation).' })
  closedYears!: number[];
}

@ObjectType({ description: "An institution's recycling records changed for these months." })
export class RecyclingChangedEvent {
  institutionId!: number;

  @Field(() => [LocalDateScalar], { description: 'First days of the local months whose figures changed.' })
  months!: string[];
}

@ObjectType({ description: 'Kilograms a record had before a correction replaced them.' })
export class RecyclingRecordRevision {
  @Field({ description: 'Kilograms (exact decimal, 3 places).' })
  quantityKg!: string;

  @Field({ description: 'The key that replaced them.' })
  replacedBy!: string;

  @Field()
  replacedAt!: Date;
}

@ObjectType({ description: 'What a correction did: the record as it is now.' })
export class CorrectRecyclingRecordPayload {
  @Field(() => RecyclingRecord)
  record!: RecyclingRecord;

  @Field({ description: 'False when the kilograms were already those stored (nothing changed).' })
  corrected!: boolean;

  @Field(() => Int, { description: '1 when the record is in a closed year: its frozen figures show the correction only after GOA runs recalculateYear.' })
  closedYearRows!: number;

  @Field(() => [Int], { description: 'The closed year the record falls in (now pendingRecalculation).' })
  closedYears!: number[];
}
