import type { EntityManager } from '@mikro-orm/postgresql';
import type { Principal } from '../access/principal';
import type { Database } from '../db/database';
import { accountingLoaders } from '../modules/accounting/accounting.loaders';
import { epcLoaders } from '../modules/epc/epc.loaders';
import { auditLoaders } from '../modules/audit/audit.loaders';
import { complianceLoaders } from '../modules/compliance/compliance.loaders';
import { solarLoaders } from '../modules/solar/solar.loaders';
import { meteringLoaders } from '../modules/metering/metering.loaders';
import { registryLoaders, type LoaderOptions } from '../modules/registry/registry.loaders';
import { weatherLoaders } from '../modules/weather/weather.loaders';
import { fleetLoaders } from '../modules/fleet/fleet.loaders';
import { targetsLoaders } from '../modules/targets/targets.loaders';
import { recyclingLoaders } from '../modules/recycling/recycling.loaders';

/** Every DataLoader, made fresh for each request (or subscription operation). */
export function createLoaders(db: Database, em: EntityManager, principal: Principal, opts: LoaderOptions = { cache: true }) {
  return {
    ...registryLoaders(em, db.pool, opts),
    ...meteringLoaders(em, db.pool, principal, opts),
    ...accountingLoaders(db, em, principal, opts),
    ...epcLoaders(db.pool, em, opts),
    ...auditLoaders(db.pool, opts),
    ...weatherLoaders(db.pool, opts),
    ...complianceLoaders(em, opts),
    ...solarLoaders(db, em, principal, opts),
    ...fleetLoaders(em, opts),
    ...targetsLoaders(em, opts),
    ...recyclingLoaders(db, em, principal, opts),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
