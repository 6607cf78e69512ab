import type http from 'node:http';
import type { Socket } from 'node:net';
import { CloseCode, handleProtocols, makeServer, MessageType, type ConnectionInitMessage, type FormattedExecutionResult, type ServerOptions } from 'graphql-ws';
import type { WebSocket, WebSocketServer } from 'ws';
import { logger } from '../logger';

/** What graphql-ws hands every hook about the socket, as `useServer` from graphql-ws/use/ws does. */
export interface SocketExtra {
  readonly socket: WebSocket;
  readonly request: http.IncomingMessage;
}

const JSON_TEXT = Symbol('json text');

/** A `next` payload serialised once, to be written as is to every socket it goes to. */
export type PreparedPayload = FormattedExecutionResult & { readonly [JSON_TEXT]: string };

/** Serialises `payload` now; `onNext` returns the result for each socket that gets it. */
export function preparePayload(payload: FormattedExecutionResult): PreparedPayload {
  return { ...payload, [JSON_TEXT]: JSON.stringify(payload) };
}

function isPreparedNext(value: unknown): value is { id: string; payload: PreparedPayload } {
  if (typeof value !== 'object' || value === null) return false;
  const msg = value as { type?: unknown; payload?: unknown };
  return msg.type === MessageType.Next && typeof msg.payload === 'object' && msg.payload !== null && JSON_TEXT in msg.payload;
}

/**
 * Bytes waiting on a socket below which `send` does not wait for the write: a burst of events to
 * one socket then leaves in one write. Past it, `send` waits for the write, and so the socket's
 * subscriptions wait for it (graphql-ws awaits each `send`), as every send did before.
 */
const HIGH_WATER = 64 * 1024;
/** A close reason is at most 123 bytes; the internal message stays in the log. */
const INTERNAL_ERROR = 'Internal server error';

/**
 * graphql-ws (protocol graphql-transport-ws) on a `ws` server: `useServer` from graphql-ws/use/ws
 * (same protocol check, keep-alive pings, error handling, dispose), with two changes for fan-out.
 *
 * 1. A `next` payload that `onNext` prepared (`preparePayload`) is serialised once however many
 *    sockets get it. graphql-ws has no hook for raw JSON: it stringifies each message with the
 *    `jsonMessageReplacer` and passes the string straight to the socket's `send`. So the replacer,
 *    on a prepared `next`, builds the frame `{"id":…,"type":"next","payload":<prepared JSON>}`
 *    (what JSON.stringify would give, byte for byte), leaves it for `send` and returns a stand-in
 *    number; `send` writes the frame in its place. A number is never a message by itself, so a
 *    frame left over can never replace another message.
 * 2. Writes to a socket within one turn of the event loop leave in one system call: the socket is
 *    corked at its first write of the turn and uncorked once the turn's microtasks are done.
 */
export function serveGraphqlWs<P extends ConnectionInitMessage['payload'] = ConnectionInitMessage['payload']>(
  options: Omit<ServerOptions<P, SocketExtra>, 'jsonMessageReplacer'>,
  wss: WebSocketServer,
  transport: { keepAliveMs?: number; onPreparedFrame?: () => void } = {},
): { dispose(): Promise<void> } {
  const { keepAliveMs = 12_000, onPreparedFrame } = transport;
  let handoff: { standIn: string; frame: string } | null = null;
  let serial = 0;
  const server = makeServer<P, SocketExtra>({
    ...options,
    jsonMessageReplacer(key, value: unknown) {
      if (key !== '' || !isPreparedNext(value)) return value;
      serial = (serial + 1) % Number.MAX_SAFE_INTEGER;
      handoff = { standIn: String(serial), frame: `{"id":${JSON.stringify(value.id)},"type":"next","payload":${value.payload[JSON_TEXT]}}` };
      return serial;
    },
  });
  const frameFor = (data: string): string => {
    const h = handoff;
    handoff = null;
    if (!h || h.standIn !== data) return data;
    onPreparedFrame?.();
    return h.frame;
  };

  const corked = new Set<Socket>();
  const uncorkAll = () => {
    for (const s of corked) s.uncork();
    corked.clear();
  };
  const corkForThisTurn = (s: Socket) => {
    if (corked.has(s)) return;
    // A tick queued from a microtask runs once the microtask queue is empty: after every
    // subscription woken by this turn's events has written its frames.
    if (corked.size === 0) process.nextTick(uncorkAll);
    s.cork();
    corked.add(s);
  };

  wss.options.handleProtocols = handleProtocols;
  wss.once('error', (err) => {
    logger.error('websocket server failed', { error: err });
    for (const client of wss.clients) client.close(CloseCode.InternalServerError, INTERNAL_ERROR);
  });

  wss.on('connection', (socket, request) => {
    socket.once('error', (err) => {
      logger.error('websocket failed', { error: err });
      socket.close(CloseCode.InternalServerError, INTERNAL_ERROR);
    });
    // Keep-alive: a ping every keepAliveMs; a socket that does not answer within as long is dropped.
    let pongWait: NodeJS.Timeout | null = null;
    const pingInterval = setInterval(() => {
      if (socket.readyState !== socket.OPEN) return;
      pongWait = setTimeout(() => socket.terminate(), keepAliveMs);
      socket.once('pong', () => {
        if (pongWait) clearTimeout(pongWait);
        pongWait = null;
      });
      socket.ping();
    }, keepAliveMs);

    const closed = server.opened(
      {
        protocol: socket.protocol,
        send: (data) => {
          const frame = frameFor(data);
          if (socket.readyState !== socket.OPEN) return;
          const small = socket.bufferedAmount < HIGH_WATER;
          corkForThisTurn(request.socket);
          // Below the mark a failed write is not reported here: it errors or closes the socket,
          // and the close ends its subscriptions.
          if (small) return void socket.send(frame);
          return new Promise<void>((resolve, reject) => socket.send(frame, (err) => (err ? reject(err) : resolve())));
        },
        close: (code, reason) => socket.close(code, reason),
        onMessage: (cb) =>
          socket.on('message', async (event) => {
            try {
              await cb(String(event));
            } catch (err) {
              logger.error('websocket message failed', { error: err });
              socket.close(CloseCode.InternalServerError, INTERNAL_ERROR);
            }
          }),
      },
      { socket, request },
    );

    socket.once('close', (code, reason) => {
      if (pongWait) clearTimeout(pongWait);
      clearInterval(pingInterval);
      void closed(code, String(reason));
    });
  });

  return {
    dispose: async () => {
      for (const client of wss.clients) client.close(1001, 'Going away');
      wss.removeAllListeners();
      await new Promise<void>((resolve, reject) => wss.close((err) => (err ? reject(err) : resolve())));
    },
  };
}
