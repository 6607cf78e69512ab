import { print } from 'graphql';
import type { Client } from 'graphql-ws';
import { IngestReadingsDocument, ReadingsIngestedDocument, RevokeApiKeyDocument, CreateApiKeyDocument, type ReadingsIngestedSubscription } from '../../src/generated/graphql';
import { dailyRows, institutionId, meterId } from '../helpers/fixtures';
import { startTestHub, type TestHub } from '../helpers/hub';
import { waitFor, whenSubscribed } from '../helpers/live';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(() => t.close());

interface Received {
  events: NonNullable<ReadingsIngestedSubscription['readingsIngested']>[];
  errors: unknown[];
  closed: Promise<unknown>;
  stop: () => void;
}

/** Subscribes and resolves once the hub serves the subscription. */
async function subscribe(client: Client, variables: Record<string, unknown> = {}): Promise<Received> {
  const received: Received = { events: [], errors: [], closed: Promise.resolve(), stop: () => undefined };
  let closedEvent: unknown = null;
  received.closed = new Promise((resolve) => client.on('closed', (e) => resolve((closedEvent = e))));
  const open = () => {
    if (closedEvent) throw new Error(`the socket closed before the subscription was served: ${JSON.stringify(closedEvent)}`);
    return t.subscriptionsOpen();
  };
  await whenSubscribed(open, 1, () => {
    received.stop = client.subscribe(
      { query: print(ReadingsIngestedDocument), variables },
      {
        next: (v) => {
          if (v.errors) received.errors.push(...v.errors);
          if (v.data) received.events.push((v.data as ReadingsIngestedSubscription).readingsIngested);
        },
        error: (e) => received.errors.push(e),
        complete: () => undefined,
      },
    );
  });
  return received;
}

/**
 * Ingests one reading on `serial`, which `sub` hears, and waits for it: events reach a subscriber
 * in the order they were published, so whatever an earlier ingest sent it has arrived by then.
 * This is how a test shows that something was not sent, without sleeping.
 */
async function flush(sub: Received, serial: string, day: string): Promise<void> {
  const meter = await meterId(t, serial);
  const before = sub.events.length;
  expect((await t.gql(IngestReadingsDocument, { input: { rows: dailyRows(meter, day, 1, () => 1) } }, t.keys.goa)).errors).toBeUndefined();
  expect(await waitFor(() => sub.events.some((e, i) => i >= before && e.meter.id === meter))).toBe(true);
}

describe('Subscription.readingsIngested', () => {
  it('delivers an institution its own readings, and never another institution’s', async () => {
    const own = await meterId(t, 'SY-hosp-longhui-E1');
    const ownWater = await meterId(t, 'SY-hosp-longhui-W1');
    const other = await meterId(t, 'SY-hosp-xinning-E1');
    const sub = await subscribe(t.ws(t.keys.hospital));

    await t.gql(IngestReadingsDocument, { input: { rows: [...dailyRows(other, '2024-07-01', 3), ...dailyRows(own, '2024-07-01', 2, () => 10), ...dailyRows(ownWater, '2024-07-01', 1, () => 3)] } }, t.keys.goa);
    expect(await waitFor(() => sub.events.length >= 2)).toBe(true);
    await flush(sub, 'SY-hosp-longhui-E1', '2024-07-20');

    expect(sub.errors).toEqual([]);
    expect(sub.events).toHaveLength(3);
    const elec = sub.events.find((e) => e.carrier === 'ELECTRICITY')!;
    expect(elec).toMatchObject({ meter: { id: own, serial: 'SY-hosp-longhui-E1' }, unit: 'KWH', rows: 2, total: 20 });
    expect(new Date(elec.periodStart).toISOString()).toBe('2024-06-30T16:00:00.000Z');
    expect(new Date(elec.periodEnd).toISOString()).toBe('2024-07-02T16:00:00.000Z');
    expect(sub.events.some((e) => e.meter.id === other)).toBe(false);
  });

  it('applies the filter and the key’s scope: WATER hears water meters only', async () => {
    const elec = await meterId(t, 'SY-hosp-xinning-E1');
    const water = await meterId(t, 'SY-hosp-xinning-W1');
    const waterSub = await subscribe(t.ws(t.keys.water));
    const filtered = await subscribe(t.ws(t.keys.goa), { filter: { institutionId: await institutionId(t, '新宁县人民医院'), carrier: 'ELECTRICITY' } });
    await t.gql(IngestReadingsDocument, { input: { rows: [...dailyRows(elec, '2024-08-01', 1), ...dailyRows(water, '2024-08-01', 1), ...dailyRows(await meterId(t, 'SY-goa-E1'), '2024-08-01', 1)] } }, t.keys.goa);
    expect(await waitFor(() => waterSub.events.length >= 1 && filtered.events.length >= 1)).toBe(true);
    // One reading each hears, one after the other: by then each has what the batch sent it.
    await flush(filtered, 'SY-hosp-xinning-E1', '2024-08-21');
    await flush(waterSub, 'SY-hosp-xinning-W1', '2024-08-20');
    expect(waterSub.events.map((e) => e.meter.id)).toEqual([water, water]);
    expect(filtered.events.map((e) => e.meter.id)).toEqual([elec, elec]);
  });

  it('sends nothing for a batch of duplicates', async () => {
    const meter = await meterId(t, 'SY-goa-W1');
    const rows = dailyRows(meter, '2024-09-01', 2);
    await t.gql(IngestReadingsDocument, { input: { rows } }, t.keys.goa);
    const sub = await subscribe(t.ws(t.keys.goa));
    await t.gql(IngestReadingsDocument, { input: { rows } }, t.keys.goa);
    await flush(sub, 'SY-goa-E1', '2024-09-20');
    expect(sub.events.map((e) => e.meter.serial)).toEqual(['SY-goa-E1']);
  });

  it('refuses a connection without a valid key', async () => {
    for (const key of [null, 'ewc_000000000000_notarealkeynotarealkey']) {
      const client = t.ws(key);
      const closed = new Promise<{ code: number; reason: string }>((resolve) => client.on('closed', (e) => resolve(e as { code: number; reason: string })));
      client.subscribe({ query: print(ReadingsIngestedDocument) }, { next: () => undefined, error: () => undefined, complete: () => undefined });
      const event = await closed;
      expect(event.code).toBe(4401);
      expect(event.reason).toMatch(/^UNAUTHENTICATED/);
    }
  });

  it('stops a subscriber whose key is revoked', async () => {
    const created = await t.gql(CreateApiKeyDocument, { input: { agency: 'DRC', role: 'viewer', name: 'revoke me' } }, t.keys.goa);
    const { key, apiKey } = created.data!.createApiKey;
    const client = t.ws(key);
    const closed = new Promise<{ code: number; reason: string }>((resolve) => client.on('closed', (e) => resolve(e as { code: number; reason: string })));
    const sub = await subscribe(client);
    const meter = await meterId(t, 'SY-goa-E1');
    await t.gql(IngestReadingsDocument, { input: { rows: dailyRows(meter, '2024-10-01', 1) } }, t.keys.goa);
    expect(await waitFor(() => sub.events.length === 1)).toBe(true);

    await t.gql(RevokeApiKeyDocument, { id: apiKey.id }, t.keys.goa);
    const event = await closed;
    expect(event.code).toBe(4403);
    // The socket is closed: nothing can reach this subscriber any more.
    await t.gql(IngestReadingsDocument, { input: { rows: dailyRows(meter, '2024-10-02', 1) } }, t.keys.goa);
    expect(sub.events).toHaveLength(1);
  });
});
