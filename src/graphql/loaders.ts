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
import { keysLoaders } from '../modules/keys/keys.loaders';

/** What a module's loaders are made from. */
interface LoaderSource {
  readonly db: Database;
  readonly principal: Principal;
  readonly opts: LoaderOptions;
}

/** Each module's loader factory: the loaders of one module are made together (they may share state). */
const MODULES = [
  (s: LoaderSource) => registryLoaders(s.db.pool, s.opts),
  (s: LoaderSource) => meteringLoaders(s.db.pool, s.principal, s.opts),
  (s: LoaderSource) => accountingLoaders(s.db, s.principal, s.opts),
  (s: LoaderSource) => epcLoaders(s.db.pool, s.principal, s.opts),
  (s: LoaderSource) => auditLoaders(s.db.pool, s.opts),
  (s: LoaderSource) => weatherLoaders(s.db.pool, s.opts),
  (s: LoaderSource) => complianceLoaders(s.db.pool, s.opts),
  (s: LoaderSource) => solarLoaders(s.db, s.principal, s.opts),
  (s: LoaderSource) => fleetLoaders(s.db.pool, s.opts),
  (s: LoaderSource) => targetsLoaders(s.db.pool, s.opts),
  (s: LoaderSource) => recyclingLoaders(s.db, s.principal, s.opts),
  (s: LoaderSource) => keysLoaders(s.db.pool, s.opts),
] as const;

type Made<I extends number> = ReturnType<(typeof MODULES)[I]>;

/** Every module's loaders (no name is given by two modules). */
export type Loaders = Made<0> & Made<1> & Made<2> & Made<3> & Made<4> & Made<5> & Made<6> & Made<7> & Made<8> & Made<9> & Made<10> & Made<11>;

/** The loaders of one request: each module's are made when one of its names is first read. */
interface LazyLoaders {
  made: (Record<string, unknown> | undefined)[];
  source: LoaderSource;
}

/**
 * A prototype with a getter per loader name, made once: a request that reads one loader (a
 * lookup by id reads none) makes that module's loaders alone, not the ~100 of every module.
 */
let lazyPrototype: object | null = null;

function prototypeFor(source: LoaderSource): object {
  if (lazyPrototype) return lazyPrototype;
  const proto: object = {};
  MODULES.forEach((make, i) => {
    for (const name of Object.keys(make(source))) {
      Object.defineProperty(proto, name, {
        get(this: LazyLoaders) {
          const loaders = (this.made[i] ??= MODULES[i](this.source) as Record<string, unknown>);
          return loaders[name];
        },
      });
    }
  });
  return (lazyPrototype = proto);
}

/**
 * Every DataLoader of a request (or subscription operation), made fresh for it, each module's on
 * first use. Loaders read plain rows through the pool: none needs an EntityManager.
 */
export function createLoaders(db: Database, principal: Principal, opts: LoaderOptions = { cache: true }): Loaders {
  const source: LoaderSource = { db, principal, opts };
  const loaders = Object.create(prototypeFor(source)) as LazyLoaders;
  loaders.made = [];
  loaders.source = source;
  return loaders as unknown as Loaders;
}
