import path from 'node:path';
import { loadFederationConfig, type FederationConfig } from './federation/federation.config';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
export type Executor = 'jit' | 'graphql-js';
const EXECUTORS: Executor[] = ['jit', 'graphql-js'];
/**
 * How the response cache knows the data versions are unchanged: `checked`, read on every request
 * (an answer never older than a write committed before the question); `notified`, kept in memory
 * and dropped when PostgreSQL notifies a write (this process's writes at once, others' when their
 * notification arrives). src/db/data-version.ts.
 */
export type CacheFreshness = 'checked' | 'notified';
const FRESHNESS: CacheFreshness[] = ['checked', 'notified'];

/** Everything the process reads from its environment, read and checked once. */
export interface Config {
  port: number;
  host: string;
  /** Unset means: run the embedded PostgreSQL under dataDir. */
  databaseUrl: string | null;
  dataDir: string;
  timezone: string;
  demo: boolean;
  logLevel: LogLevel;
  /**
   * EWC_STATEMENT_TIMEOUT_MS: the longest a statement of a request may run (0: no limit). Past it
   * PostgreSQL cancels the statement and the client gets SERVICE_UNAVAILABLE.
   */
  statementTimeoutMs: number;
  /**
   * EWC_DB_POOL_MAX: connections of the one pool the ORM and plain SQL share (src/db/database.ts).
   * Past it a request waits for a connection, at most as long as the statement timeout.
   */
  dbPoolMax: number;
  budgets: BudgetConfig;
  /**
   * EWC_RESPONSE_CACHE (on by default), EWC_RESPONSE_CACHE_MB (64) and EWC_RESPONSE_CACHE_FRESHNESS
   * (`checked` by default, or `notified`): answers to repeated questions (src/server/response-cache.ts).
   */
  responseCache: { enabled: boolean; maxBytes: number; freshness: CacheFreshness };
  /**
   * EWC_EXECUTOR: what runs operations on POST/GET /graphql: `jit` (default, graphql-jit compiles each
   * operation once, src/server/jit-executor.ts) or `graphql-js`. WebSocket and /subgraph use graphql-js.
   */
  executor: Executor;
  /** Gateway mode: agency subgraphs composed with the hub's own (EWC_SUBGRAPHS, src/federation). */
  federation: FederationConfig;
}

/** Per-key budgets and connection limits (README, "Budgets"). */
export interface BudgetConfig {
  /** EWC_BUDGETS=off turns cost budgets off (for benches); connection limits stay. */
  enabled: boolean;
  /** Cost points per minute of a key without its own budget, by role. */
  perMinute: { admin: number; editor: number; viewer: number };
  /** Share of a key's budget an instance takes from the shared counter at once. */
  reserveFraction: number;
  /** Presented keys that fail to authenticate, per remote address and minute. */
  authFailuresPerMinute: number;
  /** Open WebSocket connections per key, per instance. */
  connectionsPerKey: number;
  /** Open subscriptions per key, per instance. */
  subscriptionsPerKey: number;
}

export class ConfigError extends Error {
  constructor(public readonly variable: string, message: string) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

const LOG_LEVELS: LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];

function parsePort(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 4000;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError('PORT', `expected an integer from 0 to 65535, got "${raw}"`);
  }
  return port;
}

function parseBool(variable: string, raw: string | undefined, fallback: boolean): boolean {
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return false;
  throw new ConfigError(variable, `expected 1/0, true/false, yes/no or on/off, got "${raw}"`);
}

function parseTimezone(raw: string | undefined): string {
  const tz = raw === undefined || raw === '' ? 'Asia/Shanghai' : raw;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    throw new ConfigError('EWC_TIMEZONE', `unknown IANA time zone "${tz}"`);
  }
  return tz;
}

function parseDatabaseUrl(raw: string | undefined): string | null {
  if (raw === undefined || raw === '') return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch (err) {
    if (!(err instanceof TypeError)) throw err;
    throw new ConfigError('DATABASE_URL', 'not a URL (expected postgres://user:password@host:port/database)');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new ConfigError('DATABASE_URL', `expected a postgres:// URL, got ${url.protocol}//`);
  }
  return raw;
}

function parseCount(variable: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n < 1) throw new ConfigError(variable, `expected a whole number of at least 1, got "${raw}"`);
  return n;
}

function parseFraction(variable: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0 || n > 1) throw new ConfigError(variable, `expected a number above 0 and at most 1, got "${raw}"`);
  return n;
}

function loadBudgets(env: NodeJS.ProcessEnv): BudgetConfig {
  return {
    enabled: parseBool('EWC_BUDGETS', env.EWC_BUDGETS, true),
    perMinute: {
      admin: parseCount('EWC_BUDGET_ADMIN', env.EWC_BUDGET_ADMIN, 100_000),
      editor: parseCount('EWC_BUDGET_EDITOR', env.EWC_BUDGET_EDITOR, 50_000),
      viewer: parseCount('EWC_BUDGET_VIEWER', env.EWC_BUDGET_VIEWER, 20_000),
    },
    reserveFraction: parseFraction('EWC_BUDGET_RESERVE', env.EWC_BUDGET_RESERVE, 0.05),
    authFailuresPerMinute: parseCount('EWC_AUTH_FAILURES_PER_MINUTE', env.EWC_AUTH_FAILURES_PER_MINUTE, 100),
    connectionsPerKey: parseCount('EWC_WS_CONNECTIONS_PER_KEY', env.EWC_WS_CONNECTIONS_PER_KEY, 20),
    subscriptionsPerKey: parseCount('EWC_SUBSCRIPTIONS_PER_KEY', env.EWC_SUBSCRIPTIONS_PER_KEY, 100),
  };
}

function parseExecutor(raw: string | undefined): Executor {
  if (raw === undefined || raw === '') return 'jit';
  if (!(EXECUTORS as string[]).includes(raw)) throw new ConfigError('EWC_EXECUTOR', `expected ${EXECUTORS.join(' or ')}, got "${raw}"`);
  return raw as Executor;
}

function parseFreshness(raw: string | undefined): CacheFreshness {
  if (raw === undefined || raw === '') return 'checked';
  if (!(FRESHNESS as string[]).includes(raw)) throw new ConfigError('EWC_RESPONSE_CACHE_FRESHNESS', `expected ${FRESHNESS.join(' or ')}, got "${raw}"`);
  return raw as CacheFreshness;
}

function parseTimeout(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 15_000;
  const ms = Number(raw);
  if (!Number.isInteger(ms) || ms < 0 || ms > 2_147_483_647) {
    throw new ConfigError('EWC_STATEMENT_TIMEOUT_MS', `expected milliseconds as an integer from 0 (no limit) to 2147483647, got "${raw}"`);
  }
  return ms;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const databaseUrl = parseDatabaseUrl(env.DATABASE_URL);
  const logLevel = (env.LOG_LEVEL || 'info').toLowerCase() as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError('LOG_LEVEL', `expected one of ${LOG_LEVELS.join(', ')}, got "${env.LOG_LEVEL}"`);
  }
  const dataDir = path.resolve(env.EWC_DATA_DIR || '.ewc-hub');
  return {
    port: parsePort(env.PORT),
    host: env.HOST || '127.0.0.1',
    databaseUrl,
    dataDir,
    timezone: parseTimezone(env.EWC_TIMEZONE),
    // Demo data is on by default only where we own the database.
    demo: parseBool('EWC_DEMO', env.EWC_DEMO, databaseUrl === null),
    logLevel,
    budgets: loadBudgets(env),
    statementTimeoutMs: parseTimeout(env.EWC_STATEMENT_TIMEOUT_MS),
    // 20: what the ORM's pool and the SQL pool held together (10 each) before they became one.
    dbPoolMax: parseCount('EWC_DB_POOL_MAX', env.EWC_DB_POOL_MAX, 20),
    responseCache: {
      enabled: parseBool('EWC_RESPONSE_CACHE', env.EWC_RESPONSE_CACHE, true),
      maxBytes: parseCount('EWC_RESPONSE_CACHE_MB', env.EWC_RESPONSE_CACHE_MB, 64) * 1024 * 1024,
      freshness: parseFreshness(env.EWC_RESPONSE_CACHE_FRESHNESS),
    },
    executor: parseExecutor(env.EWC_EXECUTOR),
    federation: loadFederationConfig(env, dataDir),
  };
}
