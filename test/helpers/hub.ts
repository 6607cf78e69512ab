import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print, type GraphQLFormattedError } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import WebSocket from 'ws';
import { loadConfig } from '../../src/config';
import { openDatabase, type Database } from '../../src/app/database';
import { deriveDemoKeys } from '../../src/demo/demo-keys';
import { sqlStats } from '../../src/db/sql-stats';
import { startServer, type Hub } from '../../src/server/app';
import { subscriptionsOpen } from './live';

export interface GqlResult<T> {
  status: number;
  data?: T | null;
  errors?: GraphQLFormattedError[];
}

/** The demo's keys, as `npm start` prints them. */
export interface DemoKeys {
  goa: string;
  drc: string;
  finance: string;
  water: string;
  housing: string;
  hospital: string;
  public: string;
  /** Hunan Green Energy: the ESCO of the Longhui and Shaoyang No. 2 hospital contracts. */
  esco: string;
}

export interface TestHub {
  hub: Hub;
  db: Database;
  keys: DemoKeys;
  /** Runs an operation over HTTP, as a partner application would. */
  gql<T, V>(doc: TypedDocumentNode<T, V>, variables: V, key: string | null): Promise<GqlResult<T>>;
  raw(body: unknown, key: string | null): Promise<GqlResult<unknown>>;
  ws(key: string | null): Client;
  sql<R extends pg.QueryResultRow = Record<string, unknown>>(text: string, params?: unknown[]): Promise<R[]>;
  /** Subscriptions the hub serves now (its ewc_subscriptions_open gauge). */
  subscriptionsOpen(): Promise<number>;
  /** SQL statements this process sent while `fn` ran, but for the budget counter's. */
  countStatements(fn: () => Promise<unknown>): Promise<number>;
  close(): Promise<void>;
}

export async function createDatabaseFromTemplate(): Promise<string> {
  const adminUrl = process.env.EWC_TEST_ADMIN_URL!;
  const name = `${process.env.EWC_TEST_TEMPLATE}_t${process.env.JEST_WORKER_ID ?? 0}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        // Copying files beats replaying WAL for a database of this size.
        await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${process.env.EWC_TEST_TEMPLATE}" STRATEGY FILE_COPY`);
        break;
      } catch (err) {
        // Two workers copying the template at the same moment: wait and retry.
        if (attempt > 20 || !/being accessed by other users/.test(String(err))) throw err;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  } finally {
    await admin.end();
  }
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

/**
 * A real hub on a fresh copy of the demo database, listening on a free port. `databaseUrl`: a
 * second hub on another hub's database (`t.db.url`); `clock`: the time the budgets see.
 */
export async function startTestHub(env: Record<string, string> = {}, opts: { databaseUrl?: string; clock?: () => number } = {}): Promise<TestHub> {
  const url = opts.databaseUrl ?? (await createDatabaseFromTemplate());
  const config = loadConfig({ DATABASE_URL: url, PORT: '0', EWC_DATA_DIR: process.env.EWC_TEST_DATA_DIR, LOG_LEVEL: 'error', ...env });
  // The template is migrated: each file skips loading the migrator and checking (seconds under load).
  const db = await openDatabase(config, { migrate: false });
  const hub = await startServer(config, db, { port: 0, clock: opts.clock });
  const derived = Object.fromEntries(deriveDemoKeys(process.env.EWC_TEST_DATA_DIR!).map((k) => [k.label, k.key]));
  const keys: DemoKeys = {
    goa: derived['GOA admin'],
    drc: derived['DRC editor'],
    finance: derived['FINANCE editor'],
    water: derived['WATER editor'],
    housing: derived['HOUSING editor'],
    hospital: derived['Longhui County People’s Hospital editor'],
    public: derived['PUBLIC viewer'],
    esco: derived['Hunan Green Energy ESCO editor'],
  };
  const clients: Client[] = [];

  const raw = async (body: unknown, key: string | null): Promise<GqlResult<unknown>> => {
    const res = await fetch(hub.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: JSON.stringify(body),
    });
    const json = (await res.json()) as { data?: unknown; errors?: GraphQLFormattedError[] };
    return { status: res.status, ...json };
  };

  return {
    hub,
    db,
    keys,
    raw,
    gql: async <T, V>(doc: TypedDocumentNode<T, V>, variables: V, key: string | null) =>
      (await raw({ query: print(doc), variables }, key)) as GqlResult<T>,
    ws: (key) => {
      const client = createClient({
        url: hub.wsUrl,
        webSocketImpl: WebSocket,
        connectionParams: key ? { authorization: `Bearer ${key}` } : {},
        retryAttempts: 0,
        lazy: true,
      });
      clients.push(client);
      return client;
    },
    sql: async <R extends pg.QueryResultRow>(text: string, params: unknown[] = []) => (await db.pool.query<R>(text, params)).rows,
    subscriptionsOpen: async () => subscriptionsOpen(await hub.metrics.render()),
    countStatements: async (fn) => {
      // Compliance checks scheduled by earlier ingests (readings, vehicle energy) run in the background: let them finish first.
      await hub.settled();
      // Budget refills and usage flushes fall on whichever request runs at the time: not the request's own work.
      const before = sqlStats.statements - sqlStats.backgroundStatements;
      await fn();
      return sqlStats.statements - sqlStats.backgroundStatements - before;
    },
    close: async () => {
      await Promise.all(clients.map((c) => c.dispose()));
      await hub.stop();
      await db.close();
    },
  };
}

/** The first error's code, the thing partner applications branch on. */
export function codeOf(result: GqlResult<unknown>): string | undefined {
  return result.errors?.[0]?.extensions?.code as string | undefined;
}
