import { IngestReadingsPayloadResolver, MeterResolver, ReadingResolver, ReadingsIngestedEventResolver } from './metering.resolver';

export const MeteringResolvers = [MeterResolver, ReadingResolver, ReadingsIngestedEventResolver, IngestReadingsPayloadResolver] as const;
