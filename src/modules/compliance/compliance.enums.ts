import { registerEnumType } from 'type-graphql';

/** The three headline indicators of the programme. */
export enum IndicatorKind {
  /** 人均综合能耗, kgce per person a year. */
  PER_CAPITA_ENERGY = 'PER_CAPITA_ENERGY',
  /** 单位建筑面积能耗, kgce per m² a year. */
  ENERGY_PER_AREA = 'ENERGY_PER_AREA',
  /** 人均水耗, m³ per person a year. */
  PER_CAPITA_WATER = 'PER_CAPITA_WATER',
}

export const WATER_INDICATORS: readonly IndicatorKind[] = [IndicatorKind.PER_CAPITA_WATER];
export const isWaterIndicator = (k: IndicatorKind) => WATER_INDICATORS.includes(k);

export enum ComplianceStatus {
  /** At or below the guide value. */
  ADVANCED = 'ADVANCED',
  /** At or below the baseline value (or the constraint value where no baseline is set). */
  COMPLIANT = 'COMPLIANT',
  /** Above the baseline value, at or below the constraint value. */
  ABOVE_BASELINE = 'ABOVE_BASELINE',
  /** Above the constraint value: the institution must find the cause and rectify. */
  OVER_CONSTRAINT = 'OVER_CONSTRAINT',
  /** Readings cover less than 90% of the year: no verdict. */
  INSUFFICIENT_DATA = 'INSUFFICIENT_DATA',
}

export enum RectificationStatus {
  OPEN = 'OPEN',
  RESPONDED = 'RESPONDED',
  ACCEPTED = 'ACCEPTED',
  RETURNED = 'RETURNED',
}

export enum AlertDirection {
  /** Year-to-date use, projected to the full year, went over the constraint value. */
  CROSSED_ABOVE = 'CROSSED_ABOVE',
  /** It came back at or under it. */
  BACK_UNDER = 'BACK_UNDER',
}

export enum AssessmentStatus {
  /** Entries may be commented and recomputed until someone signs. */
  OPEN = 'OPEN',
  /** GOA, DRC and FINANCE have signed: nothing changes any more. */
  FINAL = 'FINAL',
}

registerEnumType(IndicatorKind, { name: 'IndicatorKind' });
registerEnumType(ComplianceStatus, { name: 'ComplianceStatus' });
registerEnumType(RectificationStatus, { name: 'RectificationStatus' });
registerEnumType(AlertDirection, { name: 'AlertDirection' });
registerEnumType(AssessmentStatus, { name: 'AssessmentStatus' });
