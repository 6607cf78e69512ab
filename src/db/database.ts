import { MikroORM, type IMigrator } from '@mikro-orm/postgresql';
import pg from 'pg';
import type { Config } from '../config';
import { logger } from '../logger';
import { startEmbedded, type EmbeddedServer } from './embedded';
import { ormConfig } from './orm.config';
import { ensurePartitionsAhead } from '../modules/metering/partitions';
import { installSqlCounter } from './sql-stats';

/** The database as the rest of the hub sees it: the ORM for entities, a pool for bulk SQL. */
export interface Database {
  orm: MikroORM;
  pool: pg.Pool;
  url: string;
  embedded: boolean;
  /** EWC_TIMEZONE: calendar days, months and years are cut in this zone. */
  timezone: string;
  close(): Promise<void>;
}

// timestamptz comes back as Date, bigint (ids, counts) as string: keep pg's defaults,
// but numeric sums are read as JS numbers where we cast them to float8 in SQL.

export async function resolveDatabaseUrl(config: Config): Promise<{ url: string; server: EmbeddedServer | null }> {
  if (config.databaseUrl) return { url: config.databaseUrl, server: null };
  const server = await startEmbedded(config.dataDir);
  return { url: server.url, server };
}

export async function openDatabase(config: Config, opts: { migrate?: boolean } = {}): Promise<Database> {
  installSqlCounter();
  const { url, server } = await resolveDatabaseUrl(config);
  let orm: MikroORM;
  try {
    orm = await MikroORM.init(ormConfig(url, { debug: config.logLevel === 'debug' }));
  } catch (err) {
    await server?.stop();
    throw err;
  }
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  pool.on('error', (err) => logger.warn('idle database connection failed', { error: err.message }));
  const db: Database = {
    orm,
    timezone: config.timezone,
    pool,
    url,
    embedded: server !== null,
    close: async () => {
      await pool.end();
      await orm.close(true);
      logger.debug('database connections closed');
      await server?.stop();
    },
  };
  if (opts.migrate !== false) {
    try {
      await migrate(db);
    } catch (err) {
      await db.close();
      throw err;
    }
  }
  return db;
}

/**
 * The migrator, loaded on first use with the list of migrations: @mikro-orm/migrations and
 * umzug take seconds to load on a busy machine, and most processes (the CLI's other commands,
 * a test on a migrated copy) never migrate.
 */
export async function migratorOf(orm: MikroORM): Promise<IMigrator> {
  const options = orm.config.get('migrations');
  if (!options.migrationsList) {
    const { MIGRATIONS } = await import('../../migrations/index.js');
    orm.config.set('migrations', { ...options, migrationsList: MIGRATIONS });
  }
  return orm.getMigrator();
}

export async function migrate(db: Database): Promise<string[]> {
  const applied = await (await migratorOf(db.orm)).up();
  if (applied.length) logger.info('migrations applied', { migrations: applied.map((m) => m.name) });
  await ensurePartitionsAhead(db.pool);
  return applied.map((m) => m.name);
}

/** Ready = reachable and no migration pending (what /readyz reports). */
export async function isReady(db: Database): Promise<boolean> {
  try {
    const pending = await (await migratorOf(db.orm)).getPendingMigrations();
    return pending.length === 0;
  } catch {
    return false;
  }
}
