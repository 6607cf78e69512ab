import { defineConfig, type AnyEntity, type EntityClass, type Options } from '@mikro-orm/postgresql';
import path from 'node:path';

export const SQL_ONLY_TABLES = ['meter_day', 'meter_month', 'closed_month', 'closed_year', 'closed_profile', 'weather_day', 'event_payload', 'reference_version', 'rate_counter', 'audit_event', 'key_usage', 'weather_station', 'epc_baseline', 'epc_non_routine_event', 'epc_settlement', 'epc_month_figure', 'epc_live_baseline', 'data_version', 'data_touch', 'closed_recycling', 'recycling_record_revision', 'closed_vehicle', 'closed_vehicle_energy'];

/** The ORM's settings for `entities`, the list the layer above passes in (src/db knows no feature). */
export function ormConfig(clientUrl: string, entities: EntityClass<AnyEntity>[], extra: Partial<Options> = {}): Options {
  return defineConfig({
    clientUrl,
    entities,
    // Read by the dev-only `migration:create` command; running migrations uses the list that
    // database.ts adds on first use (the migrator and its classes load only when needed).
    migrations: {
      path: path.resolve(__dirname, '../../../migrations'),
      pathTs: path.resolve(__dirname, '../../../migrations'),
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      // migrate() logs what it applied as one JSON line; umzug's own lines would go to stdout.
      silent: true,
      emit: 'ts',
      fileName: (timestamp: string, name?: string) => `Migration${timestamp}${name ? '_' + name : ''}`,
    },
    // Rollups, frozen figures and weather are plain tables kept by SQL, not entities.
    schemaGenerator: { skipTables: SQL_ONLY_TABLES },
    // For an ORM opened on its own (a test's, the dev CLI's); the hub's ORM draws from database.ts's one pool.
    pool: { min: 0, max: 10 },
    forceUtcTimezone: true,
    discovery: { warnWhenNoEntities: true },
    allowGlobalContext: false,
    ...extra,
  });
}
