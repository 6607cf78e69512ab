/**
 * A contract's baseline, one model per carrier, fitted from its twelve baseline months: CalTRACK
 * daily where the meters read daily, CalTRACK billing where only bills exist, and the routine
 * adjustment (same month scaled) where the region has no temperatures. Fitted once, frozen at
 * SIGNED; the method never changes with later data. Pure functions over loaded data.
 */
import { addDays } from '../accounting/period';
import type { Carrier } from '../metering/metering.enums';
import { fitCaltrackCached, type CaltrackModel, type UsagePeriod } from './caltrack';
import { hashObservations, type CarrierSeries } from './mv-data';

export type CarrierMethod = 'CALTRACK_DAILY' | 'CALTRACK_BILLING' | 'ROUTINE_ADJUSTMENT';

/** CalTRACK 2.0 baseline data sufficiency, as eemeter checks it (see `baselineSufficiency`). */
export interface Sufficiency {
  status: 'PASS' | 'FAIL';
  daysTotal: number;
  validDays: number;
  validMeterDays: number;
  validTemperatureDays: number;
  /** Months (YYYY-MM-01) with under 90% of their days with a temperature or a complete meter day. */
  shortMonths: string[];
  failures: string[];
  /** Days above median + 3·IQR (CalTRACK 2.3.6): reported, not disqualifying. */
  extremeValues: number;
}

export interface BaselineMonth {
  month: string;
  quantity: number;
  kgce: number;
  coverage: number;
}

export interface CarrierBaseline {
  carrier: Carrier;
  unit: string;
  method: CarrierMethod;
  model: CaltrackModel | null;
  sufficiency: Sufficiency;
  /** Why this method (for ROUTINE_ADJUSTMENT: what was missing). */
  reason: string;
  /** kgce per unit of the carrier in the baseline. */
  kgcePerUnit: number;
  /** The baseline months (what the routine adjustment scales). */
  months: BaselineMonth[];
  dataCount: number;
  dataHash: string;
}

const MIN_FRACTION = 0.9;

/**
 * CalTRACK 2.0 baseline sufficiency, from eemeter `caltrack_sufficiency_criteria`
 * (eemeter/caltrack/usage_per_day.py: 365 days, >= 90% of days with meter data, with temperature,
 * and with both; no negative values; extreme values counted) and from OpenDSM's
 * `DailySufficiencyCriteria.check_sufficiency_baseline` (opendsm/eemeter/common/sufficiency_criteria.py:
 * `_check_monthly_temperature_values_percentage`, and for meters `_check_monthly_meter_readings_percentage`:
 * every calendar month >= 90%). The baseline is twelve calendar months, so a leap year's 366 days pass.
 */
export function baselineSufficiency(days: readonly string[], meterOk: (d: string) => boolean, tempOk: (d: string) => boolean, values: readonly number[]): Sufficiency {
  const failures: string[] = [];
  const daysTotal = days.length;
  const validMeterDays = days.filter(meterOk).length;
  const validTemperatureDays = days.filter(tempOk).length;
  const validDays = days.filter((d) => meterOk(d) && tempOk(d)).length;
  if (daysTotal !== 365 && daysTotal !== 366) failures.push(`the baseline has ${daysTotal} days, not 365`);
  if (values.some((v) => v < 0)) failures.push('negative meter values');
  if (validDays < MIN_FRACTION * daysTotal) failures.push(`${validDays} of ${daysTotal} days have both meter data and a temperature (under 90%)`);
  if (validMeterDays < MIN_FRACTION * daysTotal) failures.push(`${validMeterDays} of ${daysTotal} days have complete meter data (under 90%)`);
  if (validTemperatureDays < MIN_FRACTION * daysTotal) failures.push(`${validTemperatureDays} of ${daysTotal} days have a temperature (under 90%)`);
  const byMonth = new Map<string, string[]>();
  for (const d of days) byMonth.set(`${d.slice(0, 7)}-01`, [...(byMonth.get(`${d.slice(0, 7)}-01`) ?? []), d]);
  const shortMonths = [...byMonth].filter(([, ds]) => ds.filter(tempOk).length < MIN_FRACTION * ds.length || ds.filter(meterOk).length < MIN_FRACTION * ds.length).map(([m]) => m);
  if (shortMonths.length) failures.push(`months under 90% coverage: ${shortMonths.join(', ')}`);
  const sorted = [...values].sort((a, b) => a - b);
  const q = (p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * (sorted.length - 1)))] : 0);
  const limit = q(0.5) + 3 * (q(0.75) - q(0.25));
  return { status: failures.length ? 'FAIL' : 'PASS', daysTotal, validDays, validMeterDays, validTemperatureDays, shortMonths, failures, extremeValues: values.filter((v) => v > limit).length };
}

export function daysOf(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d < to; d = addDays(d, 1)) out.push(d);
  return out;
}

/** Fits one carrier's baseline over [from, to) from its daily series and the station's temperatures. */
export function fitCarrierBaseline(series: CarrierSeries, temps: ReadonlyMap<string, number>, from: string, to: string): CarrierBaseline {
  const days = daysOf(from, to);
  const meterOk = (d: string) => series.days.get(d)?.complete === true;
  const tempOk = (d: string) => temps.has(d);
  const values = days.filter(meterOk).map((d) => series.days.get(d)!.quantity);
  const sufficiency = baselineSufficiency(days, meterOk, tempOk, values);
  const months = monthsOf(series, days);
  const qty = days.reduce((s, d) => s + (series.days.get(d)?.quantity ?? 0), 0);
  const kgce = days.reduce((s, d) => s + (series.days.get(d)?.kgce ?? 0), 0);
  const base = { carrier: series.carrier, unit: series.unit, sufficiency, kgcePerUnit: qty > 0 ? kgce / qty : 0, months };
  const routine = (reason: string): CarrierBaseline => ({
    ...base,
    method: 'ROUTINE_ADJUSTMENT',
    model: null,
    reason,
    dataCount: months.length,
    dataHash: hashObservations(months.map((m) => [m.month, round6(m.quantity), round6(m.coverage)])),
  });
  if (sufficiency.validTemperatureDays === 0) return routine('no temperatures for the baseline at the region’s station');
  // Daily where the readings are daily (CalTRACK 2.0 daily method); bills otherwise (billing method).
  const daily = series.medianSpanHours !== null && series.medianSpanHours <= 24;
  // No cooling term for gas (eemeter `fit_caltrack_usage_per_day_model(fit_cdd=False)` for gas meters).
  const fitCooling = series.carrier === 'ELECTRICITY';
  const periods: UsagePeriod[] = daily
    ? days.filter((d) => meterOk(d) && tempOk(d)).map((d) => ({ start: d, days: 1, usage: series.days.get(d)!.quantity, temps: [temps.get(d)!] }))
    : billingPeriods(series, temps, days);
  const model = fitCaltrackCached(periods, daily ? 'DAILY' : 'BILLING', fitCooling);
  if (!model) return routine('no CalTRACK candidate model qualified');
  return {
    ...base,
    method: daily ? 'CALTRACK_DAILY' : 'CALTRACK_BILLING',
    model,
    reason: daily ? 'daily readings and temperatures' : 'monthly bills and temperatures',
    dataCount: periods.length,
    dataHash: hashObservations(periods.map((p) => [p.start, p.days, round6(p.usage), p.temps.map(round6)])),
  };
}

/** Calendar months as billing periods: the month's use where readings cover 90% of it, with its days' temperatures. */
export function billingPeriods(series: CarrierSeries, temps: ReadonlyMap<string, number>, days: readonly string[]): UsagePeriod[] {
  const out: UsagePeriod[] = [];
  for (const m of monthsOf(series, days)) {
    const ds = days.filter((d) => d.startsWith(m.month.slice(0, 7)));
    const t = ds.filter((d) => temps.has(d)).map((d) => temps.get(d)!);
    if (m.coverage >= MIN_FRACTION && t.length >= MIN_FRACTION * ds.length) out.push({ start: m.month, days: ds.length, usage: m.quantity, temps: t });
  }
  return out;
}

function monthsOf(series: CarrierSeries, days: readonly string[]): BaselineMonth[] {
  const map = new Map<string, BaselineMonth & { n: number }>();
  for (const d of days) {
    const key = `${d.slice(0, 7)}-01`;
    const m = map.get(key) ?? { month: key, quantity: 0, kgce: 0, coverage: 0, n: 0 };
    const day = series.days.get(d);
    m.quantity += day?.quantity ?? 0;
    m.kgce += day?.kgce ?? 0;
    m.coverage += day?.coverage ?? 0;
    m.n++;
    map.set(key, m);
  }
  return [...map.values()].map(({ n, ...m }) => ({ ...m, coverage: m.coverage / n }));
}

const round6 = (v: number) => Math.round(v * 1e6) / 1e6;
