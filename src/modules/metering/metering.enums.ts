import { registerEnumType } from 'type-graphql';

export enum Carrier {
  ELECTRICITY = 'ELECTRICITY',
  NATURAL_GAS = 'NATURAL_GAS',
  WATER = 'WATER',
  DIESEL = 'DIESEL',
  GASOLINE = 'GASOLINE',
  LPG = 'LPG',
  COAL = 'COAL',
  HEAT = 'HEAT',
  PV_GENERATION = 'PV_GENERATION',
}

export enum MeterUnit {
  KWH = 'KWH',
  MWH = 'MWH',
  M3 = 'M3',
  L = 'L',
  KG = 'KG',
  T = 'T',
  MJ = 'MJ',
  GJ = 'GJ',
}

export enum ReadingQuality {
  MEASURED = 'MEASURED',
  ESTIMATED = 'ESTIMATED',
}

/** Units a meter of each carrier may record in; anything else is a data-entry error. */
export const UNITS_BY_CARRIER: Record<Carrier, readonly MeterUnit[]> = {
  [Carrier.ELECTRICITY]: [MeterUnit.KWH, MeterUnit.MWH],
  [Carrier.PV_GENERATION]: [MeterUnit.KWH, MeterUnit.MWH],
  [Carrier.NATURAL_GAS]: [MeterUnit.M3],
  // Water bills in China are in tonnes as often as in m³ (1 t = 1 m³).
  [Carrier.WATER]: [MeterUnit.M3, MeterUnit.T],
  [Carrier.DIESEL]: [MeterUnit.L, MeterUnit.KG, MeterUnit.T],
  [Carrier.GASOLINE]: [MeterUnit.L, MeterUnit.KG, MeterUnit.T],
  [Carrier.LPG]: [MeterUnit.KG, MeterUnit.T],
  [Carrier.COAL]: [MeterUnit.KG, MeterUnit.T],
  [Carrier.HEAT]: [MeterUnit.MJ, MeterUnit.GJ],
};

/** Water is governed apart from energy (the WATER bureau's data); everything else is energy. */
export const WATER_CARRIERS: readonly Carrier[] = [Carrier.WATER];
export const ENERGY_CARRIERS: readonly Carrier[] = Object.values(Carrier).filter((c) => c !== Carrier.WATER);

export function isWaterCarrier(carrier: Carrier): boolean {
  return WATER_CARRIERS.includes(carrier);
}

registerEnumType(Carrier, { name: 'Carrier', description: 'What a meter measures.' });
registerEnumType(MeterUnit, { name: 'MeterUnit' });
registerEnumType(ReadingQuality, { name: 'ReadingQuality' });
