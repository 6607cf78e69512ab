import type { Api } from './api';
import { coverageQuery, type CoverageResult, type PeriodInput } from './queries';

/** How many years back from this one the year selector offers (those with readings). */
const YEARS_BACK = 6;

export interface Period {
  year: number;
  /** Last day of the year to date (YYYY-MM-DD). */
  through: string;
  /** The calendar year now running: its statuses are projections of the year to date. */
  inProgress: boolean;
}

const iso = (d: Date): string => d.toISOString().slice(0, 10);
/** Last day of a 1-based month, as a UTC date. */
const lastDayOf = (year: number, month: number): Date => new Date(Date.UTC(year, month, 0));

export const fullYear = (p: Period): PeriodInput => ({ year: p.year });
export const yearToDate = (p: Period): PeriodInput => ({ year: p.year, through: p.through });

/** Share of the year gone by at `through`, inclusive. */
export function yearElapsed(p: Period): number {
  const start = Date.UTC(p.year, 0, 1);
  const days = (Date.UTC(p.year + 1, 0, 1) - start) / 86_400_000;
  return (Date.parse(`${p.through}T00:00:00Z`) - start) / 86_400_000 / days + 1 / days;
}

/** Years with readings the key can see, newest first (the whole year's city coverage above zero). */
export async function yearsWithData(api: Api, thisYear = new Date().getFullYear()): Promise<number[]> {
  const years = Array.from({ length: YEARS_BACK }, (_, i) => thisYear - i);
  const fields = years.map((y) => `y${y}: aggregateIndicators(period: {year: ${y}}, groupBy: CITY) { coverage }`);
  const res = await api.query<CoverageResult>(`query Years { ${fields.join(' ')} }`);
  const found = years.filter((y) => (res.data?.[`y${y}`]?.[0]?.coverage ?? 0) > 0);
  return found.length ? found : [thisYear];
}

/** The year to date ends with the last month that has readings (the whole year once it is complete). */
export async function periodOf(api: Api, year: number, thisYear = new Date().getFullYear()): Promise<Period> {
  const res = await api.query<CoverageResult>(coverageQuery(), { year });
  let month = 12;
  while (month > 1 && !((res.data?.[`m${month}`]?.[0]?.coverage ?? 0) > 0)) month--;
  return { year, through: iso(lastDayOf(year, month)), inProgress: year === thisYear };
}

/** Months the period covers: 12 for a whole year. */
export const monthsOf = (p: Period): number => Number(p.through.slice(5, 7));

/**
 * The year the dashboard opens on: the year in progress when it has readings (its statuses are projected),
 * else the latest closed year (final figures), else the latest year with readings. A key that may not read
 * the closed years (PUBLIC) gets the latest year with readings.
 */
export async function openingYear(api: Api, years: number[], thisYear = new Date().getFullYear()): Promise<number> {
  if (years.includes(thisYear)) return thisYear;
  const res = await api.query<{ closedYears: Array<{ year: number }> | null }>('query ClosedYears { closedYears { year } }');
  const closed = (res.data?.closedYears ?? []).map((c) => c.year).filter((y) => years.includes(y));
  return closed.length ? Math.max(...closed) : years[0];
}
