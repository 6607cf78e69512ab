import type { Carrier, MeterUnit } from '../metering/metering.enums';
import type { EmissionScope } from './factors.enums';

/**
 * The factor tables as reads give them: plain rows with what the GraphQL types read, no entity
 * (the entities have the same shape, so resolvers take either; see InstitutionRow).
 */
interface VersionRow {
  id: number;
  /** The Relay id (`id` in the schema). */
  globalId: string;
  validFrom: string;
  validTo: string | null;
  source: string;
  createdAt: Date;
  createdBy: string;
}

export interface ConversionFactorRow extends VersionRow {
  carrier: Carrier;
  unit: MeterUnit;
  kgcePerUnit: number;
}

export interface EmissionFactorRow extends VersionRow {
  carrier: Carrier;
  scope: EmissionScope;
  unit: MeterUnit;
  kgCo2PerUnit: number;
  region: { id: number } | null;
}

export interface UnitConversionRow extends VersionRow {
  carrier: Carrier | null;
  fromUnit: MeterUnit;
  toUnit: MeterUnit;
  factor: number;
}
