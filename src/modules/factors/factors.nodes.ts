import type { Context } from '../../graphql/context';
import type { NodeFetcher, NodeFetchers } from '../../graphql/node-fetcher';
import { asNode } from '../../graphql/relay';
import type { FactorType } from './factors.repository';

/** A version through the request's loader (batched for nodes(ids)), a plain row marked with its type. */
const versionNode = (type: FactorType, load: (id: number, ctx: Context) => Promise<object | null>): NodeFetcher => ({
  async fetch(id, ctx) {
    const row = await load(Number(id), ctx);
    return row && asNode(type, row);
  },
});

/** The factor tables as `node(id)` fetches them: reference tables everyone may read. */
export const factorsNodes: NodeFetchers = {
  ConversionFactor: versionNode('ConversionFactor', (id, ctx) => ctx.loaders.conversionFactorById.load(id)),
  EmissionFactor: versionNode('EmissionFactor', (id, ctx) => ctx.loaders.emissionFactorById.load(id)),
  UnitConversion: versionNode('UnitConversion', (id, ctx) => ctx.loaders.unitConversionById.load(id)),
};
