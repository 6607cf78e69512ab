import { prefetchRows, rowNode, type NodeFetchers } from '../../graphql/node-fetcher';
import { Agency } from './agency.entity';
import { InstitutionProfile } from './institution-profile.entity';
import { Institution } from './institution.entity';
import { RegistryService } from './registry.service';

/** The registry's types as `node(id)` fetches them. */
export const registryNodes: NodeFetchers = {
  Institution: {
    fetch: (id, ctx) => new RegistryService(ctx.em, ctx.principal).institution(Number(id)),
    prefetch: prefetchRows(Institution),
  },
  // The profile's scope is its institution's (own, or the sites of an ESCO's contracts).
  InstitutionProfile: rowNode(InstitutionProfile, { prefetched: true, check: (profile, ctx) => new RegistryService(ctx.em, ctx.principal).institution(profile.institution.id) }),
  Region: { fetch: (id, ctx) => ctx.loaders.regionById.load(Number(id)) },
  Agency: rowNode(Agency, { prefetched: true }),
};
