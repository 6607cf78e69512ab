import { randomUUID } from 'node:crypto';
import { getOperationAST, GraphQLError, parse, specifiedRules, validate, type ExecutionArgs, type ExecutionResult, type GraphQLSchema } from 'graphql';
import type http from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Principal } from '../access/principal';
import type { BudgetConfig } from '../config';
import type { Database } from '../db/database';
import { RateLimitedError } from '../errors/domain-errors';
import { unavailableReason } from '../db/unavailable';
import { formatError } from '../graphql/format-error';
import { createLoaders } from '../graphql/loaders';
import { logger } from '../logger';
import { TOPICS, type PubSub } from '../modules/realtime/pubsub';
import type { PrincipalCache } from './auth';
import { rateLimitedGraphQLError, type KeyBudgets } from '../access/budget';
import type { Context } from '../graphql/context';
import { createArmor, LIMITS } from './limits';
import type { Metrics } from './metrics';
import { operationCost } from './operation-cost';
import { sharedSubscribe } from './shared-subscribe';
import { preparePayload, serveGraphqlWs, type PreparedPayload } from './ws-transport';

/** Close codes: graphql-ws reserves 4400-4499 for the application. */
const CLOSE_UNAUTHENTICATED = 4401;
const CLOSE_REVOKED = 4403;
/** The key already holds EWC_WS_CONNECTIONS_PER_KEY sockets on this hub, or its address failed too many keys. */
export const CLOSE_RATE_LIMITED = 4429;
/**
 * The database is unreachable: WebSocket's standard "Try Again Later". Events may have been
 * missed; a client reconnects (with backoff) and re-subscribes once the hub is ready again.
 */
export const CLOSE_TRY_AGAIN_LATER = 1013;

/**
 * graphql-ws (protocol graphql-transport-ws) on the HTTP server's /graphql.
 * The key comes in connectionParams.authorization; the same limits and error
 * codes as over HTTP; revoking a key closes its sockets.
 */
export function attachWebSocket(opts: {
  httpServer: http.Server;
  schema: GraphQLSchema;
  db: Database;
  pubsub: PubSub;
  metrics: Metrics;
  keys: PrincipalCache;
  budgets: KeyBudgets;
  limits: Pick<BudgetConfig, 'connectionsPerKey' | 'subscriptionsPerKey'>;
}) {
  const { schema, db, pubsub, metrics, keys, budgets, limits } = opts;
  const wss = new WebSocketServer({ server: opts.httpServer, path: '/graphql' });
  const principals = new WeakMap<WebSocket, Principal>();
  const socketsByKey = new Map<number, Set<WebSocket>>();
  /** Ids of the open subscription operations of each socket. */
  const subscriptionsOf = new WeakMap<WebSocket, Set<string>>();
  const openSubscriptions = (keyId: number) => [...(socketsByKey.get(keyId) ?? [])].reduce((n, s) => n + (subscriptionsOf.get(s)?.size ?? 0), 0);
  const rules = [...specifiedRules, ...createArmor().validationRules];
  const formatted = (err: GraphQLError): GraphQLError => {
    const f = formatError(err.toJSON(), err, { statementTimeoutMs: db.statementTimeoutMs });
    return new GraphQLError(f.message, { extensions: f.extensions });
  };
  // A result shared by the subscribers of one operation and access profile (sharedSubscribe) is
  // formatted and serialised once, with its first subscriber; the others get the same JSON.
  const prepared = new WeakMap<ExecutionResult, PreparedPayload>();
  const prepare = (result: ExecutionResult): PreparedPayload => {
    let payload = prepared.get(result);
    if (!payload) {
      const { errors, ...rest } = result;
      payload = preparePayload(errors?.length ? { ...rest, errors: errors.map((e) => formatted(e).toJSON()) } : rest);
      prepared.set(result, payload);
      metrics.wsPayloadsSerialised.inc();
    }
    return payload;
  };

  const stopRevocations = pubsub.on(TOPICS.KEY_REVOKED, (keyId) => {
    for (const socket of socketsByKey.get(keyId as number) ?? []) socket.close(CLOSE_REVOKED, 'FORBIDDEN: API key revoked');
  });
  // Events no longer arrive: every socket is told to come back later rather than wait for nothing.
  const stopOutages = pubsub.onUnavailable(() => {
    for (const socket of wss.clients) socket.close(CLOSE_TRY_AGAIN_LATER, 'SERVICE_UNAVAILABLE: the database is unavailable; reconnect later');
  });

  const cleanup = serveGraphqlWs<Record<string, unknown>>(
    {
      schema,
      subscribe: sharedSubscribe,
      onConnect: async (ctx) => {
        const socket = ctx.extra.socket;
        try {
          const principal = await keys.principalFor(ctx.connectionParams?.authorization, ctx.extra.request.socket.remoteAddress);
          if ((socketsByKey.get(principal.keyId)?.size ?? 0) >= limits.connectionsPerKey) {
            socket.close(CLOSE_RATE_LIMITED, `RATE_LIMITED: this key has ${limits.connectionsPerKey} open connections to this hub, the most it may`);
            return false;
          }
          principals.set(socket, principal);
          subscriptionsOf.set(socket, new Set());
          const set = socketsByKey.get(principal.keyId) ?? new Set<WebSocket>();
          set.add(socket);
          socketsByKey.set(principal.keyId, set);
          socket.once('close', () => set.delete(socket));
          metrics.wsConnections.inc();
          return true;
        } catch (err) {
          const limited = err instanceof GraphQLError && err.extensions.code === 'RATE_LIMITED';
          // A close reason is at most 123 bytes.
          const reason = `${limited ? 'RATE_LIMITED' : 'UNAUTHENTICATED'}: ${err instanceof Error ? err.message : 'bad key'}`.slice(0, 120);
          if (unavailableReason(err, db.statementTimeoutMs)) socket.close(CLOSE_TRY_AGAIN_LATER, 'SERVICE_UNAVAILABLE: the database is unavailable; reconnect later');
          else socket.close(limited ? CLOSE_RATE_LIMITED : CLOSE_UNAUTHENTICATED, reason);
          return false;
        }
      },
      onSubscribe: async (ctx, id, payload) => {
        let document;
        try {
          document = parse(payload.query, { maxTokens: LIMITS.maxTokens });
        } catch (err) {
          return [formatted(err instanceof GraphQLError ? err : new GraphQLError(String(err)))];
        }
        const errors = validate(schema, document, rules);
        if (errors.length) return errors.map(formatted);
        const socket = ctx.extra.socket;
        const principal = principals.get(socket)!;
        const operation = getOperationAST(document, payload.operationName);
        if (operation?.operation === 'subscription' && openSubscriptions(principal.keyId) >= limits.subscriptionsPerKey) {
          const refusal = new RateLimitedError(`this key has ${limits.subscriptionsPerKey} open subscriptions on this hub, the most it may; complete one first`, { limit: limits.subscriptionsPerKey });
          return [formatted(new GraphQLError(refusal.message, { originalError: refusal }))];
        }
        // The place is taken before the charge below awaits: subscribes sent together count each other.
        if (operation?.operation === 'subscription') subscriptionsOf.get(socket)?.add(id);
        // Each operation is charged once, as over HTTP; the events of a subscription are not.
        const verdict = await budgets.charge(principal, operation ? operationCost(schema, document, operation) : 1);
        if (verdict && !verdict.allowed) {
          subscriptionsOf.get(socket)?.delete(id);
          return [formatted(rateLimitedGraphQLError(verdict))];
        }
        const em = db.orm.em.fork();
        const contextValue: Context = { principal, em, db, pubsub, requestId: randomUUID(), loaders: createLoaders(db, principal, { cache: false }) };
        const args: ExecutionArgs = {
          schema,
          document,
          variableValues: payload.variables,
          operationName: payload.operationName,
          contextValue,
        };
        return args;
      },
      onComplete: (ctx, id) => {
        subscriptionsOf.get(ctx.extra.socket)?.delete(id);
      },
      onNext: (_ctx, _id, _payload, _args, result) => prepare(result),
    },
    wss,
    { onPreparedFrame: () => metrics.wsNextMessages.inc() },
  );

  return {
    async drain(): Promise<void> {
      stopRevocations();
      stopOutages();
      try {
        await cleanup.dispose();
      } catch (err) {
        logger.warn('closing websockets', { error: err });
      }
    },
  };
}
