import DataLoader from 'dataloader';
import type pg from 'pg';
import { byKey, groupByKey } from '../../graphql/batch';
import { agenciesById, institutionsById, profilesById, profilesByYear, profilesOf, regionsBelow, regionsById, type InstitutionWindow } from './registry.repository';
import type { MeterReadRow } from '../metering/metering.types';
import type { AgencyRow, InstitutionProfileRow, InstitutionRow, RegionRow } from './registry.types';

export interface LoaderOptions {
  /** Subscriptions live long: they batch but do not cache. */
  cache: boolean;
}

export function registryLoaders(pool: pg.Pool, opts: LoaderOptions) {
  return {
    regionById: new DataLoader<number, RegionRow | null>(async (ids) => byKey(ids, await regionsById(pool, ids), (r) => r.id), opts),
    regionChildren: new DataLoader<number, RegionRow[]>(async (ids) => groupByKey(ids, await regionsBelow(pool, ids), (r) => r.parent!.id), opts),
    agencyById: new DataLoader<number, AgencyRow | null>(async (ids) => byKey(ids, await agenciesById(pool, ids), (a) => a.id), opts),
    /** Institutions by id as plain rows (no access check: a parent the key may read leads here). */
    institutionById: new DataLoader<number, InstitutionRow | null>(async (ids) => byKey(ids, await institutionsById(pool, ids), (i) => i.id), opts),
    /** Profiles by id as plain rows (no access check: node(id) checks the institution's scope). */
    profileById: new DataLoader<number, InstitutionProfileRow | null>(async (ids) => byKey(ids, await profilesById(pool, ids), (p) => p.id), opts),
    /** Key: `${institutionId}:${year}`. */
    profileByYear: new DataLoader<string, InstitutionProfileRow | null>(async (keys) => {
      const pairs = keys.map((k) => k.split(':').map(Number) as [number, number]);
      return byKey(keys, await profilesByYear(pool, pairs), (p) => `${p.institution.id}:${p.year}`);
    }, opts),
    profilesByInstitution: new DataLoader<number, InstitutionProfileRow[]>(
      async (ids) => groupByKey(ids, await profilesOf(pool, ids), (p) => p.institution.id),
      opts,
    ),
  };
}

/**
 * Puts what a list of institutions read in its own statement (their meters, their profiles of the
 * years asked, null where there is none) into the loaders, so the field resolvers below read
 * nothing more.
 */
export function primeBelowInstitutions(
  loaders: { metersByInstitution: DataLoader<number, MeterReadRow[]>; profileByYear: DataLoader<string, InstitutionProfileRow | null> },
  found: InstitutionWindow,
): void {
  if (found.meters) for (const [id, meters] of found.meters) loaders.metersByInstitution.prime(id, meters);
  if (found.profiles) for (const [key, profile] of found.profiles) loaders.profileByYear.prime(key, profile);
}
