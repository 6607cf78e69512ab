import { add, decimalOfNumber, decimalToNumber, ZERO, type Dec } from '../../figures/decimal';
import { divideExact } from '../../figures/precision';
import { Carrier } from '../metering/metering.enums';
import { EmissionScope } from '../factors/factors.enums';
import type { MonthFigure, ProfileFigures } from './figures';

/** One carrier summed over months and institutions: a month's figure without the month, the institution and the factor ids. */
export type CarrierTotal = Pick<MonthFigure, 'carrier' | 'quantity' | 'unit' | 'kgce' | 'kgCo2' | 'scope' | 'coveredS' | 'expectedS'>;

/** Exact sums of figures over a period and a set of institutions; every ratio is taken from these sums. */
export interface Totals {
  energyKgce: Dec;
  waterM3: Dec;
  pvGenerationKwh: Dec;
  scope1KgCo2: Dec;
  scope2KgCo2: Dec;
  avoidedKgCo2: Dec;
  byCarrier: CarrierTotal[];
  energyCoveredS: number;
  energyExpectedS: number;
  waterCoveredS: number;
  waterExpectedS: number;
  conversionFactorIds: number[];
  emissionFactorIds: number[];
  unitConversionIds: number[];
}

export function sumFigures(figures: MonthFigure[]): Totals {
  const t: Totals = {
    energyKgce: ZERO, waterM3: ZERO, pvGenerationKwh: ZERO, scope1KgCo2: ZERO, scope2KgCo2: ZERO, avoidedKgCo2: ZERO, byCarrier: [],
    energyCoveredS: 0, energyExpectedS: 0, waterCoveredS: 0, waterExpectedS: 0,
    conversionFactorIds: [], emissionFactorIds: [], unitConversionIds: [],
  };
  const byCarrier = new Map<Carrier, CarrierTotal>();
  const cf = new Set<number>();
  const ef = new Set<number>();
  const uc = new Set<number>();
  for (const f of figures) {
    const c = byCarrier.get(f.carrier) ?? { carrier: f.carrier, quantity: ZERO, unit: f.unit, kgce: null, kgCo2: null, scope: f.scope, coveredS: 0, expectedS: 0 };
    byCarrier.set(f.carrier, c);
    // Quantities add exactly; seconds are whole numbers (coverage is their ratio).
    c.quantity = add(c.quantity, f.quantity);
    c.coveredS += f.coveredS;
    c.expectedS += f.expectedS;
    if (f.kgce !== null) c.kgce = add(c.kgce ?? ZERO, f.kgce);
    if (f.kgCo2 !== null) c.kgCo2 = add(c.kgCo2 ?? ZERO, f.kgCo2);
    if (f.carrier === Carrier.WATER) {
      t.waterM3 = add(t.waterM3, f.quantity);
      t.waterCoveredS += f.coveredS;
      t.waterExpectedS += f.expectedS;
    } else if (f.carrier === Carrier.PV_GENERATION) {
      if (f.avoidedKgCo2) t.avoidedKgCo2 = add(t.avoidedKgCo2, f.avoidedKgCo2);
      t.pvGenerationKwh = add(t.pvGenerationKwh, f.quantity);
    } else {
      if (f.kgce) t.energyKgce = add(t.energyKgce, f.kgce);
      t.energyCoveredS += f.coveredS;
      t.energyExpectedS += f.expectedS;
      if (f.kgCo2 && f.scope === EmissionScope.SCOPE1) t.scope1KgCo2 = add(t.scope1KgCo2, f.kgCo2);
      if (f.kgCo2 && f.scope === EmissionScope.SCOPE2) t.scope2KgCo2 = add(t.scope2KgCo2, f.kgCo2);
    }
    // A meter with no readings in the period used no factor (vehicle records add quantity, not coverage).
    if (f.coveredS === 0 && f.quantity.coef === 0n) continue;
    f.conversionFactorIds.forEach((id) => cf.add(id));
    f.emissionFactorIds.forEach((id) => ef.add(id));
    f.unitConversionIds.forEach((id) => uc.add(id));
  }
  t.byCarrier = [...byCarrier.values()].sort((a, b) => a.carrier.localeCompare(b.carrier));
  t.conversionFactorIds = [...cf].sort((a, b) => a - b);
  t.emissionFactorIds = [...ef].sort((a, b) => a - b);
  t.unitConversionIds = [...uc].sort((a, b) => a - b);
  return t;
}

/** Headcount and floor area summed over the institutions that report them (areas exactly). */
export function sumProfiles(profiles: (ProfileFigures | undefined)[]): ProfileFigures {
  let headcount: number | null = null;
  let floor: Dec | null = null;
  for (const p of profiles) {
    if (p?.headcount) headcount = (headcount ?? 0) + p.headcount;
    if (p?.floorAreaM2) floor = add(floor ?? ZERO, decimalOfNumber(p.floorAreaM2, 'floor area'));
  }
  return { headcount, floorAreaM2: floor && decimalToNumber(floor) };
}

/** An intensity: an exact total over a denominator, divided once; null without a denominator. */
export const ratio = (num: Dec, den: number | null): number | null => (den && den > 0 ? divideExact(num, decimalOfNumber(den, 'denominator')) : null);
export const share = (covered: number, expected: number): number => (expected > 0 ? Math.min(1, covered / expected) : 0);
