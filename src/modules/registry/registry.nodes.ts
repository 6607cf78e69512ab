import { inScope, readInstitutions } from '../../access/guard';
import { ForbiddenError, NotFoundError } from '../../errors/domain-errors';
import { institutionRowNode, loadedNode, type NodeFetchers } from '../../graphql/node-fetcher';
import { asNode } from '../../graphql/relay';

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
  // Through the request's loader (batched for nodes(ids)); the profile's scope is its institution's
  // (own, or the sites of an ESCO's contracts): out of it FORBIDDEN, as institution(id) answers.
  InstitutionProfile: institutionRowNode('InstitutionProfile', (id, ctx) => ctx.loaders.profileById.load(id), 'institution'),
  // Through the request's loader (batched for nodes(ids)): regions are reference data every key reads.
  Region: loadedNode('Region', (id, ctx) => ctx.loaders.regionById.load(id)),
  // Through the request's loader (batched for nodes(ids)): the agencies taking part are public.
  Agency: loadedNode('Agency', (id, ctx) => ctx.loaders.agencyById.load(id)),
};
