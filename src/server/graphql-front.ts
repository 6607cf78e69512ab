import type express from 'express';
import type http from 'node:http';
import type { CacheDeps, ResponseCache } from './response-cache';

/** A repeated question is small; a longer body goes the usual way (express.json, with its 20 MB limit and 413). */
const FRONT_MAX_BYTES = 64 * 1024;
/** Content types the front reads as UTF-8 JSON; any other (another charset: 415) is express's. */
const JSON_TYPES = new Set(['application/json', 'application/json; charset=utf-8', 'application/json;charset=utf-8']);
/** body-parser's strict mode: a JSON text that is not an object or an array is refused. */
const FIRST_NON_WHITESPACE = /^[\x20\x09\x0a\x0d]*([^\x20\x09\x0a\x0d])/;

/** Errors the front met (a body that did not parse, Apollo failing): express answers them as its own (400, 500). */
const failures = new WeakMap<http.IncomingMessage, Error>();

/**
 * POST /graphql with a plain JSON body of stated length, taken before express: its body is read and
 * parsed once here, the response cache answers a repeated question, and Apollo (`apollo`,
 * apollo-http.ts) any other, with no router and no body parser. Every other request goes on to
 * express; so does a body that did not parse, with its error (`frontError` hands it on; body-parser
 * leaves alone a request whose body was read: `isFinished(req)` in its read.js).
 */
export function graphqlFront(cache: ResponseCache, deps: CacheDeps, app: http.RequestListener, apollo: http.RequestListener): http.RequestListener {
  return (req, res) => {
    if (!takes(req)) return void app(req, res);
    const chunks: Buffer[] = [];
    let read = false;
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    // Aborted while sending its body: answered as body-parser would (400), if the client still listens.
    req.on('error', (err) => {
      if (read) return;
      read = true;
      failures.set(req, Object.assign(err, { status: 400 }));
      app(req, res);
    });
    req.on('end', () => {
      read = true;
      const body = parseJson(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
      if (body instanceof Error) {
        failures.set(req, body);
        return void app(req, res);
      }
      (req as { body?: unknown }).body = body;
      cache.answer(req, res, body, deps, () => apollo(req, res));
    });
  };
}

/** Hands an error the front met to express, whose error handler answers it (`app`: express). */
export function frontFailed(app: http.RequestListener): (req: http.IncomingMessage, res: http.ServerResponse, err: unknown) => void {
  return (req, res, err) => {
    failures.set(req, err instanceof Error ? err : new Error(String(err)));
    app(req, res);
  };
}

/** Express middleware before express.json on /graphql: the error the front met with this request, if any. */
export function frontError(req: express.Request, _res: express.Response, next: express.NextFunction): void {
  next(failures.get(req));
}

function takes(req: http.IncomingMessage): boolean {
  if (req.method !== 'POST' || req.url !== '/graphql') return false;
  const h = req.headers;
  if (h['content-encoding'] !== undefined || h['transfer-encoding'] !== undefined) return false;
  const length = Number(h['content-length'] ?? NaN);
  return length <= FRONT_MAX_BYTES && JSON_TYPES.has(h['content-type']?.toLowerCase() ?? '');
}

/** As body-parser's json() (strict) reads a UTF-8 body: a BOM dropped, empty is {}, else an object or an array. */
function parseJson(bytes: Buffer): unknown {
  let text = bytes.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.length === 0) return {};
  const first = FIRST_NON_WHITESPACE.exec(text)?.[1];
  if (first !== '{' && first !== '[') return malformed();
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    if (err instanceof SyntaxError) return malformed();
    throw err;
  }
}

const malformed = () => Object.assign(new Error('malformed request body'), { status: 400 });
