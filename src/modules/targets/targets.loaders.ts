import DataLoader from 'dataloader';
import type pg from 'pg';
import { groupByKey } from '../../graphql/batch';
import type { LoaderOptions } from '../registry/registry.loaders';
import { cityTargetsOf } from './targets.repository';
import type { CityTargetRow } from './targets.types';

/** The city targets of a year, for every Indicators of a request: one statement. */
export function targetsLoaders(pool: pg.Pool, opts: LoaderOptions) {
  return {
    cityTargetsByYear: new DataLoader<number, CityTargetRow[]>(async (years) => groupByKey(years, await cityTargetsOf(pool, years), (t) => t.year), opts),
  };
}
