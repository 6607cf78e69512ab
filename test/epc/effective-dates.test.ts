import { toGlobalId } from '../../src/graphql/relay';
import { codeOf, startTestHub, type GqlResult, type TestHub } from '../helpers/hub';

type Data = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- an untyped GraphQL response, read field by field

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(() => t?.close());

const run = async (query: string, variables: Record<string, unknown>, key: string): Promise<GqlResult<Data>> => (await t.raw({ query, variables }, key)) as GqlResult<Data>;
const ok = (r: GqlResult<Data>): Data => {
  expect(r.errors).toBeUndefined();
  return r.data!;
};
/** Before any request of this file: a time entered by the hub is not earlier. */
const STARTED = Date.now();
const FUTURE = new Date(Date.now() + 3 * 86_400_000).toISOString();

const FIELDS = 'id status transitions { toStatus actor at effectiveAt } assets { name handedOverAt handoverRecordedAt handoverRecordedBy }';
const STEP = `mutation($id: ID!, $to: EpcStatus!, $at: DateTime) { transitionEpcContract(id: $id, to: $to, effectiveAt: $at) { ${FIELDS} } }`;
const PAY = `mutation($id: ID!, $d: LocalDate, $at: DateTime) { recordEpcPayment(contractId: $id, amountYuan: "2000.00", paidOn: $d, effectiveAt: $at) { paidOn effectiveAt recordedAt recordedBy } }`;

describe('steps, payments and handovers that happened before they were entered', () => {
  let id: string;
  let dbId: number;
  let institutionId: string;
  const state = async () => (await t.sql<{ status: string; steps: number; payments: number }>(
    `SELECT c.status, (SELECT count(*)::int FROM epc_transition WHERE contract_id = c.id) AS steps, (SELECT count(*)::int FROM epc_payment WHERE contract_id = c.id) AS payments
       FROM epc_contract c WHERE c.id = $1`, [dbId]))[0];
  /** A refused request: BAD_USER_INPUT with the message, and the contract as it was. */
  const refused = async (query: string, variables: Record<string, unknown>, key: string, message: RegExp) => {
    const before = await state();
    const r = await run(query, variables, key);
    expect(codeOf(r)).toBe('BAD_USER_INPUT');
    expect(r.errors![0].message).toMatch(message);
    expect(await state()).toEqual(before);
  };

  beforeAll(async () => {
    const [inst] = await t.sql<{ id: number }>(
      'SELECT id FROM institution WHERE id NOT IN (SELECT institution_id FROM energy_audit) AND id NOT IN (SELECT institution_id FROM epc_contract) ORDER BY id DESC LIMIT 1',
    );
    institutionId = toGlobalId('Institution', inst.id);
  });

  it('drafts a contract as of a past day, and refuses a draft dated in the future', async () => {
    const escos = ok(await run('{ escos(first: 100) { nodes { id name } } }', {}, t.keys.goa)).escos.nodes as Data[];
    const input = {
      institutionId, escoId: escos.find((e) => /Hunan Green Energy/.test(e.name))!.id, title: 'Backdated retrofit', type: 'BENEFIT_SHARING', escoShare: '0.6000',
      carriers: ['ELECTRICITY'], measures: [{ name: 'LED lighting', pillar: 'TECHNOLOGY' }], prices: [{ carrier: 'ELECTRICITY', priceYuan: '0.65' }],
      termStart: '2022-01-01', termEnd: '2030-01-01', investmentYuan: '500000.00', baselineStart: '2021-01-01', baselineDriver: 'NONE', settlementPeriod: 'QUARTER',
    };
    const CREATE = `mutation($input: CreateEpcContractInput!) { createEpcContract(input: $input) { ${FIELDS} } }`;
    const count = async () => (await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM epc_contract'))[0].n;
    const before = await count();
    const future = await run(CREATE, { input: { ...input, effectiveAt: FUTURE } }, t.keys.goa);
    expect(codeOf(future)).toBe('BAD_USER_INPUT');
    expect(future.errors![0].message).toMatch(/effectiveAt: must not be in the future/);
    expect(await count()).toBe(before);

    const c = ok(await run(CREATE, { input: { ...input, effectiveAt: '2021-03-01T09:00:00+08:00' } }, t.keys.goa)).createEpcContract;
    id = c.id;
    dbId = Number(Buffer.from(id, 'base64url').toString().split(':')[1]);
    // Times are answered with the offset of EWC_TIMEZONE.
    expect(c.transitions[0].effectiveAt).toBe('2021-03-01T09:00:00+08:00');
    // Entered now, by the key's holder, beside the day it took effect.
    expect(Date.parse(c.transitions[0].at)).toBeGreaterThanOrEqual(STARTED);
    expect(c.transitions[0].actor).toBe('demo: GOA admin');
  });

  it('refuses a step dated in the future or before the previous step, leaving the contract as it was', async () => {
    ok(await run('mutation($input: EnergyAuditInput!) { recordEnergyAudit(input: $input) { id } }', {
      input: { institutionId, auditor: 'Shaoyang Energy Audit Institute', auditedOn: '2021-02-20', triggers: ['EPC_PREPARATION'], findings: 'Old lighting.', measures: [], suitsEpc: true },
    }, t.keys.goa));
    await refused(STEP, { id, to: 'AUDITED', at: FUTURE }, t.keys.goa, /effectiveAt: must not be in the future/);
    await refused(STEP, { id, to: 'AUDITED', at: '2021-02-28T23:59:00+08:00' }, t.keys.goa, /effectiveAt: must not be before the DRAFT step, effective 2021-03-01T09:00:00\+08:00/);
  });

  it('records each step as of its day: the audit rule counts from that day, settlements from the day it began operating', async () => {
    // The audit of 2021-02-20 is recent as of 2021-03-15 (it would still be today too, but the rule reads the step's day).
    const steps: [string, string, string][] = [
      ['AUDITED', '2021-03-15T10:00:00+08:00', t.keys.goa], ['APPROVED', '2021-04-01T10:00:00+08:00', t.keys.finance], ['SIGNED', '2021-05-01T10:00:00+08:00', t.keys.goa],
      ['IMPLEMENTING', '2021-06-01T10:00:00+08:00', t.keys.goa], ['OPERATING', '2022-01-01T00:00:00+08:00', t.keys.goa],
    ];
    for (const [to, at, key] of steps) {
      const c = ok(await run(STEP, { id, to, at }, key)).transitionEpcContract;
      expect(c.status).toBe(to);
      expect(Date.parse(c.transitions.at(-1).effectiveAt)).toBe(Date.parse(at));
    }
    const s = ok(await run(`query($id: ID!) { epcContract(id: $id) { settlements(asOf: "2022-06-30") { periodStart periodEnd } } }`, { id }, t.keys.finance)).epcContract.settlements;
    expect(s.map((r: Data) => r.periodStart)).toEqual(['2022-01-01', '2022-04-01']);
    // The audit trail has both times of the step and who entered it.
    const [event] = await t.sql<{ key_name: string; changes: { type: string; fields: Record<string, { after: unknown }> }[] }>(
      `SELECT key_name, changes FROM audit_event WHERE operation = 'transitionEpcContract' AND $1 = ANY(object_ids) ORDER BY id DESC LIMIT 1`, [id],
    );
    const step = event.changes.find((c) => c.type === 'EpcTransition')!;
    expect(Date.parse(step.fields.effectiveAt.after as string)).toBe(Date.parse('2022-01-01T00:00:00+08:00'));
    expect(Date.parse(step.fields.at.after as string)).toBeGreaterThanOrEqual(STARTED);
    expect(event.key_name).toBe('demo: GOA admin');
  });

  it('takes a payment as of when it was made, not in the future and not before the contract operated', async () => {
    await refused(PAY, { id, d: '2021-12-31' }, t.keys.finance, /paidOn: must not be before the OPERATING step, effective 2022-01-01/);
    await refused(PAY, { id, at: '2021-12-31T23:00:00+08:00' }, t.keys.finance, /effectiveAt: must not be before the OPERATING step/);
    await refused(PAY, { id, at: FUTURE }, t.keys.finance, /effectiveAt: must not be in the future/);
    await refused(PAY, { id, d: '2099-01-01' }, t.keys.finance, /paidOn: must not be in the future/);
    await refused(PAY, { id, d: '2022-04-11', at: '2022-04-10T15:30:00+08:00' }, t.keys.finance, /paidOn: must be the day of effectiveAt \(2022-04-10\)/);
    const p = ok(await run(PAY, { id, at: '2022-04-10T15:30:00+08:00' }, t.keys.finance)).recordEpcPayment;
    expect(p.paidOn).toBe('2022-04-10');
    expect(Date.parse(p.effectiveAt)).toBe(Date.parse('2022-04-10T15:30:00+08:00'));
    expect(Date.parse(p.recordedAt)).toBeGreaterThanOrEqual(STARTED);
    expect(p.recordedBy).toBe('demo: FINANCE editor');
  });

  it('hands the assets over as of the HANDED_OVER step, recording when and by whom that was entered', async () => {
    ok(await run('mutation($id: ID!) { addEpcAsset(contractId: $id, input: { name: "LED panels", quantity: 100, valueYuan: "30000.00" }) { name } }', { id }, t.keys.goa));
    await refused(STEP, { id, to: 'HANDED_OVER', at: '2021-12-01T00:00:00+08:00' }, t.keys.goa, /before the OPERATING step/);
    const c = ok(await run(STEP, { id, to: 'HANDED_OVER', at: '2023-12-31T18:00:00+08:00' }, t.keys.goa)).transitionEpcContract;
    const [asset] = c.assets;
    expect(asset.handedOverAt).toBe('2023-12-31T18:00:00+08:00');
    expect(Date.parse(asset.handoverRecordedAt)).toBeGreaterThanOrEqual(STARTED);
    expect(asset.handoverRecordedBy).toBe('demo: GOA admin');
  });
});
