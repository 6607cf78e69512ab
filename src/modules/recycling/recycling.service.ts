import { canReadRows, inScope, readInstitutions, readScope, type InstitutionScope } from '../../access/guard';
import type { Principal } from '../../access/principal';
import type { Database } from '../../db/database';
import { ForbiddenError } from '../../errors/domain-errors';
import { add, decimalToNumber, parseDecimal, ZERO, type Dec } from '../../figures/decimal';
import { divideExact } from '../../figures/precision';
import { groupRows } from '../../graphql/batch';
import type { PageWindow, WindowRows } from '../../db/window';
import { disclosurePlan, MIN_GROUP, setKey, subtreeOf } from '../accounting/disclosure';
import type { InstitutionInfo } from '../accounting/figures';
import { IndicatorGroupBy } from '../accounting/indicators.types';
import { monthStart, nextMonth, type Period } from '../accounting/period';
import { loadReference, type Reference } from '../factors/reference';
import type { InstitutionCategory } from '../registry/registry.enums';
import { DISPOSITIONS, STREAMS, WasteDisposition, type RecyclingStream } from './recycling.enums';
import { monthsReported, recyclingRateSums, recyclingRecordWindow, recyclingSums, type RecyclingSumRow } from './recycling.repository';
import { currentMonth } from './recycling-ingest.service';
import { RecyclingFigures, type RecyclingRecordRow, type RecyclingStreamFigures } from './recycling.types';

/** Which institutions' groups to sum: the region id decoded. */
export interface RecyclingGroupFilter {
  regionId?: number | null;
  category?: InstitutionCategory | null;
  inMunicipalAppraisal?: boolean | null;
}

/** Recycled and total kilograms of an institution or a group over a period, exact. */
export interface RecyclingTotals {
  recycledKg: Dec;
  totalKg: Dec;
}

/** Which institutions one figure sums: one institution's own row, or a group's members. */
export interface RecyclingSet {
  ids: number[];
  group: boolean;
}

/** What a subscriber of `recyclingChanged` hears after a commit. */
export interface RecyclingChangedPayload {
  institutionId: number;
  months: string[];
}

/** Which records to list: ids decoded, days checked (YYYY-MM-DD). */
export interface RecyclingRecordQuery {
  institutionId?: number | null;
  stream?: RecyclingStream | null;
  from?: string | null;
  to?: string | null;
}

/** Months of the period that have begun (a running year counts the months so far), for coverage. */
export function monthsOf(period: Pick<Period, 'from' | 'to'>, thisMonth: string): number {
  let n = 0;
  for (let m = monthStart(period.from); m < period.to && m <= thisMonth; m = nextMonth(m)) n++;
  return n;
}

/**
 * Figures from exact sums (numeric text per stream and disposition): kilograms summed exactly,
 * rates divided once; floats only here, for the API boundary to round by unit.
 */
export function recyclingFiguresOf(
  period: Period,
  rows: Pick<RecyclingSumRow, 'stream' | 'disposition' | 'kg'>[],
  reported: number,
  expected: number,
  count: number,
  year: { closed: boolean; pending: boolean } = { closed: false, pending: false },
): RecyclingFigures {
  const kg = new Map<string, Dec>();
  for (const r of rows) {
    const k = `${r.stream}|${r.disposition}`;
    kg.set(k, add(kg.get(k) ?? ZERO, parseDecimal(r.kg, 'kg')));
  }
  const totals = new Map<WasteDisposition, Dec>(DISPOSITIONS.map((d) => [d, ZERO]));
  const byStream: RecyclingStreamFigures[] = STREAMS.map((stream) => {
    const of = (d: WasteDisposition) => kg.get(`${stream}|${d}`) ?? ZERO;
    let total = ZERO;
    for (const d of DISPOSITIONS) {
      totals.set(d, add(totals.get(d)!, of(d)));
      total = add(total, of(d));
    }
    return {
      stream,
      recycledKg: decimalToNumber(of(WasteDisposition.RECYCLED)),
      landfilledKg: decimalToNumber(of(WasteDisposition.LANDFILLED)),
      incineratedKg: decimalToNumber(of(WasteDisposition.INCINERATED)),
      totalKg: decimalToNumber(total),
      recyclingRate: divideExact(of(WasteDisposition.RECYCLED), total),
    };
  });
  const total = DISPOSITIONS.reduce((a, d) => add(a, totals.get(d)!), ZERO);
  const f = new RecyclingFigures();
  Object.assign(f, {
    institutionId: null,
    regionId: null,
    category: null,
    period,
    institutionCount: count,
    suppressed: false,
    closed: year.closed,
    pendingRecalculation: year.closed && year.pending,
    byStream,
    recycledKg: decimalToNumber(totals.get(WasteDisposition.RECYCLED)!),
    landfilledKg: decimalToNumber(totals.get(WasteDisposition.LANDFILLED)!),
    incineratedKg: decimalToNumber(totals.get(WasteDisposition.INCINERATED)!),
    totalKg: decimalToNumber(total),
    recyclingRate: divideExact(totals.get(WasteDisposition.RECYCLED)!, total),
    coverage: expected > 0 ? divideExact(reported, expected) : null,
  } satisfies Partial<RecyclingFigures>);
  return f;
}

/** Whether the period's year is closed (its figures frozen) and has writes waiting for recalculateYear. */
const yearState = (ref: Reference, period: Period) => ({ closed: ref.closedYears.has(period.year), pending: ref.pendingYears.has(period.year) });

function suppress(f: RecyclingFigures): RecyclingFigures {
  return Object.assign(f, { suppressed: true, byStream: [], recycledKg: null, landfilledKg: null, incineratedKg: null, totalKg: null, recyclingRate: null, coverage: null });
}

export class RecyclingService {
  constructor(
    private readonly db: Database,
    private readonly principal: Principal,
  ) {}

  private rowScope(): InstitutionScope {
    const scope = readInstitutions(this.principal, 'recycling');
    if (!scope) throw new ForbiddenError('this key may not read recycling records of single institutions (aggregates only, or nothing)');
    return scope;
  }

  /** The read check of single institutions' records, for a caller that must run it before decoding its filter and paging. */
  assertCanReadRecords(): void {
    this.rowScope();
  }

  /** Records matching the query, by id, in a window: plain rows, the key's scope in the statement. */
  async records(filter: RecyclingRecordQuery | undefined, window: PageWindow): Promise<WindowRows<RecyclingRecordRow>> {
    const scope = this.rowScope();
    return recyclingRecordWindow(this.db.pool, {
      ids: scope.kind === 'all' ? null : scope.ids,
      institutionId: filter?.institutionId ?? null,
      stream: filter?.stream ?? null,
      from: filter?.from ?? null,
      to: filter?.to ?? null,
    }, window);
  }

  /** Figures of the given institutions for one period, keyed by id: one statement for all of them. */
  async forInstitutionIds(period: Period, ids: number[]): Promise<Map<number, RecyclingFigures>> {
    const scope = this.rowScope();
    const allowed = ids.filter((id) => scope.kind === 'all' || scope.ids.includes(id));
    if (!allowed.length) return new Map();
    const ref = await loadReference(this.db.pool);
    const year = yearState(ref, period);
    const rows = await recyclingSums(this.db.pool, allowed, period.from, period.to, year.closed);
    const byInstitution = groupRows(rows, (r) => r.institution_id);
    const expected = monthsOf(period, currentMonth(this.db.timezone));
    return new Map(allowed.map((id) => {
      const list = byInstitution.get(id) ?? [];
      const f = recyclingFiguresOf(period, list, monthsReported(list), expected, 1, year);
      f.institutionId = id;
      return [id, f];
    }));
  }

  /**
   * Recycled and total kilograms of each set over one period, summed exactly over its institutions
   * (a group's rate is then a ratio of these sums): one statement for every set. One institution's
   * own figures need its rows in the key's scope; a group needs a read of recycling, aggregates
   * being enough (the caller withholds the groups its disclosure plan does not publish).
   */
  async totalsOf(period: Period, sets: RecyclingSet[], closed: boolean): Promise<RecyclingTotals[]> {
    if (!readScope(this.principal, 'recycling')) throw new ForbiddenError('this key may not read recycling figures');
    if (sets.some((s) => !s.group)) {
      const scope = this.rowScope();
      for (const s of sets) if (!s.group && !s.ids.every((id) => inScope(scope, id))) throw new ForbiddenError('this key may not read the recycling figures of this institution');
    }
    const ids = [...new Set(sets.flatMap((s) => s.ids))];
    const rows = ids.length ? await recyclingRateSums(this.db.pool, ids, period.from, period.to, closed) : [];
    const byId = new Map(rows.map((r) => [r.institution_id, r]));
    return sets.map((s) => {
      let recycledKg = ZERO;
      let totalKg = ZERO;
      for (const id of s.ids) {
        const r = byId.get(id);
        if (!r) continue;
        recycledKg = add(recycledKg, parseDecimal(r.recycled, 'kg'));
        totalKg = add(totalKg, parseDecimal(r.total, 'kg'));
      }
      return { recycledKg, totalKg };
    });
  }

  private members(ref: Reference, scope: InstitutionScope, filter: RecyclingGroupFilter | undefined): InstitutionInfo[] {
    let list = scope.kind === 'all' ? ref.institutions : ref.institutions.filter((i) => scope.ids.includes(i.id));
    if (filter?.category) list = list.filter((i) => i.category === filter.category);
    if (filter?.inMunicipalAppraisal != null) list = list.filter((i) => i.inMunicipalAppraisal === filter.inMunicipalAppraisal);
    if (filter?.regionId) {
      const within = subtreeOf(ref.regions)(filter.regionId);
      list = list.filter((i) => within.has(i.regionId));
    }
    return list;
  }

  /**
   * Whether the key reads aggregates only (PUBLIC), and the institutions it sums: FORBIDDEN for a key
   * that may read no recycling figures, or for a filter it may not use. A caller that decodes the
   * period and the filter's region runs it first, so FORBIDDEN answers before their mistakes.
   */
  aggregateAccess(filter: Pick<RecyclingGroupFilter, 'inMunicipalAppraisal'> | undefined): { isPublic: boolean; scope: InstitutionScope } {
    const granted = readScope(this.principal, 'recycling');
    if (!granted) throw new ForbiddenError('this key may not read recycling figures');
    const isPublic = granted === 'aggregate';
    // Appraisal membership is an institution detail: a filter on it would disclose it.
    if (isPublic && filter?.inMunicipalAppraisal != null && !canReadRows(this.principal, 'institutionDetail')) {
      throw new ForbiddenError('this key may not filter by appraisal membership (an institution detail)');
    }
    return { isPublic, scope: isPublic ? { kind: 'all' } : this.rowScope() };
  }

  /**
   * Figures summed by region, category or for the city: kilograms summed exactly over the group's
   * institutions, rates as ratios of those sums. An aggregate-only key (PUBLIC) reads every
   * institution's groups, withheld under the same disclosure plan as the indicators.
   */
  async aggregate(period: Period, groupBy: IndicatorGroupBy, filter: RecyclingGroupFilter | undefined): Promise<RecyclingFigures[]> {
    const { isPublic, scope } = this.aggregateAccess(filter);
    const ref = await loadReference(this.db.pool);
    const members = this.members(ref, scope, filter);
    const plan = isPublic ? disclosurePlan(ref, ref.institutions, ref.regions) : null;
    const keyOf = (i: InstitutionInfo): string => (groupBy === IndicatorGroupBy.REGION ? String(i.regionId) : groupBy === IndicatorGroupBy.CATEGORY ? i.category : 'CITY');
    const groups = groupBy === IndicatorGroupBy.CITY ? new Map([['CITY', members]]) : groupRows(members, keyOf);
    const ids = scope.kind === 'all' && !filter ? null : members.map((i) => i.id);
    const year = yearState(ref, period);
    const rows = members.length ? await recyclingSums(this.db.pool, ids, period.from, period.to, year.closed) : [];
    const byInstitution = groupRows(rows, (r) => r.institution_id);
    const expected = monthsOf(period, currentMonth(this.db.timezone));
    return [...groups.entries()].map(([key, insts]) => {
      const list = insts.flatMap((i) => byInstitution.get(i.id) ?? []);
      const reported = insts.reduce((n, i) => n + monthsReported(byInstitution.get(i.id) ?? []), 0);
      const f = recyclingFiguresOf(period, list, reported, expected * insts.length, insts.length, year);
      f.regionId = groupBy === IndicatorGroupBy.REGION ? Number(key) : null;
      f.category = groupBy === IndicatorGroupBy.CATEGORY ? (key as InstitutionCategory) : null;
      if (plan && (insts.length < MIN_GROUP || !plan.published.has(setKey(insts.map((i) => i.id))))) return suppress(f);
      return f;
    });
  }
}
