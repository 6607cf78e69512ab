import type { InstitutionInfo } from '../accounting/figures';
import { ComplianceStatus, IndicatorKind } from './compliance.enums';
import type { QuotaStandardRow } from './compliance.types';

/** Below this share of the year covered by readings, no verdict is given. */
export const MIN_COVERAGE = 0.9;

/**
 * Where a value stands against a quota. Boundaries are inclusive on the better side: a value
 * equal to the guide value is ADVANCED, equal to the constraint value is not over it.
 */
export function statusOf(value: number | null, coverage: number, quota: Pick<QuotaStandardRow, 'constraintValue' | 'baselineValue' | 'guideValue'>): ComplianceStatus {
  if (value === null || coverage < MIN_COVERAGE) return ComplianceStatus.INSUFFICIENT_DATA;
  if (quota.guideValue !== null && value <= quota.guideValue) return ComplianceStatus.ADVANCED;
  if (value > quota.constraintValue) return ComplianceStatus.OVER_CONSTRAINT;
  if (quota.baselineValue !== null && value > quota.baselineValue) return ComplianceStatus.ABOVE_BASELINE;
  return ComplianceStatus.COMPLIANT;
}

/** The quota standards in force, looked up by institution, indicator and year (the most specific region wins). */
export class QuotaBook {
  constructor(
    private readonly quotas: QuotaStandardRow[],
    private readonly regionChain: (regionId: number) => number[],
  ) {}

  find(inst: InstitutionInfo, indicator: IndicatorKind, year: number): QuotaStandardRow | null {
    const candidates = this.quotas.filter(
      (q) => q.indicator === indicator && q.category === inst.category && q.yearFrom <= year && (q.yearTo === null || year <= q.yearTo),
    );
    for (const regionId of this.regionChain(inst.regionId)) {
      const here = candidates.filter((q) => q.region.id === regionId).sort((a, b) => b.yearFrom - a.yearFrom || b.id - a.id);
      if (here.length) return here[0];
    }
    return null;
  }
}
