import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import type { LoaderOptions } from '../registry/registry.loaders';
import { CityTarget } from './city-target.entity';

/** The city targets of a year, for every Indicators of a request: one statement. */
export function targetsLoaders(em: EntityManager, opts: LoaderOptions) {
  return {
    cityTargetsByYear: new DataLoader<number, CityTarget[]>(async (years) => {
      const rows = await em.find(CityTarget, { year: { $in: [...years] } }, { orderBy: { kind: 'asc' } });
      return years.map((y) => rows.filter((r) => r.year === y));
    }, opts),
  };
}
