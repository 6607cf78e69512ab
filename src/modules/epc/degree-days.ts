/** Degree days and the CalTRACK/OpenEEmeter-style monthly degree-day baseline. Pure functions. */

// Degree days

export type DegreeDayKind = 'HDD' | 'CDD';

/** Sum over days of max(0, balance - t) (HDD) or max(0, t - balance) (CDD), in °C·day. */
export function degreeDays(dailyMeanTempsC: readonly number[], balanceC: number, kind: DegreeDayKind): number {
  if (!Number.isFinite(balanceC)) throw new Error(`degreeDays: balance point must be finite, got ${balanceC}`);
  if (kind !== 'HDD' && kind !== 'CDD') throw new Error(`degreeDays: kind must be HDD or CDD, got ${String(kind)}`);
  let sum = 0;
  for (const t of dailyMeanTempsC) {
    // A missing day must be handled (and counted in coverage) by the caller, not silently skipped.
    if (!Number.isFinite(t)) throw new Error(`degreeDays: daily mean temperature must be finite, got ${t}`);
    sum += Math.max(0, kind === 'HDD' ? balanceC - t : t - balanceC);
  }
  return sum;
}

// Least squares and the CalTRACK-style monthly degree-day model

/**
 * Solves a·x = b by Gaussian elimination with partial pivoting. Throws on a singular (or
 * numerically singular: pivot below 1e-12 of the largest entry) matrix rather than returning
 * meaningless huge coefficients.
 */
export function solveLinearSystem(a: readonly (readonly number[])[], b: readonly number[]): number[] {
  const n = b.length;
  if (n === 0 || a.length !== n || a.some((row) => row.length !== n)) {
    throw new Error(`solveLinearSystem: need a square ${n}x${n} matrix`);
  }
  const m = a.map((row, i) => [...row, b[i]]);
  let largest = 0;
  for (const row of a) for (const v of row) largest = Math.max(largest, Math.abs(v));
  if (!Number.isFinite(largest)) throw new Error('solveLinearSystem: matrix has non-finite entries');
  const tolerance = largest * 1e-12;

  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r][col]) > Math.abs(m[pivot][col])) pivot = r;
    if (!(Math.abs(m[pivot][col]) > tolerance)) throw new Error('solveLinearSystem: singular matrix');
    [m[col], m[pivot]] = [m[pivot], m[col]];
    for (let r = col + 1; r < n; r++) {
      const f = m[r][col] / m[col][col];
      for (let c = col; c <= n; c++) m[r][c] -= f * m[col][c];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = m[r][n];
    for (let c = r + 1; c < n; c++) s -= m[r][c] * x[c];
    x[r] = s / m[r][r];
  }
  return x;
}

/**
 * Weighted least squares via the normal equations (XᵀWX)β = XᵀWy. Rows of `x` include the
 * intercept column if one is wanted. Weights default to 1 (ordinary least squares).
 * Fine for the ≤ 3 well-scaled parameters used here; throws on a singular XᵀWX.
 */
export function leastSquares(x: readonly (readonly number[])[], y: readonly number[], weights?: readonly number[]): number[] {
  if (x.length === 0 || x.length !== y.length) throw new Error('leastSquares: x and y need the same, non-zero, number of rows');
  if (weights && weights.length !== y.length) throw new Error('leastSquares: one weight per row');
  const p = x[0].length;
  const a = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  const b = new Array<number>(p).fill(0);
  x.forEach((row, i) => {
    if (row.length !== p) throw new Error('leastSquares: rows of x differ in length');
    const w = weights ? weights[i] : 1;
    for (let j = 0; j < p; j++) {
      b[j] += w * row[j] * y[i];
      for (let k = 0; k < p; k++) a[j][k] += w * row[j] * row[k];
    }
  });
  return solveLinearSystem(a, b);
}

/** One baseline period (usually a calendar month or a billing period). */
export interface DegreeDayPeriod {
  /** Days in the period (> 0); also the regression weight. */
  days: number;
  /** Period totals of HDD (°C·day), keyed by balance point in °C. */
  hddByBalance: Record<number, number>;
  /** Period totals of CDD (°C·day), keyed by balance point in °C. */
  cddByBalance: Record<number, number>;
  /** Period total consumption (e.g. kgce or kWh). */
  usage: number;
}

export interface BalanceCandidates {
  heating: readonly number[];
  cooling: readonly number[];
}

export type DegreeDayModelKind = 'INTERCEPT_ONLY' | 'HEATING' | 'COOLING' | 'HEATING_COOLING';

/** usage per day = intercept + betaHeating·HDD/day + betaCooling·CDD/day. */
export interface DegreeDayModel {
  model: DegreeDayModelKind;
  intercept: number;
  /** 0 when the model has no heating term. */
  betaHeating: number;
  /** 0 when the model has no cooling term. */
  betaCooling: number;
  heatingBalanceC: number | null;
  coolingBalanceC: number | null;
  /** Weighted (by days) coefficient of determination; 0 when usage per day does not vary. */
  r2: number;
  /** 1 - (1 - r2)(n - 1)/(n - p); the selection criterion. */
  adjR2: number;
  /** sqrt(Σ(y - ŷ)² / (n - p)) / mean(y) on usage per day, unweighted; null when mean(y) is 0. */
  cvRmse: number | null;
  /** Number of periods fitted. */
  n: number;
}

/** Adjusted R² closer than this counts as a tie, which the simpler model wins (float noise). */
const ADJ_R2_TIE = 1e-12;

/**
 * CalTRACK-style monthly (billing) baseline: fits usage per day against HDD/day and CDD/day.
 *
 * - Weighted least squares with weight = days in the period, as CalTRACK does for billing data,
 *   so a 28-day month counts less than a 31-day one.
 * - Candidates: intercept-only; heating-only and cooling-only at each candidate balance point;
 *   heating+cooling for each pair with heating balance ≤ cooling balance.
 * - A model with a beta ≤ 0 is rejected (CalTRACK keeps only positive slopes; its p-value
 *   test is not applied here). A candidate whose XᵀWX is singular (e.g. HDD all zero at that
 *   balance point) cannot be estimated and is skipped, as is one with n ≤ p.
 * - The highest adjusted R² wins; within 1e-12 the simpler model wins.
 */
export function fitDegreeDayModel(periods: readonly DegreeDayPeriod[], candidates: BalanceCandidates): DegreeDayModel {
  const n = periods.length;
  if (n < 2) throw new Error(`fitDegreeDayModel: need at least 2 periods, got ${n}`);
  periods.forEach((p, i) => {
    if (!Number.isFinite(p.days) || p.days <= 0) throw new Error(`fitDegreeDayModel: period ${i} has days ${p.days}; need > 0`);
    if (!Number.isFinite(p.usage)) throw new Error(`fitDegreeDayModel: period ${i} has non-finite usage`);
  });
  const y = periods.map((p) => p.usage / p.days);
  const w = periods.map((p) => p.days);
  const perDay = (source: 'hddByBalance' | 'cddByBalance', balance: number): number[] =>
    periods.map((p, i) => {
      const total = p[source][balance];
      if (total === undefined || !Number.isFinite(total)) {
        throw new Error(`fitDegreeDayModel: period ${i} has no ${source === 'hddByBalance' ? 'HDD' : 'CDD'} at balance ${balance} °C`);
      }
      return total / p.days;
    });

  const interceptOnly = fitOne(y, w, null, null);
  if (!interceptOnly) throw new Error('fitDegreeDayModel: intercept-only model could not be fitted');
  let best: DegreeDayModel = interceptOnly;
  const consider = (m: DegreeDayModel | null): void => {
    if (m && m.adjR2 > best.adjR2 + ADJ_R2_TIE) best = m;
  };

  const hdd = new Map(candidates.heating.map((b) => [b, perDay('hddByBalance', b)] as const));
  const cdd = new Map(candidates.cooling.map((b) => [b, perDay('cddByBalance', b)] as const));
  // Simpler models first, so that ties keep the simpler one.
  for (const [hb, h] of hdd) consider(fitOne(y, w, { balance: hb, x: h }, null));
  for (const [cb, c] of cdd) consider(fitOne(y, w, null, { balance: cb, x: c }));
  for (const [hb, h] of hdd) {
    for (const [cb, c] of cdd) {
      if (hb <= cb) consider(fitOne(y, w, { balance: hb, x: h }, { balance: cb, x: c }));
    }
  }
  return best;
}

interface Term {
  balance: number;
  /** Degree days per day, one per period. */
  x: number[];
}

/** Fits one candidate; null when it cannot be estimated or is rejected. */
function fitOne(y: number[], w: number[], heating: Term | null, cooling: Term | null): DegreeDayModel | null {
  const n = y.length;
  const p = 1 + (heating ? 1 : 0) + (cooling ? 1 : 0);
  if (n <= p) return null;
  const rows = y.map((_, i) => [1, ...(heating ? [heating.x[i]] : []), ...(cooling ? [cooling.x[i]] : [])]);
  let beta: number[];
  try {
    beta = leastSquares(rows, y, w);
  } catch (e) {
    if (e instanceof Error && /singular/.test(e.message)) return null;
    throw e;
  }
  const intercept = beta[0];
  const betaHeating = heating ? beta[1] : 0;
  const betaCooling = cooling ? beta[p - 1] : 0;
  if ((heating && !(betaHeating > 0)) || (cooling && !(betaCooling > 0))) return null;

  const yhat = rows.map((row) => row.reduce((s, v, j) => s + v * beta[j], 0));
  const sumW = w.reduce((s, v) => s + v, 0);
  const meanW = y.reduce((s, v, i) => s + w[i] * v, 0) / sumW;
  let sse = 0;
  let sst = 0;
  let sseUnweighted = 0;
  y.forEach((v, i) => {
    const r = v - yhat[i];
    sse += w[i] * r * r;
    sst += w[i] * (v - meanW) ** 2;
    sseUnweighted += r * r;
  });
  const r2 = sst > 0 ? 1 - sse / sst : 0;
  const adjR2 = 1 - ((1 - r2) * (n - 1)) / (n - p);
  const mean = y.reduce((s, v) => s + v, 0) / n;
  const cvRmse = mean !== 0 ? Math.sqrt(sseUnweighted / (n - p)) / mean : null;

  const model: DegreeDayModelKind = heating ? (cooling ? 'HEATING_COOLING' : 'HEATING') : cooling ? 'COOLING' : 'INTERCEPT_ONLY';
  return {
    model,
    intercept,
    betaHeating,
    betaCooling,
    heatingBalanceC: heating ? heating.balance : null,
    coolingBalanceC: cooling ? cooling.balance : null,
    r2,
    adjR2,
    cvRmse,
    n,
  };
}

/** Reporting-period conditions: HDD and CDD are period totals at the model's balance points. */
export interface ReportingConditions {
  days: number;
  hdd: number;
  cdd: number;
}

/**
 * Adjusted baseline for a reporting period (total, not per day): what the baseline site would
 * have used under these conditions. Terms absent from the model contribute nothing.
 */
export function predict(
  model: Pick<DegreeDayModel, 'intercept' | 'betaHeating' | 'betaCooling'>,
  period: ReportingConditions,
): number {
  if (!Number.isFinite(period.days) || period.days <= 0) throw new Error(`predict: days must be > 0, got ${period.days}`);
  // days·(a + bh·HDD/days + bc·CDD/days) = a·days + bh·HDD + bc·CDD
  return model.intercept * period.days + model.betaHeating * period.hdd + model.betaCooling * period.cdd;
}
