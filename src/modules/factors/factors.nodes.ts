import { loadedNode, type NodeFetchers } from '../../graphql/node-fetcher';

/** The factor tables as `node(id)` fetches them: reference tables everyone may read, versions through the request's loaders. */
export const factorsNodes: NodeFetchers = {
  ConversionFactor: loadedNode('ConversionFactor', (id, ctx) => ctx.loaders.conversionFactorById.load(id)),
  EmissionFactor: loadedNode('EmissionFactor', (id, ctx) => ctx.loaders.emissionFactorById.load(id)),
  UnitConversion: loadedNode('UnitConversion', (id, ctx) => ctx.loaders.unitConversionById.load(id)),
};
