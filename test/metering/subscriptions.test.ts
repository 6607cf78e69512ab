import { print } from 'graphql';
import type { Client } from 'graphql-ws';
import { IngestReadingsDocument, ReadingsIngestedDocument, RevokeApiKeyDocument, CreateApiKeyDocument, type ReadingsIngestedSubscription } from '../../src/generated/graphql';
import { dailyRows, institutionId, meterId } from '../helpers/fixtures';
import { startTestHub, type TestHub } from '../helpers/hub';

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

/** Subscribes and resolves once the server has acknowledged the subscription. */
async function subscribe(client: Client, variables: Record<string, unknown> = {}): Promise<Received> {
  const received: Received = { events: [], errors: [], closed: Promise.resolve(), stop: () => undefined };
  let resolveClosed: (v: unknown) => void = () => undefined;
  received.closed = new Promise((r) => (resolveClosed = r));
  await new Promise<void>((resolve, reject) => {
    client.on('connected', () => resolve());
    client.on('closed', (e) => {
      resolveClosed(e);
      reject(e);
    });
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
  // The subscribe message follows the connection ack; give it a moment to register.
  await new Promise((r) => setTimeout(r, 100));
  return received;
}

async function waitFor(predicate: () => boolean, ms = 1000): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (predicate()) return true;
    await new Promise((r) => setTimeout(r, 10));
  }
  return predicate();
}

describe('Subscription.readingsIngested', () => {
  it('delivers an institution its own readings within a second, and never another institution’s', async () => {
    const own = await meterId(t, 'SY-hosp-longhui-E1');
    const ownWater = await meterId(t, 'SY-hosp-longhui-W1');
    const other = await meterId(t, 'SY-hosp-xinning-E1');
    const sub = await subscribe(t.ws(t.keys.hospital));

    const started = Date.now();
    await t.gql(IngestReadingsDocument, { input: { rows: [...dailyRows(other, '2024-07-01', 3), ...dailyRows(own, '2024-07-01', 2, () => 10), ...dailyRows(ownWater, '2024-07-01', 1, () => 3)] } }, t.keys.goa);
    expect(await waitFor(() => sub.events.length >= 2)).toBe(true);
    expect(Date.now() - started).toBeLessThan(1000);
    await new Promise((r) => setTimeout(r, 200));

    expect(sub.errors).toEqual([]);
    expect(sub.events).toHaveLength(2);
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
    await new Promise((r) => setTimeout(r, 200));
    expect(waterSub.events.map((e) => e.meter.id)).toEqual([water]);
    expect(filtered.events.map((e) => e.meter.id)).toEqual([elec]);
  });

  it('sends nothing for a batch of duplicates', async () => {
    const meter = await meterId(t, 'SY-goa-W1');
    const rows = dailyRows(meter, '2024-09-01', 2);
    await t.gql(IngestReadingsDocument, { input: { rows } }, t.keys.goa);
    const sub = await subscribe(t.ws(t.keys.goa));
    await t.gql(IngestReadingsDocument, { input: { rows } }, t.keys.goa);
    await new Promise((r) => setTimeout(r, 300));
    expect(sub.events).toEqual([]);
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
    await t.gql(IngestReadingsDocument, { input: { rows: dailyRows(meter, '2024-10-02', 1) } }, t.keys.goa);
    await new Promise((r) => setTimeout(r, 200));
    expect(sub.events).toHaveLength(1);
  });
});
