import { rowNode, type NodeFetchers } from '../../graphql/node-fetcher';
import { YearClosure, YearRecalculation } from './year-closure.entity';

/** Accounting's types as `node(id)` fetches them (a closure's id is its year). */
export const accountingNodes: NodeFetchers = {
  YearClosure: rowNode(YearClosure, { key: 'year' }),
  YearRecalculation: rowNode(YearRecalculation, { prefetched: true }),
};
