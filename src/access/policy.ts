/**
 * Who may read and write what: README.md "Who sees what" as data. This is the
 * one place that says it; the guard reads it, resolvers and services only name
 * the resource they touch.
 */

/** The kinds of key holders: the five agencies, PUBLIC, an institution, an ESCO. */
export type Subject = 'GOA' | 'DRC' | 'FINANCE' | 'WATER' | 'HOUSING' | 'PUBLIC' | 'INSTITUTION' | 'ESCO';
export const SUBJECTS: Subject[] = ['GOA', 'DRC', 'FINANCE', 'WATER', 'HOUSING', 'PUBLIC', 'INSTITUTION', 'ESCO'];

export type Resource =
  /** names, category, region: what even PUBLIC sees */
  | 'institution'
  /** credit code, appraisal membership, the yearly profiles */
  | 'institutionDetail'
  | 'profile'
  | 'energyMeter'
  | 'waterMeter'
  | 'apiKey'
  /** conversion and emission factors, unit conversions */
  | 'factor'
  /** weather stations and daily mean temperatures (read like factors; DRC and GOA keep them) */
  | 'weather'
  | 'energyQuota'
  | 'waterQuota'
  /** energy figures of an institution: kgce, per-capita and per-m² energy, CO2, PV */
  | 'energyIndicator'
  /** water figures of an institution */
  | 'waterIndicator'
  /** rectification cases; writing them is GOA's review (accept or return) */
  | 'rectification'
  /** the institution's own response to its rectification case */
  | 'rectificationResponse'
  /** closing a year, recalculating a closed one */
  | 'yearClosure'
  | 'assessment'
  /** signing an assessment round (GOA, DRC, FINANCE) */
  | 'assessmentSignature'
  | 'epcContract'
  /** energy service companies: registered by GOA */
  | 'esco'
  /** equipment an EPC contract installs (recorded by GOA or the contract's ESCO) */
  | 'epcAsset'
  /** one step of the EPC lifecycle each: who may move a contract to that status */
  | EpcStep
  /** an EPC contract's frozen baseline: rebaselining and non-routine events */
  | 'epcBaseline'
  /** investment, prices, settlement values and payments */
  | 'money'
  | 'energyAudit'
  | 'pvProject'
  /** investment of PV projects (FINANCE may correct it) */
  | 'pvMoney'
  /** official vehicles, their refuellings and chargings, charging points */
  | 'fleet'
  /** recycling records (waste streams by month) */
  | 'recycling'
  /** yearly city targets (new-energy share of vehicles added, recycling rate): GOA sets them, everyone reads them */
  | 'cityTarget'
  /** the audit trail; `own` here means the events of the holder's own keys and on its own objects */
  | 'auditEvent';

/** The EPC lifecycle, one resource per status a contract can be moved to. */
export type EpcStep =
  | 'epcStep:AUDITED'
  | 'epcStep:APPROVED'
  | 'epcStep:SIGNED'
  | 'epcStep:IMPLEMENTING'
  | 'epcStep:OPERATING'
  | 'epcStep:HANDED_OVER'
  | 'epcStep:TERMINATED';

/**
 * all: every row; own: rows of the key's own institution; contract: rows of the
 * sites under the ESCO's contracts; esco: rows of the key's own ESCO (its contracts,
 * itself); aggregate: sums only, never one row.
 */
export type Scope = 'all' | 'own' | 'contract' | 'esco' | 'aggregate';

export interface Grant {
  read?: Scope;
  write?: Scope;
  /** When set, a write may only touch these input fields. */
  writableFields?: readonly string[];
}

const R: Grant = { read: 'all' };
const RW: Grant = { read: 'all', write: 'all' };
const OWN_RW: Grant = { read: 'own', write: 'own' };
const NONE: Grant = {};

/** A lifecycle step: everyone who may read contracts sees it; only the named subjects make it. */
function step(by: Partial<Record<Subject, Scope>>): Record<Subject, Grant> {
  const read: Record<Subject, Grant> = {
    GOA: R, DRC: R, FINANCE: R, WATER: R, HOUSING: R, INSTITUTION: { read: 'own' }, ESCO: { read: 'esco' }, PUBLIC: NONE,
  };
  for (const [subject, scope] of Object.entries(by) as [Subject, Scope][]) read[subject] = { ...read[subject], write: scope };
  return read;
}

export const POLICY: Record<Resource, Record<Subject, Grant>> = {
  institution: {
    GOA: RW, DRC: R, FINANCE: R, WATER: R, HOUSING: R,
    INSTITUTION: { read: 'own' }, ESCO: { read: 'contract' }, PUBLIC: R,
  },
  institutionDetail: {
    GOA: RW, DRC: R, FINANCE: R, WATER: R, HOUSING: R,
    INSTITUTION: { read: 'own' }, ESCO: { read: 'contract' }, PUBLIC: NONE,
  },
  profile: {
    GOA: RW, DRC: R, FINANCE: R, WATER: R,
    // Housing owns building data: it may correct floor areas, not headcounts.
    HOUSING: { read: 'all', write: 'all', writableFields: ['floorAreaM2', 'heatedAreaM2', 'cooledAreaM2'] },
    INSTITUTION: OWN_RW, ESCO: { read: 'contract' }, PUBLIC: NONE,
  },
  energyMeter: {
    GOA: RW, DRC: R, FINANCE: R, WATER: NONE, HOUSING: R,
    INSTITUTION: OWN_RW, ESCO: { read: 'contract' }, PUBLIC: { read: 'aggregate' },
  },
  waterMeter: {
    GOA: RW, DRC: R, FINANCE: R, WATER: RW, HOUSING: R,
    INSTITUTION: OWN_RW, ESCO: NONE, PUBLIC: { read: 'aggregate' },
  },
  factor: {
    GOA: R, DRC: RW, FINANCE: R, WATER: R, HOUSING: R,
    INSTITUTION: R, ESCO: R, PUBLIC: R,
  },
  weather: {
    GOA: RW, DRC: RW, FINANCE: R, WATER: R, HOUSING: R,
    INSTITUTION: R, ESCO: R, PUBLIC: R,
  },
  energyQuota: {
    GOA: R, DRC: RW, FINANCE: R, WATER: R, HOUSING: R,
    INSTITUTION: R, ESCO: NONE, PUBLIC: R,
  },
  waterQuota: {
    GOA: R, DRC: R, FINANCE: R, WATER: RW, HOUSING: R,
    INSTITUTION: R, ESCO: NONE, PUBLIC: R,
  },
  energyIndicator: {
    GOA: R, DRC: R, FINANCE: R, WATER: NONE, HOUSING: R,
    INSTITUTION: { read: 'own' }, ESCO: NONE, PUBLIC: { read: 'aggregate' },
  },
  waterIndicator: {
    GOA: R, DRC: R, FINANCE: R, WATER: R, HOUSING: R,
    INSTITUTION: { read: 'own' }, ESCO: NONE, PUBLIC: { read: 'aggregate' },
  },
  // GOA reviews (accepts or returns); the institution only answers, through rectificationResponse.
  rectification: {
    GOA: RW, DRC: R, FINANCE: R, WATER: R, HOUSING: R,
    INSTITUTION: { read: 'own' }, ESCO: NONE, PUBLIC: NONE,
  },
  rectificationResponse: {
    GOA: R, DRC: R, FINANCE: R, WATER: R, HOUSING: R,
    INSTITUTION: OWN_RW, ESCO: NONE, PUBLIC: NONE,
  },
  yearClosure: {
    GOA: RW, DRC: R, FINANCE: R, WATER: R, HOUSING: R,
    INSTITUTION: R, ESCO: NONE, PUBLIC: NONE,
  },
  assessment: {
    GOA: RW, DRC: R, FINANCE: R, WATER: R, HOUSING: R,
    INSTITUTION: { read: 'own' }, ESCO: NONE, PUBLIC: NONE,
  },
  assessmentSignature: {
    GOA: RW, DRC: RW, FINANCE: RW, WATER: R, HOUSING: R,
    INSTITUTION: NONE, ESCO: NONE, PUBLIC: NONE,
  },
  // Drafting is GOA's; FINANCE writes through its steps (epcStep:APPROVED) and money (payments).
  epcContract: {
    GOA: RW, DRC: R, FINANCE: R, WATER: R, HOUSING: R,
    INSTITUTION: { read: 'own' }, ESCO: { read: 'esco' }, PUBLIC: NONE,
  },
  esco: {
    GOA: RW, DRC: R, FINANCE: R, WATER: R, HOUSING: R,
    INSTITUTION: R, ESCO: { read: 'esco' }, PUBLIC: NONE,
  },
  // M&V on site: the ESCO records the equipment of its own contracts.
  epcAsset: {
    GOA: RW, DRC: R, FINANCE: R, WATER: R, HOUSING: R,
    INSTITUTION: { read: 'own' }, ESCO: { read: 'esco', write: 'esco' }, PUBLIC: NONE,
  },
  // The lifecycle: DRAFT > AUDITED > APPROVED > SIGNED > IMPLEMENTING > OPERATING > HANDED_OVER,
  // or TERMINATED from any open status. The order is the EPC service's; who makes each step is here.
  'epcStep:AUDITED': step({ GOA: 'all' }),
  'epcStep:APPROVED': step({ FINANCE: 'all' }),
  'epcStep:SIGNED': step({ GOA: 'all' }),
  'epcStep:IMPLEMENTING': step({ GOA: 'all', ESCO: 'esco' }),
  'epcStep:OPERATING': step({ GOA: 'all' }),
  'epcStep:HANDED_OVER': step({ GOA: 'all' }),
  'epcStep:TERMINATED': step({ GOA: 'all' }),
  // M&V: refitting a frozen baseline or adjusting it for a non-routine event is GOA's or FINANCE's decision.
  epcBaseline: {
    GOA: RW, DRC: R, FINANCE: RW, WATER: R, HOUSING: R,
    INSTITUTION: { read: 'own' }, ESCO: { read: 'esco' }, PUBLIC: NONE,
  },
  money: {
    GOA: R, DRC: R, FINANCE: RW, WATER: NONE, HOUSING: NONE,
    INSTITUTION: { read: 'own' }, ESCO: { read: 'contract' }, PUBLIC: NONE,
  },
  energyAudit: {
    GOA: RW, DRC: R, FINANCE: R, WATER: R, HOUSING: R,
    INSTITUTION: { read: 'own' }, ESCO: { read: 'contract' }, PUBLIC: NONE,
  },
  pvProject: {
    GOA: RW, DRC: R, FINANCE: R, WATER: NONE, HOUSING: RW,
    INSTITUTION: { read: 'own' }, ESCO: { read: 'contract' }, PUBLIC: { read: 'aggregate' },
  },
  pvMoney: {
    GOA: R, DRC: R, FINANCE: RW, WATER: NONE, HOUSING: NONE,
    INSTITUTION: { read: 'own' }, ESCO: { read: 'contract' }, PUBLIC: NONE,
  },
  // The fleet reform and waste sorting are GOA's programmes; institutions keep their own ledgers.
  fleet: {
    GOA: RW, DRC: R, FINANCE: R, WATER: NONE, HOUSING: NONE,
    INSTITUTION: OWN_RW, ESCO: NONE, PUBLIC: { read: 'aggregate' },
  },
  recycling: {
    GOA: RW, DRC: R, FINANCE: R, WATER: NONE, HOUSING: NONE,
    INSTITUTION: OWN_RW, ESCO: NONE, PUBLIC: { read: 'aggregate' },
  },
  cityTarget: {
    GOA: RW, DRC: R, FINANCE: R, WATER: R, HOUSING: R,
    INSTITUTION: R, ESCO: R, PUBLIC: R,
  },
  // GOA reads the whole trail; every other holder what its keys did and what was done to its objects.
  auditEvent: {
    GOA: R, DRC: { read: 'own' }, FINANCE: { read: 'own' }, WATER: { read: 'own' }, HOUSING: { read: 'own' },
    INSTITUTION: { read: 'own' }, ESCO: { read: 'own' }, PUBLIC: NONE,
  },
  // Only GOA admins manage keys (the role check is in the guard).
  apiKey: {
    GOA: RW, DRC: NONE, FINANCE: NONE, WATER: NONE, HOUSING: NONE,
    INSTITUTION: NONE, ESCO: NONE, PUBLIC: NONE,
  },
};

/** Resources whose writes need the admin role rather than editor. */
export const ADMIN_ONLY: ReadonlySet<Resource> = new Set<Resource>(['apiKey']);

/**
 * What a root field needs. read: rows or aggregates; rows: rows (in the key's scope); allRows:
 * every row (rankings across all institutions); write: a write grant and an editor key (admin for
 * ADMIN_ONLY resources). Any one resource of `anyOf` suffices; row scope is applied in the query.
 */
export type Action = 'read' | 'rows' | 'allRows' | 'write';
export type FieldRule = { readonly action: Action; readonly anyOf: readonly Resource[] } | { readonly open: string };

const METERS: Resource[] = ['energyMeter', 'waterMeter'];
const INDICATORS: Resource[] = ['energyIndicator', 'waterIndicator'];
const QUOTAS: Resource[] = ['energyQuota', 'waterQuota'];
export const EPC_STEPS: EpcStep[] = [
  'epcStep:AUDITED', 'epcStep:APPROVED', 'epcStep:SIGNED', 'epcStep:IMPLEMENTING', 'epcStep:OPERATING', 'epcStep:HANDED_OVER', 'epcStep:TERMINATED',
];
const rule = (action: Action, ...anyOf: Resource[]): FieldRule => ({ action, anyOf });

/**
 * Every root field (`Query.x`, `Mutation.y`, `Subscription.z`) and the HTTP import: the guard
 * refuses a field that has no row here, and test/access/policy.test.ts runs every field of the
 * schema for every subject against this map.
 */
export const FIELD_RULES: Readonly<Record<string, FieldRule>> = {
  'Query.aggregateIndicators': rule('read', ...INDICATORS),
  'Query.apiKeys': rule('write', 'apiKey'),
  'Query.assessmentRound': rule('rows', 'assessment'),
  'Query.auditCandidates': rule('allRows', 'energyAudit'),
  'Query.auditEvents': rule('rows', 'auditEvent'),
  'Query.closedYears': rule('rows', 'yearClosure'),
  'Query.conversionFactors': rule('read', 'factor'),
  'Query.emissionFactors': rule('read', 'factor'),
  'Query.unitConversions': rule('read', 'factor'),
  'Query.energyAudits': rule('rows', 'energyAudit'),
  'Query.epcContract': rule('rows', 'epcContract'),
  'Query.epcContracts': rule('rows', 'epcContract'),
  'Query.escos': rule('rows', 'esco'),
  'Query.indicators': rule('rows', ...INDICATORS),
  'Query.institution': rule('rows', 'institution'),
  'Query.institutions': rule('rows', 'institution'),
  'Query.meter': rule('rows', ...METERS),
  'Query.meters': rule('rows', ...METERS),
  'Query.readings': rule('rows', ...METERS),
  'Query.node': { open: 'each node type has its rule in NODE_RULES' },
  'Query.nodes': { open: 'each node type has its rule in NODE_RULES' },
  // The federation subgraph's fields (src/federation, served at /subgraph and to the gateway).
  'Query._entities': { open: 'each representation answers under its type’s row of NODE_RULES, as node(id)' },
  'Query._service': { open: 'the subgraph’s SDL: what introspection already shows every key' },
  'Query.pvProgramme': rule('read', 'pvProject'),
  'Query.pvProjects': rule('rows', 'pvProject'),
  'Query.quotaStandards': rule('rows', ...QUOTAS),
  'Query.rectificationCases': rule('rows', 'rectification'),
  'Query.region': { open: 'the map of regions is shared by everyone' },
  'Query.regions': { open: 'the map of regions is shared by everyone' },
  'Query.viewer': { open: 'every key may ask who it is' },
  'Query.yearRecalculations': rule('rows', 'yearClosure'),
  'Query.vehicles': rule('rows', 'fleet'),
  'Query.vehicleEnergyRecords': rule('rows', 'fleet'),
  'Query.chargingPoints': rule('rows', 'fleet'),
  'Query.cityTargets': rule('read', 'cityTarget'),
  'Query.recyclingRecords': rule('rows', 'recycling'),
  'Query.aggregateRecycling': rule('read', 'recycling'),
  'Query.weatherStations': rule('read', 'weather'),
  'Query.weatherDays': rule('read', 'weather'),

  'Mutation.addConversionFactor': rule('write', 'factor'),
  'Mutation.addEmissionFactor': rule('write', 'factor'),
  'Mutation.addUnitConversion': rule('write', 'factor'),
  'Mutation.addEpcAsset': rule('write', 'epcAsset'),
  'Mutation.closeYear': rule('write', 'yearClosure'),
  'Mutation.recalculateYear': rule('write', 'yearClosure'),
  'Mutation.commentAssessmentEntry': rule('write', 'assessment'),
  'Mutation.openAssessmentRound': rule('write', 'assessment'),
  'Mutation.signAssessmentRound': rule('write', 'assessmentSignature'),
  'Mutation.createApiKey': rule('write', 'apiKey'),
  'Mutation.revokeApiKey': rule('write', 'apiKey'),
  'Mutation.setApiKeyBudget': rule('write', 'apiKey'),
  'Mutation.createEpcContract': rule('write', 'epcContract'),
  'Mutation.transitionEpcContract': rule('write', ...EPC_STEPS),
  'Mutation.recordEpcPayment': rule('write', 'money'),
  'Mutation.acceptSettlementDifference': rule('write', 'money'),
  'Mutation.rebaselineEpcContract': rule('write', 'epcBaseline'),
  'Mutation.addNonRoutineEvent': rule('write', 'epcBaseline'),
  'Mutation.createVehicle': rule('write', 'fleet'),
  'Mutation.updateVehicle': rule('write', 'fleet'),
  'Mutation.createChargingPoint': rule('write', 'fleet'),
  'Mutation.ingestVehicleEnergy': rule('write', 'fleet'),
  'Mutation.setCityTarget': rule('write', 'cityTarget'),
  'Mutation.recordRecycling': rule('write', 'recycling'),
  'Mutation.correctRecyclingRecord': rule('write', 'recycling'),
  'Mutation.createWeatherStation': rule('write', 'weather'),
  'Mutation.importWeather': rule('write', 'weather'),
  'Mutation.createEsco': rule('write', 'esco'),
  'Mutation.createInstitution': rule('write', 'institution'),
  'Mutation.updateInstitution': rule('write', 'institution'),
  'Mutation.upsertInstitutionProfile': rule('write', 'profile'),
  'Mutation.createMeter': rule('write', ...METERS),
  'Mutation.ingestReadings': rule('write', ...METERS),
  'Mutation.createQuotaStandard': rule('write', ...QUOTAS),
  'Mutation.recordEnergyAudit': rule('write', 'energyAudit'),
  'Mutation.respondToRectification': rule('write', 'rectificationResponse'),
  'Mutation.reviewRectification': rule('write', 'rectification'),

  'Subscription.complianceAlerts': rule('rows', ...INDICATORS),
  'Subscription.epcContractChanged': rule('rows', 'epcContract'),
  'Subscription.fleetChanged': rule('rows', 'fleet'),
  'Subscription.recyclingChanged': rule('rows', 'recycling'),
  'Subscription.indicatorUpdated': rule('rows', ...INDICATORS),
  'Subscription.pvGeneration': rule('rows', 'pvProject'),
  'Subscription.readingsIngested': rule('rows', ...METERS),

  'HTTP.importReadings': rule('write', ...METERS),
};

/** `node(id)` and `_entities` answer under the rule of the node's type. */
export const NODE_RULES: Readonly<Record<string, FieldRule>> = {
  Institution: rule('rows', 'institution'),
  InstitutionProfile: rule('rows', 'profile'),
  Region: { open: 'the map of regions is shared by everyone' },
  Agency: { open: 'the city agencies taking part are public' },
  Meter: rule('rows', ...METERS),
  Reading: rule('rows', ...METERS),
  // A batch may span meters of many institutions: whole-city meter readers only.
  ReadingBatch: rule('allRows', ...METERS),
  EpcContract: rule('rows', 'epcContract'),
  Esco: rule('rows', 'esco'),
  PvProject: rule('rows', 'pvProject'),
  EnergyAudit: rule('rows', 'energyAudit'),
  QuotaStandard: rule('rows', ...QUOTAS),
  RectificationCase: rule('rows', 'rectification'),
  ComplianceAlert: rule('rows', ...INDICATORS),
  ScoringRule: rule('rows', 'assessment'),
  AssessmentRound: rule('rows', 'assessment'),
  AssessmentEntry: rule('rows', 'assessment'),
  YearClosure: rule('rows', 'yearClosure'),
  YearRecalculation: rule('rows', 'yearClosure'),
  AuditEvent: rule('rows', 'auditEvent'),
  ApiKey: rule('write', 'apiKey'),
  ConversionFactor: rule('read', 'factor'),
  EmissionFactor: rule('read', 'factor'),
  UnitConversion: rule('read', 'factor'),
  WeatherStation: rule('read', 'weather'),
  Vehicle: rule('rows', 'fleet'),
  ChargingPoint: rule('rows', 'fleet'),
  CityTarget: rule('read', 'cityTarget'),
};
