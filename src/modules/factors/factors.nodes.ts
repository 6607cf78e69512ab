import type { NodeFetchers } from '../../graphql/node-fetcher';

/** The factor tables as `node(id)` fetches them: reference tables everyone may read. */
export const factorsNodes: NodeFetchers = {
  ConversionFactor: { fetch: (id, ctx) => ctx.loaders.conversionFactorById.load(Number(id)) },
  EmissionFactor: { fetch: (id, ctx) => ctx.loaders.emissionFactorById.load(Number(id)) },
  UnitConversion: { fetch: (id, ctx) => ctx.loaders.unitConversionById.load(Number(id)) },
};
