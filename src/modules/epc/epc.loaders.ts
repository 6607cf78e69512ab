import DataLoader from 'dataloader';
import type pg from 'pg';
import { byKey, groupByKey } from '../../graphql/batch';
import type { LoaderOptions } from '../registry/registry.loaders';
import { assetsOf, escosById, paymentsOf, transitionsOf } from './epc.repository';
import type { EscoRow } from './epc.types';
import { mvLoaders } from './mv.loaders';

/** A contract list with its ESCO, steps, assets and payments costs one statement per field, not per contract: plain rows. */
export function epcLoaders(pool: pg.Pool, opts: LoaderOptions) {
  const byContract = <T extends { contract: { id: number } }>(read: (pool: pg.Pool, ids: readonly number[]) => Promise<T[]>) =>
    new DataLoader<number, T[]>(async (ids) => groupByKey(ids, await read(pool, ids), (r) => r.contract.id), opts);
  return {
    escoById: new DataLoader<number, EscoRow | null>(async (ids) => byKey(ids, await escosById(pool, ids), (e) => e.id), opts),
    transitionsByContract: byContract(transitionsOf),
    assetsByContract: byContract(assetsOf),
    paymentsByContract: byContract(paymentsOf),
    mv: mvLoaders(pool, opts),
  };
}
