import type pg from 'pg';
import { ConflictError } from '../../graphql/errors';
import { loadLiveFigures, type MonthFigure } from '../accounting/figures';
import { addDays, isoDay, nextMonth, type Period } from '../accounting/period';
import { loadFactorTable } from '../factors/reference';
import type { Carrier } from '../metering/metering.enums';
import { adjustBaseline, degreeDays, fitDegreeDayModel, MIN_COVERAGE, predict, type DegreeDayModel } from './mv';
import type { EpcContract } from './epc-contract.entity';

/** One reporting month of a contract, measured. */
export interface MonthSavings {
  month: string;
  baselineMonth: string;
  adjustedBaselineKgce: number;
  actualKgce: number;
  savingsKgce: number;
  coverage: number;
  /** Coverage under 90% in the month or its baseline month: reported, not computed into totals. */
  insufficientData: boolean;
  carriers: CarrierSaving[];
}

export interface CarrierSaving {
  carrier: Carrier;
  unit: string;
  adjustedBaseline: number;
  actual: number;
  savings: number;
  savingsKgce: number;
}

export interface SavingsResult {
  from: string;
  to: string;
  method: 'ROUTINE_ADJUSTMENT' | 'DEGREE_DAY';
  adjustedBaselineKgce: number;
  actualKgce: number;
  savingsKgce: number;
  savingsRate: number | null;
  byCarrier: CarrierSaving[];
  months: MonthSavings[];
  /** True when any month was left out for lack of data. */
  flagged: boolean;
  fit: DegreeDayModel | null;
}

interface Profile {
  headcount: number | null;
  floorAreaM2: number | null;
}

const HEATING_BALANCES = [14, 15, 16, 17, 18, 19, 20];
const COOLING_BALANCES = [20, 21, 22, 23, 24, 25, 26];

/**
 * Savings = adjusted baseline - actual, month by month (IPMVP option C, whole facility), over the
 * contract's carriers. The baseline month is the same calendar month of the twelve-month baseline,
 * scaled for routine changes (floor area or headcount); where the region has daily temperatures
 * for the baseline and the period, a CalTRACK-style degree-day model fitted on the baseline
 * predicts it instead, and its fit quality is reported.
 */
export async function measureSavings(pool: pg.Pool, tz: string, contract: EpcContract, regionId: number, period: Pick<Period, 'from' | 'to'>): Promise<SavingsResult> {
  const carriers = new Set<string>(contract.carriers);
  const baselineTo = isoDay(Number(contract.baselineStart.slice(0, 4)) + 1, Number(contract.baselineStart.slice(5, 7)));
  const factors = await loadFactorTable(pool);
  const regionOf = () => regionId;
  const id = contract.institution.id;
  const [baseRows, actualRows, profiles, weather] = await Promise.all([
    loadLiveFigures(pool, [id], { from: contract.baselineStart, to: baselineTo }, tz, factors, regionOf),
    loadLiveFigures(pool, [id], period, tz, factors, regionOf),
    pool.query<{ year: number; headcount: number | null; floor_area_m2: number | null }>('SELECT year, headcount, floor_area_m2 FROM institution_profile WHERE institution_id = $1', [id]),
    loadWeather(pool, regionId, contract.baselineStart, period.to),
  ]);
  const profileOf = new Map<number, Profile>(profiles.rows.map((p) => [p.year, { headcount: p.headcount, floorAreaM2: p.floor_area_m2 }]));
  const inScope = (f: MonthFigure) => carriers.has(f.carrier);
  const base = byMonth(baseRows.filter(inScope));
  const actual = byMonth(actualRows.filter(inScope));
  const baseYear = Number(contract.baselineStart.slice(0, 4));

  const fit = weatherCovers(weather, contract.baselineStart, baselineTo) && weatherCovers(weather, period.from, period.to) ? fitBaseline(base, weather) : null;
  const months: MonthSavings[] = [];
  for (const [month, now] of [...actual.entries()].sort()) {
    const baselineMonth = [...base.keys()].find((b) => b.slice(5, 7) === month.slice(5, 7))!;
    const was = base.get(baselineMonth) ?? [];
    const coverage = Math.min(share(was), share(now));
    const year = Number(month.slice(0, 4));
    const ratio = scaleOf(contract, profileAt(profileOf, baseYear), profileAt(profileOf, year));
    const baseKgce = sum(was, (f) => f.kgce ?? 0);
    let adjusted = baseKgce * ratio;
    if (fit) adjusted = predict(fit, conditions(weather, month, fit));
    const actualKgce = sum(now, (f) => f.kgce ?? 0);
    // Per carrier, physical and kgce; a degree-day model spreads its prediction by the baseline's carrier mix.
    const scale = baseKgce > 0 ? adjusted / baseKgce : ratio;
    const carriers = now.map((f) => {
      const b = was.filter((x) => x.carrier === f.carrier);
      const bq = sum(b, (x) => x.quantity) * scale;
      const bk = sum(b, (x) => x.kgce ?? 0) * scale;
      return { carrier: f.carrier, unit: f.unit, adjustedBaseline: bq, actual: f.quantity, savings: bq - f.quantity, savingsKgce: bk - (f.kgce ?? 0) };
    });
    months.push({ month, baselineMonth, adjustedBaselineKgce: adjusted, actualKgce, savingsKgce: adjusted - actualKgce, coverage, insufficientData: coverage < MIN_COVERAGE, carriers });
  }
  return summarise(months, period.from, period.to, fit);
}

/** Totals of measured months over [from, to): months without enough data are listed, flagged, and left out. */
export function summarise(all: MonthSavings[], from: string, to: string, fit: DegreeDayModel | null): SavingsResult {
  const months = all.filter((m) => m.month >= from && m.month < to);
  const counted = months.filter((m) => !m.insufficientData);
  const carrierTotals = new Map<string, CarrierSaving>();
  for (const m of counted) {
    for (const c of m.carriers) {
      const t = carrierTotals.get(c.carrier) ?? { carrier: c.carrier, unit: c.unit, adjustedBaseline: 0, actual: 0, savings: 0, savingsKgce: 0 };
      t.adjustedBaseline += c.adjustedBaseline;
      t.actual += c.actual;
      t.savings += c.savings;
      t.savingsKgce += c.savingsKgce;
      carrierTotals.set(c.carrier, t);
    }
  }
  const adjustedBaselineKgce = sum(counted, (m) => m.adjustedBaselineKgce);
  const actualKgce = sum(counted, (m) => m.actualKgce);
  return {
    from,
    to,
    method: fit ? 'DEGREE_DAY' : 'ROUTINE_ADJUSTMENT',
    adjustedBaselineKgce,
    actualKgce,
    savingsKgce: adjustedBaselineKgce - actualKgce,
    savingsRate: adjustedBaselineKgce > 0 ? (adjustedBaselineKgce - actualKgce) / adjustedBaselineKgce : null,
    byCarrier: [...carrierTotals.values()],
    months,
    flagged: counted.length < months.length,
    fit,
  };
}

function byMonth(rows: MonthFigure[]): Map<string, MonthFigure[]> {
  const map = new Map<string, MonthFigure[]>();
  for (const r of rows) map.set(r.month, [...(map.get(r.month) ?? []), r]);
  return map;
}

const sum = <T>(rows: T[], f: (r: T) => number) => rows.reduce((s, r) => s + f(r), 0);
const share = (rows: MonthFigure[]) => {
  const expected = sum(rows, (r) => r.expectedS);
  return expected > 0 ? Math.min(1, sum(rows, (r) => r.coveredS) / expected) : 0;
};

/** The profile of a year, or the latest before it: floor area and headcount carry forward until updated. */
function profileAt(profiles: Map<number, Profile>, year: number): Profile | undefined {
  const years = [...profiles.keys()].filter((y) => y <= year).sort((a, b) => b - a);
  return years.length ? profiles.get(years[0]) : undefined;
}

function scaleOf(contract: EpcContract, base: Profile | undefined, now: Profile | undefined): number {
  if (contract.baselineDriver === 'NONE') return 1;
  const key = contract.baselineDriver === 'FLOOR_AREA' ? 'floorAreaM2' : 'headcount';
  if (!base?.[key] || !now?.[key]) {
    throw new ConflictError(`the baseline is scaled by ${key}, but the institution's profile has none for the baseline year or the period: record it first`);
  }
  return adjustBaseline(1, base, now, contract.baselineDriver);
}

type Weather = Map<string, number>;

async function loadWeather(pool: pg.Pool, regionId: number, from: string, to: string): Promise<Weather> {
  // The nearest region up the tree with temperatures for the span.
  const { rows } = await pool.query<{ day: string; t: number }>(
    `WITH RECURSIVE up AS (SELECT id, parent_id, 0 AS depth FROM region WHERE id = $1
                           UNION ALL SELECT r.id, r.parent_id, up.depth + 1 FROM region r JOIN up ON r.id = up.parent_id),
          best AS (SELECT up.id FROM up WHERE EXISTS (SELECT 1 FROM weather_day w WHERE w.region_id = up.id) ORDER BY depth LIMIT 1)
     SELECT to_char(day, 'YYYY-MM-DD') AS day, mean_temp_c AS t FROM weather_day WHERE region_id = (SELECT id FROM best) AND day >= $2::date AND day < $3::date`,
    [regionId, from, to],
  );
  return new Map(rows.map((r) => [r.day, r.t]));
}

function daysOf(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d < to; d = addDays(d, 1)) out.push(d);
  return out;
}

function weatherCovers(weather: Weather, from: string, to: string): boolean {
  return weather.size > 0 && daysOf(from, to).every((d) => weather.has(d));
}

function temps(weather: Weather, month: string): number[] {
  return daysOf(month, nextMonth(month)).map((d) => weather.get(d)!);
}

function fitBaseline(base: Map<string, MonthFigure[]>, weather: Weather): DegreeDayModel {
  const periods = [...base.entries()].map(([month, rows]) => {
    const t = temps(weather, month);
    return {
      days: t.length,
      hddByBalance: Object.fromEntries(HEATING_BALANCES.map((b) => [b, degreeDays(t, b, 'HDD')])),
      cddByBalance: Object.fromEntries(COOLING_BALANCES.map((b) => [b, degreeDays(t, b, 'CDD')])),
      usage: sum(rows, (r) => r.kgce ?? 0),
    };
  });
  return fitDegreeDayModel(periods, { heating: HEATING_BALANCES, cooling: COOLING_BALANCES });
}

function conditions(weather: Weather, month: string, fit: DegreeDayModel) {
  const t = temps(weather, month);
  return {
    days: t.length,
    hdd: fit.heatingBalanceC === null ? 0 : degreeDays(t, fit.heatingBalanceC, 'HDD'),
    cdd: fit.coolingBalanceC === null ? 0 : degreeDays(t, fit.coolingBalanceC, 'CDD'),
  };
}

export interface BaselineFigures {
  from: string;
  to: string;
  kgce: number;
  coverage: number;
  byCarrier: { carrier: Carrier; quantity: number; unit: string; kgce: number }[];
}

/** The contract's twelve baseline months as the meters recorded them, over its carriers. */
export async function measureBaseline(pool: pg.Pool, tz: string, contract: EpcContract, regionId: number): Promise<BaselineFigures> {
  const to = isoDay(Number(contract.baselineStart.slice(0, 4)) + 1, Number(contract.baselineStart.slice(5, 7)));
  const factors = await loadFactorTable(pool);
  const rows = (await loadLiveFigures(pool, [contract.institution.id], { from: contract.baselineStart, to }, tz, factors, () => regionId)).filter((f) =>
    (contract.carriers as string[]).includes(f.carrier),
  );
  const byCarrier = new Map<Carrier, { carrier: Carrier; quantity: number; unit: string; kgce: number }>();
  for (const f of rows) {
    const c = byCarrier.get(f.carrier) ?? { carrier: f.carrier, quantity: 0, unit: f.unit, kgce: 0 };
    c.quantity += f.quantity;
    c.kgce += f.kgce ?? 0;
    byCarrier.set(f.carrier, c);
  }
  return { from: contract.baselineStart, to, kgce: sum(rows, (f) => f.kgce ?? 0), coverage: share(rows), byCarrier: [...byCarrier.values()] };
}
