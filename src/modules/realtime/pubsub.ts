/**
 * In-process publish/subscribe, in the shape type-graphql 2 expects
 * (`publish(topic, payload)`, `subscribe(topic)` giving an async iterable).
 * Events are published only after the transaction that made them commits.
 */
export type Listener = (payload: unknown) => void;

export interface TopicEvent {
  topic: string;
  payload: unknown;
}

export class PubSub {
  private readonly topics = new Map<string, Set<Listener>>();
  private readonly unavailable = new Set<() => void>();

  /**
   * Called when events can no longer reach this instance because the database is unreachable
   * (PgPubSub's listener could not reconnect); the WebSocket server then closes subscriptions.
   */
  onUnavailable(listener: () => void): () => void {
    this.unavailable.add(listener);
    return () => this.unavailable.delete(listener);
  }

  protected signalUnavailable(): void {
    for (const listener of this.unavailable) listener();
  }

  publish(topic: string, payload: unknown): void {
    for (const listener of this.topics.get(topic) ?? []) listener(payload);
  }

  /** Several events of one change (a batch of readings): delivered in order, sent to other instances as one message. */
  publishAll(events: readonly TopicEvent[]): void {
    for (const e of events) PubSub.prototype.publish.call(this, e.topic, e.payload);
  }

  /** A plain callback subscription, for server internals; returns the unsubscribe function. */
  on(topic: string, listener: Listener): () => void {
    const set = this.topics.get(topic) ?? new Set<Listener>();
    set.add(listener);
    this.topics.set(topic, set);
    return () => set.delete(listener);
  }

  listenerCount(topic: string): number {
    return this.topics.get(topic)?.size ?? 0;
  }

  subscribe(topic: string): AsyncIterable<unknown> {
    const topics = this.topics;
    return {
      [Symbol.asyncIterator](): AsyncIterator<unknown> {
        const queue: unknown[] = [];
        let wake: ((r: IteratorResult<unknown>) => void) | null = null;
        let done = false;
        const listener: Listener = (payload) => {
          if (wake) {
            const w = wake;
            wake = null;
            w({ value: payload, done: false });
          } else queue.push(payload);
        };
        const set = topics.get(topic) ?? new Set<Listener>();
        set.add(listener);
        topics.set(topic, set);
        const stop = (): Promise<IteratorResult<unknown>> => {
          done = true;
          set.delete(listener);
          if (wake) wake({ value: undefined, done: true });
          wake = null;
          queue.length = 0;
          return Promise.resolve({ value: undefined, done: true });
        };
        return {
          next: () => {
            if (queue.length) return Promise.resolve({ value: queue.shift(), done: false });
            if (done) return Promise.resolve({ value: undefined, done: true });
            return new Promise((resolve) => (wake = resolve));
          },
          return: stop,
          throw: (err) => {
            void stop();
            return Promise.reject(err);
          },
        };
      },
    };
  }
}

export const TOPICS = {
  READINGS_INGESTED: 'READINGS_INGESTED',
  /** Payload: IndicatorUpdatedPayload, after rollups changed. */
  INDICATOR_UPDATED: 'INDICATOR_UPDATED',
  /** Payload: ComplianceAlertPayload. */
  COMPLIANCE_ALERT: 'COMPLIANCE_ALERT',
  /** Payload: EpcChangedPayload, after a contract was created, moved or paid. */
  EPC_CHANGED: 'EPC_CHANGED',
  /** Payload: PvGenerationPayload, after PV generation readings were ingested. */
  PV_GENERATION: 'PV_GENERATION',
  /** Payload: FleetChangedPayload, after vehicles, charging points or their records changed. */
  FLEET_CHANGED: 'FLEET_CHANGED',
  /** Payload: RecyclingChangedPayload, after recycling records were written. */
  RECYCLING_CHANGED: 'RECYCLING_CHANGED',
  /** Payload: the key id; open subscriptions of that key are closed. */
  KEY_REVOKED: 'KEY_REVOKED',
  /** Payload: the key id; its settings (budget) changed, so cached principals are dropped. */
  KEY_CHANGED: 'KEY_CHANGED',
} as const;
