import DataLoader from 'dataloader';
import type pg from 'pg';
import { byKey } from '../../graphql/batch';
import type { LoaderOptions } from '../registry/registry.loaders';
import { apiKeysById } from './keys.repository';
import type { ApiKeyRow } from './keys.types';

/** API keys by id, as plain rows: `nodes(ids)` of many keys costs one statement. */
export function keysLoaders(pool: pg.Pool, opts: LoaderOptions) {
  return {
    apiKeyById: new DataLoader<number, ApiKeyRow | null>(async (ids) => byKey(ids, await apiKeysById(pool, ids), (k) => k.id), opts),
  };
}
