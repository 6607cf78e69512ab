import { MikroORM, type AnyEntity, type EntityClass, type IMigrator } from '@mikro-orm/postgresql';
import pg from 'pg';
import type { Config } from '../config';
import { logger } from '../logger';
import { startEmbedded, type EmbeddedServer } from './embedded';
import { ormConfig } from './orm.config';
import { dialectOnPool } from './pool-dialect';
import { installSqlCounter } from './sql-stats';
import { inTransaction } from './transaction';

/**
 * What the layer above keeps in the database (src/db knows no feature): the entities the ORM maps,
 * and what must follow every migration run (the readings' partitions ahead, say).
 */
export interface DatabaseSchema {
  entities: EntityClass<AnyEntity>[];
  afterMigrate?: (pool: pg.Pool) => Promise<unknown>;
}

/** The database as the rest of the hub sees it: the ORM for entities, plain SQL on `pool`, both on the pool's connections. */
export interface Database {
  schema: DatabaseSchema;
  orm: MikroORM;
  /** The one pool (EWC_DB_POOL_MAX): plain SQL takes its connections here, and so does the ORM (pool-dialect.ts). */
  pool: pg.Pool;
  url: string;
  embedded: boolean;
  /** EWC_TIMEZONE: calendar days, months and years are cut in this zone. */
  timezone: string;
  /** The statement timeout of every connection of `pool` (0: none; see connectDatabase). */
  statementTimeoutMs: number;
  /** Reachable and no migration pending (what /readyz reports), on a connection of its own. */
  isReady(): Promise<boolean>;
  close(): Promise<void>;
}

/** knex's own messages (a lost connection, say) go to our log, not to console.log. */
const KNEX_LOG = {
  warn: (message: unknown) => logger.warn('database driver', { message: String(message) }),
  error: (message: unknown) => logger.warn('database driver', { message: String(message) }),
  deprecate: (message: unknown) => logger.debug('database driver', { message: String(message) }),
  debug: () => undefined,
};

/** Names the hub's connections in pg_stat_activity: the pool's, /readyz's, the LISTEN one (PgPubSub) and the data versions' one. */
export const APPLICATION_NAME = 'ewc-hub';

/** /readyz answers within about this long, whatever the pool is doing. */
const READY_TIMEOUT_MS = 2000;

// timestamptz comes back as Date, bigint (ids, counts) as string: keep pg's defaults,
// but numeric sums are read as JS numbers where we cast them to float8 in SQL.

export async function resolveDatabaseUrl(config: Config): Promise<{ url: string; server: EmbeddedServer | null }> {
  if (config.databaseUrl) return { url: config.databaseUrl, server: null };
  const server = await startEmbedded(config.dataDir);
  return { url: server.url, server };
}

/**
 * Opens the pool and the ORM on it: one pool of EWC_DB_POOL_MAX connections serves the ORM and plain
 * SQL alike. Every connection carries the statement timeout of EWC_STATEMENT_TIMEOUT_MS (a startup
 * parameter, so it holds from the first statement and through reconnects), and waiting for a
 * connection is bounded by the same time, so a slow or saturated database answers
 * SERVICE_UNAVAILABLE instead of holding requests. `admin: true` is for the CLI's
 * long steps run by an operator at a shell (import of a file, seeding, export, keys, migrate, the
 * bench seeder): no statement timeout there; an operator stops them with Ctrl-C. Migrations never
 * run under the timeout (see migrate).
 */
export async function connectDatabase(config: Config, schema: DatabaseSchema, opts: { migrate?: boolean; admin?: boolean } = {}): Promise<Database> {
  installSqlCounter();
  const { url, server } = await resolveDatabaseUrl(config);
  const statementTimeoutMs = opts.admin ? 0 : config.statementTimeoutMs;
  // Waiting for a pool connection (opening one included): as long as a statement may run but at
  // least 5 s (a new connection to a busy server takes a while), or knex's default of 60 s.
  const acquireMs = statementTimeoutMs ? Math.max(statementTimeoutMs, 5000) : 60_000;
  const timeout = statementTimeoutMs ? { statement_timeout: statementTimeoutMs } : {};
  const pool = new pg.Pool({ connectionString: url, application_name: APPLICATION_NAME, max: config.dbPoolMax, connectionTimeoutMillis: acquireMs, ...timeout });
  pool.on('error', (err) => logger.warn('idle database connection failed', { error: err }));
  const open = new Set<pg.Client>();
  pool.on('connect', (client) => {
    open.add(client);
    // A connection lost while checked out fails its query (or the next) and leaves the pool on release;
    // without a listener of its own its 'error' event would end the process.
    client.on('error', () => undefined);
  });
  pool.on('remove', (client) => open.delete(client));
  let orm: MikroORM;
  try {
    // MikroORM's query debug log is never turned on: its lines carry parameter values (key hashes too).
    orm = await MikroORM.init(ormConfig(url, schema.entities, { driverOptions: { client: dialectOnPool(pool), log: KNEX_LOG } }));
  } catch (err) {
    await pool.end();
    await server?.stop();
    throw err;
  }
  // Outside the pool on purpose, like PgPubSub's LISTEN connection and the data versions' one
  // (data-version.ts): /readyz must not queue behind busy requests. A saturated instance is busy, not
  // unready; reporting it unready would take it out of the balancer and move its load onto the others
  // (test/server/timeouts.test.ts, "a saturated pool").
  const readyPool = new pg.Pool({ connectionString: url, application_name: `${APPLICATION_NAME} readyz`, max: 1, connectionTimeoutMillis: READY_TIMEOUT_MS, statement_timeout: READY_TIMEOUT_MS, idleTimeoutMillis: 60_000 });
  readyPool.on('error', () => undefined);
  let readyCheck: Promise<boolean> | null = null;
  const db: Database = {
    schema,
    orm,
    timezone: config.timezone,
    pool,
    url,
    embedded: server !== null,
    statementTimeoutMs,
    // Concurrent probes share one check.
    isReady: () => (readyCheck ??= pendingMigrations(readyPool).then((p) => p === 0, () => false).finally(() => (readyCheck = null))),
    close: async () => {
      // The ORM first: its connections are the pool's.
      await orm.close(true);
      await Promise.all([pool.end(), readyPool.end()]);
      // pool.end() resolves before its connections have said goodbye; 'remove' comes once each has.
      await new Promise<void>((resolve) => {
        const done = () => open.size === 0 && resolve();
        pool.on('remove', done);
        done();
      });
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

/** Migrations run in one transaction with no statement timeout: changing a big table may rightly take minutes. */
export async function migrate(db: Database): Promise<string[]> {
  const migrator = await migratorOf(db.orm);
  const applied = await inTransaction(db.orm.em.fork(), (em) => migrator.up({ transaction: em.getTransactionContext() }), { statementTimeoutMs: 0 });
  if (applied.length) logger.info('migrations applied', { migrations: applied.map((m) => m.name) });
  await db.schema.afterMigrate?.(db.pool);
  return applied.map((m) => m.name);
}

/** How many of the hub's migrations the database has not applied (throws when it cannot be reached). */
async function pendingMigrations(pool: pg.Pool): Promise<number> {
  const { rows } = await pool.query<{ name: string }>('SELECT name FROM mikro_orm_migrations');
  const { MIGRATIONS } = await import('../../migrations/index.js');
  const applied = new Set(rows.map((r) => r.name.replace(/\.[jt]s$/, '')));
  return MIGRATIONS.filter((m) => !applied.has(m.name)).length;
}
