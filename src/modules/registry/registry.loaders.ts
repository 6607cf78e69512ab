import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import { Agency } from './agency.entity';
import { Institution } from './institution.entity';
import { InstitutionProfile } from './institution-profile.entity';
import { Region } from './region.entity';
import { byKey, groupByKey } from '../../graphql/batch';

export interface LoaderOptions {
  /** Subscriptions live long: they batch but do not cache. */
  cache: boolean;
}

export function registryLoaders(em: EntityManager, opts: LoaderOptions) {
  return {
    regionById: new DataLoader<number, Region | null>(
      async (ids) => byKey(ids, await em.find(Region, { id: { $in: [...ids] } }), (r) => r.id),
      opts,
    ),
    regionChildren: new DataLoader<number, Region[]>(
      async (ids) =>
        groupByKey(ids, await em.find(Region, { parent: { $in: [...ids] } }, { orderBy: { id: 'asc' } }), (r) => r.parent!.id),
      opts,
    ),
    agencyById: new DataLoader<number, Agency | null>(
      async (ids) => byKey(ids, await em.find(Agency, { id: { $in: [...ids] } }), (a) => a.id),
      opts,
    ),
    institutionById: new DataLoader<number, Institution | null>(
      async (ids) => byKey(ids, await em.find(Institution, { id: { $in: [...ids] } }), (i) => i.id),
      opts,
    ),
    /** Key: `${institutionId}:${year}`. */
    profileByYear: new DataLoader<string, InstitutionProfile | null>(async (keys) => {
      const pairs = keys.map((k) => k.split(':').map(Number));
      const rows = await em.find(InstitutionProfile, {
        $or: [...new Set(pairs.map(([, y]) => y))].map((year) => ({
          year,
          institution: { $in: pairs.filter(([, y]) => y === year).map(([i]) => i) },
        })),
      });
      return byKey(keys, rows, (p) => `${p.institution.id}:${p.year}`);
    }, opts),
    profilesByInstitution: new DataLoader<number, InstitutionProfile[]>(
      async (ids) =>
        groupByKey(
          ids,
          await em.find(InstitutionProfile, { institution: { $in: [...ids] } }, { orderBy: { year: 'asc' } }),
          (p) => p.institution.id,
        ),
      opts,
    ),
  };
}
