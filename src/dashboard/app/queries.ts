/** The operations the dashboard sends and the shapes it reads back. */

export type IndicatorKind = 'PER_CAPITA_ENERGY' | 'ENERGY_PER_AREA' | 'PER_CAPITA_WATER';
export const INDICATORS: readonly IndicatorKind[] = ['PER_CAPITA_ENERGY', 'ENERGY_PER_AREA', 'PER_CAPITA_WATER'];

export type ComplianceStatus = 'ADVANCED' | 'COMPLIANT' | 'ABOVE_BASELINE' | 'OVER_CONSTRAINT' | 'INSUFFICIENT_DATA';

export interface PeriodInput {
  year: number;
  month?: number;
  through?: string;
}

export interface InstitutionRef {
  id: string;
  name: string;
  nameZh: string;
}

export interface Figures {
  energyKgce: number | null;
  perCapitaEnergyKgce: number | null;
  energyPerAreaKgceM2: number | null;
  perCapitaWaterM3: number | null;
}

/** The figure of each indicator. */
export const FIGURE_OF: Record<IndicatorKind, keyof Figures> = {
  PER_CAPITA_ENERGY: 'perCapitaEnergyKgce',
  ENERGY_PER_AREA: 'energyPerAreaKgceM2',
  PER_CAPITA_WATER: 'perCapitaWaterM3',
};

export interface ComplianceResult {
  indicator: IndicatorKind;
  status: ComplianceStatus;
  /** The whole year projected from the year to date (a year in progress). */
  projected: boolean;
  value: number | null;
  constraintValue: number;
  baselineValue: number | null;
  guideValue: number | null;
}

const FIGURES = 'energyKgce perCapitaEnergyKgce energyPerAreaKgceM2 perCapitaWaterM3';
const COMPLIANCE = 'compliance { indicator status projected value constraintValue baselineValue guideValue }';

export interface Viewer {
  keyName: string;
  subject: string;
  role: string;
}
export const VIEWER = 'query Viewer { viewer { keyName subject role } }';

/** City coverage month by month: the last month with readings ends the year to date. */
export function coverageQuery(): string {
  const months = Array.from({ length: 12 }, (_, i) => `m${i + 1}: aggregateIndicators(period: {year: $year, month: ${i + 1}}, groupBy: CITY) { coverage }`);
  return `query Coverage($year: Int!) { ${months.join(' ')} }`;
}
export type CoverageResult = Record<string, Array<{ coverage: number | null }>>;

export interface CityFigures extends Figures {
  institutionCount: number;
  waterM3: number | null;
  coverage: number | null;
}
export const CITY = `query City($ytd: PeriodInput!) { aggregateIndicators(period: $ytd, groupBy: CITY) { institutionCount coverage waterM3 ${FIGURES} } }`;
export interface CityResult {
  aggregateIndicators: CityFigures[];
}

export interface RankingRow {
  institution: InstitutionRef;
  ytd: Figures;
  compliance: ComplianceResult[];
}
/** Year to date for the figures, the whole year for the statuses (compliance is judged on whole years). */
export const RANKING = `query Ranking($full: PeriodInput!, $ytd: PeriodInput!) {
  full: indicators(period: $full, filter: {inMunicipalAppraisal: true}, first: 100) { nodes { institution { id } ${COMPLIANCE} } }
  ytd: indicators(period: $ytd, filter: {inMunicipalAppraisal: true}, first: 100) { totalCount nodes { institution { id name nameZh } ${FIGURES} } }
}`;
export interface RankingResult {
  full: { nodes: Array<{ institution: { id: string }; compliance: ComplianceResult[] }> } | null;
  ytd: { totalCount: number; nodes: Array<Figures & { institution: InstitutionRef }> } | null;
}

export interface PvProgramme {
  projectCount: number;
  operatingCount: number;
  underConstructionCount: number;
  capacityKw: number;
  expectedAnnualKwh: number;
  actualKwhLast12Months: number;
  reportedAnnualCo2T: number;
  computedAnnualCo2T: number;
}
export const PV_PROGRAMME = `query Pv($asOf: LocalDate!) { pvProgramme(asOf: $asOf) { projectCount operatingCount underConstructionCount capacityKw expectedAnnualKwh actualKwhLast12Months reportedAnnualCo2T computedAnnualCo2T } }`;
export interface PvProgrammeResult {
  pvProgramme: PvProgramme | null;
}
/** Asked apart: investment is money, which some keys may not read. */
export const PV_INVESTMENT = `query PvInvestment($asOf: LocalDate!) { pvProgramme(asOf: $asOf) { investmentYuan } }`;
export interface PvInvestmentResult {
  pvProgramme: { investmentYuan: string } | null;
}

export interface PvProjectFigures {
  id: string;
  name: string;
  nameZh: string;
  capacityKw: number;
  generation: { generationKwh: number; avoidedKgCo2: number };
}
export const PV_PROJECTS = `query PvProjects($ytd: PeriodInput!) { pvProjects(first: 100) { nodes { id name nameZh capacityKw generation(period: $ytd) { generationKwh avoidedKgCo2 } } } }`;
export interface PvProjectsResult {
  pvProjects: { nodes: PvProjectFigures[] } | null;
}

export interface EpcContract {
  id: string;
  title: string;
  titleZh: string | null;
  status: string;
  institution: InstitutionRef;
  savings: { savingsRate: number | null; savingsKgce: number; flagged: boolean } | null;
}
export const EPC = `query Epc($ytd: PeriodInput!) { epcContracts(first: 20) { nodes { id title titleZh status institution { id name nameZh } savings(period: $ytd) { savingsRate savingsKgce flagged } } } }`;
export interface EpcResult {
  epcContracts: { nodes: EpcContract[] } | null;
}

export interface IndicatorUpdated {
  indicatorUpdated: {
    year: number;
    months: string[];
    institution: { id: string };
    ytd: Figures | null;
    full: { compliance: ComplianceResult[] } | null;
  };
}
export const ON_INDICATOR = `subscription OnIndicator($full: PeriodInput!, $ytd: PeriodInput!) { indicatorUpdated {
  year months institution { id } ytd: indicators(period: $ytd) { ${FIGURES} } full: indicators(period: $full) { ${COMPLIANCE} } } }`;

export interface ComplianceAlert {
  year: number;
  indicator: IndicatorKind;
  direction: string;
  projectedValue: number;
  constraintValue: number;
  yearToDateValue: number;
  through: string;
  institution: InstitutionRef;
}
export const ON_ALERT = `subscription OnAlert { complianceAlerts { year indicator direction projectedValue constraintValue yearToDateValue through institution { id name nameZh } } }`;
export interface AlertResult {
  complianceAlerts: ComplianceAlert;
}

export interface PvGeneration {
  kwh: number;
  periodStart: string;
  periodEnd: string;
  project: { id: string; name: string; nameZh: string };
}
export const ON_PV = `subscription OnPv { pvGeneration { kwh periodStart periodEnd project { id name nameZh } } }`;
export interface PvGenerationResult {
  pvGeneration: PvGeneration;
}

export interface ReadingsIngested {
  carrier: string;
  rows: number;
  total: number;
  unit: string;
  meter: { serial: string };
}
export const ON_READINGS = `subscription OnReadings { readingsIngested { carrier rows total unit meter { serial } } }`;
export interface ReadingsResult {
  readingsIngested: ReadingsIngested;
}

/** Savings exist from the day a contract runs: before that, an M&V figure is the baseline against itself. */
export const SAVING_STATUSES: readonly string[] = ['OPERATING', 'HANDED_OVER'];

export const ON_EPC = `subscription OnEpc { epcContractChanged { id } }`;

/** The fleet of the key's scope over the period (FleetFigures): null for a group too small to publish to this key. */
export interface FleetFigures {
  vehiclesAtEnd: number;
  newEnergyVehiclesAtEnd: number;
  newEnergyShareAtEnd: number | null;
  vehiclesAdded: number;
  newEnergyVehiclesAdded: number;
  newEnergyShareOfAdded: number | null;
  kgce: number;
  kgCo2: number;
  distanceKm: number;
  kgcePer100Km: number | null;
  kgCo2Per100Km: number | null;
}
export type TargetKind = 'NEV_SHARE_OF_ADDED' | 'RECYCLING_RATE';
export type TargetStatus = 'MET' | 'BELOW' | 'NO_DATA' | 'NOT_MEASURED';
export interface TargetProgress {
  kind: TargetKind;
  targetValue: number;
  value: number | null;
  status: TargetStatus;
}
export interface FleetGroup {
  institutionCount: number;
  suppressed: boolean;
  fleet: FleetFigures | null;
  targets: TargetProgress[];
}
/** The whole scope as one group (the city for agencies and PUBLIC, its own institution for an institution's key). */
export const FLEET = `query Fleet($ytd: PeriodInput!) { aggregateIndicators(period: $ytd, groupBy: CITY) { institutionCount suppressed
  fleet { vehiclesAtEnd newEnergyVehiclesAtEnd newEnergyShareAtEnd vehiclesAdded newEnergyVehiclesAdded newEnergyShareOfAdded kgce kgCo2 distanceKm kgcePer100Km kgCo2Per100Km }
  targets { kind targetValue value status } } }`;
export interface FleetResult {
  aggregateIndicators: FleetGroup[];
}

export type RecyclingStream = 'PAPER' | 'PLASTICS' | 'METALS' | 'GLASS' | 'E_WASTE' | 'KITCHEN_WASTE' | 'OTHER';
export interface RecyclingGroup {
  suppressed: boolean;
  recycledKg: number | null;
  totalKg: number | null;
  recyclingRate: number | null;
  byStream: Array<{ stream: RecyclingStream; recycledKg: number; totalKg: number; recyclingRate: number | null }>;
}
export const RECYCLING = `query Recycling($ytd: PeriodInput!) { aggregateRecycling(period: $ytd, groupBy: CITY) { suppressed recycledKg totalKg recyclingRate
  byStream { stream recycledKg totalKg recyclingRate } } }`;
export interface RecyclingResult {
  aggregateRecycling: RecyclingGroup[];
}

export const ON_FLEET = 'subscription OnFleet { fleetChanged { kind } }';
export const ON_RECYCLING = 'subscription OnRecycling { recyclingChanged { months } }';
