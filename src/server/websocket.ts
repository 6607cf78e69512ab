import { GraphQLError, parse, specifiedRules, validate, type ExecutionArgs, type GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import type http from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Principal } from '../access/principal';
import type { Database } from '../db/database';
import { formatError } from '../graphql/format-error';
import { createLoaders } from '../graphql/loaders';
import { logger } from '../logger';
import { TOPICS, type PubSub } from '../modules/realtime/pubsub';
import { principalFor } from './auth';
import type { Context } from './context';
import { createArmor, LIMITS } from './limits';
import type { Metrics } from './metrics';
import { sharedSubscribe } from './shared-subscribe';

/** Close codes: graphql-ws reserves 4400-4499 for the application. */
const CLOSE_UNAUTHENTICATED = 4401;
const CLOSE_REVOKED = 4403;

function formatted(err: GraphQLError): GraphQLError {
  const f = formatError(err.toJSON(), err);
  return new GraphQLError(f.message, { extensions: f.extensions });
}

/**
 * graphql-ws (protocol graphql-transport-ws) on the HTTP server's /graphql.
 * The key comes in connectionParams.authorization; the same limits and error
 * codes as over HTTP; revoking a key closes its sockets.
 */
export function attachWebSocket(opts: { httpServer: http.Server; schema: GraphQLSchema; db: Database; pubsub: PubSub; metrics: Metrics }) {
  const { schema, db, pubsub, metrics } = opts;
  const wss = new WebSocketServer({ server: opts.httpServer, path: '/graphql' });
  const principals = new WeakMap<WebSocket, Principal>();
  const socketsByKey = new Map<number, Set<WebSocket>>();
  const rules = [...specifiedRules, ...createArmor().validationRules];

  const stopRevocations = pubsub.on(TOPICS.KEY_REVOKED, (keyId) => {
    for (const socket of socketsByKey.get(keyId as number) ?? []) socket.close(CLOSE_REVOKED, 'FORBIDDEN: API key revoked');
  });

  const cleanup = useServer<Record<string, unknown>, { socket: WebSocket }>(
    {
      schema,
      subscribe: sharedSubscribe,
      onConnect: async (ctx) => {
        const socket = ctx.extra.socket;
        try {
          const principal = await principalFor(db, ctx.connectionParams?.authorization);
          principals.set(socket, principal);
          const set = socketsByKey.get(principal.keyId) ?? new Set<WebSocket>();
          set.add(socket);
          socketsByKey.set(principal.keyId, set);
          socket.once('close', () => set.delete(socket));
          metrics.inc('ewc_ws_connections_total', 'WebSocket connections accepted.');
          return true;
        } catch (err) {
          socket.close(CLOSE_UNAUTHENTICATED, `UNAUTHENTICATED: ${err instanceof Error ? err.message : 'bad key'}`);
          return false;
        }
      },
      onSubscribe: (ctx, _id, payload) => {
        let document;
        try {
          document = parse(payload.query, { maxTokens: LIMITS.maxTokens });
        } catch (err) {
          return [formatted(err instanceof GraphQLError ? err : new GraphQLError(String(err)))];
        }
        const errors = validate(schema, document, rules);
        if (errors.length) return errors.map(formatted);
        const principal = principals.get(ctx.extra.socket)!;
        const em = db.orm.em.fork();
        const contextValue: Context = { principal, em, db, pubsub, loaders: createLoaders(db, em, principal, { cache: false }) };
        const args: ExecutionArgs = {
          schema,
          document,
          variableValues: payload.variables,
          operationName: payload.operationName,
          contextValue,
        };
        return args;
      },
      onNext: (_ctx, _id, _payload, _args, result) => {
        if (!('errors' in result) || !result.errors?.length) return result;
        return { ...result, errors: result.errors.map((e) => formatted(e as GraphQLError)) };
      },
    },
    wss,
  );

  return {
    async drain(): Promise<void> {
      stopRevocations();
      try {
        await cleanup.dispose();
      } catch (err) {
        logger.warn('closing websockets', { error: String(err) });
      }
    },
  };
}
