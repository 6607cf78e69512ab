import { prefetchRows, type NodeFetchers } from '../../graphql/node-fetcher';
import { PvProject } from './pv-project.entity';
import { SolarService } from './solar.service';

/** Solar's types as `node(id)` fetches them. */
export const solarNodes: NodeFetchers = {
  PvProject: {
    fetch: (id, ctx) => new SolarService(ctx.db, ctx.em, ctx.principal).project(Number(id)),
    prefetch: prefetchRows(PvProject),
  },
};
