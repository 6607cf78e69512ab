/** Routine baseline adjustment, savings and data sufficiency (IPMVP option C). Pure functions. */
import { MIN_COVERAGE } from '../compliance/quota-book';

// Routine baseline adjustment

export type BaselineDriverKind = 'FLOOR_AREA' | 'HEADCOUNT' | 'NONE';

export interface SiteFacts {
  floorAreaM2?: number | null;
  headcount?: number | null;
}

/**
 * Scales the baseline period's consumption by current/baseline of the driver (IPMVP routine
 * adjustment: the site grew, so would its consumption have). 'NONE' returns it unchanged.
 * Both driver values must be finite and > 0: a zero or missing area/headcount is not a routine
 * change but bad data or a non-routine event, so we refuse rather than return 0 or Infinity.
 */
export function adjustBaseline(
  baselineKgce: number,
  baseline: SiteFacts,
  current: SiteFacts,
  driver: BaselineDriverKind,
): number {
  if (!Number.isFinite(baselineKgce)) throw new Error(`adjustBaseline: baselineKgce must be a finite number, got ${baselineKgce}`);
  if (driver === 'NONE') return baselineKgce;
  const key = driverKey(driver);
  const from = positive(baseline[key], `baseline ${key}`);
  const to = positive(current[key], `current ${key}`);
  return (baselineKgce * to) / from;
}

function driverKey(driver: Exclude<BaselineDriverKind, 'NONE'>): keyof SiteFacts {
  if (driver === 'FLOOR_AREA') return 'floorAreaM2';
  if (driver === 'HEADCOUNT') return 'headcount';
  throw new Error(`adjustBaseline: unknown driver ${String(driver)}`);
}

function positive(value: number | null | undefined, what: string): number {
  if (value === null || value === undefined || !Number.isFinite(value) || value <= 0) {
    throw new Error(`adjustBaseline: ${what} must be a number > 0, got ${String(value)}`);
  }
  return value;
}

// Savings and coverage

export interface Savings {
  savingsKgce: number;
  /** savings / adjusted baseline; null when the adjusted baseline is 0 (rate undefined). */
  savingsRate: number | null;
}

/** Avoided consumption = adjusted baseline - actual (negative when consumption rose). */
export function savings(adjustedBaselineKgce: number, actualKgce: number): Savings {
  if (!Number.isFinite(adjustedBaselineKgce) || !Number.isFinite(actualKgce)) {
    throw new Error('savings: adjusted baseline and actual must be finite numbers');
  }
  const savingsKgce = adjustedBaselineKgce - actualKgce;
  return { savingsKgce, savingsRate: adjustedBaselineKgce === 0 ? null : savingsKgce / adjustedBaselineKgce };
}

/** Share of the period with valid data below which a settlement period is not settled. */
export { MIN_COVERAGE };

export type PeriodFlag = 'OK' | 'INSUFFICIENT_DATA';

/** 'OK' from MIN_COVERAGE (inclusive) up; anything else, NaN included, is insufficient. */
export function periodFlag(coverage: number): PeriodFlag {
  return coverage >= MIN_COVERAGE ? 'OK' : 'INSUFFICIENT_DATA';
}
