import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import express from 'express';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from '../config';
import { isReady, type Database } from '../db/database';
import { formatError } from '../graphql/format-error';
import { createLoaders } from '../graphql/loaders';
import { createSchema } from '../graphql/schema';
import { logger } from '../logger';
import { PubSub } from '../modules/realtime/pubsub';
import { principalFor } from './auth';
import type { Context } from './context';
import { createArmor } from './limits';
import { Metrics } from './metrics';
import { attachWebSocket } from './websocket';

export interface Hub {
  url: string;
  wsUrl: string;
  port: number;
  pubsub: PubSub;
  schema: GraphQLSchema;
  metrics: Metrics;
  /** Drains HTTP and WebSocket; the caller closes the database after. */
  stop(): Promise<void>;
}

/** Counts operations and their error codes for /metrics. */
function metricsPlugin(metrics: Metrics): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ operation, errors }) {
          metrics.inc('ewc_graphql_operations_total', 'GraphQL operations over HTTP.', { type: operation?.operation ?? 'unknown' });
          for (const e of errors ?? []) {
            metrics.inc('ewc_graphql_errors_total', 'GraphQL errors by code.', { code: String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR') });
          }
        },
      };
    },
  };
}

export async function startServer(config: Config, db: Database, opts: { port?: number } = {}): Promise<Hub> {
  const pubsub = new PubSub();
  const schema = await createSchema(pubsub);
  const metrics = new Metrics();
  const armor = createArmor();
  const app = express();
  app.disable('x-powered-by');
  const httpServer = http.createServer(app);

  const ws = attachWebSocket({ httpServer, schema, db, pubsub, metrics });

  const apollo = new ApolloServer<Context>({
    schema,
    formatError,
    includeStacktraceInErrorResponses: false,
    introspection: true,
    // We stop on signals ourselves: drain HTTP and WebSocket, then close the database.
    stopOnTerminationSignals: false,
    validationRules: armor.validationRules,
    plugins: [
      ...armor.plugins,
      ApolloServerPluginDrainHttpServer({ httpServer }),
      { async serverWillStart() { return { drainServer: () => ws.drain() }; } },
      // The offline explorer replaces Apollo's CDN-hosted landing page.
      ApolloServerPluginLandingPageDisabled(),
      metricsPlugin(metrics),
    ],
  });
  await apollo.start();

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const ready = await isReady(db);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', database: ready ? 'migrated' : 'unreachable or not migrated' });
  });
  app.get('/metrics', (_req, res) => {
    res.type('text/plain; version=0.0.4').send(metrics.render());
  });
  app.use(
    '/graphql',
    express.json({ limit: '20mb' }),
    expressMiddleware(apollo, {
      context: async ({ req }): Promise<Context> => {
        metrics.inc('ewc_http_graphql_requests_total', 'HTTP requests to /graphql.');
        const principal = await principalFor(db, req.headers.authorization);
        const em = db.orm.em.fork();
        return { principal, em, db, pubsub, loaders: createLoaders(db, em, principal) };
      },
    }),
  );
  app.use((err: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    const status = (err as { status?: number }).status ?? 500;
    if (status >= 500) logger.error('http error', { message: err instanceof Error ? err.message : String(err) });
    const message = status === 413 ? 'request body too large' : status < 500 ? 'malformed request body' : 'Internal server error';
    res.status(status).json({ errors: [new GraphQLError(message, { extensions: { code: status < 500 ? 'BAD_USER_INPUT' : 'INTERNAL_SERVER_ERROR' } })] });
  });

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(opts.port ?? config.port, config.host, resolve);
  });
  const port = (httpServer.address() as AddressInfo).port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  let stopping: Promise<void> | null = null;
  return {
    url: `http://${host}:${port}/graphql`,
    wsUrl: `ws://${host}:${port}/graphql`,
    port,
    pubsub,
    schema,
    metrics,
    stop: () => (stopping ??= apollo.stop()),
  };
}
