/**
 * The policy table against the running hub, generated from the schema: every root query,
 * mutation and subscription field, for every subject of the policy, is run with arguments that
 * are valid for that subject, and the outcome (answered, or FORBIDDEN) must be what FIELD_RULES
 * says. A new root field with no rule or no sample fails here.
 */
import { getIntrospectionQuery, buildClientSchema, isObjectType, isAbstractType, getNamedType, type IntrospectionQuery, type GraphQLField, type GraphQLSchema } from 'graphql';
import type { Client } from 'graphql-ws';
import { ruleAllows } from '../../src/access/guard';
import { FIELD_RULES, NODE_RULES, SUBJECTS, type Subject } from '../../src/access/policy';
import type { Role } from '../../src/access/principal';
import { NODE_TYPES } from '../../src/graphql/node.resolver';
import { toGlobalId } from '../../src/graphql/relay';
import { TOPICS } from '../../src/modules/realtime/pubsub';
import { makeCreditCode } from '../../src/modules/registry/credit-code';
import { codeOf, startTestHub, type GqlResult, type TestHub } from '../helpers/hub';

let t: TestHub;
let schema: GraphQLSchema;
const keyOf = {} as Record<Subject, string>;
const roleOf = {} as Record<Subject, Role>;

/** Global ids and names the samples use, made in beforeAll. */
interface Fixtures {
  longhui: string;
  longhuiId: number;
  longhuiName: string;
  xinningId: number;
  city: string;
  meterE: string;
  meterW: string;
  meterEId: number;
  meterWId: number;
  hunanGreen: string;
  hunanGreenId: number;
  contract: string;
  contractId: number;
  /** Per subject that makes a lifecycle step: a contract one step before it. */
  stepContract: Partial<Record<Subject, { id: string; to: string }>>;
  openCase: string;
  respondedCase: string;
  entry: string;
  revokableKey: string;
  budgetKey: string;
  pvProjectId: number;
  otherContractId: number;
  station: string;
  /** A settlement of `contract` frozen by a payment, with a pending difference for FINANCE to accept. */
  settlementStart: string;
  vehicle: string;
  vehicleId: number;
  chargingPoint: string;
  /** A Longhui hospital recycling record of an open year (corrected to the kilograms it holds: nothing changes). */
  recyclingRecord: string;
  recyclingKg: number;
}
let F: Fixtures;

const rowsOf = async (sql: string, params: unknown[] = []) => t.sql<Record<string, number | string>>(sql, params);
const one = async (sql: string, params: unknown[] = []) => (await rowsOf(sql, params))[0];

/** A copy of a demo contract in another status, with the same site and ESCO. */
async function cloneContract(id: number, status: string): Promise<number> {
  const cols = (await rowsOf(`SELECT column_name FROM information_schema.columns WHERE table_name = 'epc_contract' AND column_name NOT IN ('id', 'status') ORDER BY ordinal_position`)).map((r) => `"${r.column_name}"`);
  const row = await one(`INSERT INTO epc_contract (${cols.join(', ')}, status) SELECT ${cols.join(', ')}, $2::epc_status FROM epc_contract WHERE id = $1 RETURNING id`, [id, status]);
  return Number(row.id);
}

/** The global id of a new compliance alert of the institution on the indicator. */
async function alertOf(institutionId: number, indicator: 'PER_CAPITA_ENERGY' | 'ENERGY_PER_AREA' | 'PER_CAPITA_WATER'): Promise<string> {
  const row = await one(
    `INSERT INTO compliance_alert (institution_id, year, indicator, direction, projected_value, year_to_date_value, constraint_value)
     VALUES ($1, 2024, $2, 'CROSSED_ABOVE', 1, 1, 1) RETURNING id`,
    [institutionId, indicator],
  );
  return toGlobalId('ComplianceAlert', Number(row.id));
}

beforeAll(async () => {
  t = await startTestHub();
  const k = t.keys;
  Object.assign(keyOf, { GOA: k.goa, DRC: k.drc, FINANCE: k.finance, WATER: k.water, HOUSING: k.housing, INSTITUTION: k.hospital, ESCO: k.esco, PUBLIC: k.public });
  for (const s of SUBJECTS) {
    const r = (await t.raw({ query: '{ viewer { subject role } }' }, keyOf[s])) as GqlResult<{ viewer: { subject: Subject; role: Role } }>;
    expect(r.data!.viewer.subject).toBe(s);
    roleOf[s] = r.data!.viewer.role;
  }
  const intro = (await t.raw({ query: getIntrospectionQuery() }, k.goa)) as GqlResult<IntrospectionQuery>;
  schema = buildClientSchema(intro.data!);

  const longhui = await one(`SELECT id, name FROM institution WHERE name_zh = '隆回县人民医院'`);
  const xinning = await one(`SELECT id FROM institution WHERE name_zh = '新宁县人民医院'`);
  const city = await one(`SELECT id FROM region WHERE code = '430500'`);
  const meterE = await one(`SELECT id FROM meter WHERE serial = 'SY-hosp-longhui-E1'`);
  const meterW = await one(`SELECT id FROM meter WHERE serial = 'SY-hosp-longhui-W1'`);
  const contract = await one(`SELECT c.id, c.esco_id FROM epc_contract c WHERE c.institution_id = $1 AND c.status = 'OPERATING'`, [longhui.id]);
  const other = await one(`SELECT id FROM epc_contract WHERE institution_id = $1`, [xinning.id]);
  const pv = await one(`SELECT id FROM pv_project WHERE institution_id = $1`, [longhui.id]);
  const cid = Number(contract.id);
  const gid = (type: string, id: number | string) => toGlobalId(type, Number(id));
  const stepContract: Fixtures['stepContract'] = {
    GOA: { id: gid('EpcContract', await cloneContract(cid, 'APPROVED')), to: 'SIGNED' },
    FINANCE: { id: gid('EpcContract', await cloneContract(cid, 'AUDITED')), to: 'APPROVED' },
    ESCO: { id: gid('EpcContract', await cloneContract(cid, 'SIGNED')), to: 'IMPLEMENTING' },
  };
  const caseRow = (year: number, status: string) =>
    one(`INSERT INTO rectification_case (institution_id, year, indicator, value, constraint_value, status, deadline) VALUES ($1, $2, 'PER_CAPITA_ENERGY', 900, 800, $3, '2030-01-01') RETURNING id`, [longhui.id, year, status]);
  const openCase = await caseRow(2018, 'OPEN');
  const respondedCase = await caseRow(2017, 'RESPONDED');
  // Closed years with no figures: rounds to open (2020), to comment (2021) and to sign (2019).
  for (const y of [2019, 2020]) await t.sql(`INSERT INTO year_closure (year, closed_by, closed_at, energy_kgce, emissions_kg_co2) VALUES ($1, 'policy test', now(), 0, 0)`, [y]);
  for (const y of [2019, 2021]) expect((await t.raw({ query: `mutation { openAssessmentRound(year: ${y}) { id } }` }, k.goa)).errors).toBeUndefined();
  const entry = await one(`SELECT e.id FROM assessment_entry e JOIN assessment_round r ON r.id = e.round_id WHERE r.year = 2021 LIMIT 1`);
  const newKey = async () =>
    ((await t.raw({ query: 'mutation { createApiKey(input: { agency: "DRC", role: viewer, name: "policy test" }) { apiKey { id } } }' }, k.goa)) as GqlResult<{ createApiKey: { apiKey: { id: string } } }>).data!.createApiKey.apiKey.id;
  const station = await one(`INSERT INTO weather_station (code, name, source) VALUES ('POLICY', 'Policy test station', 'policy test') RETURNING id`);
  expect((await t.raw({ query: `mutation { recordEpcPayment(contractId: ${JSON.stringify(gid('EpcContract', cid))}, amountYuan: "1.00", paidOn: "2024-12-31") { paidOn } }` }, k.finance)).errors).toBeUndefined();
  const settled = await one(`UPDATE epc_settlement SET figures = jsonb_set(figures, '{savingsKgce}', to_jsonb((figures->>'savingsKgce')::float8 + 1))
    WHERE contract_id = $1 AND period_start = (SELECT min(period_start) FROM epc_settlement WHERE contract_id = $1) RETURNING to_char(period_start, 'YYYY-MM-DD') AS d`, [cid]);
  const vehicle = await one(`INSERT INTO vehicle (institution_id, plate, type, powertrain, new_energy, in_service_on) VALUES ($1, '湘EPT001', 'SEDAN', 'PETROL', false, '2020-01-01') RETURNING id`, [longhui.id]);
  const point = await one(`INSERT INTO charging_point (institution_id, code, location, power_kw, connectors) VALUES ($1, 'POLICY-CP', 'policy test', 7, 1) RETURNING id`, [longhui.id]);
  const recycling = await one(`SELECT id, quantity_kg::float8 AS kg FROM recycling_record WHERE institution_id = $1 AND month = '2024-03-01' ORDER BY id LIMIT 1`, [longhui.id]);
  F = {
    recyclingRecord: gid('RecyclingRecord', recycling.id),
    recyclingKg: Number(recycling.kg),
    vehicle: gid('Vehicle', vehicle.id),
    vehicleId: Number(vehicle.id),
    chargingPoint: gid('ChargingPoint', point.id),
    station: gid('WeatherStation', station.id),
    settlementStart: String(settled.d),
    longhui: gid('Institution', longhui.id),
    longhuiId: Number(longhui.id),
    longhuiName: String(longhui.name),
    xinningId: Number(xinning.id),
    city: gid('Region', city.id),
    meterE: gid('Meter', meterE.id),
    meterW: gid('Meter', meterW.id),
    meterEId: Number(meterE.id),
    meterWId: Number(meterW.id),
    hunanGreen: gid('Esco', contract.esco_id),
    hunanGreenId: Number(contract.esco_id),
    contract: gid('EpcContract', cid),
    contractId: cid,
    stepContract,
    openCase: gid('RectificationCase', openCase.id),
    respondedCase: gid('RectificationCase', respondedCase.id),
    entry: gid('AssessmentEntry', entry.id),
    revokableKey: await newKey(),
    budgetKey: await newKey(),
    pvProjectId: Number(pv.id),
    otherContractId: Number(other.id),
  };
}, 120_000);

afterAll(() => t?.close());

const q = JSON.stringify;

/**
 * Arguments per root field, valid for the subject that runs them (subjects the table refuses get
 * the same arguments and must be refused before anything is looked up).
 */
const SAMPLES: Record<string, (s: Subject) => string> = {
  'Query.aggregateIndicators': () => 'period: { year: 2023 }, groupBy: CITY',
  'Query.apiKeys': () => 'first: 5',
  'Query.assessmentRound': () => 'year: 2023',
  'Query.auditCandidates': () => 'year: 2023',
  'Query.auditEvents': () => 'first: 5',
  'Query.closedYears': () => '',
  'Query.conversionFactors': () => 'first: 5',
  'Query.emissionFactors': () => 'first: 5',
  'Query.unitConversions': () => 'first: 5',
  'Query.energyAudits': () => 'first: 5',
  'Query.epcContract': () => `id: ${q(F.contract)}`,
  'Query.epcContracts': () => 'first: 5',
  'Query.escos': () => 'first: 5',
  'Query.indicators': () => 'period: { year: 2023 }, first: 5',
  'Query.institution': () => `id: ${q(F.longhui)}`,
  'Query.institutions': () => 'first: 5',
  'Query.meter': (s) => `id: ${q(s === 'WATER' ? F.meterW : F.meterE)}`,
  'Query.meters': () => 'first: 5',
  'Query.readings': (s) => `meterId: ${q(s === 'WATER' ? F.meterW : F.meterE)}, first: 5`,
  'Query.node': () => `id: ${q(F.city)}`,
  'Query.nodes': () => `ids: [${q(F.city)}]`,
  'Query.pvProgramme': () => 'asOf: "2024-06-30"',
  'Query.pvProjects': () => 'first: 5',
  'Query.quotaStandards': () => 'first: 5',
  'Query.rectificationCases': () => 'first: 5',
  'Query.region': () => `id: ${q(F.city)}`,
  'Query.regions': () => 'first: 5',
  'Query.viewer': () => '',
  'Query.yearRecalculations': () => '',
  'Query.weatherStations': () => 'first: 5',
  'Query.vehicles': () => 'first: 5',
  'Query.vehicleEnergyRecords': () => 'first: 5',
  'Query.chargingPoints': () => 'first: 5',
  'Query.cityTargets': () => 'year: 2024',
  'Query.recyclingRecords': () => 'first: 5',
  'Query.aggregateRecycling': () => 'period: { year: 2023 }, groupBy: CITY',
  'Query.weatherDays': () => `stationId: ${q(F.station)}, from: "2024-01-01", to: "2024-02-01"`,

  'Mutation.addConversionFactor': () => 'input: { carrier: DIESEL, unit: KG, kgcePerUnit: 1.4571, validFrom: "2030-01-01", source: "policy test" }',
  'Mutation.addEmissionFactor': () => 'input: { carrier: DIESEL, scope: SCOPE1, unit: KG, kgCo2PerUnit: 3.1, validFrom: "2030-01-01", source: "policy test" }',
  'Mutation.addUnitConversion': () => 'input: { fromUnit: MWH, toUnit: KWH, factor: 1000, validFrom: "2030-01-01", source: "policy test" }',
  'Mutation.addEpcAsset': () => `contractId: ${q(F.contract)}, input: { name: "policy test pump", quantity: 1, valueYuan: "100.00" }`,
  'Mutation.closeYear': () => 'year: 2025',
  'Mutation.recalculateYear': () => 'year: 2021, reason: "policy test"',
  'Mutation.commentAssessmentEntry': () => `id: ${q(F.entry)}, comment: "policy test"`,
  'Mutation.openAssessmentRound': () => 'year: 2020',
  'Mutation.signAssessmentRound': () => 'year: 2019',
  'Mutation.createApiKey': () => 'input: { agency: "WATER", role: viewer, name: "policy test 2" }',
  'Mutation.revokeApiKey': () => `id: ${q(F.revokableKey)}`,
  'Mutation.setApiKeyBudget': () => `id: ${q(F.budgetKey)}, budget: 5000`,
  'Mutation.createEpcContract': () =>
    `input: { institutionId: ${q(F.longhui)}, escoId: ${q(F.hunanGreen)}, title: "policy test", type: BENEFIT_SHARING, carriers: [ELECTRICITY],
      measures: [{ name: "LED", pillar: TECHNOLOGY }], termStart: "2027-01-01", termEnd: "2030-01-01", investmentYuan: "1000.00", escoShare: "0.5",
      prices: [{ carrier: ELECTRICITY, priceYuan: "0.65" }], baselineStart: "2025-01-01", baselineDriver: FLOOR_AREA, settlementPeriod: QUARTER }`,
  'Mutation.transitionEpcContract': (s) => {
    const c = F.stepContract[s] ?? { id: F.contract, to: 'HANDED_OVER' };
    return `id: ${q(c.id)}, to: ${c.to}`;
  },
  'Mutation.recordEpcPayment': () => `contractId: ${q(F.contract)}, amountYuan: "1.00", paidOn: "2026-11-01"`,
  'Mutation.acceptSettlementDifference': () => `contractId: ${q(F.contract)}, periodStart: ${q(F.settlementStart)}`,
  'Mutation.rebaselineEpcContract': (s) => `id: ${q(F.contract)}, reason: "policy test ${s}"`,
  'Mutation.addNonRoutineEvent': () => `contractId: ${q(F.contract)}, from: "2030-01-01", to: "2030-02-01", adjustmentKgce: "0", reason: "policy test"`,
  'Mutation.createVehicle': (s) => `input: { institutionId: ${q(F.longhui)}, plate: "湘EP${SUBJECTS.indexOf(s)}${SUBJECTS.indexOf(s)}00", type: SEDAN, powertrain: PETROL, inServiceOn: "2024-01-01" }`,
  'Mutation.updateVehicle': () => `id: ${q(F.vehicle)}, input: { type: SEDAN }`,
  'Mutation.createChargingPoint': (s) => `input: { institutionId: ${q(F.longhui)}, code: "PT-${s}", location: "policy test", powerKw: 7, connectors: 1 }`,
  'Mutation.setCityTarget': () => 'input: { year: 2040, kind: NEV_SHARE_OF_ADDED, value: 0.5 }',
  'Mutation.correctRecyclingRecord': () => `input: { recordId: ${q(F.recyclingRecord)}, quantityKg: ${F.recyclingKg} }`,
  'Mutation.ingestVehicleEnergy': () => `input: { rows: [{ vehicleId: ${q(F.vehicle)}, day: "2024-03-01", energy: GASOLINE, quantity: 40, odometerKm: 1000 }] }`,
  'Mutation.recordRecycling': () => `input: { rows: [{ institutionId: ${q(F.longhui)}, month: "2025-03-01", stream: PAPER, disposition: RECYCLED, quantityKg: 40 }] }`,
  'Mutation.createWeatherStation': (s) => `input: { code: "PT-${s}", name: "policy test", source: "policy test" }`,
  'Mutation.importWeather': () => `csv: "station,day,mean_temp\\nPOLICY,2024-01-01,5.5", source: "policy test"`,
  'Mutation.createEsco': () => `name: "Policy Test ESCO", nameZh: "策略测试节能公司", creditCode: ${q(makeCreditCode('91', '430500', 9901))}`,
  'Mutation.createInstitution': () =>
    `input: { name: "Policy Test Office", nameZh: "策略测试办公室", creditCode: ${q(makeCreditCode('11', '430500', 9902))}, category: GOVERNMENT_OFFICE, regionId: ${q(F.city)} }`,
  'Mutation.updateInstitution': () => `id: ${q(F.longhui)}, input: { name: ${q(F.longhuiName)} }`,
  'Mutation.upsertInstitutionProfile': (s) =>
    s === 'HOUSING' ? `input: { institutionId: ${q(F.longhui)}, year: 2030, floorAreaM2: 1000 }` : `input: { institutionId: ${q(F.longhui)}, year: 2030, headcount: 10 }`,
  'Mutation.createMeter': (s) =>
    s === 'WATER'
      ? `input: { institutionId: ${q(F.longhui)}, serial: "policy-${s}", carrier: WATER, unit: M3 }`
      : `input: { institutionId: ${q(F.longhui)}, serial: "policy-${s}", carrier: ELECTRICITY, unit: KWH }`,
  'Mutation.ingestReadings': (s) =>
    `input: { rows: [{ meterId: ${q(s === 'WATER' ? F.meterW : F.meterE)}, periodStart: "2026-11-01T00:00:00+08:00", periodEnd: "2026-11-01T01:00:00+08:00", value: 1 }] }`,
  'Mutation.createQuotaStandard': (s) =>
    `input: { regionId: ${q(F.city)}, category: HOSPITAL, indicator: ${s === 'WATER' ? 'PER_CAPITA_WATER' : 'PER_CAPITA_ENERGY'}, yearFrom: 2090, yearTo: 2090, constraintValue: 100, source: "policy test" }`,
  'Mutation.recordEnergyAudit': () =>
    `input: { institutionId: ${q(F.longhui)}, auditor: "policy test", auditedOn: "2026-01-10", triggers: [PERIODIC], findings: "policy test", measures: [], suitsEpc: false }`,
  'Mutation.respondToRectification': () => `id: ${q(F.openCase)}, cause: "policy test", measures: "policy test"`,
  'Mutation.reviewRectification': () => `id: ${q(F.respondedCase)}, accept: true`,

  'Subscription.complianceAlerts': () => '',
  'Subscription.epcContractChanged': () => '',
  'Subscription.indicatorUpdated': () => '',
  'Subscription.fleetChanged': () => '',
  'Subscription.pvGeneration': () => '',
  'Subscription.readingsIngested': () => '',
  'Subscription.recyclingChanged': () => '',
};

/** Events to publish per topic so that every subject allowed a subscription gets at least one. */
function eventsFor(field: string): [string, unknown][] {
  const at = new Date('2026-11-01T00:00:00+08:00');
  const reading = (meterId: number, carrier: string) => ({ meterId, institutionId: F.longhuiId, carrier, unit: carrier === 'WATER' ? 'M3' : 'KWH', batchId: 1, rows: 1, periodStart: at, periodEnd: at, total: 1, committedAt: at });
  const alert = (indicator: string) => ({ alertId: 0, institutionId: F.longhuiId, year: 2026, indicator, direction: 'OVER', projectedValue: 2, yearToDateValue: 1, constraintValue: 1, through: '2026-11-01' });
  switch (field) {
    case 'readingsIngested': return [[TOPICS.READINGS_INGESTED, reading(F.meterEId, 'ELECTRICITY')], [TOPICS.READINGS_INGESTED, reading(F.meterWId, 'WATER')]];
    case 'indicatorUpdated': return [[TOPICS.INDICATOR_UPDATED, { institutionId: F.longhuiId, year: 2026, months: ['2026-11-01'] }]];
    case 'complianceAlerts': return [[TOPICS.COMPLIANCE_ALERT, alert('PER_CAPITA_ENERGY')], [TOPICS.COMPLIANCE_ALERT, alert('PER_CAPITA_WATER')]];
    case 'pvGeneration': return [[TOPICS.PV_GENERATION, { projectId: F.pvProjectId, institutionId: F.longhuiId, kwh: 1, periodStart: at, periodEnd: at }]];
    case 'recyclingChanged': return [[TOPICS.RECYCLING_CHANGED, { institutionId: F.longhuiId, months: ['2024-03-01'] }]];
    case 'fleetChanged': return [[TOPICS.FLEET_CHANGED, { institutionId: F.longhuiId, kind: 'VEHICLE', ids: [F.vehicleId], months: [] }]];
    case 'epcContractChanged': return [[TOPICS.EPC_CHANGED, { contractId: F.contractId, institutionId: F.longhuiId, escoId: F.hunanGreenId }]];
    default: throw new Error(`no events for Subscription.${field}: add them to eventsFor`);
  }
}

/** The smallest selection that makes the field run: `__typename` on object types, nothing on scalars. */
function selection(field: GraphQLField<unknown, unknown>): string {
  const named = getNamedType(field.type);
  return isObjectType(named) || isAbstractType(named) ? ' { __typename }' : '';
}

function rootFields(kind: 'Query' | 'Mutation' | 'Subscription'): GraphQLField<unknown, unknown>[] {
  const type = kind === 'Query' ? schema.getQueryType() : kind === 'Mutation' ? schema.getMutationType() : schema.getSubscriptionType();
  return Object.values(type?.getFields() ?? {}).sort((a, b) => a.name.localeCompare(b.name));
}

function expected(coordinate: string, s: Subject): 'allowed' | 'FORBIDDEN' {
  return ruleAllows({ subject: s, role: roleOf[s] }, FIELD_RULES[coordinate]) ? 'allowed' : 'FORBIDDEN';
}

describe('the policy table, field by field and subject by subject', () => {
  const pairs: string[] = [];
  afterAll(() => {
    // The number of (field, subject) pairs run, for the record.
    console.log(`policy test ran ${pairs.length} (field, subject) pairs`);
  });

  it('has a rule and a sample for every root field of the schema, and no rule for a field that is gone', () => {
    const coordinates = (['Query', 'Mutation', 'Subscription'] as const).flatMap((k) => rootFields(k).map((f) => `${k}.${f.name}`));
    expect(coordinates.length).toBeGreaterThan(40);
    expect(coordinates.filter((c) => !FIELD_RULES[c])).toEqual([]);
    expect(coordinates.filter((c) => !SAMPLES[c])).toEqual([]);
    const live = new Set(coordinates);
    // The federation subgraph's own fields live at /subgraph: test/federation/subgraph.test.ts runs them per subject.
    const subgraphOnly = new Set(['Query._entities', 'Query._service']);
    expect(Object.keys(FIELD_RULES).filter((c) => !c.startsWith('HTTP.') && !subgraphOnly.has(c) && !live.has(c))).toEqual([]);
  });

  it.each(['Query', 'Mutation'] as const)('runs every %s field for every subject: answered or FORBIDDEN as the table says', async (kind) => {
    const mismatches: string[] = [];
    for (const field of rootFields(kind)) {
      const coordinate = `${kind}.${field.name}`;
      const sample = SAMPLES[coordinate];
      if (!sample) continue; // reported by the test above
      for (const s of SUBJECTS) {
        const args = sample(s);
        const op = `${kind === 'Query' ? 'query' : 'mutation'} { ${field.name}${args ? `(${args})` : ''}${selection(field)} }`;
        const r = await t.raw({ query: op }, keyOf[s]);
        pairs.push(`${coordinate}|${s}`);
        const want = expected(coordinate, s);
        const got = r.errors?.length ? String(codeOf(r)) : 'allowed';
        if (got !== want) mismatches.push(`${coordinate} as ${s}: expected ${want}, got ${got}${r.errors ? ` (${r.errors[0].message})` : ''}`);
        if (got === 'FORBIDDEN') expect((r.data as Record<string, unknown> | null)?.[field.name] ?? null).toBeNull();
      }
    }
    expect(mismatches).toEqual([]);
  }, 300_000);

  it('subscribes to every Subscription field for every subject over graphql-ws: events or FORBIDDEN as the table says', async () => {
    const mismatches: string[] = [];
    for (const field of rootFields('Subscription')) {
      const coordinate = `Subscription.${field.name}`;
      const subs: { s: Subject; client: Client; data: number; codes: string[] }[] = [];
      for (const s of SUBJECTS) {
        const client = t.ws(keyOf[s]);
        const sub = { s, client, data: 0, codes: [] as string[] };
        client.subscribe(
          { query: `subscription { ${field.name}${SAMPLES[coordinate]?.(s) ? `(${SAMPLES[coordinate](s)})` : ''}${selection(field)} }` },
          {
            next: (v) => {
              if (v.errors) sub.codes.push(...v.errors.map((e) => String(e.extensions?.code)));
              if (v.data) sub.data++;
            },
            error: (e) => sub.codes.push(String((e as { message?: string }).message ?? e)),
            complete: () => undefined,
          },
        );
        subs.push(sub);
        pairs.push(`${coordinate}|${s}`);
      }
      const settled = () => subs.every((x) => (expected(coordinate, x.s) === 'allowed' ? x.data > 0 : x.codes.length > 0));
      // Publish until every allowed subscriber has had an event (a subscription registers asynchronously).
      const until = Date.now() + 15_000;
      while (!settled() && Date.now() < until) {
        for (const [topic, payload] of eventsFor(field.name)) t.hub.pubsub.publish(topic, payload);
        await new Promise((r) => setTimeout(r, 50));
      }
      for (const x of subs) {
        const want = expected(coordinate, x.s);
        const got = x.codes.length ? x.codes[0] : x.data > 0 ? 'allowed' : 'nothing';
        if (got !== want) mismatches.push(`${coordinate} as ${x.s}: expected ${want}, got ${got}`);
        await x.client.dispose();
      }
    }
    expect(mismatches).toEqual([]);
  }, 120_000);

  it('answers node(id) for each type under that type’s rule', async () => {
    const ids: Record<string, string> = {
      Institution: F.longhui,
      Region: F.city,
      Meter: F.meterE,
      EpcContract: F.contract,
      PvProject: toGlobalId('PvProject', F.pvProjectId),
      EnergyAudit: toGlobalId('EnergyAudit', Number((await one(`SELECT id FROM energy_audit WHERE institution_id = $1 LIMIT 1`, [F.longhuiId])).id)),
      ConversionFactor: toGlobalId('ConversionFactor', Number((await one('SELECT min(id) AS id FROM conversion_factor')).id)),
      EmissionFactor: toGlobalId('EmissionFactor', Number((await one('SELECT min(id) AS id FROM emission_factor')).id)),
      UnitConversion: toGlobalId('UnitConversion', Number((await one('SELECT min(id) AS id FROM unit_conversion')).id)),
      WeatherStation: F.station,
      InstitutionProfile: toGlobalId('InstitutionProfile', Number((await one('SELECT min(id) AS id FROM institution_profile WHERE institution_id = $1', [F.longhuiId])).id)),
      Agency: toGlobalId('Agency', Number((await one('SELECT min(id) AS id FROM agency')).id)),
      Reading: toGlobalId('Reading', Number((await one('SELECT min(id) AS id FROM reading WHERE meter_id = $1', [F.meterEId])).id)),
      ReadingBatch: toGlobalId('ReadingBatch', Number((await one('SELECT min(id) AS id FROM reading_batch')).id)),
      Esco: F.hunanGreen,
      QuotaStandard: toGlobalId('QuotaStandard', Number((await one('SELECT min(id) AS id FROM quota_standard')).id)),
      RectificationCase: F.openCase,
      ComplianceAlert: await alertOf(F.longhuiId, 'PER_CAPITA_ENERGY'),
      ScoringRule: toGlobalId('ScoringRule', Number((await one('SELECT min(id) AS id FROM scoring_rule')).id)),
      AssessmentRound: toGlobalId('AssessmentRound', Number((await one('SELECT min(id) AS id FROM assessment_round')).id)),
      AssessmentEntry: F.entry,
      YearClosure: toGlobalId('YearClosure', Number((await one('SELECT min(year) AS id FROM year_closure')).id)),
      YearRecalculation: toGlobalId('YearRecalculation', Number((await one(
        `INSERT INTO year_recalculation (year, recalculated_by, old_energy_kgce, new_energy_kgce, old_emissions_kg_co2, new_emissions_kg_co2) VALUES (2023, 'test', 1, 1, 1, 1) RETURNING id`)).id)),
      AuditEvent: toGlobalId('AuditEvent', Number((await one('SELECT max(id) AS id FROM audit_event')).id)),
      ApiKey: toGlobalId('ApiKey', Number((await one('SELECT min(id) AS id FROM api_key')).id)),
      Vehicle: F.vehicle,
      ChargingPoint: F.chargingPoint,
      CityTarget: toGlobalId('CityTarget', Number((await one(`INSERT INTO city_target (year, kind, share) VALUES (2041, 'NEV_SHARE_OF_ADDED', 0.5) RETURNING id`)).id)),
    };
    expect(Object.keys(ids).sort()).toEqual(Object.keys(NODE_RULES).sort());
    expect(Object.keys(ids).sort()).toEqual([...NODE_TYPES].sort());
    // Every object type with a global id is a node type.
    const nodeTypes = Object.values(schema.getTypeMap()).filter((x) => isObjectType(x) && x.getInterfaces().some((i) => i.name === 'Node')).map((x) => x.name);
    expect(nodeTypes.sort()).toEqual(Object.keys(ids).sort());
    const waterReading = toGlobalId('Reading', Number((await one('SELECT min(id) AS id FROM reading WHERE meter_id = $1', [F.meterWId])).id));
    const waterAlert = await alertOf(F.longhuiId, 'PER_CAPITA_WATER');
    const mismatches: string[] = [];
    for (const [type, id] of Object.entries(ids)) {
      for (const s of SUBJECTS) {
        // The water bureau reads water meters, readings and indicators only.
        const water: Record<string, string> = { Meter: F.meterW, Reading: waterReading, ComplianceAlert: waterAlert };
        const nodeId = s === 'WATER' ? (water[type] ?? id) : id;
        const r = await t.raw({ query: `{ node(id: ${q(nodeId)}) { __typename } }` }, keyOf[s]);
        const want = ruleAllows({ subject: s, role: roleOf[s] }, NODE_RULES[type]) ? 'allowed' : 'FORBIDDEN';
        let got = r.errors?.length ? String(codeOf(r)) : 'allowed';
        // The trail's rows are each holder's own actions and objects: the rule lets in, the row may not exist for it.
        if (type === 'AuditEvent' && s !== 'GOA' && got === 'NOT_FOUND') got = 'allowed';
        // The hospital is not in the municipal appraisal: no assessment entry is its own.
        if (type === 'AssessmentEntry' && s === 'INSTITUTION' && got === 'FORBIDDEN') got = 'allowed';
        if (got !== want) mismatches.push(`node(${type}) as ${s}: expected ${want}, got ${got}`);
      }
    }
    expect(mismatches).toEqual([]);
  }, 60_000);

  it('answers a compliance alert under the rule of its own indicator, as the subscription hears it', async () => {
    const energy = await alertOf(F.longhuiId, 'PER_CAPITA_ENERGY');
    const area = await alertOf(F.longhuiId, 'ENERGY_PER_AREA');
    const water = await alertOf(F.longhuiId, 'PER_CAPITA_WATER');
    const otherWater = await alertOf(F.xinningId, 'PER_CAPITA_WATER');
    const node = (id: string, key: string) => t.raw({ query: `{ node(id: ${q(id)}) { id } }` }, key) as Promise<GqlResult<{ node: { id: string } | null }>>;
    // The water bureau reads no energy indicator: neither energy alert, of any institution.
    for (const id of [energy, area]) {
      const r = await node(id, t.keys.water);
      expect(codeOf(r)).toBe('FORBIDDEN');
      expect(r.data?.node ?? null).toBeNull();
    }
    expect((await node(water, t.keys.water)).data!.node).toEqual({ id: water });
    expect((await node(otherWater, t.keys.water)).data!.node).toEqual({ id: otherWater });
    // No subject reads energy indicators without water ones (POLICY): the hospital reads both of
    // its own, and not another institution's water alert.
    for (const id of [energy, water]) expect((await node(id, t.keys.hospital)).data!.node).toEqual({ id });
    expect(codeOf(await node(otherWater, t.keys.hospital))).toBe('FORBIDDEN');
    // nodes(ids): the refused alerts are null with their own error, the others answered.
    const r = (await t.raw({ query: 'query ($ids: [ID!]!) { nodes(ids: $ids) { id } }', variables: { ids: [water, energy, otherWater, area] } }, t.keys.water)) as GqlResult<{ nodes: ({ id: string } | null)[] }>;
    expect(r.data!.nodes).toEqual([{ id: water }, null, { id: otherWater }, null]);
    expect(r.errors!.map((e) => [e.path, e.extensions?.code])).toEqual([
      [['nodes', 1], 'FORBIDDEN'],
      [['nodes', 3], 'FORBIDDEN'],
    ]);
  });
});

describe('lists, counts, filters and subscriptions leak nothing the field refuses', () => {
  it('matches free-text search only on fields the key may read: PUBLIC cannot find an institution by its credit code', async () => {
    const code = String((await one('SELECT credit_code FROM institution WHERE id = $1', [F.longhuiId])).credit_code);
    const search = (key: string, text: string) => t.raw({ query: `{ institutions(first: 5, filter: { search: ${q(text)} }) { totalCount nodes { id } } }` }, key) as Promise<GqlResult<{ institutions: { totalCount: number; nodes: { id: string }[] } }>>;
    // GOA may read credit codes: the full code and a prefix of it find the hospital.
    expect((await search(t.keys.goa, code)).data!.institutions.nodes.map((n) => n.id)).toEqual([F.longhui]);
    // PUBLIC may not: neither the code nor its first digits match, and totalCount does not count it.
    for (const text of [code, code.slice(0, 10)]) {
      const r = await search(t.keys.public, text);
      expect(r.errors).toBeUndefined();
      expect(r.data!.institutions).toEqual({ totalCount: 0, nodes: [] });
    }
    // Names still match for PUBLIC.
    expect((await search(t.keys.public, '隆回县人民医院')).data!.institutions.nodes.map((n) => n.id)).toEqual([F.longhui]);
  });

  it('counts only rows in scope: an ESCO’s institutions and contracts are those of its own contracts', async () => {
    const sites = await rowsOf('SELECT DISTINCT institution_id FROM epc_contract WHERE esco_id = $1', [F.hunanGreenId]);
    const contracts = await rowsOf('SELECT id FROM epc_contract WHERE esco_id = $1', [F.hunanGreenId]);
    const r = (await t.raw({ query: '{ institutions(first: 100) { totalCount nodes { id } } epcContracts(first: 100) { totalCount } escos(first: 10) { totalCount } }' }, t.keys.esco)) as GqlResult<{
      institutions: { totalCount: number; nodes: unknown[] };
      epcContracts: { totalCount: number };
      escos: { totalCount: number };
    }>;
    expect(r.errors).toBeUndefined();
    expect(r.data!.institutions.totalCount).toBe(sites.length);
    expect(r.data!.institutions.nodes).toHaveLength(sites.length);
    expect(r.data!.epcContracts.totalCount).toBe(contracts.length);
    expect(r.data!.escos.totalCount).toBe(1);
    // Another ESCO's contract does not exist for it, by id or as a node.
    const other = toGlobalId('EpcContract', F.otherContractId);
    expect(codeOf(await t.raw({ query: `{ epcContract(id: ${q(other)}) { id } }` }, t.keys.esco))).toBe('NOT_FOUND');
    expect(codeOf(await t.raw({ query: `{ node(id: ${q(other)}) { id } }` }, t.keys.esco))).toBe('NOT_FOUND');
  });

  it('sends an ESCO the changes of its own contracts only', async () => {
    const received: string[] = [];
    const client = t.ws(t.keys.esco);
    client.subscribe({ query: 'subscription { epcContractChanged { id } }' }, {
      next: (v) => received.push((v.data as { epcContractChanged: { id: string } } | null)?.epcContractChanged.id ?? `error ${v.errors?.[0]?.extensions?.code}`),
      error: () => undefined,
      complete: () => undefined,
    });
    const otherEsco = Number((await one('SELECT esco_id FROM epc_contract WHERE id = $1', [F.otherContractId])).esco_id);
    expect(otherEsco).not.toBe(F.hunanGreenId);
    const until = Date.now() + 10_000;
    // Another ESCO's contract first, then its own: events arrive in order, so once its own has come, the other would have too.
    while (!received.length && Date.now() < until) {
      t.hub.pubsub.publish(TOPICS.EPC_CHANGED, { contractId: F.otherContractId, institutionId: F.xinningId, escoId: otherEsco });
      t.hub.pubsub.publish(TOPICS.EPC_CHANGED, { contractId: F.contractId, institutionId: F.longhuiId, escoId: F.hunanGreenId });
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(received.length).toBeGreaterThan(0);
    expect(new Set(received)).toEqual(new Set([F.contract]));
    await client.dispose();
  });

  it('refuses fields that were open before the table covered them', async () => {
    expect(codeOf(await t.raw({ query: '{ closedYears { year } }' }, t.keys.public))).toBe('FORBIDDEN');
    expect(codeOf(await t.raw({ query: '{ yearRecalculations { year } }' }, t.keys.esco))).toBe('FORBIDDEN');
    expect(codeOf(await t.raw({ query: '{ quotaStandards(first: 1) { totalCount } }' }, t.keys.esco))).toBe('FORBIDDEN');
  });
});
