import { Connection } from '../../graphql/relay';
import { Institution } from './institution.entity';
import { Region } from './region.entity';

export const InstitutionConnection = Connection(Institution, 'Institution');
export const RegionConnection = Connection(Region, 'Region');
