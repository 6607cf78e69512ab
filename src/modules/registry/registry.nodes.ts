import { inScope, readInstitutions } from '../../access/guard';
import { ForbiddenError, NotFoundError } from '../../errors/domain-errors';
import { loadedNode, rowNode, type NodeFetchers } from '../../graphql/node-fetcher';
import { asNode } from '../../graphql/relay';
import { InstitutionProfile } from './institution-profile.entity';
import { RegistryService } from './registry.service';

/** The registry's types as `node(id)` fetches them. */
export const registryNodes: NodeFetchers = {
  // Through the request's loader (batched for nodes(ids)), under institution(id)'s rules: absent is
  // NOT_FOUND, out of the key's row scope FORBIDDEN.
  Institution: {
    async fetch(id, ctx) {
      const row = await ctx.loaders.institutionById.load(Number(id));
      if (!row) throw new NotFoundError('no institution with this id');
      const scope = readInstitutions(ctx.principal, 'institution');
      if (!scope || !inScope(scope, row.id)) throw new ForbiddenError('this key may not read that institution');
      return asNode('Institution', row);
    },
  },
  // The profile's scope is its institution's (own, or the sites of an ESCO's contracts).
  InstitutionProfile: rowNode(InstitutionProfile, { prefetched: true, check: (profile, ctx) => new RegistryService(ctx.em, ctx.principal).institution(profile.institution.id) }),
  Region: { fetch: (id, ctx) => ctx.loaders.regionById.load(Number(id)) },
  // Through the request's loader (batched for nodes(ids)): the agencies taking part are public.
  Agency: loadedNode('Agency', (id, ctx) => ctx.loaders.agencyById.load(id)),
};
