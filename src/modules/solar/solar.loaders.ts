import DataLoader from 'dataloader';
import { byKey } from '../../graphql/batch';
import type { Principal } from '../../access/principal';
import type { Database } from '../../db/database';
import type { Period } from '../accounting/period';
import type { LoaderOptions } from '../registry/registry.loaders';
import type { PvProjectRow } from './solar.types';
import { pvProjectsById } from './solar.repository';
import { SolarService, type Generation } from './solar.service';

export interface GenerationKey {
  project: PvProjectRow;
  period: Pick<Period, 'from' | 'to'>;
}

/** `pvProjects { generation(period) }`: one computation per distinct period for the whole list, keyed by (project, period). */
export function solarLoaders(db: Database, principal: Principal, opts: LoaderOptions) {
  return {
    /** Projects by id as plain rows (no access check: the caller checks the key's scope). */
    pvProjectById: new DataLoader<number, PvProjectRow | null>(async (ids) => byKey(ids, await pvProjectsById(db.pool, ids), (p) => p.id), opts),
    pvGeneration: new DataLoader<GenerationKey, Generation, string>(
      async (keys) => {
        const byPeriod = new Map<string, GenerationKey[]>();
        for (const k of keys) {
          const id = `${k.period.from}|${k.period.to}`;
          byPeriod.set(id, [...(byPeriod.get(id) ?? []), k]);
        }
        const service = new SolarService(db, principal);
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
