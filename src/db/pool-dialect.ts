import { PostgreSqlKnexDialect } from '@mikro-orm/postgresql';
import type pg from 'pg';

/** A compiled statement as knex's runner and transactions hand it to `_query`. */
interface KnexQuery {
  sql: string;
  bindings?: unknown[];
  options?: Record<string, unknown>;
}

/** A connection knex gave up on (a query past a knex-side timeout) carries why. */
type KnexConnection = pg.PoolClient & { __knex__disposed?: unknown };

/**
 * knex (under MikroORM) draws its connections from the hub's one pg.Pool instead of a tarn pool of
 * its own, so the ORM and plain SQL share one size, one statement timeout and one acquire bound.
 * knex takes no outside pool; acquireConnection and releaseConnection are the two calls its runner
 * and its transactions go through (knex/lib/execution/runner.js, transaction.js).
 */
export function dialectOnPool(pool: pg.Pool) {
  return class PooledPostgreSqlDialect extends PostgreSqlKnexDialect {
    initializePool(): void {
      // knex's own pool is never made: every connection comes from `pool`.
    }

    acquireConnection(): Promise<pg.PoolClient> {
      return pool.connect();
    }

    releaseConnection(connection: KnexConnection): Promise<void> {
      connection.release(connection.__knex__disposed ? new Error(String(connection.__knex__disposed)) : undefined);
      return Promise.resolve();
    }

    // MikroORM reads dates and timestamps as strings (its type parsers, in knex's connection settings);
    // the pool's connections keep pg's defaults for plain SQL, so each ORM statement carries the ORM's.
    _query(connection: pg.PoolClient, obj: KnexQuery): Promise<unknown> {
      obj.options = { types: (this.connectionSettings as { types?: unknown }).types, ...obj.options };
      return super._query(connection, obj) as Promise<unknown>;
    }
  };
}
