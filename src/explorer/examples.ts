/**
 * Variables the explorer's example tabs open with, by operation name: real values from the Shaoyang demo data
 * (global ids are `base64url("Type:row id")`, and the demo seeder inserts rows in a fixed order), so every tab
 * runs as loaded with a demo key. The build checks them against schema/schema.graphql; the explorer browser
 * test runs every operation of every tab against a hub on the demo data.
 */
const LONGHUI_HOSPITAL = 'SW5zdGl0dXRpb246ODg'; // Institution:88, Longhui County People's Hospital
const LONGHUI_ELECTRICITY_METER = 'TWV0ZXI6MjQ4'; // Meter:248, SY-hosp-longhui-E1
const HUNAN_REGION = 'UmVnaW9uOjE'; // Region:1, Hunan province
const LONGHUI_CONTRACT = 'RXBjQ29udHJhY3Q6MQ'; // EpcContract:1, OPERATING since 2022
const SHAOYANG_STATION = 'V2VhdGhlclN0YXRpb246MQ'; // WeatherStation:1, SY-DEMO (daily means synthesised from normals)

/** The latest closed year of the demo data. */
const YEAR = 2023;

/** `null`: left out of the tabs, since the demo data has nothing for it to show yet. */
export const EXAMPLE_VARIABLES: Readonly<Record<string, Record<string, unknown> | null>> = {
  Viewer: {},
  ApiKeys: { first: 10 },
  AuditEvents: { first: 10 },
  ApiKeyUsage: { first: 10, from: `${YEAR}-01-01`, to: `${YEAR}-12-31` },
  InstitutionIndicators: { id: LONGHUI_HOSPITAL, period: { year: YEAR } },
  Indicators: { period: { year: YEAR }, first: 10 },
  AggregateIndicators: { period: { year: YEAR }, groupBy: 'REGION' },
  Factors: { validOn: `${YEAR}-06-30` },
  IndicatorUpdated: {},
  WeatherStations: { first: 10 },
  WeatherDays: { stationId: SHAOYANG_STATION, from: `${YEAR}-01-01`, to: `${YEAR}-01-31` },
  EpcMeasurement: { id: LONGHUI_CONTRACT, period: { year: YEAR } },
  QuotaStandards: { first: 10 },
  RectificationCases: { first: 10 },
  AssessmentRound: { year: YEAR, first: 10 },
  ComplianceAlerts: {},
  Meters: { first: 10 },
  Readings: { meterId: LONGHUI_ELECTRICITY_METER, from: `${YEAR}-01-01T00:00:00+08:00`, to: `${YEAR}-02-01T00:00:00+08:00`, first: 10 },
  ReadingsIngested: {},
  EpcContracts: { first: 10 },
  EpcContractSavings: { id: LONGHUI_CONTRACT, period: { year: YEAR }, asOf: `${YEAR}-12-31` },
  AuditCandidates: { year: YEAR },
  PvProgramme: { asOf: `${YEAR}-12-31` },
  PvProjects: { first: 10, period: { year: YEAR } },
  EpcContractChanged: {},
  PvGeneration: {},
  Institutions: { first: 10 },
  InstitutionsWithDetail: { first: 10 },
  InstitutionsWithMeters: { first: 10, year: YEAR },
  Institution: { id: LONGHUI_HOSPITAL, year: YEAR },
  Node: { id: LONGHUI_HOSPITAL },
  Regions: { first: 10 },
  InstitutionsFromEnd: { last: 10 },
  Nodes: { ids: [LONGHUI_HOSPITAL, LONGHUI_ELECTRICITY_METER, HUNAN_REGION, LONGHUI_CONTRACT] },
  // The demo has no fleet yet: these answer empty lists until one is recorded.
  Vehicles: { first: 10 },
  ChargingPoints: { first: 10 },
  VehicleEnergyRecords: { first: 10 },
  FleetChanged: {},
  InstitutionFleetFigures: { id: LONGHUI_HOSPITAL, period: { year: YEAR } },
  AggregateFleetFigures: { period: { year: YEAR }, groupBy: 'CATEGORY' },
  FleetFiguresList: { period: { year: YEAR }, first: 10 },
  CityTargets: {},
  SetCityTarget: { input: { year: YEAR, kind: 'NEV_SHARE_OF_ADDED', value: 0.3 } },
  InstitutionTargets: { id: LONGHUI_HOSPITAL, period: { year: YEAR } },
  AggregateTargets: { period: { year: YEAR }, groupBy: 'CATEGORY' },
  // Monthly recycling records of the demo institutions (src/demo/recycling.data.ts).
  // No filter: the tab's $filter would reach AggregateRecycling, whose filter has no institutionId.
  RecyclingRecords: { first: 10 },
  InstitutionsRecycling: { first: 10, period: { year: YEAR } },
  AggregateRecycling: { period: { year: YEAR }, groupBy: 'CATEGORY' },
  RecyclingChanged: {},
};
