import { canReadRows, readInstitutions, readScope, type InstitutionScope } from '../../access/guard';
import type { Principal } from '../../access/principal';
import type { Database } from '../../db/database';
import { ForbiddenError } from '../../errors/domain-errors';
import { groupRows } from '../../graphql/batch';
import { intKey, pageOfList, type PageWindow, type WindowRows } from '../../db/window';
import { everyQuotaStandard } from '../compliance/compliance.repository';
import { QuotaBook } from '../compliance/quota-book';
import { loadReference, type Reference } from '../factors/reference';
import { addFleet, emptyFleet, loadVehicleFigures, mergeFigures, type FleetTotals, type VehicleFigures } from '../fleet/fleet-figures';
import { fleetFiguresOf } from '../fleet/fleet-figures.types';
import { InstitutionCategory } from '../registry/registry.enums';
import { disclosurePlan, MIN_GROUP, setKey } from './disclosure';
import { loadClosedFigures, loadLiveFigures, type InstitutionInfo, type MonthFigure, type ProfileFigures } from './figures';
import { buildIndicators, complianceOf, headlineIndicators, inFactorRuns, placeholder, suppress } from './indicators.build';
import { loadClosedIndicators, loadLiveIndicators } from './indicators.repository';
import { EVERYTHING, type IndicatorNeeds } from './indicators.selection';
import { IndicatorGroupBy, Indicators, type Denied } from './indicators.types';
import { addDays, PeriodKind, resolvePeriod, type Period, type PeriodInput } from './period';
import { sumProfiles } from './totals';

/** PUBLIC never sees a group this small: it would be one institution's figures. */
export const PUBLIC_MIN_GROUP = MIN_GROUP;

/** Which institutions' figures: the GraphQL filter with its region id decoded (the resolver decodes it). */
export interface IndicatorQuery {
  regionId?: number | null;
  category?: InstitutionCategory | null;
  inMunicipalAppraisal?: boolean | null;
}

/** Figures of institutions and groups: indicators, emissions, coverage and compliance, from rollups. */
export class IndicatorsService {
  constructor(
    private readonly db: Database,
    private readonly principal: Principal,
    private readonly tz: string,
  ) {}

  /** Institutions whose figures this key may read row by row, and the halves it may not see. */
  private rowAccess(): { scope: InstitutionScope | null; denied: Denied } {
    const energy = readInstitutions(this.principal, 'energyIndicator');
    const water = readInstitutions(this.principal, 'waterIndicator');
    const scope = energy ?? water;
    return { scope, denied: { energy: !energy, water: !water, fleet: !readScope(this.principal, 'fleet') } };
  }

  private reference(): Promise<Reference> {
    return loadReference(this.db.pool);
  }

  private filterInstitutions(ref: Reference, scope: InstitutionScope, filter: IndicatorQuery | undefined): InstitutionInfo[] {
    let list = scope.kind === 'all' ? ref.institutions : ref.institutions.filter((i) => scope.ids.includes(i.id));
    if (filter?.category) list = list.filter((i) => i.category === filter.category);
    if (filter?.inMunicipalAppraisal != null) list = list.filter((i) => i.inMunicipalAppraisal === filter.inMunicipalAppraisal);
    if (filter?.regionId) {
      const root = filter.regionId;
      const subtree = new Set<number>();
      const walk = (id: number) => {
        subtree.add(id);
        (ref.children.get(id) ?? []).forEach(walk);
      };
      walk(root);
      list = list.filter((i) => subtree.has(i.regionId));
    }
    return list;
  }

  async institutionInfos(ids: number[]): Promise<Map<number, InstitutionInfo>> {
    const { rows } = await this.db.pool.query<{ id: number; region_id: number; category: string; in_municipal_appraisal: boolean }>(
      'SELECT id, region_id, category, in_municipal_appraisal FROM institution WHERE id = ANY($1::int[])',
      [ids],
    );
    return new Map(rows.map((r) => [r.id, { id: r.id, regionId: r.region_id, category: r.category, inMunicipalAppraisal: r.in_municipal_appraisal }]));
  }

  async isClosed(year: number): Promise<boolean> {
    return (await this.reference()).closedYears.has(year);
  }

  /**
   * Month figures and profiles for the institutions, frozen for a closed year, live otherwise; live
   * figures include the vehicle energy no meter measures. The fleet figures are frozen with the year too.
   * Live ones come per calendar month with `perMonth` (what closing freezes), else per run of months
   * sharing a factor set (vehicle months merged into their run).
   */
  async figures(ref: Reference, ids: number[] | null, period: Pick<Period, 'from' | 'to' | 'year'>, closed: boolean, perMonth = false, fleet = true) {
    const regionOf = (id: number) => ref.byId.get(id)?.regionId ?? 0;
    // A closed year's vehicle energy is in its frozen figures: its records are read for the fleet alone.
    const noVehicles: VehicleFigures = { monthFigures: [], fleet: new Map() };
    const [figures, profiles, vehicles] = await Promise.all([
      closed ? loadClosedFigures(this.db.pool, ids, period.year, period) : loadLiveFigures(this.db.pool, ids, period, this.tz, ref.factors, regionOf, { perMonth }),
      this.profiles(ids, period.year, closed),
      closed && !fleet ? noVehicles : loadVehicleFigures(this.db.pool, ids, period, ref.factors, regionOf, undefined, closed ? period.year : null),
    ]);
    const vehicleFigures = perMonth ? vehicles.monthFigures : inFactorRuns(vehicles.monthFigures, ref, period);
    return { figures: closed ? figures : mergeFigures(figures, vehicleFigures), profiles, fleet: vehicles.fleet };
  }

  private async profiles(ids: number[] | null, year: number, closed: boolean): Promise<Map<number, ProfileFigures>> {
    const { rows } = await this.db.pool.query<{ institution_id: number; headcount: number | null; floor_area_m2: number | null }>(
      closed
        ? 'SELECT institution_id, headcount, floor_area_m2 FROM closed_profile WHERE year = $1 AND ($2::int[] IS NULL OR institution_id = ANY($2::int[]))'
        : 'SELECT institution_id, headcount, floor_area_m2 FROM institution_profile WHERE year = $1 AND ($2::int[] IS NULL OR institution_id = ANY($2::int[]))',
      [year, ids],
    );
    return new Map(rows.map((r) => [r.institution_id, { headcount: r.headcount, floorAreaM2: r.floor_area_m2 }]));
  }

  /** Indicators of the given institutions (already checked to be in scope), keyed by id. */
  async forInstitutionIds(input: PeriodInput | Period, ids: number[]): Promise<Map<number, Indicators>> {
    const { scope, denied } = this.rowAccess();
    if (!scope) throw new ForbiddenError('this key may not read the figures of single institutions (aggregates only)');
    const period = this.elapsed('kind' in input ? input : resolvePeriod(input));
    const ref = await this.reference();
    const allowed = ids.filter((id) => ref.byId.has(id) && (scope.kind === 'all' || scope.ids.includes(id)));
    return this.compute(ref, period, ref.institutions.filter((i) => allowed.includes(i.id)), denied);
  }

  private async compute(ref: Reference, period: Period, institutions: InstitutionInfo[], denied: Denied, needs: IndicatorNeeds = EVERYTHING): Promise<Map<number, Indicators>> {
    if (!institutions.length) return new Map();
    const closed = ref.closedYears.has(period.year);
    const pending = closed && ref.pendingYears.has(period.year);
    if (needs.headlineInSql) {
      // Headline figures only: sums and ratios in one statement, a plain row per institution.
      const ids = institutions.map((i) => i.id);
      const rows = closed
        ? await loadClosedIndicators(this.db.pool, ids, period.year, period, denied)
        : await loadLiveIndicators(this.db.pool, ids, institutions.map((i) => i.regionId), period, this.tz, ref.factors, denied);
      // A carrier no factor version covers: the whole computation says which (an error naming what to add).
      if (!rows.some((r) => r.unresolved)) return new Map(rows.map((r, n) => [r.institution_id, headlineIndicators(period, institutions[n], r, denied, closed, pending)]));
    }
    const judged = needs.compliance && (period.kind === PeriodKind.YEAR || period.kind === PeriodKind.YEAR_TO_DATE);
    const [{ figures, profiles, fleet }, quotas] = await Promise.all([
      this.figures(ref, institutions.map((i) => i.id), period, closed, false, needs.fleet),
      judged ? this.quotaBook(ref) : Promise.resolve(null),
    ]);
    const views = this.viewsFor(period, institutions, figures, profiles, quotas, denied, closed, pending);
    if (needs.fleet) for (const v of views) v.fleet = fleetFiguresOf(fleet.get(v.institutionId!) ?? emptyFleet());
    return new Map(views.map((v) => [v.institutionId!, v]));
  }

  /**
   * A year asked for while it runs is measured over the days elapsed (to today, excluded), so
   * coverage and compliance read the part of the year that has happened; a finished year is whole.
   */
  elapsed(period: Period): Period {
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: this.tz }).format(new Date());
    if (period.kind !== PeriodKind.YEAR || today >= period.to || today <= period.from) return period;
    return resolvePeriod({ year: period.year, through: addDays(today, -1) });
  }

  /** Live figures of every institution over the period, ignoring any closure: what closing freezes. */
  async allFigures(period: Period) {
    const ref = await this.reference();
    const { figures, profiles } = await this.figures(ref, null, period, false, true);
    return { institutions: ref.institutions, figures, profiles };
  }

  viewsFor(
    period: Period,
    institutions: InstitutionInfo[],
    figures: MonthFigure[],
    profiles: Map<number, ProfileFigures>,
    quotas: QuotaBook | null,
    denied: Denied,
    closed: boolean,
    pendingRecalculation = false,
  ): Indicators[] {
    const byInst = groupRows(figures, (f) => f.institutionId);
    return institutions.map((inst) => {
      const view = buildIndicators(period, byInst.get(inst.id) ?? [], profiles.get(inst.id), denied, closed, 1);
      view.pendingRecalculation = closed && pendingRecalculation;
      view.institutionId = inst.id;
      view.regionId = inst.regionId;
      view.category = inst.category as InstitutionCategory;
      if (quotas) view.compliance = complianceOf(view, inst, quotas, period, denied);
      return view;
    });
  }

  async quotaBook(ref?: Reference): Promise<QuotaBook> {
    const r = ref ?? (await this.reference());
    return new QuotaBook(await everyQuotaStandard(this.db.pool), r.factors.regionChain);
  }

  /** The read check of single institutions' figures, for a caller that must run it before decoding its period and paging. */
  assertCanList(): void {
    if (!this.rowAccess().scope) throw new ForbiddenError('this key may not read the figures of single institutions (aggregates only)');
  }

  /** Institutions' figures for a period, by institution id, in a window; `needs` (from the selection) says which parts to compute. */
  async list(period: Period, filter: IndicatorQuery | undefined, window: PageWindow, needs: IndicatorNeeds = EVERYTHING): Promise<WindowRows<Indicators>> {
    const { scope, denied } = this.rowAccess();
    if (!scope) throw new ForbiddenError('this key may not read the figures of single institutions (aggregates only)');
    const ref = await this.reference();
    const matching = this.filterInstitutions(ref, scope, filter);
    const pageRows = pageOfList(matching, window, (i) => [i.id], (key, i) => intKey(key[0]) - i.id);
    const computed = await this.compute(ref, period, pageRows.slice(0, window.size), denied, needs);
    const rows = pageRows.map((i) => computed.get(i.id) ?? placeholder(period, i));
    return { rows, count: () => Promise.resolve(matching.length) };
  }

  async aggregate(input: PeriodInput, groupBy: IndicatorGroupBy, filter: IndicatorQuery | undefined): Promise<Indicators[]> {
    const energy = readScope(this.principal, 'energyIndicator');
    const water = readScope(this.principal, 'waterIndicator');
    if (!energy && !water) throw new ForbiddenError('this key may not read indicators');
    const isPublic = energy === 'aggregate' || water === 'aggregate';
    // Appraisal membership is an institution detail: a filter on it would disclose it.
    if (isPublic && filter?.inMunicipalAppraisal != null && !canReadRows(this.principal, 'institutionDetail')) {
      throw new ForbiddenError('this key may not filter by appraisal membership (an institution detail)');
    }
    const denied: Denied = { energy: !energy, water: !water, fleet: !readScope(this.principal, 'fleet') };
    // Aggregates cover the institutions whose rows the key may read; PUBLIC's are over every institution.
    const scope: InstitutionScope = isPublic ? { kind: 'all' } : (this.rowAccess().scope ?? { kind: 'ids', ids: [] });
    const period = this.elapsed(resolvePeriod(input));
    const ref = await this.reference();
    const members = this.filterInstitutions(ref, scope, filter);
    // For aggregate-only keys, one decision over the whole lattice of groups (see disclosure.ts).
    const plan = isPublic ? disclosurePlan(ref, ref.institutions, ref.regions) : null;
    const closed = ref.closedYears.has(period.year);
    const keyOf = (i: InstitutionInfo): string => (groupBy === IndicatorGroupBy.REGION ? String(i.regionId) : groupBy === IndicatorGroupBy.CATEGORY ? i.category : 'CITY');
    const groups = groupBy === IndicatorGroupBy.CITY ? new Map([['CITY', members]]) : groupRows(members, keyOf);
    const ids = scope.kind === 'all' && !filter ? null : members.map((i) => i.id);
    let figuresByGroup: Map<string, MonthFigure[]>;
    let profiles: Map<number, ProfileFigures>;
    const fleetByGroup = new Map<string, FleetTotals>();
    const addToGroup = (group: string, t: FleetTotals) => fleetByGroup.set(group, addFleet(fleetByGroup.get(group) ?? emptyFleet(), t));
    if (closed) {
      // Frozen sums are already per institution and carrier: few rows.
      const loaded = await this.figures(ref, ids, period, closed);
      const memberOf = new Map(members.map((i) => [i.id, keyOf(i)]));
      figuresByGroup = groupRows(loaded.figures.filter((f) => memberOf.has(f.institutionId)), (f) => memberOf.get(f.institutionId)!);
      profiles = loaded.profiles;
      for (const [id, t] of loaded.fleet) if (memberOf.has(id)) addToGroup(memberOf.get(id)!, t);
    } else {
      // Live: summed in SQL per group and region (factors differ by region), not per institution.
      const parts: { group: string; regionId: number }[] = [];
      const partOf = new Map<string, number>();
      const keys = members.map((i) => {
        const part = `${keyOf(i)}|${i.regionId}`;
        if (!partOf.has(part)) partOf.set(part, parts.push({ group: keyOf(i), regionId: i.regionId }) - 1);
        return partOf.get(part)!;
      });
      const grouping = { institutionIds: members.map((i) => i.id), keys };
      const [figures, byInstitution, vehicles] = await Promise.all([
        loadLiveFigures(this.db.pool, null, period, this.tz, ref.factors, (k) => parts[k].regionId, { groups: grouping }),
        this.profiles(ids, period.year, closed),
        loadVehicleFigures(this.db.pool, null, period, ref.factors, (k) => parts[k].regionId, grouping),
      ]);
      figuresByGroup = groupRows(mergeFigures(figures, inFactorRuns(vehicles.monthFigures, ref, period)), (f) => parts[f.institutionId].group);
      profiles = byInstitution;
      for (const [k, t] of vehicles.fleet) addToGroup(parts[k].group, t);
    }
    return [...groups.entries()].map(([key, insts]) => {
      const view = buildIndicators(period, figuresByGroup.get(key) ?? [], sumProfiles(insts.map((i) => profiles.get(i.id))), denied, closed, insts.length);
      view.pendingRecalculation = closed && ref.pendingYears.has(period.year);
      view.regionId = groupBy === IndicatorGroupBy.REGION ? Number(key) : null;
      view.category = groupBy === IndicatorGroupBy.CATEGORY ? (key as InstitutionCategory) : null;
      view.fleet = fleetFiguresOf(fleetByGroup.get(key) ?? emptyFleet());
      view.memberIds = insts.map((i) => i.id);
      if (plan && (insts.length < PUBLIC_MIN_GROUP || !plan.published.has(setKey(insts.map((i) => i.id))))) return suppress(view);
      return view;
    });
  }
}
