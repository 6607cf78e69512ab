import pg from 'pg';
import { noteStatement } from './read-scope';

/**
 * Counts every SQL statement this process sends (ORM and raw alike), for
 * /metrics and for the tests that keep resolvers free of N+1 queries.
 */
export const sqlStats = {
  statements: 0,
  /**
   * Of those, the ones not made for the request they fall in: budget refills (access/budget.store.ts)
   * and key-usage flushes (modules/audit/key-usage.ts) land on whichever request runs at the time.
   * Counted when sent, as `statements` is (see `backgroundQuery`).
   */
  backgroundStatements: 0,
  /**
   * Statements that completed with a command tag that may have made a write visible to other
   * transactions (INSERT, UPDATE, COPY, COMMIT, DDL… anything but the tags of READ_ONLY_TAGS), on
   * any connection of this process. The response cache's notified versions are dropped when it
   * moves, so this process's own writes are seen before anything it answers after them.
   */
  writesSeen: 0,
};

/** Command tags that never make a write visible: reads, transaction starts and ends that commit nothing, settings. */
const READ_ONLY_TAGS = /^(SELECT|SHOW|BEGIN|START TRANSACTION|ROLLBACK|SAVEPOINT|RELEASE|SET|RESET|LISTEN|UNLISTEN|DECLARE CURSOR|FETCH|MOVE|CLOSE CURSOR|PREPARE|DEALLOCATE|DISCARD|EXPLAIN)\b/;
const watched = new WeakSet<pg.Client>();

/** Counts the completions of `client`'s statements whose tag may have made a write visible. */
function watchWrites(client: pg.Client): void {
  if (watched.has(client)) return;
  watched.add(client);
  // pg's own listener (which ends the query) is attached first: the count moves before its caller goes on.
  (client as pg.Client & { connection: NodeJS.EventEmitter }).connection.on('commandComplete', (msg: { text?: string }) => {
    if (!READ_ONLY_TAGS.test(msg.text ?? '')) sqlStats.writesSeen++;
  });
}

const background = new WeakSet<object>();

/**
 * A statement of the hub's bookkeeping, counted in `backgroundStatements` when the driver sends it.
 * Counting it when asked for instead could fall on either side of a request's count: a pool query
 * waits for a free connection first, and may send it during the next request's count.
 */
export function backgroundQuery(text: string, values: unknown[]): pg.QueryConfig {
  const config: pg.QueryConfig = { text, values };
  background.add(config);
  return config;
}

let installed = false;
export function installSqlCounter(): void {
  if (installed) return;
  installed = true;
  const original = pg.Client.prototype.query;
  // One wrapper at the driver: every path to the database goes through it.
  pg.Client.prototype.query = function countedQuery(this: pg.Client, ...args: unknown[]) {
    sqlStats.statements++;
    if (typeof args[0] === 'object' && args[0] !== null && background.has(args[0])) sqlStats.backgroundStatements++;
    noteStatement(args[0]);
    watchWrites(this);
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof original;
  // pool.query sends its statement from a callback that may run in another request's async context
  // (when it waited for a connection): noted here too, in the caller's context, for the response cache.
  const poolQuery = pg.Pool.prototype.query;
  pg.Pool.prototype.query = function notedQuery(this: pg.Pool, ...args: unknown[]) {
    noteStatement(args[0]);
    return (poolQuery as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof poolQuery;
}
