import type { EntityManager } from '@mikro-orm/postgresql';
import type { Principal } from '../access/principal';
import { meteringLoaders } from '../modules/metering/metering.loaders';
import { registryLoaders, type LoaderOptions } from '../modules/registry/registry.loaders';

/** Every DataLoader, made fresh for each request (or subscription operation). */
export function createLoaders(em: EntityManager, principal: Principal, opts: LoaderOptions = { cache: true }) {
  return {
    ...registryLoaders(em, opts),
    ...meteringLoaders(em, principal, opts),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
