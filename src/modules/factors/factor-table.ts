import { ConflictError } from '../../errors/domain-errors';
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
}

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

  private compute(carrier: Carrier, meterUnit: MeterUnit, month: string, regionId: number): CarrierFactors {
    const unitConversionIds: number[] = [];
    const convert = (to: MeterUnit): number => {
      const c = this.unitFactor(carrier, meterUnit, to, month);
      if (c.id !== null) unitConversionIds.push(c.id);
      return c.factor;
    };
    const result: CarrierFactors = {
      unit: REPORT_UNIT[carrier] ?? meterUnit,
      toUnit: 1,
      kgcePerMeterUnit: null,
      kgCo2PerMeterUnit: null,
      scope: null,
      avoidedKgCo2PerMeterUnit: null,
      conversionFactorIds: [],
      emissionFactorIds: [],
      unitConversionIds,
    };
    if (KGCE_CARRIERS.has(carrier)) {
      const cf = this.latest(this.conversions.filter((f) => f.carrier === carrier && validOn(f, month)));
      if (!cf) throw new ConflictError(`no conversion factor to standard coal for ${carrier} is valid on ${month}: DRC must add one`, { carrier, month });
      result.unit = cf.unit;
      result.toUnit = convert(cf.unit);
      result.kgcePerMeterUnit = cf.kgcePerUnit * result.toUnit;
      result.conversionFactorIds.push(cf.id);
      const ef = this.emissionFactor(carrier, month, regionId);
      if (!ef) throw new ConflictError(`no CO2 emission factor for ${carrier} is valid on ${month}: DRC must add one`, { carrier, month });
      result.kgCo2PerMeterUnit = ef.kgCo2PerUnit * convert(ef.unit);
      result.scope = ef.scope;
      result.emissionFactorIds.push(ef.id);
    } else {
      result.toUnit = convert(result.unit);
      if (carrier === Carrier.PV_GENERATION) {
        // Avoided CO2 uses the grid factor the generation displaced, reported beside scope 2.
        const grid = this.emissionFactor(Carrier.ELECTRICITY, month, regionId);
        if (grid) {
          result.avoidedKgCo2PerMeterUnit = grid.kgCo2PerUnit * this.unitFactor(Carrier.ELECTRICITY, meterUnit, grid.unit, month).factor;
          result.emissionFactorIds.push(grid.id);
        }
      }
    }
    return result;
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

  private unitFactor(carrier: Carrier, from: MeterUnit, to: MeterUnit, month: string): { factor: number; id: number | null } {
    if (from === to) return { factor: 1, id: null };
    const valid = this.units.filter((u) => validOn(u, month));
    const direct = (c: Carrier | null) => this.latest(valid.filter((u) => u.carrier === c && u.fromUnit === from && u.toUnit === to));
    const found = direct(carrier) ?? direct(null);
    if (found) return { factor: found.factor, id: found.id };
    const reverse = this.latest(valid.filter((u) => (u.carrier === carrier || u.carrier === null) && u.fromUnit === to && u.toUnit === from));
    if (reverse) return { factor: 1 / reverse.factor, id: reverse.id };
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
