import { Field, Float, ID, InputType } from 'type-graphql';
import { Problems, ValidationError } from '../../errors/domain-errors';
import { decodeIntId } from '../../graphql/relay';
import { MAX_BATCH_ROWS, readingRowProblems, type IngestRow } from './ingest.service';
import { Carrier, MeterUnit, ReadingQuality } from './metering.enums';

@InputType()
export class MeterFilter {
  @Field(() => ID, { nullable: true })
  institutionId?: string;

  @Field(() => Carrier, { nullable: true })
  carrier?: Carrier;
}

@InputType()
export class CreateMeterInput {
  @Field(() => ID)
  institutionId!: string;

  @Field(() => Carrier)
  carrier!: Carrier;

  @Field(() => MeterUnit)
  unit!: MeterUnit;

  @Field()
  serial!: string;

  @Field({ nullable: true, description: 'Code of the agency that supplies the data (defaults to the caller’s agency).' })
  supplierAgency?: string;
}

@InputType()
export class ReadingRowInput {
  @Field(() => ID)
  meterId!: string;

  @Field()
  periodStart!: Date;

  @Field()
  periodEnd!: Date;

  @Field(() => Float)
  value!: number;

  @Field(() => ReadingQuality, { nullable: true, defaultValue: ReadingQuality.MEASURED })
  quality?: ReadingQuality;

  @Field({ nullable: true, defaultValue: false, description: 'Replace a different value already stored for this meter and period; the old value is kept in history.' })
  correction?: boolean;
}

@InputType()
export class IngestReadingsInput {
  @Field(() => [ReadingRowInput], { description: 'From 1 to 10,000 rows, all or nothing.' })
  rows!: ReadingRowInput[];
}

@InputType()
export class ReadingsIngestedFilter {
  @Field(() => ID, { nullable: true })
  institutionId?: string;

  @Field(() => ID, { nullable: true })
  meterId?: string;

  @Field(() => Carrier, { nullable: true })
  carrier?: Carrier;
}

/** The GraphQL rows as IngestRows, each checked on its own; every problem carries its row index. */
export function readingRows(rows: ReadingRowInput[]): IngestRow[] {
  const problems = new Problems();
  if (rows.length === 0) problems.add('rows', 'give at least one row');
  if (rows.length > MAX_BATCH_ROWS) problems.add('rows', `at most ${MAX_BATCH_ROWS} rows per batch, got ${rows.length}`);
  problems.throwIfAny();

  const parsed: IngestRow[] = [];
  // A batch names few meters many times: each ID is decoded once (a malformed one keeps its message).
  const meterIds = new Map<string, number | string>();
  rows.forEach((row, index) => {
    let meterId = meterIds.get(row.meterId);
    if (meterId === undefined) {
      try {
        meterId = decodeIntId(row.meterId, 'Meter', 'meterId');
      } catch (err) {
        if (!(err instanceof ValidationError)) throw err;
        meterId = err.problems[0].message;
      }
      meterIds.set(row.meterId, meterId);
    }
    if (typeof meterId === 'string') {
      problems.add('meterId', meterId, index);
      meterId = NaN;
    }
    for (const p of readingRowProblems(row)) problems.add(p.field, p.message, index);
    parsed.push({
      meterId,
      periodStart: row.periodStart,
      periodEnd: row.periodEnd,
      value: row.value,
      quality: row.quality ?? ReadingQuality.MEASURED,
      correction: row.correction ?? false,
    });
  });
  problems.throwIfAny();
  return parsed;
}
