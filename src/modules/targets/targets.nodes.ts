import { rowNode, type NodeFetchers } from '../../graphql/node-fetcher';
import { CityTarget } from './city-target.entity';

/** City targets as `node(id)` fetches them. */
export const targetsNodes: NodeFetchers = {
  CityTarget: rowNode(CityTarget),
};
