import type { ApolloServer, ContextFunction } from '@apollo/server';
import { expressMiddleware, type ExpressContextFunctionArgument } from '@as-integrations/express5';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Context } from '../graphql/context';

/**
 * POST /subgraph: the hub's Federation 2 subgraph (same keys, policy and limits as /graphql),
 * for a gateway or an Apollo Router that composes the hub. Built on its first request: the
 * subgraph schema takes a second or two to build, which a hub that is never composed should
 * not pay at start.
 */
export function subgraphRoute(
  create: () => ApolloServer<Context>,
  context: ContextFunction<[ExpressContextFunctionArgument], Context>,
): { handler: RequestHandler; stop(): Promise<void> } {
  let server: ApolloServer<Context> | null = null;
  let ready: Promise<RequestHandler> | null = null;
  const start = async (): Promise<RequestHandler> => {
    server = create();
    await server.start();
    return expressMiddleware(server, { context });
  };
  return {
    handler: (req: Request, res: Response, next: NextFunction) => {
      (ready ??= start()).then((handle) => handle(req, res, next), next);
    },
    stop: async () => {
      if (!ready) return;
      await ready.catch(() => undefined);
      await server?.stop();
    },
  };
}
