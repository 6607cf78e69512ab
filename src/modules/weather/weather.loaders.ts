import DataLoader from 'dataloader';
import type pg from 'pg';
import type { LoaderOptions } from '../registry/registry.loaders';
import { stationsOfRegions, type StationRow } from './weather.repository';

/** A list of regions with their stations costs one statement. */
export function weatherLoaders(pool: pg.Pool, opts: LoaderOptions) {
  return {
    weatherStationOfRegion: new DataLoader<number, StationRow | null>(async (ids) => {
      const found = await stationsOfRegions(pool, ids);
      return ids.map((id) => found.get(id) ?? null);
    }, opts),
  };
}
