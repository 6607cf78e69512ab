import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';
import type http from 'node:http';

/** A request and its response, as the context function reads them (express's are these too). */
export interface HttpContextArgs {
  req: http.IncomingMessage;
  res: http.ServerResponse;
}

/**
 * Runs a POST /graphql whose body the front (graphql-front.ts) has read and parsed through Apollo,
 * and writes the answer, as @as-integrations/express5 does but on the bare request: a question
 * passes no router, body parser or express response helper (res.send hashed every answer for an
 * ETag, of no use on a POST). `failed` gets an error Apollo throws instead of answering (a bug).
 */
export function apolloOverHttp<C extends BaseContext>(
  server: ApolloServer<C>,
  context: (args: HttpContextArgs) => Promise<C>,
  failed: (req: http.IncomingMessage, res: http.ServerResponse, err: unknown) => void,
): (req: http.IncomingMessage, res: http.ServerResponse) => void {
  return (req, res) => {
    const headers = new HeaderMap();
    for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    const body = (req as { body?: unknown }).body;
    server
      .executeHTTPGraphQLRequest({ httpGraphQLRequest: { method: 'POST', headers, search: '', body }, context: () => context({ req, res }) })
      .then(async (answer) => {
        for (const [name, value] of answer.headers) res.setHeader(name, value);
        res.statusCode = answer.status ?? 200;
        if (answer.body.kind === 'complete') return void res.end(answer.body.string);
        for await (const chunk of answer.body.asyncIterator) res.write(chunk);
        res.end();
      })
      .catch((err: unknown) => (res.headersSent ? res.destroy(err instanceof Error ? err : undefined) : failed(req, res, err)));
  };
}
