import { ConflictError } from '../../errors/domain-errors';
import { addDays, isoDay, nextMonth, type Period } from '../accounting/period';
import type { Carrier } from '../metering/metering.enums';
import { fitCarrierBaseline, type CarrierBaseline, type CarrierMethod } from './baseline-model';
import { predictPeriod, savingsUncertainty } from './caltrack';
import { adjustBaseline, MIN_COVERAGE } from './mv';
import { hashObservations, type CarrierSeries } from './mv-data';
import type { MvSource } from './mv.loaders';
import type { EpcContractRow } from './epc.types';

/** The baseline models of a contract: frozen (stored at SIGNED or by a rebaselining) or, before that, fitted live. */
export interface BaselineSet {
  frozen: boolean;
  version: number | null;
  fittedAt: string | null;
  fittedBy: string | null;
  reason: string | null;
  from: string;
  to: string;
  stationId: number | null;
  carriers: CarrierBaseline[];
  dataCount: number;
  dataHash: string;
}

export interface NonRoutineEvent {
  id: number;
  from: string;
  to: string;
  adjustmentKgce: number;
  reason: string;
  recordedBy: string;
  recordedAt: Date;
}

export interface CarrierSaving {
  carrier: Carrier;
  unit: string;
  method: CarrierMethod;
  adjustedBaseline: number;
  actual: number;
  savings: number;
  adjustedBaselineKgce: number;
  savingsKgce: number;
  /** Observations behind the figure: measured days (daily), months (billing). */
  points: number;
  /** Absolute uncertainty of savingsKgce at 90% (null without a CalTRACK model), and the interval and FSU it gives. */
  bandKgce: number | null;
  lowKgce: number | null;
  highKgce: number | null;
  fsu: number | null;
}

export interface MissingDays {
  carrier: Carrier | null;
  reason: 'TEMPERATURE' | 'METER';
  days: string[];
}

/** One reporting month of a contract, measured. */
export interface MonthSavings {
  month: string;
  baselineMonth: string;
  adjustedBaselineKgce: number;
  actualKgce: number;
  savingsKgce: number;
  nonRoutineAdjustmentKgce: number;
  coverage: number;
  /** Coverage under 90% in the month (or, routine adjustment, its baseline month): reported, not computed into totals. */
  insufficientData: boolean;
  carriers: CarrierSaving[];
  missing: MissingDays[];
}

export interface SavingsResult {
  from: string;
  to: string;
  method: string;
  adjustedBaselineKgce: number;
  actualKgce: number;
  savingsKgce: number;
  /** savingsKgce with its 90% interval (ASHRAE G14, carriers combined in quadrature) and FSU = half-width / savings. */
  kgce: number;
  lowKgce: number | null;
  highKgce: number | null;
  fsu: number | null;
  savingsRate: number | null;
  nonRoutineAdjustmentKgce: number;
  byCarrier: CarrierSaving[];
  months: MonthSavings[];
  /** Days left out for a missing temperature or meter day, by carrier and reason. */
  missingDays: MissingDays[];
  /** True when a month was left out for lack of data or a day is missing. */
  flagged: boolean;
  /** True when every month had enough data (the settlement can be paid). */
  complete: boolean;
  baselineVersion: number | null;
  baselineFrozen: boolean;
  /** The first carrier's CalTRACK model in the shape of the former degree-day fit (kept for partner applications). */
  fit: { model: string; intercept: number; betaHeating: number; betaCooling: number; heatingBalanceC: number | null; coolingBalanceC: number | null; r2: number; cvRmse: number | null; n: number } | null;
}

interface Profile {
  headcount: number | null;
  floorAreaM2: number | null;
}

export function baselineSpan(contract: Pick<EpcContractRow, 'baselineStart'>): { from: string; to: string } {
  return { from: contract.baselineStart, to: isoDay(Number(contract.baselineStart.slice(0, 4)) + 1, Number(contract.baselineStart.slice(5, 7))) };
}

/** Fits the contract's baseline models from the meters and the region's station, carrier by carrier. */
export async function fitBaselineSet(data: MvSource, contract: Pick<EpcContractRow, 'baselineStart' | 'carriers' | 'institution'>, regionId: number): Promise<BaselineSet> {
  const { from, to } = baselineSpan(contract);
  const [series, weather] = await Promise.all([
    data.series({ institutionId: contract.institution.id, regionId, carriers: contract.carriers, from, to }, true),
    data.weather(regionId, from, to),
  ]);
  const carriers = series.map((s) => fitCarrierBaseline(s, weather.temps, from, to));
  return {
    frozen: false, version: null, fittedAt: null, fittedBy: null, reason: null, from, to, stationId: weather.stationId, carriers,
    dataCount: carriers.reduce((s, c) => s + c.dataCount, 0),
    dataHash: hashObservations(carriers.map((c) => c.dataHash)),
  };
}

/**
 * Savings = adjusted baseline - actual, month by month, carrier by carrier, with the contract's
 * baseline models. Daily models predict each measured day; a day without a temperature or with
 * incomplete meter data is left out of both sides and named, never spread. Non-routine events
 * add their adjustment, prorated by days.
 */
export async function measureSavings(data: MvSource, contract: EpcContractRow, regionId: number, period: Pick<Period, 'from' | 'to'>, baseline: BaselineSet, events: NonRoutineEvent[]): Promise<SavingsResult> {
  const id = contract.institution.id;
  const [series, weather, profiles] = await Promise.all([
    data.series({ institutionId: id, regionId, carriers: baseline.carriers.map((c) => c.carrier), from: period.from, to: period.to }),
    baseline.stationId === null ? Promise.resolve(new Map<string, number>()) : data.weather(regionId, period.from, period.to).then((w) => w.temps),
    baseline.carriers.some((c) => c.method === 'ROUTINE_ADJUSTMENT') && contract.baselineDriver !== 'NONE' ? data.profiles(id) : Promise.resolve([]),
  ]);
  const profileOf = new Map<number, Profile>(profiles.map((p) => [p.year, { headcount: p.headcount, floorAreaM2: p.floor_area_m2 }]));
  const baseYear = Number(baseline.from.slice(0, 4));
  const months: MonthSavings[] = [];
  for (let m = monthOf(period.from); m < period.to; m = nextMonth(m)) {
    const from = m < period.from ? period.from : m;
    const to = nextMonth(m) > period.to ? period.to : nextMonth(m);
    const days = daysBetween(from, to);
    const ratio = () => scaleOf(contract, profileAt(profileOf, baseYear), profileAt(profileOf, Number(m.slice(0, 4))));
    const carriers: CarrierSaving[] = [];
    const missing: MissingDays[] = [];
    let coverage = 1;
    let baselineMonth = m;
    for (const b of baseline.carriers) {
      const s = series.find((x) => x.carrier === b.carrier)!;
      const r = measureCarrierMonth(b, s, weather, days, m, ratio);
      carriers.push(r.saving);
      missing.push(...r.missing);
      coverage = Math.min(coverage, r.coverage);
      baselineMonth = r.baselineMonth;
    }
    const nre = events.reduce((sum, e) => sum + e.adjustmentKgce * (overlapDays(e.from, e.to, from, to) / daysBetween(e.from, e.to).length), 0);
    spreadAdjustment(carriers, nre);
    const adjusted = carriers.reduce((sum, c) => sum + c.adjustedBaselineKgce, 0);
    const actual = carriers.reduce((sum, c) => sum + (c.adjustedBaselineKgce - c.savingsKgce), 0);
    months.push({ month: m, baselineMonth, adjustedBaselineKgce: adjusted, actualKgce: actual, savingsKgce: adjusted - actual, nonRoutineAdjustmentKgce: nre, coverage, insufficientData: coverage < MIN_COVERAGE, carriers, missing });
  }
  return summarise(months, period.from, period.to, baseline);
}

function measureCarrierMonth(b: CarrierBaseline, s: CarrierSeries, temps: ReadonlyMap<string, number>, days: readonly string[], month: string, ratio: () => number) {
  const day = (d: string) => s.days.get(d);
  const noTemp = days.filter((d) => !temps.has(d));
  const noMeter = days.filter((d) => !day(d)?.complete);
  const saving = (adjusted: number, actual: number, actualKgce: number, points: number): CarrierSaving => ({
    carrier: b.carrier, unit: b.unit, method: b.method, adjustedBaseline: adjusted, actual, savings: adjusted - actual,
    adjustedBaselineKgce: adjusted * b.kgcePerUnit, savingsKgce: adjusted * b.kgcePerUnit - actualKgce, points, bandKgce: null, lowKgce: null, highKgce: null, fsu: null,
  });
  const named = (reason: MissingDays['reason'], list: string[]): MissingDays[] => (list.length ? [{ carrier: b.carrier, reason, days: list }] : []);
  if (b.method === 'CALTRACK_DAILY') {
    const measured = days.filter((d) => temps.has(d) && day(d)?.complete);
    const adjusted = measured.reduce((sum, d) => sum + predictPeriod(b.model!, 1, [temps.get(d)!]), 0);
    const actual = measured.reduce((sum, d) => sum + day(d)!.quantity, 0);
    const actualKgce = measured.reduce((sum, d) => sum + day(d)!.kgce, 0);
    return { saving: saving(adjusted, actual, actualKgce, measured.length), coverage: measured.length / days.length, missing: [...named('TEMPERATURE', noTemp), ...named('METER', noMeter)], baselineMonth: month };
  }
  const meterCoverage = days.reduce((sum, d) => sum + (day(d)?.coverage ?? 0), 0) / days.length;
  const actual = days.reduce((sum, d) => sum + (day(d)?.quantity ?? 0), 0);
  const actualKgce = days.reduce((sum, d) => sum + (day(d)?.kgce ?? 0), 0);
  if (b.method === 'CALTRACK_BILLING') {
    const t = days.filter((d) => temps.has(d)).map((d) => temps.get(d)!);
    const coverage = Math.min(meterCoverage, t.length / days.length);
    // A billing period's prediction averages its days' degree days; a month short of temperatures is left out, its days named.
    const adjusted = coverage >= MIN_COVERAGE ? predictPeriod(b.model!, days.length, t) : 0;
    return { saving: saving(adjusted, actual, actualKgce, 1), coverage, missing: named('TEMPERATURE', noTemp), baselineMonth: month };
  }
  const base = b.months.find((x) => x.month.slice(5, 7) === month.slice(5, 7));
  const adjusted = base ? base.quantity * ratio() * (days.length / daysBetween(base.month, nextMonth(base.month)).length) : 0;
  return { saving: saving(adjusted, actual, actualKgce, 1), coverage: Math.min(meterCoverage, base?.coverage ?? 0), missing: [], baselineMonth: base?.month ?? month };
}

/** A non-routine adjustment (kgce) shared among carriers by their adjusted baseline, so money follows it. */
function spreadAdjustment(carriers: CarrierSaving[], kgce: number): void {
  if (!kgce || !carriers.length) return;
  const total = carriers.reduce((s, c) => s + c.adjustedBaselineKgce, 0);
  for (const c of carriers) {
    const share = total > 0 ? (kgce * c.adjustedBaselineKgce) / total : kgce / carriers.length;
    const perUnit = c.adjustedBaseline > 0 ? c.adjustedBaselineKgce / c.adjustedBaseline : 0;
    c.adjustedBaselineKgce += share;
    c.savingsKgce += share;
    if (perUnit > 0) {
      c.adjustedBaseline += share / perUnit;
      c.savings += share / perUnit;
    }
  }
}

/** Totals of measured months over [from, to): months without enough data are listed, flagged, and left out. */
export function summarise(all: MonthSavings[], from: string, to: string, baseline: BaselineSet): SavingsResult {
  const months = all.filter((m) => m.month >= monthOf(from) && m.month < to);
  const counted = months.filter((m) => !m.insufficientData);
  const totals = new Map<string, CarrierSaving>();
  for (const m of counted) {
    for (const c of m.carriers) {
      const t = totals.get(c.carrier) ?? { ...c, adjustedBaseline: 0, actual: 0, savings: 0, adjustedBaselineKgce: 0, savingsKgce: 0, points: 0, bandKgce: null };
      t.adjustedBaseline += c.adjustedBaseline;
      t.actual += c.actual;
      t.savings += c.savings;
      t.adjustedBaselineKgce += c.adjustedBaselineKgce;
      t.savingsKgce += c.savingsKgce;
      t.points += c.points;
      totals.set(c.carrier, t);
    }
  }
  const byCarrier = [...totals.values()];
  let variance: number | null = byCarrier.length ? 0 : null;
  for (const c of byCarrier) {
    const b = baseline.carriers.find((x) => x.carrier === c.carrier)!;
    const band = b.model ? savingsUncertainty(b.model, c.points, c.adjustedBaseline) : null;
    c.bandKgce = band === null ? null : band * b.kgcePerUnit;
    c.lowKgce = c.bandKgce === null ? null : c.savingsKgce - c.bandKgce;
    c.highKgce = c.bandKgce === null ? null : c.savingsKgce + c.bandKgce;
    c.fsu = c.bandKgce === null || c.savingsKgce === 0 ? null : c.bandKgce / Math.abs(c.savingsKgce);
    variance = variance === null || c.bandKgce === null ? null : variance + c.bandKgce ** 2;
  }
  const adjustedBaselineKgce = counted.reduce((s, m) => s + m.adjustedBaselineKgce, 0);
  const actualKgce = counted.reduce((s, m) => s + m.actualKgce, 0);
  const savingsKgce = adjustedBaselineKgce - actualKgce;
  const band = variance === null ? null : Math.sqrt(variance);
  const missingDays = mergeMissing(months.flatMap((m) => m.missing));
  const methods = [...new Set(baseline.carriers.map((c) => c.method))];
  return {
    from, to,
    method: methods.length === 1 ? methods[0] : 'MIXED',
    adjustedBaselineKgce, actualKgce, savingsKgce,
    kgce: savingsKgce,
    lowKgce: band === null ? null : savingsKgce - band,
    highKgce: band === null ? null : savingsKgce + band,
    fsu: band === null || savingsKgce === 0 ? null : band / Math.abs(savingsKgce),
    savingsRate: adjustedBaselineKgce > 0 ? savingsKgce / adjustedBaselineKgce : null,
    nonRoutineAdjustmentKgce: counted.reduce((s, m) => s + m.nonRoutineAdjustmentKgce, 0),
    byCarrier, months, missingDays,
    flagged: counted.length < months.length || missingDays.length > 0,
    complete: counted.length === months.length,
    baselineVersion: baseline.version,
    baselineFrozen: baseline.frozen,
    fit: legacyFit(baseline),
  };
}

function legacyFit(baseline: BaselineSet): SavingsResult['fit'] {
  const m = baseline.carriers.find((c) => c.model)?.model;
  return m ? { model: m.type, intercept: m.intercept, betaHeating: m.betaHdd, betaCooling: m.betaCdd, heatingBalanceC: m.heatingBalanceC, coolingBalanceC: m.coolingBalanceC, r2: m.r2, cvRmse: m.cvRmse, n: m.n } : null;
}

function mergeMissing(list: MissingDays[]): MissingDays[] {
  const map = new Map<string, MissingDays>();
  for (const m of list) {
    const key = `${m.carrier}|${m.reason}`;
    const into = map.get(key) ?? { carrier: m.carrier, reason: m.reason, days: [] };
    into.days.push(...m.days);
    map.set(key, into);
  }
  return [...map.values()];
}

const monthOf = (day: string) => `${day.slice(0, 7)}-01`;

/** The days of [from, to); measuring asks for the same months again and again, so spans are kept (read-only). */
const SPANS = new Map<string, readonly string[]>();
function daysBetween(from: string, to: string): readonly string[] {
  const key = `${from}|${to}`;
  let days = SPANS.get(key);
  if (!days) {
    const out: string[] = [];
    for (let d = from; d < to; d = addDays(d, 1)) out.push(d);
    days = Object.freeze(out);
    // Bounded: month spans are few, but arbitrary periods must not grow it without end.
    if (SPANS.size > 4096) SPANS.clear();
    SPANS.set(key, days);
  }
  return days;
}

function overlapDays(aFrom: string, aTo: string, bFrom: string, bTo: string): number {
  const from = aFrom > bFrom ? aFrom : bFrom;
  const to = aTo < bTo ? aTo : bTo;
  return from < to ? daysBetween(from, to).length : 0;
}

/** The profile of a year, or the latest before it: floor area and headcount carry forward until updated. */
function profileAt(profiles: Map<number, Profile>, year: number): Profile | undefined {
  const years = [...profiles.keys()].filter((y) => y <= year).sort((a, b) => b - a);
  return years.length ? profiles.get(years[0]) : undefined;
}

function scaleOf(contract: EpcContractRow, base: Profile | undefined, now: Profile | undefined): number {
  if (contract.baselineDriver === 'NONE') return 1;
  const key = contract.baselineDriver === 'FLOOR_AREA' ? 'floorAreaM2' : 'headcount';
  if (!base?.[key] || !now?.[key]) {
    throw new ConflictError(`the baseline is scaled by ${key}, but the institution's profile has none for the baseline year or the period: record it first`);
  }
  return adjustBaseline(1, base, now, contract.baselineDriver);
}

export interface BaselineFigures {
  from: string;
  to: string;
  kgce: number;
  coverage: number;
  byCarrier: { carrier: Carrier; quantity: number; unit: string; kgce: number }[];
}

/** The contract's twelve baseline months as its baseline models saw them, over its carriers. */
export function baselineFigures(baseline: BaselineSet): BaselineFigures {
  const byCarrier = baseline.carriers.map((c) => ({ carrier: c.carrier, unit: c.unit, quantity: c.months.reduce((s, m) => s + m.quantity, 0), kgce: c.months.reduce((s, m) => s + m.kgce, 0) }));
  const coverage = Math.min(1, ...baseline.carriers.map((c) => c.months.reduce((s, m) => s + m.coverage, 0) / Math.max(1, c.months.length)));
  return { from: baseline.from, to: baseline.to, kgce: byCarrier.reduce((s, c) => s + c.kgce, 0), coverage: baseline.carriers.length ? coverage : 0, byCarrier };
}
