import { Field, Float, ID, InputType } from 'type-graphql';
import { Problems } from '../../errors/domain-errors';
import { decodeIdInto, decodeOptionalIntId } from '../../graphql/relay';
import { LocalDateScalar } from '../../graphql/scalars';
import type { IndicatorFilter } from '../accounting/accounting.inputs';
import { MAX_RECYCLING_ROWS, recyclingRowProblems, type RecyclingRow } from './recycling-ingest.service';
import type { RecyclingGroupFilter, RecyclingRecordQuery } from './recycling.service';
import { correctionProblems } from './recycling-correction.service';
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

const MONTH_DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The record filter as the service takes it: days checked, then the institution's id decoded. */
export function recyclingRecordQuery(filter: RecyclingRecordFilter | undefined): RecyclingRecordQuery | undefined {
  if (!filter) return undefined;
  const problems = new Problems();
  for (const f of ['from', 'to'] as const) if (filter[f] && !MONTH_DAY.test(filter[f]!)) problems.add(`filter.${f}`, 'a day, YYYY-MM-DD');
  problems.throwIfAny();
  return { ...filter, institutionId: decodeOptionalIntId(filter.institutionId, 'Institution', 'filter.institutionId') };
}

/** The group filter as the service takes it: the region's global id decoded. */
export function recyclingGroupFilter(filter: IndicatorFilter | undefined): RecyclingGroupFilter | undefined {
  return filter && { ...filter, regionId: decodeOptionalIntId(filter.regionId, 'Region', 'filter.regionId') };
}

/** The GraphQL rows as RecyclingRows, every problem of every row at once (BAD_USER_INPUT naming the rows). */
export function recyclingRows(input: RecyclingRowInput[], thisMonth: string): RecyclingRow[] {
  const problems = new Problems();
  if (!input.length) problems.add('rows', 'give at least one row');
  if (input.length > MAX_RECYCLING_ROWS) problems.add('rows', `at most ${MAX_RECYCLING_ROWS} rows per batch, got ${input.length}`);
  problems.throwIfAny();
  const rows = input.map((r, index) => {
    const institutionId = decodeIdInto(problems, r.institutionId, 'Institution', 'institutionId', index);
    const row: RecyclingRow = { institutionId, month: r.month, stream: r.stream, disposition: r.disposition, quantityKg: r.quantityKg };
    for (const p of recyclingRowProblems(row, thisMonth)) problems.add(p.field, p.message, index);
    return row;
  });
  problems.throwIfAny();
  return rows;
}

/** A correction as the service takes it: the record's id decoded, its mistakes and the quantity's in one answer. */
export function recyclingCorrection(input: CorrectRecyclingRecordInput): { recordId: number; quantityKg: number } {
  const problems = new Problems();
  const recordId = decodeIdInto(problems, input.recordId, 'RecyclingRecord', 'recordId');
  for (const p of correctionProblems(input.quantityKg)) problems.add(p.field, p.message);
  problems.throwIfAny();
  return { recordId, quantityKg: input.quantityKg };
}
