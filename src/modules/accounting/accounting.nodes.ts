import { loadedNode, type NodeFetchers } from '../../graphql/node-fetcher';

/** Accounting's types as `node(id)` fetches them: plain rows through the request's loaders (batched for nodes(ids)); a closure's id is its year. */
export const accountingNodes: NodeFetchers = {
  YearClosure: loadedNode('YearClosure', (year, ctx) => ctx.loaders.yearClosureByYear.load(year)),
  YearRecalculation: loadedNode('YearRecalculation', (id, ctx) => ctx.loaders.yearRecalculationById.load(id)),
};
