import { InstitutionProfileResolver, InstitutionResolver } from './institution.resolver';
import { RegionResolver } from './region.resolver';

export const RegistryResolvers = [RegionResolver, InstitutionResolver, InstitutionProfileResolver] as const;
