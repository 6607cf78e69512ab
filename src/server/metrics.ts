import type { ApolloServerPlugin } from '@apollo/server';
import type { DocumentNode } from 'graphql';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Database } from '../db/database';
import { sqlStats } from '../db/sql-stats';
import * as operations from '../generated/graphql';
import { ingestStats } from '../modules/metering/ingest.service';
import { TOPICS, type PubSub } from '../modules/realtime/pubsub';
import type { Context } from '../graphql/context';

/** Latency buckets, seconds: most operations answer in milliseconds; imports and reports take longer. */
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The label of every operation name the hub does not know: a client cannot grow the series. */
export const OTHER_OPERATION = 'other';

/**
 * The operation names the hub knows: those of schema/operations/*.graphql (the typed documents
 * codegen writes into src/generated). Names clients make up, even with a valid key, are `other`:
 * a per-key allowance would still let every key add its own series.
 */
export const KNOWN_OPERATIONS: ReadonlySet<string> = new Set(
  Object.values(operations as Record<string, unknown>).flatMap((doc) =>
    typeof doc === 'object' && doc !== null && (doc as DocumentNode).kind === 'Document'
      ? (doc as DocumentNode).definitions.flatMap((d) => (d.kind === 'OperationDefinition' && d.name ? [d.name.value] : []))
      : [],
  ),
);

export function operationLabel(name: string | null | undefined): string {
  if (!name) return 'anonymous';
  return KNOWN_OPERATIONS.has(name) ? name : OTHER_OPERATION;
}

/** prom-client's process metrics (event-loop lag, heap, GC, CPU, handles), collected once per process. */
let processRegistry: Registry | null = null;
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

/** One hub's metrics (prom-client), with the process metrics, in Prometheus' text format at /metrics. */
export class Metrics {
  private readonly registry = new Registry();
  readonly contentType = this.registry.contentType;
  readonly httpGraphqlRequests = new Counter({ name: 'ewc_http_graphql_requests_total', help: 'HTTP requests to /graphql.', registers: [this.registry] });
  readonly wsConnections = new Counter({ name: 'ewc_ws_connections_total', help: 'WebSocket connections accepted.', registers: [this.registry] });
  readonly wsNextMessages = new Counter({ name: 'ewc_ws_next_messages_total', help: 'Results (next messages) written to WebSockets from a serialised payload, one per socket and event.', registers: [this.registry] });
  readonly wsPayloadsSerialised = new Counter({ name: 'ewc_ws_payloads_serialised_total', help: 'WebSocket results serialised: one per event, operation and access profile, shared by its sockets.', registers: [this.registry] });
  readonly operations = new Counter({ name: 'ewc_graphql_operations_total', help: 'GraphQL operations over HTTP, by type and known operation name (others: "other").', labelNames: ['type', 'operation'] as const, registers: [this.registry] });
  readonly duration = new Histogram({ name: 'ewc_graphql_duration_seconds', help: 'Time to answer a GraphQL operation over HTTP.', labelNames: ['operation'] as const, buckets: BUCKETS, registers: [this.registry] });
  readonly responseCacheHits = new Counter({ name: 'ewc_response_cache_hits_total', help: 'HTTP GraphQL requests answered from the response cache.', registers: [this.registry] });
  readonly dataVersionNotifications = new Counter({
    name: 'ewc_response_cache_notifications_total',
    help: 'Write notifications heard under EWC_RESPONSE_CACHE_FRESHNESS=notified (each drops the data versions kept in memory).',
    registers: [this.registry],
  });
  readonly dataVersionListening = new Gauge({
    name: 'ewc_response_cache_listening',
    help: 'Under EWC_RESPONSE_CACHE_FRESHNESS=notified: 1 while the connection that hears write notifications is up; 0 while every request reads the data versions.',
    registers: [this.registry],
  });
  readonly executions = new Counter({
    name: 'ewc_graphql_executions_total',
    help: 'Operations run over HTTP under EWC_EXECUTOR=jit, by executor: jit (compiled by graphql-jit) or graphql-js (an operation\'s first time, or one graphql-jit cannot compile).',
    labelNames: ['executor'] as const,
    registers: [this.registry],
  });
  readonly errors = new Counter({ name: 'ewc_graphql_errors_total', help: 'GraphQL errors by code.', labelNames: ['code'] as const, registers: [this.registry] });

  constructor(sources: { db?: Database; pubsub?: PubSub } = {}) {
    this.gauge('ewc_sql_statements_total', 'SQL statements sent by this process (counter).', () => sqlStats.statements);
    this.gauge(
      'ewc_sql_background_statements_total',
      'Of those, the bookkeeping made on a timer or a new budget window (key usage flushes, budget refills), not for a request (counter).',
      () => sqlStats.backgroundStatements,
    );
    this.gauge('ewc_readings_ingested_total', 'Readings written by ingests, new and corrected (counter).', () => ingestStats.rows);
    const { db, pubsub } = sources;
    if (pubsub) {
      this.gauge('ewc_subscriptions_open', 'Subscriptions being served, over every topic.', () =>
        Object.values(TOPICS).reduce((n, topic) => n + pubsub.listenerCount(topic), 0),
      );
    }
    if (db) {
      this.gauge('ewc_db_pool_connections', 'Connections in the database pool.', () => db.pool.totalCount);
      this.gauge('ewc_db_pool_idle', 'Idle connections in the database pool.', () => db.pool.idleCount);
      this.gauge('ewc_db_pool_waiting', 'Queries waiting for a pool connection.', () => db.pool.waitingCount);
    }
  }

  private gauge(name: string, help: string, read: () => number): void {
    new Gauge({
      name,
      help,
      registers: [this.registry],
      collect() {
        this.set(read());
      },
    });
  }

  async render(): Promise<string> {
    const [own, proc] = await Promise.all([this.registry.metrics(), processMetrics().metrics()]);
    return `${own}\n${proc}`;
  }
}

/** Counts operations by type and known name, their latency, and their error codes, for /metrics. */
export function metricsPlugin(metrics: Metrics): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      const started = performance.now();
      return {
        async willSendResponse({ operation, operationName, response }) {
          const name = operationLabel(operationName ?? operation?.name?.value);
          const type = operation?.operation ?? 'unknown';
          metrics.operations.inc({ type, operation: name });
          metrics.duration.observe({ operation: name }, (performance.now() - started) / 1000);
          // The formatted errors, which carry the code the client sees (one of ERROR_CODES).
          const errors = response.body.kind === 'single' ? response.body.singleResult.errors : undefined;
          for (const e of errors ?? []) metrics.errors.inc({ code: String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR') });
        },
      };
    },
  };
}
