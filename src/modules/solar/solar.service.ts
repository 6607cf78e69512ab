import { readInstitutions, readScope } from '../../access/guard';
import type { Principal } from '../../access/principal';
import type { Database } from '../../db/database';
import { ForbiddenError, NotFoundError, ValidationError } from '../../errors/domain-errors';
import { add, decimalOfNumber, decimalToNumber, mul, parseDecimal, ZERO, type Dec } from '../../figures/decimal';
import { sumYuan } from '../../figures/money';
import { divideExact, sumExact } from '../../figures/precision';
import type { PageWindow, WindowRows } from '../../db/window';
import { MIN_GROUP } from '../accounting/disclosure';
import { addDays, monthStart, nextMonth, type Period } from '../accounting/period';
import { loadFactorTable } from '../factors/reference';
import { Carrier, MeterUnit } from '../metering/metering.enums';
import { PvStatus } from './pv-project.entity';
import { generationMonths, pvProjects, pvProjectsById, pvProjectWindow, regionsOfInstitutions } from './solar.repository';
import type { PvProjectRow } from './solar.types';

export interface PvFilterInput {
  institutionId?: number | null;
  status?: PvStatus | null;
}

export interface Generation {
  kwh: number;
  avoidedKgCo2: number;
  emissionFactorIds: number[];
  /** Share of the period the generation meter has readings for. */
  coverage: number;
}

/** Generation of one project over a period, with its yield and performance ratio. */
export interface GenerationFigures {
  generationKwh: number;
  specificYieldKwhPerKwp: number | null;
  performanceRatio: number | null;
  avoidedKgCo2: number;
  coverage: number;
  emissionFactorIds: number[];
}

/** The programme on a day: counts always, figures null when withheld from an aggregate-only key. */
export interface ProgrammeFigures {
  asOf: string;
  /** Figures withheld from an aggregate-only key (see `programmeDisclosable`). */
  suppressed: boolean;
  projectCount: number;
  operatingCount: number;
  underConstructionCount: number;
  capacityKw: number | null;
  investmentYuan: string | null;
  expectedAnnualKwh: number | null;
  reportedAnnualCo2T: number | null;
  computedAnnualCo2T: number | null;
  actualKwhLast12Months: number | null;
  emissionFactorIds: number[];
}

/** The status a project had on a day, from its dates. */
export function statusOn(p: Pick<PvProjectRow, 'startedOn' | 'commissionedOn' | 'decommissionedOn'>, day: string): PvStatus {
  if (p.decommissionedOn && p.decommissionedOn <= day) return PvStatus.DECOMMISSIONED;
  if (p.commissionedOn && p.commissionedOn <= day) return PvStatus.OPERATING;
  if (p.startedOn <= day) return PvStatus.UNDER_CONSTRUCTION;
  return PvStatus.PLANNED;
}

/** A project's generation over a period with its yield (kWh per kWp) and performance ratio (actual over the expected year prorated to the period). */
export function generationFigures(p: Pick<PvProjectRow, 'capacityKw' | 'expectedAnnualKwh'>, period: Pick<Period, 'from' | 'to'>, g: Generation): GenerationFigures {
  const days = (Date.parse(period.to) - Date.parse(period.from)) / 86_400_000;
  const dec = (n: number) => decimalOfNumber(n, 'figure');
  return {
    generationKwh: g.kwh,
    // Ratios of exact figures, divided once (performance: kWh x 365 over expected kWh x days).
    specificYieldKwhPerKwp: p.capacityKw > 0 ? divideExact(g.kwh, p.capacityKw) : null,
    performanceRatio: p.expectedAnnualKwh > 0 ? divideExact(mul(dec(g.kwh), dec(365)), mul(dec(p.expectedAnnualKwh), dec(days))) : null,
    avoidedKgCo2: g.avoidedKgCo2,
    coverage: g.coverage,
    emissionFactorIds: g.emissionFactorIds,
  };
}

export class SolarService {
  constructor(
    private readonly db: Database,
    private readonly principal: Principal,
  ) {}

  /** The key's institution scope of projects (null: all); FORBIDDEN for a key that reads none one by one. */
  private rowScope(): number[] | null {
    const scope = readInstitutions(this.principal, 'pvProject');
    if (!scope) throw new ForbiddenError('this key may not read PV projects one by one');
    return scope.kind === 'ids' ? scope.ids : null;
  }

  /** The project of a generation event: the subscription has already kept only events of projects in scope. */
  async eventProject(id: number): Promise<PvProjectRow> {
    const [found] = await pvProjectsById(this.db.pool, [id]);
    if (!found) throw new NotFoundError('no PV project with this id');
    return found;
  }

  projects(filter: PvFilterInput | undefined, window: PageWindow): Promise<WindowRows<PvProjectRow>> {
    return pvProjectWindow(this.db.pool, { ids: this.rowScope(), institutionId: filter?.institutionId ?? null, status: filter?.status ?? null }, window);
  }

  /** Generation of projects' meters over local months, with the CO2 it avoided at the grid factor of each month. */
  async generation(projects: PvProjectRow[], period: Pick<Period, 'from' | 'to'>): Promise<Map<number, Generation>> {
    const meters = projects.filter((p) => p.generationMeter).map((p) => p.generationMeter!.id);
    const out = new Map<number, Generation>(projects.map((p) => [p.id, { kwh: 0, avoidedKgCo2: 0, emissionFactorIds: [], coverage: 0 }]));
    if (!meters.length) return out;
    // Exact sums per project (numeric months times the factors' decimals), floats once at the end.
    const exact = new Map<number, { kwh: Dec; avoidedKgCo2: Dec }>();
    const [factors, rows, regionOf] = await Promise.all([
      loadFactorTable(this.db.pool),
      generationMonths(this.db.pool, meters, period.from, period.to),
      regionsOfInstitutions(this.db.pool, projects.map((p) => p.institution.id)),
    ]);
    const seconds = (Date.parse(period.to) - Date.parse(period.from)) / 1000;
    const byMeter = new Map(projects.filter((p) => p.generationMeter).map((p) => [p.generationMeter!.id, p]));
    for (const r of rows) {
      const project = byMeter.get(r.meter_id)!;
      const f = factors.resolve(Carrier.PV_GENERATION, r.unit, r.month, regionOf.get(project.institution.id)!);
      const g = out.get(project.id)!;
      const value = parseDecimal(r.value, 'generation');
      const e = exact.get(project.id) ?? { kwh: ZERO, avoidedKgCo2: ZERO };
      exact.set(project.id, e);
      e.kwh = add(e.kwh, mul(value, f.exact.toUnit));
      if (f.exact.avoidedKgCo2) e.avoidedKgCo2 = add(e.avoidedKgCo2, mul(value, f.exact.avoidedKgCo2));
      g.coverage += r.covered_s / seconds;
      for (const id of f.emissionFactorIds) if (!g.emissionFactorIds.includes(id)) g.emissionFactorIds.push(id);
    }
    for (const [id, e] of exact) Object.assign(out.get(id)!, { kwh: decimalToNumber(e.kwh), avoidedKgCo2: decimalToNumber(e.avoidedKgCo2) });
    return out;
  }

  /** The city's programme on a day: projects built or under construction, their totals, and CO2 as computed beside CO2 as reported. */
  async programme(asOf: string, filter: PvFilterInput | undefined): Promise<ProgrammeFigures> {
    const scope = readScope(this.principal, 'pvProject');
    if (!scope) throw new ForbiddenError('this key may not read the PV programme');
    if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf)) throw ValidationError.single('asOf', 'a day, YYYY-MM-DD');
    const aggregateOnly = scope === 'aggregate';
    if (aggregateOnly && filter?.institutionId) throw new ForbiddenError('this key reads the programme as a whole: a filter naming one institution is refused');
    const all = await pvProjects(this.db.pool, { ids: aggregateOnly ? null : this.rowScope(), institutionId: filter?.institutionId ?? null, status: null, startedBy: asOf });
    const statusAt = new Map(all.map((p) => [p.id, statusOn(p, asOf)]));
    const counted = all.filter((p) => [PvStatus.OPERATING, PvStatus.UNDER_CONSTRUCTION].includes(statusAt.get(p.id)!));
    const projects = counted.filter((p) => !filter?.status || filter.status === statusAt.get(p.id));
    const suppressed = aggregateOnly && !programmeDisclosable(counted, statusAt, filter?.status ?? null);
    // CO2 as computed: expected kWh a year at the grid factor valid on asOf, for each project's region.
    const factors = await loadFactorTable(this.db.pool);
    const regionOf = await regionsOfInstitutions(this.db.pool, projects.map((p) => p.institution.id));
    // CO2 = expected kWh x factor, exactly; kg to t is a shift of the decimal point.
    let co2Kg = ZERO;
    const ids = new Set<number>();
    for (const p of projects) {
      const f = factors.resolve(Carrier.PV_GENERATION, MeterUnit.KWH, monthStart(asOf), regionOf.get(p.institution.id)!);
      if (f.exact.avoidedKgCo2) co2Kg = add(co2Kg, mul(decimalOfNumber(p.expectedAnnualKwh, 'expectedAnnualKwh'), f.exact.avoidedKgCo2));
      f.emissionFactorIds.forEach((id) => ids.add(id));
    }
    const to = addDays(asOf, 1);
    const from = nextMonth(`${Number(to.slice(0, 4)) - 1}${to.slice(4, 7)}-01`);
    const generation = await this.generation(projects, { from, to: monthStart(to) });
    const actual = sumExact([...generation.values()].map((g) => g.kwh));
    const count = (s: PvStatus) => projects.filter((x) => statusAt.get(x.id) === s).length;
    const shown = <T,>(v: T): T | null => (suppressed ? null : v);
    return {
      asOf,
      suppressed,
      projectCount: projects.length,
      operatingCount: count(PvStatus.OPERATING),
      underConstructionCount: count(PvStatus.UNDER_CONSTRUCTION),
      // Sums of stored inputs, exact at their decimal forms (money in fen).
      capacityKw: shown(sumExact(projects.map((x) => x.capacityKw))),
      investmentYuan: shown(sumYuan(projects.map((x) => x.investmentYuan))),
      expectedAnnualKwh: shown(sumExact(projects.map((x) => x.expectedAnnualKwh))),
      reportedAnnualCo2T: shown(sumExact(projects.map((x) => x.reportedAnnualCo2T))),
      computedAnnualCo2T: shown(decimalToNumber({ coef: co2Kg.coef, scale: co2Kg.scale + 3 })),
      actualKwhLast12Months: shown(actual),
      emissionFactorIds: suppressed ? [] : [...ids],
    };
  }
}

/**
 * For aggregate-only keys the programme's groups are the whole programme and its two status groups
 * (operating, under construction), a partition: published figures are sums over those atoms. So the
 * whole is shown when its projects span at least MIN_GROUP institutions, and a status group only when
 * it and the other status group each do (else the whole minus the other group would be it).
 */
export function programmeDisclosable(counted: PvProjectRow[], statusAt: Map<number, PvStatus>, status: PvStatus | null): boolean {
  const institutions = (s: PvStatus | null) => new Set(counted.filter((p) => s === null || statusAt.get(p.id) === s).map((p) => p.institution.id)).size;
  if (status === null) return institutions(null) >= MIN_GROUP;
  if (status !== PvStatus.OPERATING && status !== PvStatus.UNDER_CONSTRUCTION) return true; // always empty
  const other = status === PvStatus.OPERATING ? PvStatus.UNDER_CONSTRUCTION : PvStatus.OPERATING;
  return institutions(status) >= MIN_GROUP && institutions(other) >= MIN_GROUP;
}
