import type pg from 'pg';
import type { Principal } from '../../access/principal';
import { loadReference } from '../factors/reference';
import { importLedger } from '../imports/ledger-import';
import type { RawRow } from '../imports/reading-file.parser';
import { ValidationError } from '../../errors/domain-errors';
import { fromGlobalId } from '../../graphql/relay';
import { VehicleEnergy } from './fleet.enums';
import { fleetNames } from './fleet.repository';
import { applyEnergyRows, energyRowProblems, type EnergyIngestResult, type EnergyRow } from './vehicle-energy.service';

/** Headers a fuel and charging file may use (compared lower-cased), Chinese ledgers' first. */
export const ENERGY_COLUMNS = {
  plate: ['车牌号', '车牌', '车牌号码', 'plate'],
  vehicleId: ['vehicle_id', 'vehicleid'],
  day: ['日期', '加油日期', '充电日期', 'day', 'date'],
  energy: ['能源类型', '燃料类型', '油品', '类型', 'energy', 'fuel'],
  quantity: ['数量', '加油量', '加油量(升)', '加油量（升）', '充电量', '充电量(kwh)', '充电量（kwh）', '充电量(千瓦时)', '充电量（千瓦时）', 'quantity'],
  odometerKm: ['里程表读数', '里程表读数(km)', '里程表读数（km）', '里程', '里程(km)', '里程（km）', '公里数', 'odometer_km', 'odometer'],
  chargingPoint: ['充电桩', '充电桩编号', 'charging_point', 'chargingpoint'],
} as const;
type EnergyColumn = keyof typeof ENERGY_COLUMNS;

/** How ledgers name the energy: 汽油 (92#, 95#), 柴油 (0#), 电. */
const ENERGY_NAMES: Record<string, VehicleEnergy> = {
  汽油: VehicleEnergy.GASOLINE, '92#': VehicleEnergy.GASOLINE, '95#': VehicleEnergy.GASOLINE, '98#': VehicleEnergy.GASOLINE, gasoline: VehicleEnergy.GASOLINE, petrol: VehicleEnergy.GASOLINE,
  柴油: VehicleEnergy.DIESEL, '0#': VehicleEnergy.DIESEL, diesel: VehicleEnergy.DIESEL,
  电: VehicleEnergy.ELECTRICITY, 充电: VehicleEnergy.ELECTRICITY, 电力: VehicleEnergy.ELECTRICITY, electricity: VehicleEnergy.ELECTRICITY,
};

/** A file of that many rows goes through in one transaction; a bigger ledger is split. */
export const MAX_FILE_ROWS = 100_000;

export interface EnergyImportResult extends EnergyIngestResult {
  rows: number;
}

const text = (v: string | Date | undefined) => (v instanceof Date ? v.toISOString().slice(0, 10) : (v ?? '').trim());
const num = (v: string) => (v === '' ? NaN : Number(v.replace(/,/g, '')));

/**
 * Imports a CSV or XLSX ledger of refuellings and chargings with the rules of the GraphQL batch,
 * all rows or none: every problem goes to the report beside the file (`<file>.rejected.csv`).
 */
export async function importVehicleEnergy(pool: pg.Pool, file: string, opts: { principal?: Principal; submittedBy: string; maxRows?: number }): Promise<EnergyImportResult> {
  const names = await fleetNames(pool);
  // Read before the import's transaction takes its connection (see closedSpans).
  const { closedYears } = await loadReference(pool);
  return importLedger(pool, file, {
    columns: ENERGY_COLUMNS,
    required: [['plate', 'vehicleId'], ['day'], ['energy'], ['quantity'], ['odometerKm']],
    maxRows: Math.min(opts.maxRows ?? MAX_FILE_ROWS, MAX_FILE_ROWS),
    parse: (raw, columns) => parseRow(raw, columns, names),
    apply: (client, rows) => applyEnergyRows(client, opts.principal ?? null, rows, opts.submittedBy, closedYears),
    headerOf: (field, c) => c[(field === 'vehicleId' ? (c.plate ? 'plate' : 'vehicleId') : field === 'chargingPointId' ? 'chargingPoint' : field) as EnergyColumn] ?? field,
  });
}

function parseRow(raw: RawRow, c: Partial<Record<EnergyColumn, string>>, names: Awaited<ReturnType<typeof fleetNames>>): { row: EnergyRow } | { problems: { row: number; column: string; reason: string }[] } {
  const problems: { row: number; column: string; reason: string }[] = [];
  const cell = (col: EnergyColumn) => (c[col] ? text(raw.cells.get(c[col]!)) : '');
  const bad = (col: EnergyColumn, reason: string) => problems.push({ row: raw.row, column: c[col] ?? col, reason });
  let vehicleId = NaN;
  if (cell('vehicleId')) {
    try {
      vehicleId = Number(fromGlobalId(cell('vehicleId'), 'Vehicle', 'vehicleId').id);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      bad('vehicleId', `"${cell('vehicleId')}" is not a vehicle ID`);
    }
  } else {
    const plate = cell('plate').replace(/[·•.\s-]/g, '').toUpperCase();
    if (!plate) bad('plate', 'no vehicle given');
    else if (!names.vehicleByPlate.has(plate)) bad('plate', `no vehicle with plate "${plate}"`);
    else vehicleId = names.vehicleByPlate.get(plate)!;
  }
  const energy = ENERGY_NAMES[cell('energy').toLowerCase()] ?? ENERGY_NAMES[cell('energy')] ?? (Object.values(VehicleEnergy) as string[]).find((e) => e === cell('energy').toUpperCase());
  if (!energy) bad('energy', `"${cell('energy')}" is not 汽油, 柴油 or 电 (GASOLINE, DIESEL, ELECTRICITY)`);
  const day = cell('day').replace(/\//g, '-').replace(/^(\d{4})-(\d{1,2})-(\d{1,2}).*$/, (_, y: string, m: string, d: string) => `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`);
  let chargingPointId: number | null = null;
  if (cell('chargingPoint')) {
    chargingPointId = names.pointByCode.get(cell('chargingPoint')) ?? null;
    if (chargingPointId === null) bad('chargingPoint', `no charging point with code "${cell('chargingPoint')}"`);
  }
  const row = { vehicleId, day, energy: energy as VehicleEnergy, quantity: num(cell('quantity')), odometerKm: num(cell('odometerKm')), chargingPointId };
  if (energy) {
    const field: Record<string, EnergyColumn> = { day: 'day', quantity: 'quantity', odometerKm: 'odometerKm', chargingPointId: 'chargingPoint' };
    for (const p of energyRowProblems(row)) bad(field[p.field], p.field === 'quantity' || p.field === 'odometerKm' ? `"${cell(field[p.field])}": ${p.message}` : p.message);
  }
  return problems.length ? { problems } : { row };
}
