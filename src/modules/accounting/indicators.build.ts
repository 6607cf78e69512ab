/**
 * The pure half of the indicators: figures and a profile in, the API's view out (sums, ratios,
 * compliance against the quota, projection of part of a year, PUBLIC suppression). No I/O.
 */
import { add, decimalOfNumber, decimalToNumber as num, mul } from '../../figures/decimal';
import { divideExact } from '../../figures/precision';
import { IndicatorKind, isWaterIndicator } from '../compliance/compliance.enums';
import { statusOf, type QuotaBook } from '../compliance/quota-book';
import type { Reference } from '../factors/reference';
import { Carrier } from '../metering/metering.enums';
import type { InstitutionCategory } from '../registry/registry.enums';
import type { InstitutionInfo, MonthFigure, ProfileFigures } from './figures';
import type { HeadlineRow } from './indicators.repository';
import { Indicators, type ComplianceResult, type Denied } from './indicators.types';
import { isoDay, monthStart, type Period } from './period';
import { ratio, share, sumFigures } from './totals';

/**
 * Month figures named by the run of months sharing a factor set they fall in (what live meter
 * figures are keyed by), so each merges into its run's meter figure as it merged into its month's.
 */
export function inFactorRuns(figures: MonthFigure[], ref: Reference, period: Pick<Period, 'from' | 'to'>): MonthFigure[] {
  if (!figures.length) return figures;
  const runs = ref.factors.factorEpochs(monthStart(period.from), period.to);
  return figures.map((f) => {
    let run = runs[0];
    for (const r of runs) if (r <= f.month) run = r;
    return run === f.month ? f : { ...f, month: run };
  });
}

/**
 * Builds the view from figures and the profile; ratios are ratios of the exact sums, divided once.
 * Figures become floats here, each the float nearest its exact sum; the API rounds them by unit.
 */
export function buildIndicators(period: Period, figures: MonthFigure[], profile: ProfileFigures | undefined, denied: Denied, closed: boolean, count: number): Indicators {
  const t = sumFigures(figures);
  const headcount = profile?.headcount ?? null;
  const floor = profile?.floorAreaM2 ?? null;
  const visible = t.byCarrier.filter((c) => (c.carrier === Carrier.WATER ? !denied.water : !denied.energy));
  const covered = (denied.energy ? 0 : t.energyCoveredS) + (denied.water ? 0 : t.waterCoveredS);
  const expected = (denied.energy ? 0 : t.energyExpectedS) + (denied.water ? 0 : t.waterExpectedS);
  const view = new Indicators();
  const values: Partial<Indicators> = {
    denied,
    institutionId: null,
    regionId: null,
    category: null,
    period,
    institutionCount: count,
    suppressed: false,
    closed,
    pendingRecalculation: false,
    energyKgce: num(t.energyKgce),
    waterM3: num(t.waterM3),
    headcount,
    floorAreaM2: floor,
    perCapitaEnergyKgce: ratio(t.energyKgce, headcount),
    energyPerAreaKgceM2: ratio(t.energyKgce, floor),
    perCapitaWaterM3: ratio(t.waterM3, headcount),
    pvGenerationKwh: num(t.pvGenerationKwh),
    coverage: expected > 0 ? share(covered, expected) : null,
    energyCoverage: share(t.energyCoveredS, t.energyExpectedS),
    waterCoverage: share(t.waterCoveredS, t.waterExpectedS),
    byCarrier: visible.map((c) => ({ ...c, quantity: num(c.quantity), kgce: c.kgce && num(c.kgce), kgCo2: c.kgCo2 && num(c.kgCo2), coverage: share(c.coveredS, c.expectedS) })),
    emissions: {
      scope1KgCo2: num(t.scope1KgCo2),
      scope2KgCo2: num(t.scope2KgCo2),
      totalKgCo2: num(add(t.scope1KgCo2, t.scope2KgCo2)),
      avoidedKgCo2: num(t.avoidedKgCo2),
    },
    compliance: [],
    fleet: null,
    conversionFactorIds: denied.energy ? [] : t.conversionFactorIds,
    emissionFactorIds: denied.energy ? [] : t.emissionFactorIds,
    unitConversionIds: t.unitConversionIds,
  };
  Object.assign(view, values);
  return view;
}

/**
 * The view of one institution's figures from the row a headline statement computed (sums, ratios
 * and coverage made in SQL, indicators.repository.ts): what `buildIndicators` makes of the same
 * figures, for the fields the row answers (see indicators.selection.ts). Numeric text becomes the
 * float nearest it.
 */
export function headlineIndicators(period: Period, inst: InstitutionInfo, r: HeadlineRow, denied: Denied, closed: boolean, pendingRecalculation: boolean): Indicators {
  // A literal of one shape rather than a class instance given 30 properties one by one: a list makes one a row.
  return {
    denied,
    institutionId: inst.id,
    memberIds: null,
    regionId: inst.regionId,
    category: inst.category as InstitutionCategory,
    period,
    institutionCount: 1,
    suppressed: false,
    closed,
    pendingRecalculation,
    energyKgce: Number(r.energy_kgce),
    waterM3: Number(r.water_m3),
    headcount: r.headcount,
    floorAreaM2: r.floor_area_m2,
    perCapitaEnergyKgce: numberOrNull(r.per_capita_energy_kgce),
    energyPerAreaKgceM2: numberOrNull(r.energy_per_area_kgce_m2),
    perCapitaWaterM3: numberOrNull(r.per_capita_water_m3),
    pvGenerationKwh: Number(r.pv_generation_kwh),
    coverage: r.coverage,
    energyCoverage: r.energy_coverage,
    waterCoverage: r.water_coverage,
    byCarrier: [],
    emissions: {
      scope1KgCo2: Number(r.scope1_kg_co2),
      scope2KgCo2: Number(r.scope2_kg_co2),
      totalKgCo2: Number(r.total_kg_co2),
      avoidedKgCo2: Number(r.avoided_kg_co2),
    },
    compliance: [],
    fleet: null,
    conversionFactorIds: [],
    emissionFactorIds: [],
    unitConversionIds: [],
  };
}

const numberOrNull = (text: string | null) => (text === null ? null : Number(text));

/** Each indicator as its exact total over its denominator, so a projection divides once. */
const INDICATOR_PARTS: Record<IndicatorKind, (v: Indicators) => [number | null, number | null]> = {
  [IndicatorKind.PER_CAPITA_ENERGY]: (v) => [v.energyKgce, v.headcount],
  [IndicatorKind.ENERGY_PER_AREA]: (v) => [v.energyKgce, v.floorAreaM2],
  [IndicatorKind.PER_CAPITA_WATER]: (v) => [v.waterM3, v.headcount],
};

const INDICATOR_VALUE: Record<IndicatorKind, (v: Indicators) => number | null> = {
  [IndicatorKind.PER_CAPITA_ENERGY]: (v) => v.perCapitaEnergyKgce,
  [IndicatorKind.ENERGY_PER_AREA]: (v) => v.energyPerAreaKgceM2,
  [IndicatorKind.PER_CAPITA_WATER]: (v) => v.perCapitaWaterM3,
};

export function indicatorValue(view: Indicators, kind: IndicatorKind): number | null {
  return INDICATOR_VALUE[kind](view);
}

export function indicatorCoverage(view: Indicators, kind: IndicatorKind): number {
  return (isWaterIndicator(kind) ? view.waterCoverage : view.energyCoverage) ?? 0;
}

/**
 * The whole year against the quota; part of a year (to date) projected to the whole year by
 * days, as the compliance alerts do, with coverage over the days elapsed.
 */
export function complianceOf(view: Indicators, inst: InstitutionInfo, quotas: QuotaBook, period: Period, denied: Denied): ComplianceResult[] {
  const days = projectionDays(period);
  return Object.values(IndicatorKind)
    .filter((kind) => (isWaterIndicator(kind) ? !denied.water : !denied.energy))
    .flatMap((kind) => {
      const quota = quotas.find(inst, kind, period.year);
      if (!quota) return [];
      const measured = indicatorValue(view, kind);
      const value = measured === null || days === null ? measured : projectToYear(view, kind, days);
      const coverage = indicatorCoverage(view, kind);
      return [{
        indicator: kind, status: statusOf(value, coverage, quota), value, coverage, quota, constraintValue: quota.constraintValue, baselineValue: quota.baselineValue, guideValue: quota.guideValue,
        projected: days !== null, yearToDateValue: days === null ? null : measured,
      }];
    });
}

export interface ProjectionDays {
  year: number;
  elapsed: number;
}

/** Days of the year and days of the period, for a period that is part of its year; null for a whole year. */
export function projectionDays(period: Pick<Period, 'year' | 'from' | 'to'>): ProjectionDays | null {
  const days = (a: string, b: string) => (Date.parse(b) - Date.parse(a)) / 86_400_000;
  const year = days(isoDay(period.year, 1), isoDay(period.year + 1, 1));
  const elapsed = days(period.from, period.to);
  return elapsed >= year || elapsed <= 0 ? null : { year, elapsed };
}

/** Days of the year over days of the period; null for a whole year. */
export function projectionScale(period: Pick<Period, 'year' | 'from' | 'to'>): number | null {
  const d = projectionDays(period);
  return d && d.year / d.elapsed;
}

/**
 * An indicator to date projected to the whole year by days: total x days of the year over
 * (denominator x days elapsed), divided once (the compliance alerts project the same way).
 */
export function projectToYear(view: Indicators, kind: IndicatorKind, days: ProjectionDays): number | null {
  const [total, den] = INDICATOR_PARTS[kind](view);
  if (total === null || !den || den <= 0) return null;
  const dec = (n: number) => decimalOfNumber(n, 'figure');
  return divideExact(mul(dec(total), dec(days.year)), mul(dec(den), dec(days.elapsed)));
}

export function suppress(view: Indicators): Indicators {
  Object.assign(view, {
    suppressed: true, energyKgce: null, waterM3: null, headcount: null, floorAreaM2: null, perCapitaEnergyKgce: null, energyPerAreaKgceM2: null,
    perCapitaWaterM3: null, pvGenerationKwh: null, coverage: null, energyCoverage: null, waterCoverage: null, byCarrier: [], emissions: null, fleet: null,
  });
  return view;
}

export function placeholder(period: Period, inst: InstitutionInfo): Indicators {
  const v = buildIndicators(period, [], undefined, { energy: false, water: false, fleet: false }, false, 1);
  v.institutionId = inst.id;
  return v;
}
