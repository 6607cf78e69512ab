import { Carrier } from '../metering/metering.enums';
import { EmissionScope } from '../factors/factors.enums';
import type { MonthFigure, ProfileFigures } from './figures';

/** One carrier summed over months and institutions: a month's figure without the month, the institution and the factor ids. */
export type CarrierTotal = Pick<MonthFigure, 'carrier' | 'quantity' | 'unit' | 'kgce' | 'kgCo2' | 'scope' | 'coveredS' | 'expectedS'>;

/** Sums of figures over a period and a set of institutions; every ratio is taken from these sums. */
export interface Totals {
  energyKgce: number;
  waterM3: number;
  pvGenerationKwh: number;
  scope1KgCo2: number;
  scope2KgCo2: number;
  avoidedKgCo2: number;
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
    energyKgce: 0, waterM3: 0, pvGenerationKwh: 0, scope1KgCo2: 0, scope2KgCo2: 0, avoidedKgCo2: 0, byCarrier: [],
    energyCoveredS: 0, energyExpectedS: 0, waterCoveredS: 0, waterExpectedS: 0,
    conversionFactorIds: [], emissionFactorIds: [], unitConversionIds: [],
  };
  const byCarrier = new Map<Carrier, CarrierTotal>();
  const cf = new Set<number>();
  const ef = new Set<number>();
  const uc = new Set<number>();
  for (const f of figures) {
    const c = byCarrier.get(f.carrier) ?? { carrier: f.carrier, quantity: 0, unit: f.unit, kgce: null, kgCo2: null, scope: f.scope, coveredS: 0, expectedS: 0 };
    byCarrier.set(f.carrier, c);
    c.quantity += f.quantity;
    c.coveredS += f.coveredS;
    c.expectedS += f.expectedS;
    if (f.kgce !== null) c.kgce = (c.kgce ?? 0) + f.kgce;
    if (f.kgCo2 !== null) c.kgCo2 = (c.kgCo2 ?? 0) + f.kgCo2;
    if (f.carrier === Carrier.WATER) {
      t.waterM3 += f.quantity;
      t.waterCoveredS += f.coveredS;
      t.waterExpectedS += f.expectedS;
    } else if (f.carrier === Carrier.PV_GENERATION) {
      t.pvGenerationKwh += f.quantity;
      t.avoidedKgCo2 += f.avoidedKgCo2 ?? 0;
    } else {
      t.energyKgce += f.kgce ?? 0;
      t.energyCoveredS += f.coveredS;
      t.energyExpectedS += f.expectedS;
      if (f.scope === EmissionScope.SCOPE1) t.scope1KgCo2 += f.kgCo2 ?? 0;
      if (f.scope === EmissionScope.SCOPE2) t.scope2KgCo2 += f.kgCo2 ?? 0;
    }
    // A meter with no readings in the period used no factor.
    if (f.coveredS === 0) continue;
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

/** Headcount and floor area summed over the institutions that report them. */
export function sumProfiles(profiles: (ProfileFigures | undefined)[]): ProfileFigures {
  let headcount: number | null = null;
  let floor: number | null = null;
  for (const p of profiles) {
    if (p?.headcount) headcount = (headcount ?? 0) + p.headcount;
    if (p?.floorAreaM2) floor = (floor ?? 0) + p.floorAreaM2;
  }
  return { headcount, floorAreaM2: floor };
}

export const ratio = (num: number, den: number | null): number | null => (den && den > 0 ? num / den : null);
export const share = (covered: number, expected: number): number => (expected > 0 ? Math.min(1, covered / expected) : 0);
