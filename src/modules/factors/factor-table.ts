import { decimalOfNumber, decimalToNumber, div, mul, type Dec } from '../../figures/decimal';
import { ConflictError } from '../../errors/domain-errors';
import { monthStart, nextMonth } from '../accounting/period';
import { Carrier, MeterUnit } from '../metering/metering.enums';
import type { ConversionFactor } from './conversion-factor.entity';
import type { EmissionFactor } from './emission-factor.entity';
import { EmissionScope } from './factors.enums';
import type { UnitConversion } from './unit-conversion.entity';

/** Carriers counted in comprehensive energy (kgce). Water is not energy; PV is reported beside. */
export const KGCE_CARRIERS: ReadonlySet<Carrier> = new Set(
  Object.values(Carrier).filter((c) => c !== Carrier.WATER && c !== Carrier.PV_GENERATION),
);

/** The unit figures of a carrier are reported in when no conversion factor names one. */
const REPORT_UNIT: Partial<Record<Carrier, MeterUnit>> = {
  [Carrier.WATER]: MeterUnit.M3,
  [Carrier.PV_GENERATION]: MeterUnit.KWH,
};

export interface CarrierFactors {
  /** Unit the quantity is reported in (the conversion factor's unit for energy). */
  unit: MeterUnit;
  /** Meter units times this = quantity in `unit`. */
  toUnit: number;
  kgcePerMeterUnit: number | null;
  kgCo2PerMeterUnit: number | null;
  scope: EmissionScope | null;
  /** For PV: grid kgCO2 per kWh generated, the CO2 the generation avoided. */
  avoidedKgCo2PerMeterUnit: number | null;
  conversionFactorIds: number[];
  emissionFactorIds: number[];
  unitConversionIds: number[];
  /** The same factors as exact decimals (products of the rows' decimal forms), for exact sums. */
  exact: ExactFactors;
}

export interface ExactFactors {
  toUnit: Dec;
  kgce: Dec | null;
  kgCo2: Dec | null;
  avoidedKgCo2: Dec | null;
}

const ONE: Dec = { coef: 1n, scale: 0 };
/** A reverse unit conversion is a division: kept to a float's 17 significant digits. */
const RECIPROCAL_DIGITS = 17;
const dec = (n: number) => decimalOfNumber(n, 'factor');
const num = (d: Dec | null) => (d === null ? null : decimalToNumber(d));

/** The fields of a factor row the table reads (entities, or plain rows from SQL). */
export type FactorRow<T> = Omit<T, 'globalId' | 'publishedBy' | 'createdAt' | 'createdBy' | 'source'>;

const validOn = (f: { validFrom: string; validTo: string | null }, day: string) => f.validFrom <= day && (f.validTo === null || day < f.validTo);

/**
 * The factor versions, resolved for one carrier, meter unit, month and region. Each calendar
 * month uses the versions valid on its first day, so a month's figure has one factor set.
 * A unit the factors do not cover is an error naming what to add, never a silent wrong figure.
 */
export class FactorTable {
  private readonly cache = new Map<string, CarrierFactors>();
  private readonly epochs = new Map<string, string[]>();

  constructor(
    private readonly conversions: FactorRow<ConversionFactor>[],
    private readonly emissions: FactorRow<EmissionFactor>[],
    private readonly units: FactorRow<UnitConversion>[],
    /** Region id to itself and its ancestors, nearest first. */
    readonly regionChain: (regionId: number) => number[],
  ) {}

  resolve(carrier: Carrier, meterUnit: MeterUnit, month: string, regionId: number): CarrierFactors {
    const key = `${carrier}|${meterUnit}|${month}|${regionId}`;
    let hit = this.cache.get(key);
    if (!hit) {
      hit = this.compute(carrier, meterUnit, month, regionId);
      this.cache.set(key, hit);
    }
    return hit;
  }

  /**
   * The months from `from` (a month's first day) to `to` (excluded) at which the versions valid on a
   * month's first day may change, `from` first: every month from one of these to the next resolves
   * to the same factors for any carrier, unit and region, so its quantities can be added before
   * they are multiplied (the same exact product, once per run of months instead of once a month).
   */
  factorEpochs(from: string, to: string): string[] {
    const key = `${from}|${to}`;
    let hit = this.epochs.get(key);
    if (!hit) {
      const starts = new Set([from]);
      for (const rows of [this.conversions, this.emissions, this.units]) {
        for (const f of rows) {
          for (const day of [f.validFrom, f.validTo]) {
            if (day === null) continue;
            // The first month whose first day is on or after the change.
            const month = day.endsWith('-01') ? day : nextMonth(monthStart(day));
            if (month > from && month < to) starts.add(month);
          }
        }
      }
      hit = [...starts].sort();
      this.epochs.set(key, hit);
    }
    return hit;
  }

  private compute(carrier: Carrier, meterUnit: MeterUnit, month: string, regionId: number): CarrierFactors {
    const unitConversionIds: number[] = [];
    const convert = (to: MeterUnit): Dec => {
      const c = this.unitFactor(carrier, meterUnit, to, month);
      if (c.id !== null) unitConversionIds.push(c.id);
      return c.factor;
    };
    const exact: ExactFactors = { toUnit: ONE, kgce: null, kgCo2: null, avoidedKgCo2: null };
    let unit = REPORT_UNIT[carrier] ?? meterUnit;
    let scope: EmissionScope | null = null;
    const conversionFactorIds: number[] = [];
    const emissionFactorIds: number[] = [];
    if (KGCE_CARRIERS.has(carrier)) {
      const cf = this.latest(this.conversions.filter((f) => f.carrier === carrier && validOn(f, month)));
      if (!cf) throw new ConflictError(`no conversion factor to standard coal for ${carrier} is valid on ${month}: DRC must add one`, { carrier, month });
      unit = cf.unit;
      exact.toUnit = convert(cf.unit);
      exact.kgce = mul(dec(cf.kgcePerUnit), exact.toUnit);
      conversionFactorIds.push(cf.id);
      const ef = this.emissionFactor(carrier, month, regionId);
      if (!ef) throw new ConflictError(`no CO2 emission factor for ${carrier} is valid on ${month}: DRC must add one`, { carrier, month });
      exact.kgCo2 = mul(dec(ef.kgCo2PerUnit), convert(ef.unit));
      scope = ef.scope;
      emissionFactorIds.push(ef.id);
    } else {
      exact.toUnit = convert(unit);
      if (carrier === Carrier.PV_GENERATION) {
        // Avoided CO2 uses the grid factor the generation displaced, reported beside scope 2.
        const grid = this.emissionFactor(Carrier.ELECTRICITY, month, regionId);
        if (grid) {
          exact.avoidedKgCo2 = mul(dec(grid.kgCo2PerUnit), this.unitFactor(Carrier.ELECTRICITY, meterUnit, grid.unit, month).factor);
          emissionFactorIds.push(grid.id);
        }
      }
    }
    return {
      unit,
      toUnit: decimalToNumber(exact.toUnit),
      kgcePerMeterUnit: num(exact.kgce),
      kgCo2PerMeterUnit: num(exact.kgCo2),
      scope,
      avoidedKgCo2PerMeterUnit: num(exact.avoidedKgCo2),
      conversionFactorIds,
      emissionFactorIds,
      unitConversionIds,
      exact,
    };
  }

  /** The most specific region first, then the latest version. Null region: national. */
  private emissionFactor(carrier: Carrier, month: string, regionId: number): FactorRow<EmissionFactor> | null {
    const candidates = this.emissions.filter((f) => f.carrier === carrier && validOn(f, month));
    for (const rid of this.regionChain(regionId)) {
      const regional = this.latest(candidates.filter((f) => f.region?.id === rid));
      if (regional) return regional;
    }
    return this.latest(candidates.filter((f) => !f.region));
  }

  private unitFactor(carrier: Carrier, from: MeterUnit, to: MeterUnit, month: string): { factor: Dec; id: number | null } {
    if (from === to) return { factor: ONE, id: null };
    const valid = this.units.filter((u) => validOn(u, month));
    const direct = (c: Carrier | null) => this.latest(valid.filter((u) => u.carrier === c && u.fromUnit === from && u.toUnit === to));
    const found = direct(carrier) ?? direct(null);
    if (found) return { factor: dec(found.factor), id: found.id };
    const reverse = this.latest(valid.filter((u) => (u.carrier === carrier || u.carrier === null) && u.fromUnit === to && u.toUnit === from));
    if (reverse) return { factor: div(ONE, dec(reverse.factor), RECIPROCAL_DIGITS), id: reverse.id };
    throw new ConflictError(
      `${carrier} meters record in ${from} but the factor valid on ${month} is per ${to}: add a unit conversion from ${from} to ${to} for ${carrier}`,
      { carrier, fromUnit: from, toUnit: to, month },
    );
  }

  private latest<T extends { validFrom: string; id: number }>(rows: T[]): T | null {
    let best: T | null = null;
    for (const r of rows) if (!best || r.validFrom > best.validFrom || (r.validFrom === best.validFrom && r.id > best.id)) best = r;
    return best;
  }
}
