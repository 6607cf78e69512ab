import { MeterResolver, ReadingResolver, ReadingsIngestedEventResolver } from './metering.resolver';

export const MeteringResolvers = [MeterResolver, ReadingResolver, ReadingsIngestedEventResolver] as const;
