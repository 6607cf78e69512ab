import type { ApolloServerPlugin } from '@apollo/server';
import type { Database } from '../db/database';
import { sqlStats } from '../db/sql-stats';
import { ingestStats } from '../modules/metering/ingest.service';
import { TOPICS, type PubSub } from '../modules/realtime/pubsub';
import type { Context } from './context';

/** Latency buckets, seconds: most operations answer in milliseconds; imports and reports take longer. */
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

interface Histogram {
  help: string;
  series: Map<string, { counts: number[]; sum: number; count: number }>;
}

const labelKey = (labels: Record<string, string>) =>
  Object.entries(labels)
    .map(([k, v]) => `${k}="${v.replace(/["\\\n]/g, '_').slice(0, 100)}"`)
    .join(',');

/** Counters, gauges and histograms in Prometheus' text format; enough to watch a hub without another dependency. */
export class Metrics {
  private readonly counters = new Map<string, { help: string; values: Map<string, number> }>();
  private readonly gauges = new Map<string, { help: string; read: () => number }>();
  private readonly histograms = new Map<string, Histogram>();

  constructor(sources: { db?: Database; pubsub?: PubSub } = {}) {
    this.gauge('ewc_sql_statements_total', 'SQL statements sent by this process (counter).', () => sqlStats.statements);
    this.gauge('ewc_readings_ingested_total', 'Readings written by ingests, new and corrected (counter).', () => ingestStats.rows);
    this.gauge('ewc_process_resident_memory_bytes', 'Resident memory of the process.', () => process.memoryUsage().rss);
    this.gauge('ewc_process_uptime_seconds', 'Seconds since the process started.', () => process.uptime());
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

  inc(name: string, help: string, labels: Record<string, string> = {}, by = 1): void {
    const counter = this.counters.get(name) ?? { help, values: new Map<string, number>() };
    this.counters.set(name, counter);
    const key = labelKey(labels);
    counter.values.set(key, (counter.values.get(key) ?? 0) + by);
  }

  observe(name: string, help: string, labels: Record<string, string>, seconds: number): void {
    const h = this.histograms.get(name) ?? { help, series: new Map() };
    this.histograms.set(name, h);
    const key = labelKey(labels);
    const s = h.series.get(key) ?? { counts: BUCKETS.map(() => 0), sum: 0, count: 0 };
    h.series.set(key, s);
    BUCKETS.forEach((b, i) => seconds <= b && s.counts[i]++);
    s.sum += seconds;
    s.count++;
  }

  gauge(name: string, help: string, read: () => number): void {
    this.gauges.set(name, { help, read });
  }

  render(): string {
    const lines: string[] = [];
    for (const [name, c] of this.counters) {
      lines.push(`# HELP ${name} ${c.help}`, `# TYPE ${name} counter`);
      for (const [labels, v] of c.values) lines.push(`${name}${labels ? `{${labels}}` : ''} ${v}`);
    }
    for (const [name, h] of this.histograms) {
      lines.push(`# HELP ${name} ${h.help}`, `# TYPE ${name} histogram`);
      for (const [labels, s] of h.series) {
        const sep = labels ? ',' : '';
        BUCKETS.forEach((b, i) => lines.push(`${name}_bucket{${labels}${sep}le="${b}"} ${s.counts[i]}`));
        lines.push(`${name}_bucket{${labels}${sep}le="+Inf"} ${s.count}`, `${name}_sum${labels ? `{${labels}}` : ''} ${s.sum}`, `${name}_count${labels ? `{${labels}}` : ''} ${s.count}`);
      }
    }
    for (const [name, g] of this.gauges) {
      lines.push(`# HELP ${name} ${g.help}`, `# TYPE ${name} gauge`, `${name} ${g.read()}`);
    }
    return lines.join('\n') + '\n';
  }
}

/** Counts operations by type and name, their latency, and their error codes, for /metrics. */
export function metricsPlugin(metrics: Metrics): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      const started = performance.now();
      return {
        async willSendResponse({ operation, operationName, response }) {
          const name = operationName ?? operation?.name?.value ?? 'anonymous';
          const type = operation?.operation ?? 'unknown';
          metrics.inc('ewc_graphql_operations_total', 'GraphQL operations over HTTP.', { type, operation: name });
          metrics.observe('ewc_graphql_duration_seconds', 'Time to answer a GraphQL operation over HTTP.', { operation: name }, (performance.now() - started) / 1000);
          // The formatted errors, which carry the code the client sees.
          const errors = response.body.kind === 'single' ? response.body.singleResult.errors : undefined;
          for (const e of errors ?? []) {
            metrics.inc('ewc_graphql_errors_total', 'GraphQL errors by code.', { code: String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR') });
          }
        },
      };
    },
  };
}
