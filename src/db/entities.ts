import { ApiKey } from '../access/api-key.entity';
import { Meter } from '../modules/metering/meter.entity';
import { Reading } from '../modules/metering/reading.entity';
import { ReadingBatch } from '../modules/metering/reading-batch.entity';
import { ReadingRevision } from '../modules/metering/reading-revision.entity';
import { Agency } from '../modules/registry/agency.entity';
import { Institution } from '../modules/registry/institution.entity';
import { InstitutionProfile } from '../modules/registry/institution-profile.entity';
import { Region } from '../modules/registry/region.entity';

/** Every entity, listed rather than globbed so the build and Jest see the same set. */
export const ENTITIES = [Region, Agency, Institution, InstitutionProfile, Meter, Reading, ReadingBatch, ReadingRevision, ApiKey];
