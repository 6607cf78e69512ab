/**
 * One event, many sockets: subscribers with the same operation and access profile share one
 * execution and one serialised payload, written to each socket as the same bytes but for the
 * subscription id; another profile gets its own payload (here: the money field FORBIDDEN to it).
 * Half the subscribers read raw frames, to see the bytes on the wire; the others use graphql-ws.
 */
import WebSocket from 'ws';
import { TransitionEpcContractDocument } from '../../src/generated/graphql';
import { toGlobalId } from '../../src/graphql/relay';
import { startTestHub, type TestHub } from '../helpers/hub';
import { listen, waitFor, whenSubscribed } from '../helpers/live';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(() => t.close());

/** A graphql-transport-ws client on a raw socket: every text frame the hub sends, as received. */
async function rawSocket(key: string): Promise<{ frames: string[]; send: (msg: unknown) => void; close: () => void }> {
  const socket = new WebSocket(t.hub.wsUrl, 'graphql-transport-ws');
  const frames: string[] = [];
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.once('close', (code, reason) => reject(new Error(`closed before acknowledged: ${code} ${reason.toString()}`)));
    socket.once('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${key}` } })));
    socket.on('message', (data: Buffer) => {
      const text = data.toString();
      if ((JSON.parse(text) as { type: string }).type === 'connection_ack') resolve();
      else frames.push(text);
    });
  });
  socket.removeAllListeners('close');
  return { frames, send: (msg) => socket.send(JSON.stringify(msg)), close: () => socket.close() };
}

async function counter(name: string): Promise<number> {
  const line = (await t.hub.metrics.render()).split('\n').find((l) => l.startsWith(`${name} `));
  if (!line) throw new Error(`no ${name} in /metrics`);
  return Number(line.split(' ')[1]);
}

describe('fan-out frames', () => {
  it('serialises each event once per access profile and writes that payload to every socket of the profile', async () => {
    const [contract] = await t.sql<{ id: number; institution_id: number }>(`SELECT id, institution_id FROM epc_contract WHERE status = 'APPROVED' ORDER BY id LIMIT 1`);
    const filter = `{ institutionId: "${toGlobalId('Institution', contract.institution_id)}" }`;
    const query = `subscription { epcContractChanged(filter: ${filter}) { id status investmentYuan } }`;

    // GOA may read money; HOUSING may read the contract but not its money. Two sockets each.
    const goa = await listen(t, t.ws(t.keys.goa), query);
    const housing = await listen(t, t.ws(t.keys.housing), query);
    const goaRaw = await rawSocket(t.keys.goa);
    const housingRaw = await rawSocket(t.keys.housing);
    await whenSubscribed(t.subscriptionsOpen, 1, () => goaRaw.send({ id: 'a', type: 'subscribe', payload: { query } }));
    await whenSubscribed(t.subscriptionsOpen, 1, () => housingRaw.send({ id: 'b', type: 'subscribe', payload: { query } }));

    const messagesBefore = await counter('ewc_ws_next_messages_total');
    const serialisedBefore = await counter('ewc_ws_payloads_serialised_total');
    const moved = await t.gql(TransitionEpcContractDocument, { id: toGlobalId('EpcContract', contract.id), to: 'SIGNED' as never }, t.keys.goa);
    expect(moved.errors).toBeUndefined();
    expect(await waitFor(() => goa.length === 1 && housing.length === 1 && goaRaw.frames.length === 1 && housingRaw.frames.length === 1)).toBe(true);

    // Each profile's own payload: GOA sees the investment, HOUSING a null and FORBIDDEN.
    const goaPayload = goa[0];
    const housingPayload = housing[0];
    expect(goaPayload.errors).toBeUndefined();
    expect(goaPayload.data.epcContractChanged).toMatchObject({ id: toGlobalId('EpcContract', contract.id), status: 'SIGNED', investmentYuan: expect.stringMatching(/^\d+(\.\d+)?$/) });
    expect(housingPayload.data.epcContractChanged).toMatchObject({ status: 'SIGNED', investmentYuan: null });
    expect(housingPayload.errors.map((e: { extensions: { code: string } }) => e.extensions.code)).toEqual(['FORBIDDEN']);

    // The same bytes to both sockets of a profile: the frame is the shared payload under the socket's id.
    expect(goaRaw.frames[0]).toBe(`{"id":"a","type":"next","payload":${JSON.stringify(goaPayload)}}`);
    expect(housingRaw.frames[0]).toBe(`{"id":"b","type":"next","payload":${JSON.stringify(housingPayload)}}`);

    // Four messages, two payloads serialised: one per profile.
    expect((await counter('ewc_ws_next_messages_total')) - messagesBefore).toBe(4);
    expect((await counter('ewc_ws_payloads_serialised_total')) - serialisedBefore).toBe(2);
    goaRaw.close();
    housingRaw.close();
  });

  it('answers a query over the socket with its result, then complete, in that order', async () => {
    const raw = await rawSocket(t.keys.housing);
    raw.send({ id: 'q', type: 'subscribe', payload: { query: '{ __typename }' } });
    expect(await waitFor(() => raw.frames.length === 2)).toBe(true);
    expect(raw.frames).toEqual(['{"id":"q","type":"next","payload":{"data":{"__typename":"Query"}}}', '{"id":"q","type":"complete"}']);
    raw.close();
  });
});
