/**
 * Limits per key on a hub's WebSocket: open connections (over the limit the socket is closed with
 * 4429), open subscriptions (over the limit the subscribe gets RATE_LIMITED), and each operation
 * charged to the key's budget as over HTTP.
 */
import type { Client } from 'graphql-ws';
import { CreateApiKeyDocument } from '../../src/generated/graphql';
import { TOPICS } from '../../src/modules/realtime/pubsub';
import { startTestHub, type TestHub } from '../helpers/hub';
import { waitFor } from '../helpers/live';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- an untyped GraphQL response, read field by field

const ON_READINGS = 'subscription { readingsIngested { rows } }';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub({ EWC_WS_CONNECTIONS_PER_KEY: '2', EWC_SUBSCRIPTIONS_PER_KEY: '2' });
});
afterAll(() => t.close());

async function newKey(budget?: number): Promise<string> {
  const r = await t.gql(CreateApiKeyDocument, { input: { agency: 'DRC', role: 'viewer', ...(budget ? { budget } : {}) } }, t.keys.goa);
  return r.data!.createApiKey.key;
}

interface Outcome {
  errors: Json[];
  stop: () => void;
}

/** Subscribes; `errors` fills if the server refuses the operation. */
function subscribe(client: Client, query = ON_READINGS): Outcome {
  const outcome: Outcome = { errors: [], stop: () => undefined };
  outcome.stop = client.subscribe({ query }, { next: () => undefined, error: (e) => outcome.errors.push(...(Array.isArray(e) ? e : [e])), complete: () => undefined });
  return outcome;
}

function connected(client: Client): Promise<void> {
  return new Promise((resolve, reject) => {
    client.on('connected', () => resolve());
    client.on('closed', reject);
  });
}

const listeners = () => t.hub.pubsub.listenerCount(TOPICS.READINGS_INGESTED);

describe('WebSocket limits per key', () => {
  it('a third connection of one key is closed with 4429 RATE_LIMITED; other keys still connect', async () => {
    const key = await newKey();
    const [a, b] = [t.ws(key), t.ws(key)];
    const open = [connected(a), connected(b)];
    subscribe(a);
    subscribe(b);
    await Promise.all(open);

    const third = t.ws(key);
    const closed = new Promise<{ code: number; reason: string }>((resolve) => third.on('closed', (e) => resolve(e as { code: number; reason: string })));
    subscribe(third);
    const event = await closed;
    expect(event.code).toBe(4429);
    expect(event.reason).toMatch(/^RATE_LIMITED: this key has 2 open connections/);

    const other = t.ws(await newKey());
    const ok = connected(other);
    subscribe(other);
    await ok;

    // Closing one frees its place.
    await a.dispose();
    const again = t.ws(key);
    const reconnected = connected(again);
    subscribe(again);
    await expect(reconnected).resolves.toBeUndefined();
    await Promise.all([b.dispose(), other.dispose(), again.dispose()]);
  });

  it('a third subscription of one key is refused with RATE_LIMITED; completing one frees its place', async () => {
    const key = await newKey();
    const client = t.ws(key);
    const base = listeners();
    const first = subscribe(client);
    const second = subscribe(client);
    const third = subscribe(client);
    expect(await waitFor(() => third.errors.length === 1)).toBe(true);
    expect(third.errors[0]).toMatchObject({ extensions: { code: 'RATE_LIMITED', limit: 2 } });
    expect(third.errors[0].message).toMatch(/2 open subscriptions/);
    expect(await waitFor(() => listeners() === base + 2)).toBe(true);
    expect([first.errors, second.errors]).toEqual([[], []]);

    // Across connections of the key, too.
    const elsewhere = subscribe(t.ws(key));
    expect(await waitFor(() => elsewhere.errors.length === 1)).toBe(true);
    expect(elsewhere.errors[0].extensions.code).toBe('RATE_LIMITED');

    first.stop();
    expect(await waitFor(() => listeners() === base + 1)).toBe(true);
    const fourth = subscribe(client);
    expect(await waitFor(() => listeners() === base + 2)).toBe(true);
    expect(fourth.errors).toEqual([]);
  });

  it('operations over WebSocket spend the key’s budget: over it, RATE_LIMITED with retryAfter', async () => {
    const client = t.ws(await newKey(10));
    const results: Json[] = [];
    const query = (q: string) =>
      new Promise<void>((resolve) => {
        client.subscribe({ query: q }, { next: (v) => results.push(v), error: (e) => (results.push({ errors: e }), resolve()), complete: () => resolve() });
      });
    for (let i = 0; i < 3; i++) await query('{ viewer { keyName } }');
    expect(results.slice(0, 2).map((r) => r.data?.viewer?.keyName)).toEqual(['DRC viewer', 'DRC viewer']);
    expect(results[2].errors[0].extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfter: expect.any(Number), limit: 10 });
  });
});
