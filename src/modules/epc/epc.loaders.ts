import type { EntityManager, FilterQuery } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import { byKey, groupByKey } from '../../graphql/batch';
import type { LoaderOptions } from '../registry/registry.loaders';
import { EpcAsset, EpcPayment, EpcTransition } from './epc-contract.entity';
import { Esco } from './esco.entity';
import { mvLoaders } from './mv.loaders';
import type pg from 'pg';

/** A contract list with its ESCO, steps, assets and payments costs one statement per field, not per contract. */
export function epcLoaders(pool: pg.Pool, em: EntityManager, opts: LoaderOptions) {
  const byContract = <T extends EpcTransition | EpcAsset | EpcPayment>(entity: new () => T) =>
    new DataLoader<number, T[]>(async (ids) => {
      const rows = await em.find(entity, { contract: { $in: [...ids] } } as unknown as FilterQuery<T>, { orderBy: { id: 'asc' } as never });
      return groupByKey(ids, rows, (r) => r.contract.id);
    }, opts);
  return {
    escoById: new DataLoader<number, Esco | null>(async (ids) => byKey(ids, await em.find(Esco, { id: { $in: [...ids] } }), (e) => e.id), opts),
    transitionsByContract: byContract(EpcTransition),
    assetsByContract: byContract(EpcAsset),
    paymentsByContract: byContract(EpcPayment),
    mv: mvLoaders(pool, opts),
  };
}
