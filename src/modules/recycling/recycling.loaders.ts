import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import type { Principal } from '../../access/principal';
import type { Database } from '../../db/database';
import type { Period } from '../accounting/period';
import type { LoaderOptions } from '../registry/registry.loaders';
import { RecyclingService, type RecyclingSet, type RecyclingTotals } from './recycling.service';
import { recyclingRevisions } from './recycling.repository';
import type { RecyclingFigures, RecyclingRecordRevision } from './recycling.types';

export function recyclingLoaders(db: Database, em: EntityManager, principal: Principal, opts: LoaderOptions) {
  return {
    /** Key: `${JSON of the resolved period}|${institutionId}`; one statement per period for the whole list. */
    recyclingByInstitution: new DataLoader<string, RecyclingFigures | null>(async (keys) => {
      const byPeriod = new Map<string, number[]>();
      for (const k of keys) {
        const cut = k.lastIndexOf('|');
        byPeriod.set(k.slice(0, cut), [...(byPeriod.get(k.slice(0, cut)) ?? []), Number(k.slice(cut + 1))]);
      }
      const service = new RecyclingService(db, em, principal);
      const results = new Map<string, RecyclingFigures>();
      for (const [period, ids] of byPeriod) {
        for (const [id, f] of await service.forInstitutionIds(JSON.parse(period) as Period, ids)) results.set(`${period}|${id}`, f);
      }
      return keys.map((k) => results.get(k) ?? null);
    }, opts),
    /** Earlier quantities of a record, oldest first (its `history`): one statement for a page. */
    recyclingRevisionsByRecord: new DataLoader<number, RecyclingRecordRevision[]>(async (ids) => {
      const rows = await recyclingRevisions(db.pool, [...ids]);
      return ids.map((id) => rows.filter((r) => r.record_id === id).map((r) => ({ quantityKg: r.quantity_kg, replacedBy: r.replaced_by, replacedAt: r.replaced_at })));
    }, opts),
    /**
     * Recycled and total kg of one institution or a group (the city targets' measure); key:
     * `${JSON of the resolved period}|${closed}|${group ? 'G' : 'I'}|${ids joined by ','}`. One statement per period for every key.
     */
    recyclingTotals: new DataLoader<string, RecyclingTotals>(async (keys) => {
      const byPeriod = new Map<string, { index: number; set: RecyclingSet }[]>();
      keys.forEach((k, index) => {
        const [period, closed, kind, ids] = splitTotalsKey(k);
        const list = byPeriod.get(`${closed}|${period}`) ?? byPeriod.set(`${closed}|${period}`, []).get(`${closed}|${period}`)!;
        list.push({ index, set: { group: kind === 'G', ids: ids ? ids.split(',').map(Number) : [] } });
      });
      const service = new RecyclingService(db, em, principal);
      const out: RecyclingTotals[] = new Array(keys.length);
      for (const [k, list] of byPeriod) {
        const cut = k.indexOf('|');
        const totals = await service.totalsOf(JSON.parse(k.slice(cut + 1)) as Period, list.map((l) => l.set), k.slice(0, cut) === 'true');
        list.forEach((l, n) => (out[l.index] = totals[n]));
      }
      return out;
    }, opts),
  };
}

/** The key of `recyclingTotals`. */
export function recyclingTotalsKey(period: Period, closed: boolean, set: RecyclingSet): string {
  return `${JSON.stringify(period)}|${closed}|${set.group ? 'G' : 'I'}|${set.ids.join(',')}`;
}

/** [period JSON, closed, kind, ids]: the period's JSON holds no '|'. */
function splitTotalsKey(k: string): [string, string, string, string] {
  const parts = k.split('|');
  return [parts[0], parts[1], parts[2], parts[3]];
}
