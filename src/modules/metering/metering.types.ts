import { Field, Float, Int, ObjectType } from 'type-graphql';
import { Connection } from '../../graphql/relay';
import { Carrier, MeterUnit, type ReadingQuality } from './metering.enums';
import { Meter } from './meter.entity';
import { Reading } from './reading.entity';
import { ReadingBatch, type BatchSource } from './reading-batch.entity';

export const MeterConnection = Connection(Meter, 'Meter');
export const ReadingConnection = Connection(Reading, 'Reading');

/**
 * A meter as list reads give it: a plain row with what the GraphQL type reads, no entity (the entity
 * has the same shape, so field resolvers take either; see InstitutionRow).
 */
export interface MeterReadRow {
  id: number;
  /** The Relay id (`id` in the schema). */
  globalId: string;
  institution: { id: number };
  carrier: Carrier;
  unit: MeterUnit;
  serial: string;
}

/** A reading as reads give it (see MeterReadRow); the id is a bigint's text. */
export interface ReadingRow {
  id: string;
  globalId: string;
  meter: { id: number };
  periodStart: Date;
  periodEnd: Date;
  value: number;
  quality: ReadingQuality;
  batch: { id: number };
}

/** A meter read by id, and whether the key may read it (a lookup answers FORBIDDEN, a list leaves it out). */
export interface MeterAccessRow {
  meter: MeterReadRow;
  readable: boolean;
}

/** A reading read by id, and whether the key may read its meter. */
export interface ReadingAccessRow {
  reading: ReadingRow;
  readable: boolean;
}

/** A readings batch as reads give it (see MeterReadRow). */
export interface ReadingBatchRow {
  id: number;
  globalId: string;
  source: BatchSource;
  submittedBy: string;
  receivedAt: Date;
  accepted: number;
  duplicates: number;
  corrected: number;
}

/** An earlier value of a reading as reads give it, with its reading's key. */
export interface ReadingRevisionRow {
  readingId: string;
  readingPeriodStart: Date;
  value: number;
  quality: ReadingQuality;
  replacedAt: Date;
}

@ObjectType({ description: 'What one ingest did: rows new, rows already there, rows corrected.' })
export class IngestReadingsPayload {
  @Field(() => Int)
  accepted!: number;

  @Field(() => Int)
  duplicates!: number;

  @Field(() => Int)
  corrected!: number;

  /** Resolved by IngestReadingsPayloadResolver only when asked for: most clients read the counts alone. */
  @Field(() => ReadingBatch, { nullable: true, description: 'Null when nothing changed.' })
  batch?: ReadingBatch | null;

  batchId!: number | null;

  @Field(() => Int, { description: 'Rows added or corrected in closed years: their frozen figures show them only after GOA runs recalculateYear.' })
  closedYearRows!: number;

  @Field(() => [Int], { description: 'The closed years those rows fall in (now pendingRecalculation).' })
  closedYears!: number[];
}

@ObjectType({ description: 'Readings of one meter changed by a committed batch.', simpleResolvers: true })
export class ReadingsIngestedEvent {
  meterId!: number;

  @Field(() => Carrier)
  carrier!: Carrier;

  @Field(() => MeterUnit)
  unit!: MeterUnit;

  @Field(() => Int, { description: 'Rows of this meter added or corrected.' })
  rows!: number;

  @Field()
  periodStart!: Date;

  @Field()
  periodEnd!: Date;

  @Field(() => Float, { description: "Sum of the rows' values, in the meter's unit." })
  total!: number;

  @Field({ description: 'When the batch committed (server clock): delivery latency is measured from here.' })
  committedAt!: Date;
}
