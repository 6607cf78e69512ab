import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { APPLICATION_NAME } from '../../db/database';
import { logger } from '../../logger';
import { PubSub, type TopicEvent } from './pubsub';

export const EVENTS_CHANNEL = 'ewc_events';
/** PostgreSQL refuses NOTIFY payloads of 8,000 bytes or more; keep a margin. */
export const MAX_NOTIFY_BYTES = 7900;
/** The pseudo-topic of a stored list of events (publishAll too large to send inline). */
const EVENT_LIST = '$events';
const BACKOFF_START_MS = 100;
/** Short, so the listener is back within about a second of the database's return. */
const BACKOFF_MAX_MS = 1000;
/** Rows of big payloads are kept an hour, long enough for every instance to read them. */
const PAYLOAD_RETENTION = '1 hour';
const CLEANUP_EVERY_MS = 10 * 60_000;

/**
 * What travels on the channel: one event (topic and payload) or the events of one change, inline
 * or as the id of their event_payload row.
 */
type Envelope = { origin: string } & ({ topic: string; payload: unknown } | { events: TopicEvent[] } | { topic: string; ref: string });

const log = logger.child({ component: 'pubsub' });

/** JSON keeps no Dates; tag them so the receiver gets Dates back (DateTime fields, date maths in filters). */
export function encodePayload(payload: unknown): string {
  return JSON.stringify(payload, function (this: Record<string, unknown>, key: string, value: unknown) {
    const original = this[key];
    return original instanceof Date ? { $date: original.toISOString() } : value;
  });
}

export function decodePayload(json: string): unknown {
  return JSON.parse(json, (_key, value: unknown) => {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const keys = Object.keys(value);
      if (keys.length === 1 && keys[0] === '$date') return new Date((value as { $date: string }).$date);
    }
    return value;
  });
}

/**
 * The hub's PubSub when several instances share one PostgreSQL: every publish is also sent as a
 * NOTIFY on `ewc_events`, and notifications from other instances are delivered to this one's
 * subscribers. The publishing instance delivers to its own subscribers at once and ignores its
 * own notifications, so a single instance is as fast as the in-process PubSub.
 *
 * NOTIFY is not durable: events sent while the listener is reconnecting are lost to this
 * instance. A lost connection that comes back at the first try (a backend terminated) keeps the
 * subscriptions open; when the reconnect fails (the database is unreachable) the instance signals
 * `onUnavailable` once per outage, and the WebSocket server closes subscriptions with 1013 (try
 * again later), so clients re-subscribe, and re-read what they may have missed, once it is back.
 */
export class PgPubSub extends PubSub {
  readonly instanceId = randomUUID();
  /**
   * A connection of its own, outside the hub's one pool: a LISTEN lasts as long as the connection
   * and would take a pool connection out for good. Sends (NOTIFY) go through the pool.
   */
  private listener: pg.Client | null = null;
  private closed = false;
  private backoffMs = BACKOFF_START_MS;
  private reconnectTimer: NodeJS.Timeout | null = null;
  /** Sends in publish order (one pool connection each would otherwise race). */
  private sending: Promise<void> = Promise.resolve();
  /** Deliveries in notification order (a by-reference payload is read before it is delivered). */
  private delivering: Promise<void> = Promise.resolve();
  private lastCleanup = 0;
  /** Set once an outage was signalled; cleared when listening again. */
  private signalled = false;

  constructor(private readonly db: { pool: pg.Pool; url: string }) {
    super();
  }

  /** Resolves once this instance is listening, so no event published after startup is missed. */
  async start(): Promise<void> {
    await this.listen();
  }

  /** The backend pid of the listening connection (tests terminate it to simulate a lost connection). */
  get listenerPid(): number | null {
    return (this.listener as (pg.Client & { processID?: number }) | null)?.processID ?? null;
  }

  override publish(topic: string, payload: unknown): void {
    super.publish(topic, payload);
    this.enqueue(topic, encodePayload(payload));
  }

  /** One NOTIFY for all the events of a change: a batch of 100 meters was 100 statements before. */
  override publishAll(events: readonly TopicEvent[]): void {
    if (!events.length) return;
    if (events.length === 1) return this.publish(events[0].topic, events[0].payload);
    super.publishAll(events);
    this.enqueue(EVENT_LIST, encodePayload(events));
  }

  private enqueue(topic: string, body: string): void {
    if (this.closed) return;
    this.sending = this.sending.then(() =>
      this.send(topic, body).catch((err: unknown) => log.error('event not sent to other instances', { topic, error: err })),
    );
  }

  /** Sends what is queued, then stops listening. The pool stays open: it belongs to the database. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    await this.sending;
    const client = this.listener;
    this.listener = null;
    await client?.end().catch(() => undefined);
    await this.delivering;
  }

  private async send(topic: string, body: string): Promise<void> {
    const inline = topic === EVENT_LIST
      ? `{"origin":${JSON.stringify(this.instanceId)},"events":${body}}`
      : `{"origin":${JSON.stringify(this.instanceId)},"topic":${JSON.stringify(topic)},"payload":${body}}`;
    if (Buffer.byteLength(inline) <= MAX_NOTIFY_BYTES) {
      await this.db.pool.query('SELECT pg_notify($1, $2)', [EVENTS_CHANNEL, inline]);
      return;
    }
    const { rows } = await this.db.pool.query<{ id: string }>('INSERT INTO event_payload (topic, payload) VALUES ($1, $2::jsonb) RETURNING id', [topic, body]);
    const envelope: Envelope = { origin: this.instanceId, topic, ref: rows[0].id };
    await this.db.pool.query('SELECT pg_notify($1, $2)', [EVENTS_CHANNEL, JSON.stringify(envelope)]);
    if (Date.now() - this.lastCleanup > CLEANUP_EVERY_MS) {
      this.lastCleanup = Date.now();
      await this.db.pool.query(`DELETE FROM event_payload WHERE created_at < now() - interval '${PAYLOAD_RETENTION}'`);
    }
  }

  private async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.db.url, application_name: `${APPLICATION_NAME} listen` });
    // Only a connection that was listening is "lost"; a failed attempt is the caller's to retry.
    let established = false;
    let lost = false;
    const onLost = (err?: Error) => {
      if (!established || lost) return;
      lost = true;
      if (this.listener === client) this.listener = null;
      client.removeAllListeners('notification');
      // end() after an error releases the socket; its own 'end' is ignored (lost is set).
      void client.end().catch(() => undefined);
      if (this.closed) return;
      log.warn('event listener connection lost; reconnecting', { error: err, retryInMs: this.backoffMs });
      this.scheduleReconnect();
    };
    client.on('error', onLost);
    client.on('end', () => onLost());
    client.on('notification', (n) => {
      if (n.channel === EVENTS_CHANNEL && n.payload) this.receive(n.payload);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${EVENTS_CHANNEL}`);
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    established = true;
    this.listener = client;
    this.backoffMs = BACKOFF_START_MS;
    this.signalled = false;
  }

  private scheduleReconnect(): void {
    const delay = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, BACKOFF_MAX_MS);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (this.closed) return;
      this.listen().then(
        () => log.info('event listener reconnected'),
        (err: unknown) => {
          if (this.closed) return;
          log.warn('event listener reconnect failed', { error: err, retryInMs: this.backoffMs });
          if (!this.signalled) {
            this.signalled = true;
            this.signalUnavailable();
          }
          this.scheduleReconnect();
        },
      );
    }, delay);
  }

  private receive(text: string): void {
    let envelope: Envelope;
    try {
      envelope = decodePayload(text) as Envelope;
    } catch (err) {
      if (!(err instanceof SyntaxError)) throw err;
      log.warn('malformed event notification dropped', { bytes: text.length });
      return;
    }
    if (envelope.origin === this.instanceId) return;
    this.delivering = this.delivering.then(async () => {
      try {
        if ('events' in envelope) return super.publishAll(envelope.events);
        const payload = 'ref' in envelope ? await this.load(envelope.ref) : envelope.payload;
        if (payload === undefined) return;
        if (envelope.topic === EVENT_LIST) super.publishAll(payload as TopicEvent[]);
        else super.publish(envelope.topic, payload);
      } catch (err) {
        log.error('event from another instance not delivered', { topic: 'topic' in envelope ? envelope.topic : EVENT_LIST, error: err });
      }
    });
  }

  private async load(id: string): Promise<unknown> {
    const { rows } = await this.db.pool.query<{ payload: string }>('SELECT payload::text AS payload FROM event_payload WHERE id = $1', [id]);
    if (!rows.length) {
      log.warn('event payload row gone; event dropped', { id });
      return undefined;
    }
    return decodePayload(rows[0].payload);
  }
}
