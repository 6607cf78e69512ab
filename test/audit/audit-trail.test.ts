import type { GraphQLFormattedError } from 'graphql';
import { AuditEventsDocument } from '../../src/generated/graphql';
import { decodeIntId, toGlobalId } from '../../src/graphql/relay';
import { makeCreditCode } from '../../src/modules/registry/credit-code';
import { codeOf, startTestHub, type TestHub } from '../helpers/hub';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(() => t.close());

type Data = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- an untyped GraphQL response, read field by field

interface EventRow {
  id: string;
  key_id: number | null;
  key_name: string;
  subject: string;
  role: string;
  request_id: string;
  operation: string;
  object_ids: string[];
  institution_ids: number[];
  changes: { object: string; type: string; action: string; fields: Record<string, { before: unknown; after: unknown }> }[];
}

let seq = 0;
/** Runs an operation with its own X-Request-Id, so the test can find the events it wrote. */
async function send(query: string, variables: Record<string, unknown>, key: string): Promise<{ requestId: string; data?: Data; errors?: GraphQLFormattedError[] }> {
  const requestId = `audit-test-${process.pid}-${++seq}`;
  const res = await fetch(t.hub.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, 'x-request-id': requestId },
    body: JSON.stringify({ query, variables }),
  });
  expect(res.headers.get('x-request-id')).toBe(requestId);
  return { requestId, ...((await res.json()) as { data?: Data; errors?: GraphQLFormattedError[] }) };
}

const eventsOf = (requestId: string) => t.sql<EventRow>('SELECT * FROM audit_event WHERE request_id = $1 ORDER BY id', [requestId]);

/** Runs a mutation that must succeed and returns its one audit event. */
async function audited(operation: string, query: string, variables: Record<string, unknown>, key: string): Promise<{ data: Data; event: EventRow }> {
  const r = await send(query, variables, key);
  expect(r.errors).toBeUndefined();
  const events = await eventsOf(r.requestId);
  expect(events).toHaveLength(1);
  expect(events[0].operation).toBe(operation);
  covered.add(operation);
  return { data: r.data!, event: events[0] };
}

/** The change of one object in an event, by type. */
const changeOf = (e: EventRow, type: string, action?: string) => e.changes.find((c) => c.type === type && (!action || c.action === action))!;

const covered = new Set<string>();

async function keyOf(label: string): Promise<{ id: number; name: string }> {
  const [k] = await t.sql<{ id: number; name: string }>(`SELECT id, name FROM api_key WHERE name = $1`, [`demo: ${label}`]);
  return k;
}

describe('every change writes one audit event in its own transaction', () => {
  let institutionId: string;
  let meterId: string;
  let escoId: string;
  let contractId: string;

  it('registry: createInstitution, updateInstitution (before and after), upsertInstitutionProfile', async () => {
    const [region] = await t.sql<{ id: number }>(`SELECT id FROM region WHERE code = '430502'`);
    const created = await audited('createInstitution', 'mutation($input: CreateInstitutionInput!) { createInstitution(input: $input) { id name } }', {
      input: { category: 'GOVERNMENT_OFFICE', creditCode: makeCreditCode('11', '430502', 7_700_001), name: 'Audit Test Office', nameZh: '审计测试办公室', regionId: toGlobalId('Region', region.id) },
    }, t.keys.goa);
    institutionId = created.data.createInstitution.id;
    const goa = await keyOf('GOA admin');
    expect(created.event).toMatchObject({ key_id: goa.id, key_name: goa.name, subject: 'GOA', role: 'admin', object_ids: [institutionId] });
    expect(changeOf(created.event, 'Institution', 'create').fields.name).toEqual({ before: null, after: 'Audit Test Office' });

    const updated = await audited('updateInstitution', 'mutation($id: ID!, $input: UpdateInstitutionInput!) { updateInstitution(id: $id, input: $input) { name } }',
      { id: institutionId, input: { name: 'Audit Test Office (renamed)' } }, t.keys.goa);
    const change = changeOf(updated.event, 'Institution', 'update');
    expect(change.object).toBe(institutionId);
    expect(change.fields).toEqual({ name: { before: 'Audit Test Office', after: 'Audit Test Office (renamed)' } });
    expect(updated.event.institution_ids).toEqual([Number(Buffer.from(institutionId, 'base64url').toString().split(':')[1])]);

    const profile = await audited('upsertInstitutionProfile', 'mutation($input: InstitutionProfileInput!) { upsertInstitutionProfile(input: $input) { year } }',
      { input: { institutionId, year: 2024, floorAreaM2: 1200 } }, t.keys.housing);
    expect(profile.event.subject).toBe('HOUSING');
    expect(changeOf(profile.event, 'InstitutionProfile').fields.floorAreaM2).toEqual({ before: null, after: 1200 });
    const again = await audited('upsertInstitutionProfile', 'mutation($input: InstitutionProfileInput!) { upsertInstitutionProfile(input: $input) { year } }',
      { input: { institutionId, year: 2024, floorAreaM2: 1350.5 } }, t.keys.housing);
    expect(changeOf(again.event, 'InstitutionProfile', 'update').fields).toEqual({ floorAreaM2: { before: 1200, after: 1350.5 } });
  });

  it('metering: createMeter, and ingestReadings as one summary per batch (corrections value by value)', async () => {
    const meter = await audited('createMeter', 'mutation($input: CreateMeterInput!) { createMeter(input: $input) { id } }',
      { input: { institutionId, carrier: 'ELECTRICITY', unit: 'KWH', serial: 'AUDIT-TEST-001' } }, t.keys.goa);
    meterId = meter.data.createMeter.id;
    expect(changeOf(meter.event, 'Meter').fields.serial).toEqual({ before: null, after: 'AUDIT-TEST-001' });

    const INGEST = 'mutation($input: IngestReadingsInput!) { ingestReadings(input: $input) { accepted duplicates corrected batch { id } } }';
    const rows = [
      { meterId, periodStart: '2024-03-01T00:00:00+08:00', periodEnd: '2024-03-02T00:00:00+08:00', value: 120 },
      { meterId, periodStart: '2024-03-02T00:00:00+08:00', periodEnd: '2024-03-03T00:00:00+08:00', value: 130 },
    ];
    const batch = await audited('ingestReadings', INGEST, { input: { rows } }, t.keys.goa);
    const summary = changeOf(batch.event, 'ReadingBatch', 'create');
    expect(summary.object).toBe(batch.data.ingestReadings.batch.id);
    expect(summary.fields).toMatchObject({
      meters: { before: null, after: [meterId] },
      accepted: { before: null, after: 2 },
      duplicates: { before: null, after: 0 },
      periodStart: { before: null, after: '2024-02-29T16:00:00.000Z' },
      periodEnd: { before: null, after: '2024-03-02T16:00:00.000Z' },
    });

    // The same batch again changes nothing: no event.
    const repeat = await send(INGEST, { input: { rows } }, t.keys.goa);
    expect(repeat.data!.ingestReadings).toMatchObject({ accepted: 0, duplicates: 2 });
    expect(await eventsOf(repeat.requestId)).toHaveLength(0);

    const corrected = await audited('ingestReadings', INGEST, { input: { rows: [{ ...rows[1], value: 135, correction: true }] } }, t.keys.goa);
    const fields = changeOf(corrected.event, 'ReadingBatch').fields;
    expect(fields.corrected.after).toBe(1);
    expect(fields[`value[${meterId} 2024-03-01T16:00:00.000Z/2024-03-02T16:00:00.000Z]`]).toEqual({ before: 130, after: 135 });
  });

  it('keys: createApiKey and revokeApiKey, without the key or its hash', async () => {
    const created = await audited('createApiKey', 'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { key apiKey { id } } }',
      { input: { institutionId, role: 'editor', name: 'audit test desk' } }, t.keys.goa);
    const { key, apiKey } = created.data.createApiKey;
    const change = changeOf(created.event, 'ApiKey', 'create');
    expect(change.object).toBe(apiKey.id);
    expect(change.fields.name).toEqual({ before: null, after: 'audit test desk' });
    expect(change.fields.hash).toBeUndefined();
    // The secret is everything after `ewc_<prefix>_`: base64url, so it may hold '_' itself.
    const secret = key.split('_').slice(2).join('_');
    expect(secret.length).toBeGreaterThan(20);
    expect(JSON.stringify(created.event)).not.toContain(secret);

    const budget = await audited('setApiKeyBudget', 'mutation($id: ID!) { setApiKeyBudget(id: $id, budget: 1234) { id } }', { id: apiKey.id }, t.keys.goa);
    expect(changeOf(budget.event, 'ApiKey', 'update').fields).toEqual({ budget: { before: null, after: 1234 } });

    const revoked = await audited('revokeApiKey', 'mutation($id: ID!) { revokeApiKey(id: $id) { id } }', { id: apiKey.id }, t.keys.goa);
    expect(changeOf(revoked.event, 'ApiKey', 'update').fields.revokedAt).toEqual({ before: null, after: expect.stringMatching(/^\d{4}-/) });
  });

  it('factors and quotas: a new version and the end of the current one in one event', async () => {
    const factor = await audited('addConversionFactor', 'mutation($input: ConversionFactorInput!) { addConversionFactor(input: $input) { id } }',
      { input: { carrier: 'ELECTRICITY', unit: 'KWH', kgcePerUnit: 0.1229, validFrom: '2090-01-01', source: 'audit test notice' } }, t.keys.drc);
    expect(factor.event.subject).toBe('DRC');
    expect(changeOf(factor.event, 'ConversionFactor', 'create').fields.kgcePerUnit).toEqual({ before: null, after: 0.1229 });
    expect(changeOf(factor.event, 'ConversionFactor', 'update').fields.validTo).toEqual({ before: null, after: '2090-01-01' });

    const emission = await audited('addEmissionFactor', 'mutation($input: EmissionFactorInput!) { addEmissionFactor(input: $input) { id } }',
      { input: { carrier: 'ELECTRICITY', scope: 'SCOPE2', unit: 'KWH', kgCo2PerUnit: 0.5, validFrom: '2090-01-01', source: 'audit test notice' } }, t.keys.drc);
    expect(changeOf(emission.event, 'EmissionFactor', 'create').fields.kgCo2PerUnit).toEqual({ before: null, after: 0.5 });

    const unit = await audited('addUnitConversion', 'mutation($input: UnitConversionInput!) { addUnitConversion(input: $input) { id } }',
      { input: { fromUnit: 'MWH', toUnit: 'KWH', factor: 1000, validFrom: '2090-01-01', source: 'audit test notice' } }, t.keys.drc);
    expect(changeOf(unit.event, 'UnitConversion', 'create').fields.factor).toEqual({ before: null, after: 1000 });

    const [region] = await t.sql<{ id: number }>(`SELECT id FROM region WHERE code = '430500'`);
    const quota = await audited('createQuotaStandard', 'mutation($input: QuotaStandardInput!) { createQuotaStandard(input: $input) { id } }',
      { input: { regionId: toGlobalId('Region', region.id), category: 'SCHOOL', indicator: 'PER_CAPITA_ENERGY', yearFrom: 2095, constraintValue: 300, source: 'audit test standard' } }, t.keys.drc);
    expect(changeOf(quota.event, 'QuotaStandard').fields.constraintValue).toEqual({ before: null, after: 300 });
  });

  it('EPC: an ESCO, an audit, a contract, each lifecycle step, an asset and a payment (money before and after)', async () => {
    const esco = await audited('createEsco', 'mutation { createEsco(name: "Audit Test ESCO", nameZh: "审计测试节能公司", creditCode: "' + makeCreditCode('91', '430100', 7_700_002) + '") { id } }', {}, t.keys.goa);
    escoId = esco.data.createEsco.id;
    expect(esco.event.object_ids).toEqual([escoId]);

    const audit = await audited('recordEnergyAudit', 'mutation($input: EnergyAuditInput!) { recordEnergyAudit(input: $input) { id } }', {
      input: { institutionId, auditor: 'Audit Test Institute', auditedOn: '2026-06-01', triggers: ['EPC_PREPARATION'], findings: 'old lighting',
        measures: [{ name: 'LED lighting', pillar: 'TECHNOLOGY', estimatedSavingsKgce: 1000, costYuan: '50000.00' }], suitsEpc: true },
    }, t.keys.goa);
    expect(changeOf(audit.event, 'EnergyAudit').fields.auditor).toEqual({ before: null, after: 'Audit Test Institute' });

    const contract = await audited('createEpcContract', 'mutation($input: CreateEpcContractInput!) { createEpcContract(input: $input) { id } }', {
      input: {
        institutionId, escoId, title: 'Audit test retrofit', type: 'BENEFIT_SHARING', carriers: ['ELECTRICITY'], measures: [{ name: 'LED lighting', pillar: 'TECHNOLOGY' }],
        termStart: '2026-01-01', termEnd: '2030-01-01', investmentYuan: '250000.00', escoShare: '0.7000', prices: [{ carrier: 'ELECTRICITY', priceYuan: '0.65' }],
        baselineStart: '2024-01-01', baselineDriver: 'FLOOR_AREA', settlementPeriod: 'QUARTER',
      },
    }, t.keys.goa);
    contractId = contract.data.createEpcContract.id;
    expect(changeOf(contract.event, 'EpcContract', 'create').fields.investmentYuan).toEqual({ before: null, after: '250000.00' });
    expect(changeOf(contract.event, 'EpcTransition', 'create').fields.toStatus).toEqual({ before: null, after: 'DRAFT' });
    expect(contract.event).toMatchObject({ institution_ids: [expect.any(Number)] });

    const STEP = 'mutation($id: ID!, $to: EpcStatus!) { transitionEpcContract(id: $id, to: $to) { status } }';
    const steps: [string, string][] = [['AUDITED', t.keys.goa], ['APPROVED', t.keys.finance], ['SIGNED', t.keys.goa], ['IMPLEMENTING', t.keys.goa], ['OPERATING', t.keys.goa]];
    let from = 'DRAFT';
    for (const [to, key] of steps) {
      const step = await audited('transitionEpcContract', STEP, { id: contractId, to }, key);
      expect(changeOf(step.event, 'EpcContract', 'update').fields.status).toEqual({ before: from, after: to });
      from = to;
    }

    const asset = await audited('addEpcAsset', 'mutation($id: ID!, $input: EpcAssetInput!) { addEpcAsset(contractId: $id, input: $input) { name } }',
      { id: contractId, input: { name: 'LED panels', quantity: 40, valueYuan: '12000.00' } }, t.keys.goa);
    expect(changeOf(asset.event, 'EpcAsset').fields.valueYuan).toEqual({ before: null, after: '12000.00' });

    // Paid the day it started operating: not before the OPERATING step.
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
    const payment = await audited('recordEpcPayment', 'mutation($id: ID!, $d: LocalDate!) { recordEpcPayment(contractId: $id, amountYuan: "1500.50", paidOn: $d) { amountYuan } }', { id: contractId, d: today }, t.keys.finance);
    expect(payment.event.subject).toBe('FINANCE');
    expect(changeOf(payment.event, 'EpcPayment').fields.amountYuan).toEqual({ before: null, after: '1500.50' });
    // The ESCO of the contract may read the payment's event (its own object).
    expect(payment.event.institution_ids.length).toBe(1);

    // M&V: the SIGNED step froze baseline version 1; a rebaselining records old and new, a non-routine event its adjustment.
    const rebaseline = await audited('rebaselineEpcContract', 'mutation($id: ID!) { rebaselineEpcContract(id: $id, reason: "audit test") { id } }', { id: contractId }, t.keys.finance);
    const baseline = changeOf(rebaseline.event, 'EpcBaseline', 'create').fields.baseline as { before: { version: number }; after: { version: number } };
    expect([baseline.before.version, baseline.after.version]).toEqual([1, 2]);
    const nre = await audited('addNonRoutineEvent', 'mutation($id: ID!) { addNonRoutineEvent(contractId: $id, from: "2026-01-01", to: "2026-02-01", adjustmentKgce: "-120.5", reason: "wing closed") { reason } }', { id: contractId }, t.keys.goa);
    expect(changeOf(nre.event, 'EpcNonRoutineEvent').fields.nonRoutineEvent.after).toMatchObject({ adjustmentKgce: '-120.5', reason: 'wing closed' });
  });

  it('M&V: a paid settlement whose late difference FINANCE accepts', async () => {
    const [c] = await t.sql<{ id: number }>(`SELECT id FROM epc_contract WHERE status = 'OPERATING' AND type = 'BENEFIT_SHARING' ORDER BY id LIMIT 1`);
    const id = toGlobalId('EpcContract', c.id);
    await audited('recordEpcPayment', 'mutation($id: ID!) { recordEpcPayment(contractId: $id, amountYuan: "10.00", paidOn: "2024-12-31") { amountYuan } }', { id }, t.keys.finance);
    const [p] = await t.sql<{ d: string }>(`UPDATE epc_settlement SET figures = jsonb_set(figures, '{savingsKgce}', to_jsonb((figures->>'savingsKgce')::float8 + 2))
      WHERE contract_id = $1 AND period_start = (SELECT min(period_start) FROM epc_settlement WHERE contract_id = $1) RETURNING to_char(period_start, 'YYYY-MM-DD') AS d`, [c.id]);
    const accepted = await audited('acceptSettlementDifference', 'mutation($id: ID!, $p: LocalDate!) { acceptSettlementDifference(contractId: $id, periodStart: $p) { periodStart } }', { id, p: p.d }, t.keys.finance);
    const change = changeOf(accepted.event, 'EpcSettlement').fields.savingsKgce as { before: number; after: number };
    expect(change.before - change.after).toBeCloseTo(2, 6);
  });

  it('weather: a station and an import', async () => {
    const st = await audited('createWeatherStation', 'mutation { createWeatherStation(input: { code: "AUDIT-W", name: "Audit test station", source: "audit test" }) { id } }', {}, t.keys.drc);
    expect(changeOf(st.event, 'WeatherStation', 'create').fields.code).toEqual({ before: null, after: 'AUDIT-W' });
    const imp = await audited('importWeather', 'mutation($csv: String!) { importWeather(csv: $csv, source: "audit test") { rows } }', { csv: 'station,day,mean_temp\nAUDIT-W,2024-01-01,4.5\nAUDIT-W,2024-01-02,5\n' }, t.keys.goa);
    expect(changeOf(imp.event, 'WeatherDays').fields.days.after).toEqual({ from: '2024-01-01', to: '2024-01-02', rows: 2, source: 'audit test' });
  });

  it('compliance: a rectification case answered by the institution and reviewed by GOA', async () => {
    const [row] = await t.sql<{ id: number; institution_id: number }>(`SELECT id, institution_id FROM rectification_case WHERE status = 'OPEN' ORDER BY id LIMIT 1`);
    const created = await send('mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { key } }',
      { input: { institutionId: toGlobalId('Institution', row.institution_id), role: 'editor', name: 'audit test rectification' } }, t.keys.goa);
    const key = created.data!.createApiKey.key as string;
    const caseId = toGlobalId('RectificationCase', row.id);
    const responded = await audited('respondToRectification', 'mutation($id: ID!) { respondToRectification(id: $id, cause: "boiler", measures: "new boiler") { status } }', { id: caseId }, key);
    expect(responded.event.subject).toBe('INSTITUTION');
    expect(changeOf(responded.event, 'RectificationCase').fields.status).toEqual({ before: 'OPEN', after: 'RESPONDED' });
    const reviewed = await audited('reviewRectification', 'mutation($id: ID!) { reviewRectification(id: $id, accept: true) { status } }', { id: caseId }, t.keys.goa);
    expect(changeOf(reviewed.event, 'RectificationCase').fields.status).toEqual({ before: 'RESPONDED', after: 'ACCEPTED' });
  });

  it('closing a year, its assessment round (open, comment, three signatures) and a recalculation', async () => {
    const closed = await audited('closeYear', 'mutation { closeYear(year: 2024) { year energyKgce } }', {}, t.keys.goa);
    // The trail keeps the figure as stored; the answer rounds it to its unit (0.001 kgce) at the boundary.
    const energy = changeOf(closed.event, 'YearClosure', 'create').fields.energyKgce as { before: unknown; after: number };
    expect(energy.before).toBeNull();
    expect(energy.after).toBeCloseTo(closed.data.closeYear.energyKgce, 3);

    const opened = await audited('openAssessmentRound', 'mutation { openAssessmentRound(year: 2024) { id } }', {}, t.keys.goa);
    expect(changeOf(opened.event, 'AssessmentRound').fields.year).toEqual({ before: null, after: 2024 });
    const entries = opened.event.changes.filter((c) => c.type === 'AssessmentEntry');
    expect(entries.length).toBeGreaterThan(0);
    expect(entries[0].fields.institutionName.after).toEqual(expect.any(String));

    const entryId = entries[0].object;
    const commented = await audited('commentAssessmentEntry', 'mutation($id: ID!) { commentAssessmentEntry(id: $id, comment: "checked") { id } }', { id: entryId }, t.keys.goa);
    expect(changeOf(commented.event, 'AssessmentEntry').fields.comment).toEqual({ before: null, after: 'checked' });

    for (const key of [t.keys.goa, t.keys.drc]) {
      const signed = await audited('signAssessmentRound', 'mutation { signAssessmentRound(year: 2024) { status } }', {}, key);
      expect(changeOf(signed.event, 'AssessmentSignature', 'create')).toBeDefined();
    }
    const final = await audited('signAssessmentRound', 'mutation { signAssessmentRound(year: 2024) { status } }', {}, t.keys.finance);
    expect(changeOf(final.event, 'AssessmentRound', 'update').fields.status).toEqual({ before: 'OPEN', after: 'FINAL' });

    const recalc = await audited('recalculateYear', 'mutation { recalculateYear(year: 2024, reason: "audit test") { id } }', {}, t.keys.goa);
    const closure = changeOf(recalc.event, 'YearClosure', 'update');
    expect(closure.fields.energyKgce.before).toBe(energy.after);
  });

  it('fleet: createVehicle, updateVehicle, createChargingPoint, and ingestVehicleEnergy as one event per batch', async () => {
    const vehicle = await audited('createVehicle', 'mutation($input: CreateVehicleInput!) { createVehicle(input: $input) { id } }',
      { input: { institutionId, plate: '湘E·AU001', type: 'SEDAN', powertrain: 'PLUG_IN_HYBRID', inServiceOn: '2024-01-01' } }, t.keys.goa);
    const vehicleId = vehicle.data.createVehicle.id as string;
    // The plate is stored normalised (the separator dropped).
    expect(changeOf(vehicle.event, 'Vehicle', 'create').fields.plate).toEqual({ before: null, after: '湘EAU001' });
    const updated = await audited('updateVehicle', 'mutation($id: ID!, $input: UpdateVehicleInput!) { updateVehicle(id: $id, input: $input) { id } }',
      { id: vehicleId, input: { outOfServiceOn: '2024-12-31' } }, t.keys.goa);
    expect(changeOf(updated.event, 'Vehicle', 'update').fields.outOfServiceOn).toEqual({ before: null, after: '2024-12-31' });
    const point = await audited('createChargingPoint', 'mutation($input: CreateChargingPointInput!) { createChargingPoint(input: $input) { id } }',
      { input: { institutionId, code: 'AUDIT-CP-1', location: 'car park', powerKw: 7, connectors: 1, meterId } }, t.keys.goa);
    expect(changeOf(point.event, 'ChargingPoint', 'create').fields.code).toEqual({ before: null, after: 'AUDIT-CP-1' });
    const batch = await audited('ingestVehicleEnergy', 'mutation($input: VehicleEnergyBatchInput!) { ingestVehicleEnergy(input: $input) { accepted } }',
      { input: { rows: [{ vehicleId, day: '2024-03-02', energy: 'GASOLINE', quantity: 30, odometerKm: 1000 }, { vehicleId, day: '2024-03-03', energy: 'ELECTRICITY', quantity: 12.5, odometerKm: 1040, chargingPointId: point.data.createChargingPoint.id }] } },
      t.keys.goa);
    expect(batch.data.ingestVehicleEnergy).toEqual({ accepted: 2 });
  });

  it('city targets: setCityTarget, with the value before and after', async () => {
    const first = await audited('setCityTarget', 'mutation($input: SetCityTargetInput!) { setCityTarget(input: $input) { id value } }',
      { input: { year: 2031, kind: 'NEV_SHARE_OF_ADDED', value: 0.4 } }, t.keys.goa);
    expect(changeOf(first.event, 'CityTarget', 'create').fields.share).toEqual({ before: null, after: '0.4000' });
    const second = await audited('setCityTarget', 'mutation($input: SetCityTargetInput!) { setCityTarget(input: $input) { id value } }',
      { input: { year: 2031, kind: 'NEV_SHARE_OF_ADDED', value: 0.45 } }, t.keys.goa);
    expect(changeOf(second.event, 'CityTarget', 'update').fields.share).toEqual({ before: '0.4000', after: '0.4500' });
  });

  it('recycling: recordRecycling as one event per batch, one change per institution', async () => {
    const batch = await audited('recordRecycling', 'mutation($input: RecyclingBatchInput!) { recordRecycling(input: $input) { accepted } }',
      { input: { rows: [{ institutionId, month: '2024-03-01', stream: 'PAPER', disposition: 'RECYCLED', quantityKg: 12.5 }, { institutionId, month: '2024-04-01', stream: 'GLASS', disposition: 'LANDFILLED', quantityKg: 0.25 }] } },
      t.keys.goa);
    expect(batch.data.recordRecycling).toEqual({ accepted: 2 });
    expect(batch.event.object_ids).toEqual([institutionId]);
    expect(changeOf(batch.event, 'Institution', 'update').fields.recyclingRecordsAdded).toEqual({
      before: null, after: { count: 2, duplicatesInBatch: 0, months: ['2024-03-01', '2024-04-01'], totalKg: '12.75' },
    });
  });

  it('recycling: correctRecyclingRecord, with the kilograms before and after', async () => {
    const [r] = await t.sql<{ id: number }>(`SELECT id FROM recycling_record WHERE institution_id = $1 AND month = '2024-03-01' AND stream = 'PAPER' AND disposition = 'RECYCLED'`, [decodeIntId(institutionId, 'Institution')]);
    const recordId = toGlobalId('RecyclingRecord', r.id);
    const fixed = await audited('correctRecyclingRecord', 'mutation($input: CorrectRecyclingRecordInput!) { correctRecyclingRecord(input: $input) { corrected record { quantityKg } } }',
      { input: { recordId, quantityKg: 13 } }, t.keys.goa);
    expect(fixed.data.correctRecyclingRecord).toEqual({ corrected: true, record: { quantityKg: '13.000' } });
    expect(fixed.event.object_ids).toEqual([recordId]);
    expect(fixed.event.institution_ids).toEqual([decodeIntId(institutionId, 'Institution')]);
    expect(changeOf(fixed.event, 'RecyclingRecord', 'update').fields).toEqual({ quantityKg: { before: '12.500', after: '13.000' } });
  });

  it('covers every mutation of the schema (a new mutation needs a case here)', () => {
    const mutations = Object.keys(t.hub.schema.getMutationType()!.getFields());
    expect(mutations.filter((m) => !covered.has(m))).toEqual([]);
  });
});

describe('a failed change writes nothing', () => {
  it('bad input, a conflict or a forbidden write leaves no event', async () => {
    const [inst] = await t.sql<{ id: number }>('SELECT id FROM institution ORDER BY id LIMIT 1');
    const id = toGlobalId('Institution', inst.id);
    const UPDATE = 'mutation($id: ID!, $input: UpdateInstitutionInput!) { updateInstitution(id: $id, input: $input) { id } }';
    const bad = await send(UPDATE, { id, input: { name: '   ' } }, t.keys.goa);
    expect(codeOf({ status: 200, errors: bad.errors })).toBe('BAD_USER_INPUT');
    const forbidden = await send(UPDATE, { id, input: { name: 'x' } }, t.keys.drc);
    expect(codeOf({ status: 200, errors: forbidden.errors })).toBe('FORBIDDEN');
    const [other] = await t.sql<{ credit_code: string }>('SELECT credit_code FROM institution WHERE id <> $1 ORDER BY id LIMIT 1', [inst.id]);
    const conflict = await send(UPDATE, { id, input: { creditCode: other.credit_code } }, t.keys.goa);
    expect(codeOf({ status: 200, errors: conflict.errors })).toBe('CONFLICT');
    const overlap = await send('mutation($input: IngestReadingsInput!) { ingestReadings(input: $input) { accepted } }', {
      input: { rows: [{ meterId: toGlobalId('Meter', 999_999), periodStart: '2024-01-01T00:00:00Z', periodEnd: '2024-01-02T00:00:00Z', value: 1 }] },
    }, t.keys.goa);
    expect(codeOf({ status: 200, errors: overlap.errors })).toBe('BAD_USER_INPUT');
    for (const r of [bad, forbidden, conflict, overlap]) expect(await eventsOf(r.requestId)).toHaveLength(0);
  });
});

describe('audit_event is append-only', () => {
  it('the database refuses UPDATE, DELETE and TRUNCATE, whoever asks', async () => {
    const before = await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM audit_event');
    expect(before[0].n).toBeGreaterThan(0);
    await expect(t.sql(`UPDATE audit_event SET operation = 'forged' WHERE id = (SELECT min(id) FROM audit_event)`)).rejects.toThrow(/append-only: UPDATE refused/);
    await expect(t.sql('DELETE FROM audit_event')).rejects.toThrow(/append-only: DELETE refused/);
    await expect(t.sql('TRUNCATE audit_event')).rejects.toThrow(/append-only: TRUNCATE refused/);
    expect(await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM audit_event')).toEqual(before);
    expect(await t.sql(`SELECT 1 FROM audit_event WHERE operation = 'forged'`)).toEqual([]);
  });
});

describe('Query.auditEvents', () => {
  let hospitalId: string;
  let goaRename: string;
  let drcFactor: string;

  beforeAll(async () => {
    const [h] = await t.sql<{ institution_id: number }>(`SELECT institution_id FROM api_key WHERE name = 'demo: Longhui County People’s Hospital editor'`);
    hospitalId = toGlobalId('Institution', h.institution_id);
    const rename = await send('mutation($id: ID!) { updateInstitution(id: $id, input: { nameZh: "隆回县人民医院（审计）" }) { id } }', { id: hospitalId }, t.keys.goa);
    goaRename = rename.requestId;
    const factor = await send('mutation($input: UnitConversionInput!) { addUnitConversion(input: $input) { id } }',
      { input: { fromUnit: 'GJ', toUnit: 'MJ', factor: 1000, validFrom: '2091-01-01', source: 'visibility test' } }, t.keys.drc);
    drcFactor = factor.requestId;
  });

  const requestIds = async (key: string, filter: Record<string, unknown>) => {
    const r = await t.gql(AuditEventsDocument, { filter, first: 100 }, key);
    expect(r.errors).toBeUndefined();
    return r.data!.auditEvents.nodes.map((n) => n.requestId);
  };

  it('GOA sees every event; filters by object, operation, subject and time', async () => {
    expect(await requestIds(t.keys.goa, { operation: 'addUnitConversion', subject: 'DRC' })).toContain(drcFactor);
    const byObject = await t.gql(AuditEventsDocument, { filter: { objectId: hospitalId } }, t.keys.goa);
    const node = byObject.data!.auditEvents.nodes.find((n) => n.requestId === goaRename)!;
    expect(node).toMatchObject({ operation: 'updateInstitution', subject: 'GOA', role: 'admin', objectIds: [hospitalId] });
    expect(node.changes[0].fields).toEqual([{ field: 'nameZh', before: '隆回县人民医院', after: '隆回县人民医院（审计）' }]);
    expect(await requestIds(t.keys.goa, { objectId: hospitalId, from: '2000-01-01T00:00:00Z', to: '2001-01-01T00:00:00Z' })).toEqual([]);
  });

  it('pages newest first with cursors and counts what the key may see', async () => {
    const first = await t.gql(AuditEventsDocument, { first: 2 }, t.keys.goa);
    const next = await t.gql(AuditEventsDocument, { first: 2, after: first.data!.auditEvents.pageInfo.endCursor }, t.keys.goa);
    const ids = [...first.data!.auditEvents.nodes, ...next.data!.auditEvents.nodes].map((n) => Number(Buffer.from(n.id, 'base64url').toString().split(':')[1]));
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(new Set(ids).size).toBe(4);
    const [all] = await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM audit_event');
    expect(first.data!.auditEvents.totalCount).toBe(all.n);
  });

  it('an agency sees its own keys’ actions only; an institution also the changes to its own objects', async () => {
    const drc = await requestIds(t.keys.drc, {});
    expect(drc).toContain(drcFactor);
    expect(drc).not.toContain(goaRename);
    const drcAll = await t.gql(AuditEventsDocument, { first: 100 }, t.keys.drc);
    expect(drcAll.data!.auditEvents.nodes.every((n) => n.subject === 'DRC')).toBe(true);

    const hospital = await requestIds(t.keys.hospital, {});
    expect(hospital).toContain(goaRename);
    expect(hospital).not.toContain(drcFactor);
    // Another institution's objects stay hidden, even asked for by id.
    const [other] = await t.sql<{ id: number }>('SELECT id FROM institution WHERE id <> $1 ORDER BY id LIMIT 1', [Number(Buffer.from(hospitalId, 'base64url').toString().split(':')[1])]);
    await send('mutation($id: ID!) { updateInstitution(id: $id, input: { inMunicipalAppraisal: true }) { id } }', { id: toGlobalId('Institution', other.id) }, t.keys.goa);
    expect(await requestIds(t.keys.hospital, { objectId: toGlobalId('Institution', other.id) })).toEqual([]);

  });

  it('PUBLIC may not read the trail; a bad filter is BAD_USER_INPUT', async () => {
    expect(codeOf(await t.gql(AuditEventsDocument, {}, t.keys.public))).toBe('FORBIDDEN');
    expect(codeOf(await t.gql(AuditEventsDocument, { filter: { objectId: 'not-an-id' } }, t.keys.goa))).toBe('BAD_USER_INPUT');
    expect(codeOf(await t.gql(AuditEventsDocument, { filter: { operation: 'x'.repeat(101) } }, t.keys.goa))).toBe('BAD_USER_INPUT');
    // An explicit null is no filter (the fuzz test's `operation: null` was a 500).
    const unfiltered = await t.gql(AuditEventsDocument, { filter: { operation: null, subject: null, objectId: null } }, t.keys.goa);
    expect(unfiltered.errors).toBeUndefined();
    expect(unfiltered.data!.auditEvents.nodes.length).toBeGreaterThan(0);
    expect(codeOf(await t.gql(AuditEventsDocument, { after: Buffer.from('["x"]').toString('base64url') }, t.keys.goa))).toBe('BAD_USER_INPUT');
  });
});
