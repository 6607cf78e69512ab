import { registerEnumType } from 'type-graphql';
import { Carrier, MeterUnit } from '../metering/metering.enums';

export enum VehicleType {
  SEDAN = 'SEDAN',
  BUS = 'BUS',
  VAN = 'VAN',
  TRUCK = 'TRUCK',
  /** Ambulances, fire engines, road maintenance... */
  SPECIAL_PURPOSE = 'SPECIAL_PURPOSE',
}

export enum Powertrain {
  PETROL = 'PETROL',
  DIESEL = 'DIESEL',
  /** A hybrid that cannot be plugged in: a petrol car for the NEV count. */
  HYBRID = 'HYBRID',
  PLUG_IN_HYBRID = 'PLUG_IN_HYBRID',
  BATTERY_ELECTRIC = 'BATTERY_ELECTRIC',
  FUEL_CELL = 'FUEL_CELL',
}

/** What a vehicle takes on board: fuel in litres, electricity in kWh. */
export enum VehicleEnergy {
  GASOLINE = 'GASOLINE',
  DIESEL = 'DIESEL',
  ELECTRICITY = 'ELECTRICITY',
}

registerEnumType(VehicleType, { name: 'VehicleType' });
registerEnumType(Powertrain, { name: 'Powertrain' });
registerEnumType(VehicleEnergy, { name: 'VehicleEnergy', description: 'Petrol or diesel (litres), or electricity charged (kWh).' });

/** New-energy vehicles as the national NEV policy counts them (plug-in hybrid, battery electric, fuel cell). */
export const NEV_POWERTRAINS: ReadonlySet<Powertrain> = new Set([Powertrain.PLUG_IN_HYBRID, Powertrain.BATTERY_ELECTRIC, Powertrain.FUEL_CELL]);

/** What each powertrain can take; a record of anything else is a data-entry error. Hydrogen is not recorded yet. */
export const ENERGY_BY_POWERTRAIN: Record<Powertrain, readonly VehicleEnergy[]> = {
  [Powertrain.PETROL]: [VehicleEnergy.GASOLINE],
  [Powertrain.DIESEL]: [VehicleEnergy.DIESEL],
  [Powertrain.HYBRID]: [VehicleEnergy.GASOLINE],
  [Powertrain.PLUG_IN_HYBRID]: [VehicleEnergy.GASOLINE, VehicleEnergy.ELECTRICITY],
  [Powertrain.BATTERY_ELECTRIC]: [VehicleEnergy.ELECTRICITY],
  [Powertrain.FUEL_CELL]: [],
};

/** The carrier of the factor tables and the unit a record's quantity is in. */
export const CARRIER_OF: Record<VehicleEnergy, { carrier: Carrier; unit: MeterUnit }> = {
  [VehicleEnergy.GASOLINE]: { carrier: Carrier.GASOLINE, unit: MeterUnit.L },
  [VehicleEnergy.DIESEL]: { carrier: Carrier.DIESEL, unit: MeterUnit.L },
  [VehicleEnergy.ELECTRICITY]: { carrier: Carrier.ELECTRICITY, unit: MeterUnit.KWH },
};
