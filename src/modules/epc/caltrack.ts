/**
 * CalTRACK 2.0 usage-per-day models (daily and billing), as OpenEEmeter 2.x implements them in
 * `eemeter/caltrack/usage_per_day.py` (the last version with the CalTRACK 2.0 code, before
 * commit 34280e36 of openeemeter/eemeter), with model statistics by ASHRAE Guideline 14-2014.
 * Pure functions: no database, no I/O.
 */
import { createHash } from 'node:crypto';
import { BoundedMap } from '../../bounded-map';
import { autocorrelationLag1, invert, SingularMatrixError, tQuantile, tTwoSidedP } from './stats';

export type CaltrackMethod = 'DAILY' | 'BILLING';
export type CaltrackModelType = 'INTERCEPT_ONLY' | 'HDD_ONLY' | 'CDD_ONLY' | 'HDD_CDD';

/** One observation: a day (daily method) or a billing period, with the temperatures of its days. */
export interface UsagePeriod {
  /** First day, YYYY-MM-DD. */
  start: string;
  /** Days in the period (1 for the daily method); the regression weight of the billing method. */
  days: number;
  /** Use over the whole period, in the carrier's unit. */
  usage: number;
  /** Daily mean temperatures (°C) of the days of the period that have one. */
  temps: readonly number[];
}

/**
 * Balance points: 30 to 90 °F in 1 °F steps (CalTRACK 3.2.2.1; eemeter
 * `get_too_few_non_zero_degree_day_warning` callers iterate the `hdd_<F>`/`cdd_<F>` columns that
 * `create_caltrack_daily_design_matrix` makes from `range(30, 91)`), kept here in °C.
 */
export const BALANCE_POINTS_F: readonly number[] = Array.from({ length: 61 }, (_, i) => 30 + i);
export const fahrenheitToCelsius = (f: number): number => ((f - 32) * 5) / 9;

/** Qualification thresholds; eemeter `fit_caltrack_usage_per_day_model` defaults and its billing presets. */
export const CALTRACK_RULES = {
  DAILY: { minimumNonZeroDegreeDays: 10, minimumTotalDegreeDays: 20 },
  // CalTrack 3.2.2.2.1 and 3.2.2.2.2: no minimum of non-zero periods for bills, still 20 degree days in total.
  BILLING: { minimumNonZeroDegreeDays: 0, minimumTotalDegreeDays: 20 },
  /** CalTRACK 2.0 3.4.3.2: a slope is kept only with p < 0.1 (eemeter passes it as `beta_*_maximum_p_value`). */
  maximumPValue: 0.1,
} as const;

export interface Coefficient {
  name: 'intercept' | 'betaHdd' | 'betaCdd';
  estimate: number;
  standardError: number;
  pValue: number;
}

export interface CaltrackModel {
  method: CaltrackMethod;
  type: CaltrackModelType;
  heatingBalanceF: number | null;
  coolingBalanceF: number | null;
  heatingBalanceC: number | null;
  coolingBalanceC: number | null;
  /** Usage per day = intercept + betaHdd·HDD per day + betaCdd·CDD per day. */
  intercept: number;
  betaHdd: number;
  betaCdd: number;
  coefficients: Coefficient[];
  r2: number;
  adjR2: number;
  /** ASHRAE G14: sqrt(Σ(y-ŷ)²/(n-p)) / ȳ, on the observations (days, or billing periods' usage per day). */
  cvRmse: number | null;
  /** ASHRAE G14: Σ(y-ŷ) / ((n-p)·ȳ). */
  nmbe: number | null;
  metricsFrequency: 'DAILY' | 'BILLING_PERIOD';
  n: number;
  /** Parameters fitted, intercept included. */
  p: number;
  /** Lag-1 autocorrelation of the residuals and n' = n(1-ρ)/(1+ρ) (G14 B-14; eemeter metrics.py). */
  autocorrelation: number | null;
  nPrime: number | null;
  /** Mean observed usage per period (per day for daily). */
  observedMean: number;
  candidatesAttempted: number;
  candidatesQualified: number;
}

interface Term {
  balanceF: number;
  /** Mean degree days per day, one per period. */
  x: number[];
}

/** Average degree days per day of a period at `balanceC` (eemeter `create_caltrack_billing_design_matrix` divides by days with data). */
export function degreeDaysPerDay(temps: readonly number[], balanceC: number, kind: 'HDD' | 'CDD'): number {
  if (!temps.length) return 0;
  let s = 0;
  for (const t of temps) s += Math.max(0, kind === 'HDD' ? balanceC - t : t - balanceC);
  return s / temps.length;
}

/** Fits already made, by their exact inputs: a contract not signed yet is fitted live on every read, and a grid search costs 100+ ms of CPU. */
const FITS = new BoundedMap<string, CaltrackModel | null>(256);

/**
 * `fitCaltrack`, answered from memory when the same observations were fitted before (a pure
 * function of its inputs, so the answer is the same; the model is shared, read-only).
 */
export function fitCaltrackCached(periods: readonly UsagePeriod[], method: CaltrackMethod, fitCooling: boolean): CaltrackModel | null {
  const key = createHash('sha256').update(JSON.stringify([method, fitCooling, periods.map((p) => [p.start, p.days, p.usage, p.temps])])).digest('base64');
  return FITS.getOrCompute(key, () => fitCaltrack(periods, method, fitCooling));
}

/**
 * Fits every candidate and keeps the qualified one with the highest adjusted R²
 * (eemeter `fit_caltrack_usage_per_day_model` and `select_best_candidate`, CalTrack 3.4.3.3).
 * `fitCooling` false for gas: no CDD-only or HDD+CDD candidates ("cdd models ignored for gas").
 * Null when no candidate qualifies (status "NO MODEL").
 */
export function fitCaltrack(periods: readonly UsagePeriod[], method: CaltrackMethod, fitCooling: boolean): CaltrackModel | null {
  const obs = periods.filter((p) => p.days > 0 && p.temps.length > 0 && Number.isFinite(p.usage));
  if (obs.length < 2) return null;
  const y = obs.map((p) => p.usage / p.days);
  // Daily: ordinary least squares (weights_col None); billing: weighted by days (CalTrack 3.4.2).
  const w = obs.map((p) => (method === 'BILLING' ? p.days : 1));
  const rules = CALTRACK_RULES[method];
  const term = (balanceF: number, kind: 'HDD' | 'CDD'): Term => ({ balanceF, x: obs.map((p) => degreeDaysPerDay(p.temps, fahrenheitToCelsius(balanceF), kind)) });
  // eemeter `get_total_degree_day_too_low_warning` (sum of avg × days) and `get_too_few_non_zero_degree_day_warning` (periods with > 0).
  const attemptable = (t: Term) =>
    t.x.reduce((s, v, i) => s + v * obs[i].days, 0) >= rules.minimumTotalDegreeDays && t.x.filter((v) => v > 0).length >= rules.minimumNonZeroDegreeDays;
  const hdd = BALANCE_POINTS_F.map((f) => term(f, 'HDD')).filter(attemptable);
  const cdd = fitCooling ? BALANCE_POINTS_F.map((f) => term(f, 'CDD')).filter(attemptable) : [];

  let attempted = 0;
  let qualified = 0;
  let best: { h: Term | null; c: Term | null; adjR2: number } | null = null;
  const sums = new Sums(y, w);
  const consider = (h: Term | null, c: Term | null) => {
    attempted++;
    const adjR2 = sums.qualify(h, c);
    if (adjR2 === null) return;
    qualified++;
    if (!best || adjR2 > best.adjR2) best = { h, c, adjR2 };
  };
  consider(null, null);
  for (const h of hdd) consider(h, null);
  for (const c of cdd) consider(null, c);
  // CalTrack 3.2.2.1 (eemeter `get_cdd_hdd_candidate_models`): pairs with heating balance <= cooling balance.
  for (const c of cdd) for (const h of hdd) if (h.balanceF <= c.balanceF) consider(h, c);
  const chosen = best as { h: Term | null; c: Term | null } | null;
  if (!chosen) return null;
  const model = fitCandidate(y, w, chosen.h, chosen.c, method)!;
  return { ...model, candidatesAttempted: attempted, candidatesQualified: qualified };
}

/**
 * Weighted sums for screening candidates without building their design matrices: XᵀWX and XᵀWy
 * from sums, SSR = yᵀWy - βᵀXᵀWy. Only the chosen candidate is refitted in full.
 */
class Sums {
  private readonly sw: number;
  private readonly swy: number;
  private readonly swyy: number;
  private readonly cache = new Map<Term, { sx: number; sxx: number; sxy: number }>();

  constructor(
    private readonly y: number[],
    private readonly w: number[],
  ) {
    this.sw = w.reduce((s, v) => s + v, 0);
    this.swy = y.reduce((s, v, i) => s + w[i] * v, 0);
    this.swyy = y.reduce((s, v, i) => s + w[i] * v * v, 0);
  }

  private of(t: Term) {
    let r = this.cache.get(t);
    if (!r) {
      r = { sx: 0, sxx: 0, sxy: 0 };
      for (let i = 0; i < this.y.length; i++) {
        const wx = this.w[i] * t.x[i];
        r.sx += wx;
        r.sxx += wx * t.x[i];
        r.sxy += wx * this.y[i];
      }
      this.cache.set(t, r);
    }
    return r;
  }

  /** Adjusted R² of a qualified candidate (CalTrack 3.4.3.2 as in `fitCandidate`), or null. */
  qualify(h: Term | null, c: Term | null): number | null {
    const terms = [h, c].filter((t): t is Term => t !== null);
    const n = this.y.length;
    const p = 1 + terms.length;
    if (n <= p) return null;
    const s = terms.map((t) => this.of(t));
    const xtwx = [[this.sw, ...s.map((v) => v.sx)], ...s.map((v, j) => [v.sx, ...terms.map((t, k) => (k === j ? v.sxx : this.cross(terms[j], t)))])];
    const xtwy = [this.swy, ...s.map((v) => v.sxy)];
    let inv: number[][];
    try {
      inv = invert(xtwx);
    } catch (err) {
      if (!(err instanceof SingularMatrixError)) throw err;
      return null;
    }
    const beta = inv.map((row) => row.reduce((acc, v, j) => acc + v * xtwy[j], 0));
    if (beta.some((b) => b < 0)) return null;
    const ssr = Math.max(0, this.swyy - beta.reduce((acc, b, j) => acc + b * xtwy[j], 0));
    const sigma2 = ssr / (n - p);
    // p < 0.1 (two-sided) is |t| above the 95% quantile: one quantile per df instead of a p-value per candidate.
    const critical = this.critical(n - p);
    for (let j = 1; j < p; j++) {
      const se = Math.sqrt(Math.max(0, sigma2 * inv[j][j]));
      if (se > 0 && !(Math.abs(beta[j] / se) > critical)) return null;
    }
    if (p === 1) return 0;
    const sst = this.swyy - (this.swy * this.swy) / this.sw;
    const r2 = sst > 0 ? 1 - ssr / sst : 0;
    return 1 - ((1 - r2) * (n - 1)) / (n - p);
  }

  private readonly criticalByDf = new Map<number, number>();
  private critical(df: number): number {
    let c = this.criticalByDf.get(df);
    if (c === undefined) this.criticalByDf.set(df, (c = tQuantile(1 - CALTRACK_RULES.maximumPValue / 2, df)));
    return c;
  }

  private cross(a: Term, b: Term): number {
    let s = 0;
    for (let i = 0; i < this.y.length; i++) s += this.w[i] * a.x[i] * b.x[i];
    return s;
  }
}

/** One candidate by (weighted) least squares, or null when it cannot be fitted or is disqualified. */
function fitCandidate(y: number[], w: number[], h: Term | null, c: Term | null, method: CaltrackMethod): CaltrackModel | null {
  const n = y.length;
  const rows = y.map((_, i) => [1, ...(h ? [h.x[i]] : []), ...(c ? [c.x[i]] : [])]);
  const p = rows[0].length;
  if (n <= p) return null;
  const xtwx = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  const xtwy = new Array<number>(p).fill(0);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < p; j++) {
      xtwy[j] += w[i] * rows[i][j] * y[i];
      for (let k = 0; k < p; k++) xtwx[j][k] += w[i] * rows[i][j] * rows[i][k];
    }
  }
  let inv: number[][];
  try {
    inv = invert(xtwx);
  } catch (err) {
    if (!(err instanceof SingularMatrixError)) throw err;
    return null; // singular: the candidate cannot be estimated (eemeter `get_fit_failed_candidate_model`)
  }
  const beta = inv.map((row) => row.reduce((s, v, j) => s + v * xtwy[j], 0));
  const yhat = rows.map((r) => r.reduce((s, v, j) => s + v * beta[j], 0));
  const sumW = w.reduce((s, v) => s + v, 0);
  const meanW = y.reduce((s, v, i) => s + w[i] * v, 0) / sumW;
  let ssr = 0;
  let sst = 0;
  for (let i = 0; i < n; i++) {
    ssr += w[i] * (y[i] - yhat[i]) ** 2;
    sst += w[i] * (y[i] - meanW) ** 2;
  }
  const dof = n - p;
  const sigma2 = ssr / dof;
  const names: Coefficient['name'][] = ['intercept', ...(h ? (['betaHdd'] as const) : []), ...(c ? (['betaCdd'] as const) : [])];
  const coefficients = beta.map((estimate, j): Coefficient => {
    const standardError = Math.sqrt(Math.max(0, sigma2 * inv[j][j]));
    return { name: names[j], estimate, standardError, pValue: standardError > 0 ? tTwoSidedP(estimate / standardError, dof) : 0 };
  });
  // CalTrack 3.4.3.2 (eemeter `get_parameter_negative_warning`, `get_parameter_p_value_too_high_warning`).
  if (coefficients.some((k) => k.estimate < 0)) return null;
  if (coefficients.some((k) => k.name !== 'intercept' && !(k.pValue < CALTRACK_RULES.maximumPValue))) return null;

  const r2 = p === 1 || !(sst > 0) ? 0 : 1 - ssr / sst;
  // eemeter hard-codes r_squared_adj = 0 for intercept-only (`get_intercept_only_candidate_models`).
  const adjR2 = p === 1 ? 0 : 1 - ((1 - r2) * (n - 1)) / dof;
  const residuals = y.map((v, i) => v - yhat[i]);
  const mean = y.reduce((s, v) => s + v, 0) / n;
  const sse = residuals.reduce((s, r) => s + r * r, 0);
  const rho = autocorrelationLag1(residuals);
  const nPrime = rho === null || Math.abs(rho) >= 1 ? null : (n * (1 - rho)) / (1 + rho);
  const get = (name: Coefficient['name']) => coefficients.find((k) => k.name === name)?.estimate ?? 0;
  return {
    method,
    type: h ? (c ? 'HDD_CDD' : 'HDD_ONLY') : c ? 'CDD_ONLY' : 'INTERCEPT_ONLY',
    heatingBalanceF: h?.balanceF ?? null,
    coolingBalanceF: c?.balanceF ?? null,
    heatingBalanceC: h ? fahrenheitToCelsius(h.balanceF) : null,
    coolingBalanceC: c ? fahrenheitToCelsius(c.balanceF) : null,
    intercept: get('intercept'),
    betaHdd: get('betaHdd'),
    betaCdd: get('betaCdd'),
    coefficients,
    r2,
    adjR2,
    cvRmse: mean !== 0 ? Math.sqrt(sse / dof) / mean : null,
    nmbe: mean !== 0 ? residuals.reduce((s, r) => s + r, 0) / (dof * mean) : null,
    metricsFrequency: method === 'DAILY' ? 'DAILY' : 'BILLING_PERIOD',
    n,
    p,
    autocorrelation: rho,
    nPrime,
    observedMean: mean,
    candidatesAttempted: 0,
    candidatesQualified: 0,
  };
}

/** Predicted use over a period: days × (intercept + betaHdd·HDD/day + betaCdd·CDD/day). */
export function predictPeriod(model: Pick<CaltrackModel, 'intercept' | 'betaHdd' | 'betaCdd' | 'heatingBalanceC' | 'coolingBalanceC'>, days: number, temps: readonly number[]): number {
  const hdd = model.heatingBalanceC === null ? 0 : degreeDaysPerDay(temps, model.heatingBalanceC, 'HDD');
  const cdd = model.coolingBalanceC === null ? 0 : degreeDaysPerDay(temps, model.coolingBalanceC, 'CDD');
  return days * (model.intercept + model.betaHdd * hdd + model.betaCdd * cdd);
}

/**
 * Absolute uncertainty of savings at 90% confidence (ASHRAE Guideline 14-2014 Annex B, with the
 * autocorrelation adjustment n'): t · poly(months) · CV(RMSE) · adjusted baseline ·
 * sqrt((n/n')(1 + 2/n')/m). The polynomial in months of reporting replaces G14's 1.26 as in
 * eemeter `derivatives._compute_fsu_error` (daily: -0.00024, 0.03535, 1.00286; billing: -0.00022,
 * 0.03306, 0.94054), t as in `_compute_error_bands_metered_savings` (one-tailed 95%, df = n - p).
 * `points`: reporting observations (days for daily, billing periods for billing). Null when undefined.
 */
export function savingsUncertainty(model: Pick<CaltrackModel, 'method' | 'cvRmse' | 'n' | 'p' | 'nPrime'>, points: number, adjustedBaseline: number): number | null {
  const { n, p, nPrime, cvRmse } = model;
  if (points <= 0 || nPrime === null || !(nPrime > 0) || cvRmse === null || n - p < 1) return null;
  const months = model.method === 'BILLING' ? points : points / 30;
  const [a, b, c] = model.method === 'BILLING' ? [-0.00022, 0.03306, 0.94054] : [-0.00024, 0.03535, 1.00286];
  const t = tQuantile(0.95, n - p);
  return Math.abs(t * (a * months ** 2 + b * months + c) * cvRmse * adjustedBaseline * Math.sqrt((n / nPrime) * (1 + 2 / nPrime) * (1 / points)));
}
