/**
 * Subscription events carry the state after the change, not what the subscription saw first:
 * three changes in a row give three events with the three new states. (A subscription used to
 * keep one EntityManager for its whole life, whose identity map answered every later event with
 * the rows the first one had loaded: a contract moved three times read SIGNED three times.)
 */
import {
  IngestReadingsDocument,
  TransitionEpcContractDocument,
  UpdateInstitutionDocument,
} from '../../src/generated/graphql';
import { toGlobalId } from '../../src/graphql/relay';
import { dailyRows, meterId } from '../helpers/fixtures';
import { startTestHub, type TestHub } from '../helpers/hub';
import { listen, waitFor } from '../helpers/live';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(() => t.close());

describe('events after successive changes', () => {
  it('epcContractChanged: three lifecycle steps, three events, each with the new status', async () => {
    const [contract] = await t.sql<{ id: number; institution_id: number }>(`SELECT id, institution_id FROM epc_contract WHERE status = 'APPROVED' ORDER BY id LIMIT 1`);
    const id = toGlobalId('EpcContract', contract.id);
    const filter = `{ institutionId: "${toGlobalId('Institution', contract.institution_id)}" }`;
    // Two subscribers with one profile share each event's execution; a third with another selection.
    // One after the other: each waits until the hub serves one more subscription than before it.
    const goa = await listen(t, t.ws(t.keys.goa), `subscription { epcContractChanged(filter: ${filter}) { id status } }`);
    const goaAgain = await listen(t, t.ws(t.keys.goa), `subscription { epcContractChanged(filter: ${filter}) { id status } }`);
    const drc = await listen(t, t.ws(t.keys.drc), `subscription { epcContractChanged(filter: ${filter}) { status transitions { toStatus } } }`);

    const steps = ['SIGNED', 'IMPLEMENTING', 'OPERATING'];
    for (const [i, to] of steps.entries()) {
      const r = await t.gql(TransitionEpcContractDocument, { id, to: to as never }, t.keys.goa);
      expect(r.errors).toBeUndefined();
      // One step at a time: each event is read after its own change, before the next.
      expect(await waitFor(() => goa.length === i + 1 && goaAgain.length === i + 1 && drc.length === i + 1)).toBe(true);
    }

    expect(goa.map((e) => e.data.epcContractChanged)).toEqual(steps.map((status) => ({ id, status })));
    expect(goaAgain).toEqual(goa);
    expect(drc.map((e) => e.data.epcContractChanged.status)).toEqual(steps);
    expect(drc.map((e) => e.data.epcContractChanged.transitions.at(-1).toStatus)).toEqual(steps);
  });

  it('readingsIngested: an institution renamed between three ingests is named anew in each event', async () => {
    const meter = await meterId(t, 'SY-hosp-longhui-E1');
    const [{ institution_id }] = await t.sql<{ institution_id: number }>(`SELECT institution_id FROM meter WHERE serial = 'SY-hosp-longhui-E1'`);
    const institution = toGlobalId('Institution', institution_id);
    // The meter's institution is loaded through the loaders of each event's execution.
    const events = await listen(t, t.ws(t.keys.goa), 'subscription { readingsIngested { meter { serial institution { name } } } }');

    const names = ['Longhui Hospital A', 'Longhui Hospital B', 'Longhui Hospital C'];
    for (const [i, name] of names.entries()) {
      const renamed = await t.gql(UpdateInstitutionDocument, { id: institution, input: { name } }, t.keys.goa);
      expect(renamed.errors).toBeUndefined();
      const r = await t.gql(IngestReadingsDocument, { input: { rows: dailyRows(meter, `2024-11-0${i + 1}`, 1) } }, t.keys.goa);
      expect(r.errors).toBeUndefined();
      expect(await waitFor(() => events.length === i + 1)).toBe(true);
    }
    expect(events.map((e) => e.data.readingsIngested.meter.institution.name)).toEqual(names);
  });
});
