import { randomUUID } from 'node:crypto';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import type { GatewayInterface } from '@apollo/server-gateway-interface';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import express from 'express';
import type { EntityManager } from '@mikro-orm/postgresql';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from '../config';
import { dashboardRouter } from '../dashboard/serve';
import { type Database } from '../db/database';
import { unavailableReason } from '../db/unavailable';
import { explorerRouter } from '../explorer/serve';
import { subgraphRoute } from '../federation/subgraph.http';
import { buildHubSubgraph } from '../federation/subgraph';
import { faviconIco } from './favicon';
import { createGateway, tagSubgraph } from '../federation/gateway';
import { formatError } from '../graphql/format-error';
import { createLoaders, type Loaders } from '../graphql/loaders';
import { createSchema } from '../graphql/schema';
import { logContext, logger } from '../logger';
import { importRouter } from '../modules/imports/import.http';
import { ComplianceMonitor } from '../modules/compliance/alerts.service';
import { KeyUsage, keyUsagePlugin } from '../modules/audit/key-usage';
import { PgPubSub } from '../modules/realtime/pg-pubsub';
import { PubSub } from '../modules/realtime/pubsub';
import { AuthFailureLimit, PrincipalCache } from './auth';
import { Budgets, KeyBudgets } from '../access/budget';
import { budgetPlugin } from './budget.plugin';
import { BudgetStore } from '../access/budget.store';
import type { Context } from '../graphql/context';
import type { Principal } from '../access/principal';
import { createArmor, LIMITS } from './limits';
import { Metrics, metricsPlugin } from './metrics';
import { attachWebSocket } from './websocket';
import { jitGateway } from './jit-executor';
import { DataVersions } from '../db/data-version';
import { principalOf, ResponseCache } from './response-cache';
import { frontError, frontFailed, graphqlFront } from './graphql-front';
import { apolloOverHttp, type HttpContextArgs } from './apollo-http';

export interface Hub {
  url: string;
  wsUrl: string;
  port: number;
  pubsub: PubSub;
  schema: GraphQLSchema;
  metrics: Metrics;
  /** Per-key counts of requests and rows (flushed every few seconds and on stop). */
  usage: KeyUsage;
  /** Resolves once the compliance checks scheduled after ingests so far have run (their SQL is nobody's request). */
  settled(): Promise<void>;
  /** Drains HTTP and WebSocket; the caller closes the database after. */
  stop(): Promise<void>;
}

const REQUEST_ID = /^[\w.:-]{1,64}$/;

/**
 * Gives each HTTP request an id (a well-formed X-Request-Id from a proxy, or a new one), returns it,
 * puts it on every log line written while handling the request, and logs the request when done.
 * Only the method, path (no query string), status and time are logged: never a key or a body.
 */
function requestLog(req: http.IncomingMessage, res: http.ServerResponse, next: () => void): void {
  const header = req.headers['x-request-id'];
  const requestId = typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
  res.setHeader('x-request-id', requestId);
  const started = performance.now();
  const routePath = (req.url ?? '').split('?')[0];
  res.on('finish', () =>
    logContext.run({ requestId }, () =>
      logger.info('http request', { method: req.method, path: routePath, status: res.statusCode, ms: Math.round(performance.now() - started) }),
    ),
  );
  logContext.run({ requestId }, next);
}

/** What a client is told to wait before trying again after SERVICE_UNAVAILABLE, in seconds. */
const RETRY_AFTER_SECONDS = 5;
const retryAfter = () => new Map([['retry-after', String(RETRY_AFTER_SECONDS)]]);

/**
 * A statement timeout or a database outage answers HTTP 503 with Retry-After (the GraphQL body
 * carries SERVICE_UNAVAILABLE and the reason): a proxy or client then knows to try again later.
 */
function serviceUnavailablePlugin(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          const errors = response.body.kind === 'single' ? response.body.singleResult.errors : undefined;
          // An agency subgraph that is down (gateway mode) nulls its own fields only: the rest is an answer.
          if (!errors?.some((e) => e.extensions?.code === 'SERVICE_UNAVAILABLE' && !e.extensions.subgraph)) return;
          response.http.status = 503;
          response.http.headers.set('retry-after', String(RETRY_AFTER_SECONDS));
        },
      };
    },
  };
}

/**
 * A POST to /graphql must say it carries JSON (GraphQL over HTTP): anything else is 415 with a
 * GraphQL error, before a body parser or Apollo sees it (Apollo answers a missing body with a 500).
 */
function requireJsonBody(req: express.Request, res: express.Response, next: express.NextFunction): void {
  const mediaType = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (req.method !== 'POST' || mediaType === 'application/json') return next();
  res
    .status(415)
    .json({ errors: [new GraphQLError('send the request as "content-type: application/json"', { extensions: { code: 'BAD_USER_INPUT' } })] });
}

/**
 * A request's context over HTTP. Its EntityManager is forked on first use (a lookup read as plain
 * rows needs none) by a getter on the prototype: Apollo copies a context's own properties for each
 * operation (Object.assign in its cloneObject), which calls an own getter, and so forked every time.
 */
class HttpContext implements Context {
  readonly loaders: Loaders;

  constructor(
    readonly principal: Principal,
    readonly db: Database,
    readonly pubsub: PubSub,
    readonly monitor: ComplianceMonitor,
    readonly requestId: string,
    /** Forks once and then returns the same EntityManager; shared with the copy Apollo makes. */
    private readonly forked: () => EntityManager,
  ) {
    this.loaders = createLoaders(db, principal);
  }

  get em(): EntityManager {
    return this.forked();
  }
}

/** `clock`: milliseconds since the epoch, for the budget windows (tests move it instead of waiting). */
export async function startServer(config: Config, db: Database, opts: { port?: number; clock?: () => number } = {}): Promise<Hub> {
  // Instances sharing the database hear each other's events (LISTEN/NOTIFY); listening before serving.
  const pubsub = new PgPubSub(db);
  await pubsub.start();
  const schema = await createSchema(pubsub, config.timezone);
  // Gateway mode (EWC_SUBGRAPHS): /graphql serves the supergraph of the hub and the agencies'
  // subgraphs; WebSocket subscriptions stay on the hub's own schema. Off: nothing changes.
  const hubSubgraph = config.federation.subgraphs.length ? buildHubSubgraph(schema) : null;
  const gateway = hubSubgraph
    ? await createGateway(config.federation, hubSubgraph).catch(async (err: unknown) => {
        await pubsub.close();
        throw err;
      })
    : null;
  const metrics = new Metrics({ db, pubsub });
  const counters = new Budgets(new BudgetStore(db.pool), { reserveFraction: config.budgets.reserveFraction, clock: opts.clock ?? Date.now });
  const budgets = new KeyBudgets(counters, config.budgets);
  const keys = new PrincipalCache(db, pubsub, new AuthFailureLimit(counters, config.budgets.authFailuresPerMinute));
  const monitor = new ComplianceMonitor(db, pubsub);
  const usage = new KeyUsage(db.pool, db.timezone);
  const armor = createArmor();
  // In gateway mode an answer also holds agency subgraphs' data, whose changes no version here sees: no cache.
  const dataVersions = await DataVersions.load(db.pool, config.responseCache.freshness);
  dataVersions.onNotified = () => metrics.dataVersionNotifications.inc();
  dataVersions.onListening = (up) => metrics.dataVersionListening.set(up ? 1 : 0);
  const responseCache = new ResponseCache(dataVersions, db.timezone, gateway ? { ...config.responseCache, enabled: false } : config.responseCache);
  const app = express();
  app.disable('x-powered-by');
  const cacheDeps = { keys, budgets, usage, metrics };
  // Its requests are handled once Apollo has started (below).
  const httpServer = http.createServer();
  // Idle keep-alive sockets stay open longer than the 5 s default: a client (or proxy) that reuses
  // one just as the server closes it gets a reset; a busy machine's late timers made that common.
  // Drain still closes idle sockets at once on stop.
  httpServer.keepAliveTimeout = 65_000;
  httpServer.headersTimeout = 66_000;

  const ws = attachWebSocket({ httpServer, schema, db, pubsub, metrics, keys, budgets, limits: config.budgets });

  // The options /graphql and /subgraph share: errors, limits, metrics, budgets, usage.
  const apolloFor = (schemaOrGateway: { schema: GraphQLSchema } | { gateway: GatewayInterface }, own: ApolloServerPlugin<Context>[] = []) =>
    new ApolloServer<Context>({
      ...schemaOrGateway,
      formatError: (formatted, error) => tagSubgraph(formatError(formatted, error, { statementTimeoutMs: db.statementTimeoutMs }), error),
      includeStacktraceInErrorResponses: false,
      introspection: true,
      // We stop on signals ourselves: drain HTTP and WebSocket, then close the database.
      stopOnTerminationSignals: false,
      validationRules: armor.validationRules,
      parseOptions: { maxTokens: LIMITS.maxTokens },
      plugins: [
        ...armor.plugins,
        ...own,
        // The offline explorer replaces Apollo's CDN-hosted landing page.
        ApolloServerPluginLandingPageDisabled(),
        // No type sets cache hints (answers depend on the key), and the default cache-control plugin
        // wraps every field resolver to compute them: 100 institutions with meters are ~1,500 calls.
        ApolloServerPluginCacheControlDisabled(),
        metricsPlugin(metrics),
        budgetPlugin(budgets),
        serviceUnavailablePlugin(),
        keyUsagePlugin(usage),
        responseCache.plugin(),
        // Subscriptions need a socket: over HTTP they get a clear 400, not an empty result.
        {
          async requestDidStart() {
            return {
              async didResolveOperation({ operation }) {
                if (operation?.operation === 'subscription') {
                  throw new GraphQLError('subscriptions run over WebSocket (graphql-ws, protocol graphql-transport-ws) on /graphql, not over HTTP', {
                    extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } },
                  });
                }
              },
            };
          },
        },
      ],
    });
  // The federation gateway runs its own query plans; otherwise graphql-jit, unless EWC_EXECUTOR=graphql-js.
  const executor = gateway ? { gateway: gateway as unknown as GatewayInterface } : config.executor === 'jit' ? { gateway: jitGateway(schema, metrics) } : { schema };
  const apollo = apolloFor(executor, [
    ApolloServerPluginDrainHttpServer({ httpServer }),
    { async serverWillStart() { return { drainServer: () => ws.drain() }; } },
  ]);
  await apollo.start();
  const context = async ({ req, res }: HttpContextArgs): Promise<Context> => {
    metrics.httpGraphqlRequests.inc();
    // The client's address as express's req.ip gives it (no proxy is trusted).
    const principal = await (principalOf(req) ?? keys.principalFor(req.headers.authorization, req.socket.remoteAddress)).catch((err: unknown) => {
      // Apollo answers an error thrown here with its own HTTP status: 503 when the database is away.
      const reason = unavailableReason(err, db.statementTimeoutMs);
      throw reason ? new GraphQLError(reason, { extensions: { code: 'SERVICE_UNAVAILABLE', http: { status: 503, headers: retryAfter() } } }) : err;
    });
    const requestId = String(res.getHeader('x-request-id') ?? randomUUID());
    let em: EntityManager | undefined;
    return new HttpContext(principal, db, pubsub, monitor, requestId, () => (em ??= db.orm.em.fork()));
  };
  // POST /graphql first, before the routes for pages and files: a question (above all one the
  // response cache answers) passes no other layer.
  const graphqlBody = [requireJsonBody, frontError, express.json({ limit: '20mb' })];
  const graphql = [responseCache.middleware(cacheDeps), expressMiddleware(apollo, { context })];
  app.post('/graphql', ...graphqlBody, ...graphql);

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const ready = await db.isReady();
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', database: ready ? 'migrated' : 'unreachable or not migrated' });
  });
  // A person typing the hub's address lands on the dashboard; browsers ask every site for an icon.
  app.get('/', (_req, res) => res.redirect(302, '/dashboard'));
  const favicon = faviconIco();
  app.get('/favicon.ico', (_req, res) => {
    res.type('image/x-icon').set('Cache-Control', 'public, max-age=86400').send(favicon);
  });
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.contentType).send(await metrics.render());
  });
  // A browser opening /graphql gets the offline explorer; every other request falls through to Apollo.
  app.use(explorerRouter());
  // The dashboard's static page at /dashboard (built into dist/dashboard).
  app.use(dashboardRouter());
  // Files of readings over HTTP, for agencies without shell access to the hub.
  app.use(importRouter(db, pubsub, keys, budgets, monitor));
  // The hub as an Apollo Federation 2 subgraph, for a gateway or router composing it (src/federation).
  // No inline (ftv1) traces: they would tell any key how long each field took.
  const subgraph = subgraphRoute(() => apolloFor({ schema: hubSubgraph ?? buildHubSubgraph(schema) }, [ApolloServerPluginInlineTraceDisabled()]), context);
  app.use('/subgraph', ...graphqlBody, subgraph.handler);
  // GET (queries) and every other method: the explorer above has taken a browser's GET.
  app.use('/graphql', ...graphqlBody, ...graphql);
  app.use((err: unknown, req: express.Request, res: express.Response, _next: express.NextFunction) => {
    const status = (err as { status?: number }).status ?? 500;
    // Discard the unread rest of a refused body, so the client reads our answer instead of a reset.
    if (status === 413) res.once('finish', () => req.resume()).setHeader('connection', 'close');
    if (status >= 500) logger.error('http error', { error: err });
    const message =
      status === 413 ? 'request body too large' : status === 415 ? 'send the body as UTF-8 JSON' : status < 500 ? 'malformed request body' : 'Internal server error';
    res.status(status).json({ errors: [new GraphQLError(message, { extensions: { code: status < 500 ? 'BAD_USER_INPUT' : 'INTERNAL_SERVER_ERROR' } })] });
  });

  // Every request logged (before express); POST /graphql met by the front first (the response
  // cache, then Apollo), the rest by express.
  const front = graphqlFront(responseCache, cacheDeps, app, apolloOverHttp(apollo, context, frontFailed(app)));
  httpServer.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => requestLog(req, res, () => front(req, res)));
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
    usage,
    settled: () => monitor.drain(),
    stop: () =>
      (stopping ??= Promise.all([apollo.stop(), subgraph.stop()])
        .then(() => Promise.all([monitor.drain(), usage.stop()]))
        .then(async () => {
          keys.close();
          await Promise.all([pubsub.close(), responseCache.close()]);
        })),
  };
}
