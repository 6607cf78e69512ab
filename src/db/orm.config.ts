import { defineConfig, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import path from 'node:path';
import { MIGRATIONS } from '../../migrations';
import { ENTITIES } from './entities';

export const SQL_ONLY_TABLES = ['meter_day', 'meter_month', 'closed_month', 'closed_year', 'closed_profile', 'weather_day', 'event_payload', 'reference_version', 'rate_counter'];

export function ormConfig(clientUrl: string, extra: Partial<Options> = {}): Options {
  return defineConfig({
    clientUrl,
    entities: ENTITIES,
    extensions: [Migrator],
    // Read by the dev-only `migration:create` command; running migrations uses the list below.
    migrations: {
      path: path.resolve(__dirname, '../../../migrations'),
      pathTs: path.resolve(__dirname, '../../../migrations'),
      migrationsList: MIGRATIONS,
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      emit: 'ts',
      fileName: (timestamp: string, name?: string) => `Migration${timestamp}${name ? '_' + name : ''}`,
    },
    // Rollups, frozen figures and weather are plain tables kept by SQL, not entities.
    schemaGenerator: { skipTables: SQL_ONLY_TABLES },
    pool: { min: 0, max: 10 },
    forceUtcTimezone: true,
    discovery: { warnWhenNoEntities: true },
    allowGlobalContext: false,
    ...extra,
  });
}
