import type { NodeFetchers } from '../../graphql/node-fetcher';
import { WeatherService } from './weather.service';

/** Weather stations as `node(id)` fetches them. */
export const weatherNodes: NodeFetchers = {
  WeatherStation: { fetch: (id, ctx) => new WeatherService(ctx.db.pool, ctx.principal, ctx.db.timezone).station(Number(id)) },
};
