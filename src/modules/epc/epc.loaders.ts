import DataLoader from 'dataloader';
import type pg from 'pg';
import { byKey, groupByKey } from '../../graphql/batch';
import type { Principal } from '../../access/principal';
import type { LoaderOptions } from '../registry/registry.loaders';
import { contractScope } from './contract-scope';
import { assetsOf, contractsById, escosById, paymentsOf, transitionsOf } from './epc.repository';
import type { EpcContractRow, EscoRow } from './epc.types';
import { mvLoaders } from './mv.loaders';

/** A contract list with its ESCO, steps, assets and payments costs one statement per field, not per contract: plain rows. */
export function epcLoaders(pool: pg.Pool, principal: Principal, opts: LoaderOptions) {
  const byContract = <T extends { contract: { id: number } }>(read: (pool: pg.Pool, ids: readonly number[]) => Promise<T[]>) =>
    new DataLoader<number, T[]>(async (ids) => groupByKey(ids, await read(pool, ids), (r) => r.contract.id), opts);
  return {
    /** Contracts by id within the key's scope (null out of it): `nodes(ids)` reads them in one statement. */
    epcContractById: new DataLoader<number, EpcContractRow | null>(async (ids) => byKey(ids, await contractsById(pool, ids, contractScope(principal)), (c) => c.id), opts),
    escoById: new DataLoader<number, EscoRow | null>(async (ids) => byKey(ids, await escosById(pool, ids), (e) => e.id), opts),
    transitionsByContract: byContract(transitionsOf),
    assetsByContract: byContract(assetsOf),
    paymentsByContract: byContract(paymentsOf),
    mv: mvLoaders(pool, opts),
  };
}
