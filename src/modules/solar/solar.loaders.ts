import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import type { Principal } from '../../access/principal';
import type { Database } from '../../db/database';
import type { Period } from '../accounting/period';
import type { LoaderOptions } from '../registry/registry.loaders';
import type { PvProjectRow } from './solar.types';
import { SolarService, type Generation } from './solar.service';

export interface GenerationKey {
  project: PvProjectRow;
  period: Pick<Period, 'from' | 'to'>;
}

/** `pvProjects { generation(period) }`: one computation per distinct period for the whole list, keyed by (project, period). */
export function solarLoaders(db: Database, em: EntityManager, principal: Principal, opts: LoaderOptions) {
  return {
    pvGeneration: new DataLoader<GenerationKey, Generation, string>(
      async (keys) => {
        const byPeriod = new Map<string, GenerationKey[]>();
        for (const k of keys) {
          const id = `${k.period.from}|${k.period.to}`;
          byPeriod.set(id, [...(byPeriod.get(id) ?? []), k]);
        }
        const service = new SolarService(db, em, principal);
        const results = new Map<string, Generation>();
        await Promise.all(
          [...byPeriod.values()].map(async (group) => {
            const projects = [...new Map(group.map((k) => [k.project.id, k.project])).values()];
            const figures = await service.generation(projects, group[0].period);
            for (const k of group) results.set(`${k.period.from}|${k.period.to}|${k.project.id}`, figures.get(k.project.id)!);
          }),
        );
        return keys.map((k) => results.get(`${k.period.from}|${k.period.to}|${k.project.id}`)!);
      },
      { ...opts, cacheKeyFn: (k) => `${k.period.from}|${k.period.to}|${k.project.id}` },
    ),
  };
}
