import DataLoader from 'dataloader';
import type { Principal } from '../../access/principal';
import type { Database } from '../../db/database';
import type { Period } from '../accounting/period';
import type { LoaderOptions } from '../registry/registry.loaders';
import { RecyclingService, type RecyclingSet, type RecyclingTotals } from './recycling.service';
import { recyclingRevisions } from './recycling.repository';
import type { RecyclingFigures, RecyclingRecordRevision } from './recycling.types';

export function recyclingLoaders(db: Database, principal: Principal, opts: LoaderOptions) {
  return {
    /** An institution's figures for a resolved period: one statement per period for the whole list. */
    recyclingByInstitution: new DataLoader<InstitutionPeriodKey, RecyclingFigures | null, string>(async (keys) => {
      const byPeriod = new Map<string, { period: Period; ids: number[] }>();
      for (const k of keys) {
        const at = JSON.stringify(k.period);
        (byPeriod.get(at) ?? byPeriod.set(at, { period: k.period, ids: [] }).get(at)!).ids.push(k.institutionId);
      }
      const service = new RecyclingService(db, principal);
      const results = new Map<string, RecyclingFigures>();
      for (const [at, { period, ids }] of byPeriod) {
        for (const [id, f] of await service.forInstitutionIds(period, ids)) results.set(`${at}|${id}`, f);
      }
      return keys.map((k) => results.get(institutionPeriodCacheKey(k)) ?? null);
    }, { ...opts, cacheKeyFn: institutionPeriodCacheKey }),
    /** Earlier quantities of a record, oldest first (its `history`): one statement for a page. */
    recyclingRevisionsByRecord: new DataLoader<number, RecyclingRecordRevision[]>(async (ids) => {
      const rows = await recyclingRevisions(db.pool, [...ids]);
      return ids.map((id) => rows.filter((r) => r.record_id === id).map((r) => ({ quantityKg: r.quantity_kg, replacedBy: r.replaced_by, replacedAt: r.replaced_at })));
    }, opts),
    /**
     * Recycled and total kg of one institution or a group (the city targets' measure), for a period
     * and whether its year is closed: one statement per period for every key.
     */
    recyclingTotals: new DataLoader<RecyclingTotalsKey, RecyclingTotals, string>(async (keys) => {
      const byPeriod = new Map<string, { period: Period; closed: boolean; list: { index: number; set: RecyclingSet }[] }>();
      keys.forEach((k, index) => {
        const at = `${k.closed}|${JSON.stringify(k.period)}`;
        const batch = byPeriod.get(at) ?? byPeriod.set(at, { period: k.period, closed: k.closed, list: [] }).get(at)!;
        batch.list.push({ index, set: k.set });
      });
      const service = new RecyclingService(db, principal);
      const out: RecyclingTotals[] = new Array(keys.length);
      for (const { period, closed, list } of byPeriod.values()) {
        const totals = await service.totalsOf(period, list.map((l) => l.set), closed);
        list.forEach((l, n) => (out[l.index] = totals[n]));
      }
      return out;
    }, { ...opts, cacheKeyFn: totalsCacheKey }),
  };
}

/** One institution over a resolved period (`recyclingByInstitution`). */
export interface InstitutionPeriodKey {
  period: Period;
  institutionId: number;
}

function institutionPeriodCacheKey(k: InstitutionPeriodKey): string {
  return `${JSON.stringify(k.period)}|${k.institutionId}`;
}

/** What `recyclingTotals` sums: a set of institutions over a period, frozen figures when its year is closed. */
export interface RecyclingTotalsKey {
  period: Period;
  closed: boolean;
  set: RecyclingSet;
}

/** Equal keys are one load: the set's ids in their order (a group's members come sorted from its plan). */
function totalsCacheKey(k: RecyclingTotalsKey): string {
  return JSON.stringify([k.period, k.closed, k.set.group, k.set.ids]);
}
