import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import type { Principal } from '../../access/principal';
import type { Database } from '../../db/database';
import type { Period } from '../accounting/period';
import type { LoaderOptions } from '../registry/registry.loaders';
import { RecyclingService } from './recycling.service';
import type { RecyclingFigures } from './recycling.types';

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
  };
}
