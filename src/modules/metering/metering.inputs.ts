import { Field, Float, ID, InputType } from 'type-graphql';
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
